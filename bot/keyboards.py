"""Keyboards built from the feature registry and the catalogs."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import GoCb, LangCb, MenuCb
from bot.context import FEATURES
from core.i18n import Translator

# The four service categories of the 12123 hotline.
SECTIONS: tuple[str, ...] = ("inquiry", "business", "consult", "changes")


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for section in SECTIONS:
        kb.button(text=t(f"menu-section-{section}"), callback_data=MenuCb(section=section))
    if "human" in FEATURES:
        kb.button(text=t(FEATURES["human"].title_id), callback_data=GoCb(feature="human"))
    kb.button(text=t("menu-language"), callback_data=GoCb(feature="language"))
    kb.adjust(2, 2, 2)
    return kb.as_markup()


def section_menu(t: Translator, section: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    items = sorted((f for f in FEATURES.values() if f.section == section), key=lambda f: (f.order, f.name))
    for item in items:
        kb.button(text=t(item.title_id), callback_data=GoCb(feature=item.name))
    kb.adjust(2)
    kb.row(InlineKeyboardButton(text=t("menu-back"), callback_data=MenuCb(section="main").pack()))
    return kb.as_markup()


def language_menu() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="English", callback_data=LangCb(code="en").pack()),
                InlineKeyboardButton(text="中文", callback_data=LangCb(code="zh").pack()),
            ]
        ]
    )


def buttons(*rows: list[tuple[str, GoCb | MenuCb | str]]) -> InlineKeyboardMarkup:
    """Small helper: rows of (text, callback) pairs; a str callback is used as is."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=text, callback_data=cb if isinstance(cb, str) else cb.pack())
                for text, cb in row
            ]
            for row in rows
        ]
    )
