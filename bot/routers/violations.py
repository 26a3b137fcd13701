"""Citizen services: violations (being built; see issue 4)."""

from __future__ import annotations

from aiogram import Router

router = Router(name="violations")
