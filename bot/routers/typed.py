"""Typed text answered by rules before the NLU reads it (issue 18).

- A button's label typed as text ("常见问题", "Driver's license"), or a reply-keyboard button
  pressed after its form ended ("📍 Share my location", "End chat"), does what the button does or
  says plainly that the form it belonged to is closed (and takes the old keyboard away).
- A message that is one identifier is answered as that identifier: a plate shows that vehicle, a
  ticket that complaint, a tracking number that delivery; an ID number, a one-time code or a phone
  number typed on its own says where it belongs (and, after too many wrong codes, until when
  linking is locked). The NLU read a bare ID number as "goodbye".

Nothing typed here is logged.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Literal

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardRemove

from actions import identity
from bot.context import FEATURES, Ctx
from bot.guards import bound_citizen
from bot.routers.identity import say_locked
from bot.ui.callbacks import GoCb, MenuCb
from bot.ui.keyboards import SECTIONS, Button, buttons, main_menu, section_menu
from core.i18n import Catalog
from core.language import LANGUAGES
from core.typed import BareKind, bare_identifier, label_key

LabelKind = Literal["feature", "section", "menu", "location", "end_chat"]
Label = tuple[LabelKind, str]

# Features a typed label starts: the menus' entries (and what the NLU reaches) and the FAQ topics,
# not the buttons that act on one record (their label alone does not say which).
_MAIN_MENU_FEATURES = ("human", "language")

# What a bare identifier opens, and the NLU entity it is given as.
_ENTITY_FEATURES: dict[BareKind, tuple[str, str]] = {
    "plate": ("vehicles", "plate_number"),
    "ticket": ("my_complaints", "ticket_id"),
    "tracking": ("deliveries", "tracking_number"),
}


def _labels_of(catalog: Catalog) -> dict[str, Label]:
    found: dict[str, Label] = {}

    def add(key: str, label: Label) -> None:
        if len(key) >= 2:
            found.setdefault(key, label)

    for lang in LANGUAGES:
        t = catalog.translator(lang)
        add(label_key(t("complaints-button-share-location")), ("location", ""))
        add(label_key(t("handoff-end-button")), ("end_chat", ""))
        for msg_id in ("menu-title-short", "menu-back"):
            add(label_key(t(msg_id)), ("menu", ""))
        for section in SECTIONS:
            add(label_key(t(f"menu-section-{section}")), ("section", section))
        ranked = sorted(FEATURES.values(), key=lambda f: (f.section is None, f.order, f.name))
        for item in ranked:
            if (
                item.section is not None
                or item.intents
                or item.name.startswith("faq")
                or item.name in _MAIN_MENU_FEATURES
            ):
                add(label_key(t(item.title_id)), ("feature", item.name))
    return found


@lru_cache(maxsize=4)
def _labels(catalog: Catalog) -> dict[str, Label]:
    return _labels_of(catalog)


def label_of(catalog: Catalog, text: str) -> Label | None:
    """What the button whose label ``text`` is does (any language), or None."""
    return _labels(catalog).get(label_key(text))


async def answer_label(ctx: Ctx, text: str) -> bool:
    """``text`` is a button's label: do what the button does and return True."""
    label = label_of(ctx.services.catalog, text)
    if label is None:
        return False
    kind, name = label
    t = ctx.t
    if kind == "feature" and name in FEATURES:
        await FEATURES[name].fn(ctx)
    elif kind == "section":
        await ctx.send(t(f"menu-section-{name}-title"), section_menu(t, name))
    elif kind == "menu":
        await ctx.send(t("menu-title"), main_menu(t))
    else:  # a reply keyboard's button from a form or a chat that is over: take the keyboard away
        await ctx.say("typed-stale-location" if kind == "location" else "typed-stale-end-chat", ReplyKeyboardRemove())
        if kind == "location":
            await ctx.say("typed-stale-location-next", _complaint_or_menu(ctx))
        else:
            await ctx.send(t("menu-title"), main_menu(t))
    return True


def _complaint_or_menu(ctx: Ctx) -> InlineKeyboardMarkup:
    rows: list[list[Button]] = []
    if "complaint" in FEATURES:
        rows.append([(ctx.t(FEATURES["complaint"].title_id), GoCb(feature="complaint"))])
    rows.append([(ctx.t("menu-title-short"), MenuCb(section="main"))])
    return buttons(*rows)


async def answer_identifier(ctx: Ctx, text: str) -> bool:
    """``text`` is one identifier and nothing else: answer it as such and return True."""
    kind = bare_identifier(text)
    if kind is None:
        return False
    t = ctx.t
    menu_row = [(t("menu-title-short"), MenuCb(section="main"))]
    if kind in _ENTITY_FEATURES:
        name, entity = _ENTITY_FEATURES[kind]
        if name in FEATURES:
            await FEATURES[name].fn(replace(ctx, entities={entity: [text.strip()]}))
            return True
        return False
    if kind == "code":
        seconds = await identity.binding_lock_seconds(ctx.services, ctx.user.id)
        if seconds > 0:
            await say_locked(ctx, seconds)
            return True
    linked = await bound_citizen(ctx) is not None
    bind_row = [] if linked else [(t("identity-menu-bind"), GoCb(feature="bind"))]
    if kind == "id_number":
        if linked:
            await ctx.say("typed-id-number-linked", section_menu(t, "inquiry"))
        else:
            await ctx.say("typed-id-number", buttons(bind_row, menu_row))
    elif kind == "code":
        await ctx.say("typed-code", buttons(bind_row, menu_row))
    else:  # a phone number
        phone_row = [(t(FEATURES["phone"].title_id), GoCb(feature="phone"))] if "phone" in FEATURES else []
        await ctx.say("typed-phone", buttons(phone_row, menu_row))
    return True
