"""Inline-button payloads (at most 64 bytes each)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MenuCb(CallbackData, prefix="menu"):
    section: str  # "main" or one of bot.menu.SECTIONS


class GoCb(CallbackData, prefix="go"):
    """Run a feature, as if the citizen had asked for it in words."""

    feature: str
    arg: str = ""


class LangCb(CallbackData, prefix="lang"):
    code: str
