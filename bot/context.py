"""`Ctx`: one citizen request, whether it came as a command, a button or free text.

Features are written once against `Ctx` and reached from the menu's buttons, from commands
and from NLU intents alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, User

from actions.services import Services
from bot.prefetch import Prefetched
from bot.ui.format import shown_text
from core.i18n import Translator
from core.language import Language

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class Ctx:
    """Built for every message and button press by `bot.middlewares.context.CtxMiddleware`;
    handlers take it as the typed parameter ``ctx: Ctx``. A feature run with an argument or NLU
    entities gets a copy: ``dataclasses.replace(ctx, arg=...)``."""

    bot: Bot
    services: Services
    chat_id: int
    user: User
    lang: Language
    t: Translator
    state: FSMContext
    event: Message | CallbackQuery
    arg: str = ""
    entities: dict[str, list[str]] = field(default_factory=dict)
    # What the update's first Redis round trip found (bot/prefetch.py); None: ask Redis.
    prefetched: Prefetched | None = None

    @property
    def text(self) -> str | None:
        return self.event.text if isinstance(self.event, Message) else None

    async def send(self, text: str, markup: ReplyMarkup | None = None) -> Message:
        return await self.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def say(self, msg_id: str, markup: ReplyMarkup | None = None, /, **args: object) -> Message:
        return await self.send(self.t(msg_id, **args), markup)

    async def update_message(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Show ``text`` in place of the message whose button was pressed (a page turn, a refresh,
        a toggle); send it anew when there is no such message or it can no longer be edited.
        When the message already shows ``text`` and ``markup``, nothing is sent at all (Telegram
        would refuse the edit: "message is not modified")."""
        message = self.event.message if isinstance(self.event, CallbackQuery) else None
        if isinstance(message, Message):
            if shows(message, text, markup):  # the same page pressed again: nothing to change
                return
            try:
                await self.bot.edit_message_text(
                    text=text, chat_id=self.chat_id, message_id=message.message_id, reply_markup=markup
                )
                return
            except TelegramBadRequest as exc:
                if "not modified" in str(exc):
                    return
        await self.send(text, markup)

    async def clear_buttons(self) -> None:
        """Take the buttons off the message whose button was pressed (a step that is done)."""
        message = self.event.message if isinstance(self.event, CallbackQuery) else None
        if isinstance(message, Message) and message.reply_markup is not None:
            with suppress(TelegramBadRequest):  # already without buttons
                await self.bot.edit_message_reply_markup(
                    chat_id=self.chat_id, message_id=message.message_id, reply_markup=None
                )


def _keyboard(markup: object) -> list[list[dict[str, object]]]:
    """An inline keyboard's buttons as plain data (no keyboard and an empty one are the same)."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [[button.model_dump(mode="json", exclude_none=True) for button in row] for row in markup.inline_keyboard]


def shows(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """True when ``message`` already shows ``text`` (HTML, as the bot sends it) with ``markup``."""
    return (message.text or "").strip() == shown_text(text) and _keyboard(message.reply_markup) == _keyboard(markup)


FeatureFn = Callable[[Ctx], Awaitable[None]]


@dataclass(frozen=True)
class Feature:
    name: str
    title_id: str  # catalog id of the button text
    fn: FeatureFn
    section: str | None
    intents: tuple[str, ...]
    order: int


FEATURES: dict[str, Feature] = {}
INTENTS: dict[str, Feature] = {}


def feature(
    name: str, *, title: str, section: str | None = None, intents: tuple[str, ...] = (), order: int = 100
) -> Callable[[FeatureFn], FeatureFn]:
    """Register a feature: a menu entry (if `section`), a `GoCb(feature=name)` target and NLU intents."""

    def register(fn: FeatureFn) -> FeatureFn:
        item = Feature(name=name, title_id=title, fn=fn, section=section, intents=intents, order=order)
        if name in FEATURES and FEATURES[name].fn is not fn:
            raise ValueError(f"feature {name!r} registered twice")
        FEATURES[name] = item
        for intent in intents:
            INTENTS[intent] = item
        return fn

    return register
