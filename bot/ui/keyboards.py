"""Inline keyboards, one way: rows of (text, payload) pairs given to `buttons()`.

`grid()` lays a list of buttons out in rows, `page_row()` is the "previous / next" row of every
paged list (a page turn then edits the message in place: `Ctx.update_message`), `web_app_row()`
a button that opens a page of the Mini App, and the menus are built from the feature registry
and the catalogs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.context import FEATURES
from bot.ui.callbacks import GoCb, LangCb, MenuCb
from core.config import Settings
from core.i18n import Translator
from messenger.webapp import web_app_info

Button = tuple[str, CallbackData | WebAppInfo]  # (text, payload, or the Mini App page it opens)
Row = Sequence[Button]

# The four service categories of the 12123 hotline.
SECTIONS: tuple[str, ...] = ("inquiry", "business", "consult", "changes")


def buttons(*rows: Row) -> InlineKeyboardMarkup:
    """An inline keyboard of ``rows``; empty rows are left out."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(text, payload) for text, payload in row] for row in rows if row]
    )


def _button(text: str, payload: CallbackData | WebAppInfo) -> InlineKeyboardButton:
    if isinstance(payload, WebAppInfo):
        return InlineKeyboardButton(text=text, web_app=payload)
    return InlineKeyboardButton(text=text, callback_data=payload.pack())


def web_app_row(
    t: Translator, settings: Settings, title_id: str, page: str, arg: str = "", **title_args: object
) -> list[Button]:
    """A row of one ``web_app`` button opening the Mini App at ``page`` (``arg``: a record's id),
    labelled with the catalog's ``title_id``; empty (no row) when Telegram could not open the
    Mini App (no https PUBLIC_URL outside the sandbox): the chat works without it."""
    info = web_app_info(settings, page, arg)
    return [(t(title_id, **title_args), info)] if info is not None else []


def grid(items: Sequence[Button], width: int) -> list[list[Button]]:
    """``items`` in rows of ``width`` (the last row may be shorter)."""
    return [list(items[i : i + width]) for i in range(0, len(items), width)]


def page_row(
    t: Translator,
    page: int,
    *,
    has_previous: bool,
    has_next: bool,
    to_page: Callable[[int], CallbackData],
    labels: tuple[str, str],
) -> list[Button]:
    """The "previous / next" row of a paged list (empty on a single page). ``labels`` are the
    catalog ids of the two buttons; ``to_page(n)`` is the payload that shows page ``n``."""
    row: list[Button] = []
    if has_previous:
        row.append((t(labels[0]), to_page(page - 1)))
    if has_next:
        row.append((t(labels[1]), to_page(page + 1)))
    return row


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    items: list[Button] = [(t(f"menu-section-{section}"), MenuCb(section=section)) for section in SECTIONS]
    if "human" in FEATURES:
        items.append((t(FEATURES["human"].title_id), GoCb(feature="human")))
    items.append((t("menu-language"), GoCb(feature="language")))
    return buttons(*grid(items, 2))


def menu_button(t: Translator) -> InlineKeyboardMarkup:
    """One "📋 Menu" button: the way back after an answer that ends a flow, where the six-button
    main menu would repeat itself."""
    return buttons([(t("menu-title-short"), MenuCb(section="main"))])


def section_menu(t: Translator, section: str) -> InlineKeyboardMarkup:
    features = sorted((f for f in FEATURES.values() if f.section == section), key=lambda f: (f.order, f.name))
    items: list[Button] = [(t(item.title_id), GoCb(feature=item.name)) for item in features]
    return buttons(*grid(items, 2), [(t("menu-back"), MenuCb(section="main"))])


def language_menu() -> InlineKeyboardMarkup:
    return buttons([("English", LangCb(code="en")), ("中文", LangCb(code="zh"))])


def feature_rows(t: Translator, names: Sequence[str | None]) -> list[list[Button]]:
    """One button per distinct registered feature, in order (a feature may be absent)."""
    rows: list[list[Button]] = []
    seen: set[str] = set()
    for name in names:
        if name is None or name in seen or name not in FEATURES:
            continue
        seen.add(name)
        rows.append([(t(FEATURES[name].title_id), GoCb(feature=name))])
    return rows
