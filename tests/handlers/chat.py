"""A citizen in a private chat with the bot: each step builds the update Telegram would send (a
text, a command, a sticker, a button press), feeds it to the real dispatcher and returns what the
bot did in answer (``Replies``)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    Sticker,
    Update,
    User,
)

from bot.ui.callbacks import GoCb, MenuCb
from tests.handlers.mocked_bot import Call, MockedBot

_UPDATE_IDS = itertools.count(1)
_MESSAGE_IDS = itertools.count(1)
_QUERY_IDS = itertools.count(1)


def button_rows(markup: object) -> list[list[str]]:
    """The buttons' texts, row by row, of an inline or a reply keyboard (none for anything else)."""
    if isinstance(markup, InlineKeyboardMarkup):
        return [[b.text for b in row] for row in markup.inline_keyboard]
    if isinstance(markup, ReplyKeyboardMarkup):
        return [[b.text for b in row] for row in markup.keyboard]
    return []


def buttons(message: Message) -> list[str]:
    """Every inline button's text under ``message``."""
    return [text for row in button_rows(message.reply_markup) for text in row]


def callback_data_of(message: Message, button: str) -> str:
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup else []:
        for b in row:
            if b.text == button and b.callback_data is not None:
                return b.callback_data
    raise AssertionError(f"no button {button!r} under the message; its buttons: {buttons(message)}")


@dataclass(frozen=True)
class Replies:
    """The Bot API calls the bot made while it handled one update, in order."""

    calls: list[Call]

    @property
    def methods(self) -> list[TelegramMethod[Any]]:
        return [c.method for c in self.calls]

    @property
    def sent(self) -> list[Message]:
        """New messages, as the chat shows them (plain text, inline buttons)."""
        return [c.result for c in self.calls if isinstance(c.method, SendMessage) and isinstance(c.result, Message)]

    @property
    def edited(self) -> list[Message]:
        """Messages edited (an edit Telegram refused is not among them)."""
        return [c.result for c in self.calls if isinstance(c.method, EditMessageText) and isinstance(c.result, Message)]

    @property
    def shown(self) -> list[Message]:
        """Sent and edited messages, in order."""
        return [
            c.result
            for c in self.calls
            if isinstance(c.method, SendMessage | EditMessageText) and isinstance(c.result, Message)
        ]

    @property
    def texts(self) -> list[str]:
        return [m.text or "" for m in self.shown]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def last(self) -> Message:
        assert self.shown, f"the bot showed nothing; it called {[type(m).__name__ for m in self.methods]}"
        return self.shown[-1]

    @property
    def send_methods(self) -> list[SendMessage]:
        """The sendMessage requests themselves (a reply keyboard is only seen here)."""
        return [c.method for c in self.calls if isinstance(c.method, SendMessage)]

    @property
    def answers(self) -> list[AnswerCallbackQuery]:
        return [c.method for c in self.calls if isinstance(c.method, AnswerCallbackQuery)]


@dataclass
class Person:
    """A Telegram user talking to the bot in a private chat."""

    dp: Dispatcher
    bot: MockedBot
    user: User
    error_texts: frozenset[str]  # the bot's "something went wrong" answers: a test never expects them

    @property
    def chat(self) -> Chat:
        return Chat(id=self.user.id, type="private", first_name=self.user.first_name)

    def message_update(self, **content: Any) -> Update:
        message = Message(
            message_id=next(_MESSAGE_IDS),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            **content,
        )
        return Update(update_id=next(_UPDATE_IDS), message=message)

    async def send(self, text: str) -> Replies:
        """A typed message; a leading /command gets its bot_command entity, as Telegram sends it."""
        entities = None
        if text.startswith("/"):
            entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
        return await self.feed(self.message_update(text=text, entities=entities))

    async def send_sticker(self) -> Replies:
        sticker = Sticker(
            file_id="sticker-1",
            file_unique_id="s1",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji="👍",
        )
        return await self.feed(self.message_update(sticker=sticker))

    def current(self, message: Message) -> Message:
        """``message`` as the chat shows it now (after any edits)."""
        return self.bot.session.messages.get((message.chat.id, message.message_id), message)

    async def press(self, message: Message, button: str) -> Replies:
        """Press the inline button labelled ``button`` under ``message``."""
        shown = self.current(message)
        return await self.press_data(shown, callback_data_of(shown, button))

    async def press_go(self, message: Message, feature: str, arg: str = "") -> Replies:
        """A feature button (``GoCb``) under ``message``, whether or not it shows one now."""
        return await self.press_data(message, GoCb(feature=feature, arg=arg))

    async def press_menu(self, message: Message, section: str) -> Replies:
        """A menu button (``MenuCb``) under ``message``: ``"main"`` or a section's name."""
        return await self.press_data(message, MenuCb(section=section))

    async def press_data(self, message: Message, data: str | CallbackData) -> Replies:
        """A callback query with ``data`` from a button under ``message`` (possibly a stale one)."""
        query = CallbackQuery(
            id=str(next(_QUERY_IDS)),
            from_user=self.user,
            chat_instance=f"ci-{self.user.id}",
            message=self.current(message),
            data=data if isinstance(data, str) else data.pack(),
        )
        return await self.feed(Update(update_id=next(_UPDATE_IDS), callback_query=query))

    async def feed(self, update: Update) -> Replies:
        """Feed ``update`` to the dispatcher: what the bot did in answer."""
        start = len(self.bot.session.calls)
        await self.dp.feed_update(self.bot, update)
        replies = Replies(self.bot.session.calls[start:])
        failed = [text for text in replies.texts if text in self.error_texts]
        assert not failed, f"the bot answered with an error (its log is in the captured output): {failed}"
        return replies
