"""Citizen side of handoff (being built; see issues 5 and 6)."""

from __future__ import annotations

from aiogram import Router

router = Router(name="handoff")
