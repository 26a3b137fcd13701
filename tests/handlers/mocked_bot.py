"""A Bot whose Bot API session records every request instead of sending it (aiogram's own
``tests/mocked_bot.py`` pattern), so the real dispatcher can be fed updates without a network.

A request is answered with a queued response when there is one (``add_result_for``; the queue is
LIFO, as in aiogram's tests, and a queued error raises the real exception, e.g. a 429 raises
``TelegramRetryAfter``), otherwise with what Telegram would answer: a ``Message`` for a sent
message, the edited ``Message`` for an edit (or 400 "message is not modified" when nothing
changed, as Telegram does), ``True`` for the methods that return a bool. The session also keeps
every message the bot sent, as the chat would show it now, so a test can press its buttons.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import deque
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.client.default import Default, DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendInvoice,
    SendLocation,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response
from aiogram.types import Chat, InlineKeyboardMarkup, Message, ResponseParameters, User

_TAG = re.compile(r"<[^>]+>")


def plain(text: str, parse_mode: str | None) -> str:
    """What the citizen reads: HTML markup removed and entities decoded (as Telegram shows it)."""
    return html.unescape(_TAG.sub("", text)) if parse_mode == ParseMode.HTML else text


@dataclass(frozen=True)
class Call:
    """One Bot API request and what the session answered (None when the request raised)."""

    method: TelegramMethod[Any]
    result: Any


class MockedSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.responses: deque[Response[Any]] = deque()
        self.requests: deque[TelegramMethod[Any]] = deque()
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], Message] = {}  # (chat id, message id) -> as shown now
        self._message_ids = itertools.count(5001)

    def add_result(self, response: Response[Any]) -> Response[Any]:
        self.responses.append(response)
        return response

    def get_request(self) -> TelegramMethod[Any]:
        return self.requests.pop()

    async def close(self) -> None:
        """No connection to close: nothing leaves the process."""

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        index = len(self.calls)
        self.calls.append(Call(method, None))
        if self.responses:
            response = self.responses.pop()
            checked = self.check_response(
                bot=bot, method=method, status_code=response.error_code or 200, content=response.model_dump_json()
            )
            result = checked.result
        else:
            result = self._default_result(bot, method)
        self.calls[index] = Call(method, result)
        return result

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    # --- what Telegram answers ----------------------------------------------------------------

    def _default_result(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, SendMessage):
            sent = plain(method.text, self._parse_mode(bot, method.parse_mode))
            return self._new_message(bot, method.chat_id, text=sent, markup=method.reply_markup)
        if isinstance(method, SendPhoto | SendDocument | SendLocation | SendInvoice):
            return self._new_message(bot, method.chat_id, text=None, markup=method.reply_markup)
        if isinstance(method, EditMessageText):
            text = None if method.text is None else plain(method.text, self._parse_mode(bot, method.parse_mode))
            return self._edit(bot, method, method.chat_id, method.message_id, text=text, markup=method.reply_markup)
        if isinstance(method, EditMessageReplyMarkup):
            return self._edit(bot, method, method.chat_id, method.message_id, text=None, markup=method.reply_markup)
        if method.__returning__ is bool:
            return True
        raise AssertionError(f"no default answer for {type(method).__name__}: queue one with bot.add_result_for()")

    @staticmethod
    def _parse_mode(bot: Bot, value: str | Default | None) -> str | None:
        return bot.default.parse_mode if isinstance(value, Default) else value

    def _new_message(self, bot: Bot, chat_id: int | str, *, text: str | None, markup: object) -> Message:
        message = Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            from_user=bot_user(bot),
            text=text,
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        ).as_(bot)
        self.messages[(message.chat.id, message.message_id)] = message
        return message

    def _edit(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        chat_id: int | str | None,
        message_id: int | None,
        *,
        text: str | None,
        markup: InlineKeyboardMarkup | None,
    ) -> Message | bool:
        if chat_id is None or message_id is None:  # an inline message: Telegram answers True
            return True
        old = self.messages.get((int(chat_id), message_id))
        if old is None:
            self._fail(bot, method, 400, "Bad Request: message to edit not found")
            raise AssertionError("unreachable")
        new_text = old.text if text is None else text
        if new_text == old.text and markup == old.reply_markup:
            self._fail(bot, method, 400, "Bad Request: message is not modified")
        edited = old.model_copy(
            update={"text": new_text, "reply_markup": markup, "edit_date": int(datetime.now(UTC).timestamp())}
        )
        self.messages[(int(chat_id), message_id)] = edited.as_(bot)
        return edited

    def _fail(self, bot: Bot, method: TelegramMethod[Any], code: int, description: str) -> None:
        """Raise what aiogram raises for this error answer (TelegramBadRequest for 400, ...)."""
        content = Response[bool](ok=False, error_code=code, description=description).model_dump_json()
        self.check_response(bot=bot, method=method, status_code=code, content=content)


def bot_user(bot: Bot) -> User:
    return User(id=bot.id, is_bot=True, first_name="Traffic assistant", username="traffic_test_bot")


class MockedBot(Bot):
    """The app's Bot properties (HTML by default, no link previews) on a recording session."""

    if TYPE_CHECKING:
        session: MockedSession

    def __init__(self, token: str = "42:TEST") -> None:
        super().__init__(
            token,
            session=MockedSession(),
            default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
        )
        self._me = bot_user(self)

    def add_result_for(
        self,
        method: type[TelegramMethod[Any]],
        ok: bool,
        result: Any = None,
        description: str | None = None,
        error_code: int = 200,
        retry_after: int | None = None,
    ) -> Response[Any]:
        """Queue the answer to the next request (LIFO); ``ok=False`` makes it raise."""
        response = Response[method.__returning__](  # type: ignore[name-defined]
            ok=ok,
            result=result,
            description=description,
            error_code=error_code,
            parameters=ResponseParameters(retry_after=retry_after),
        )
        self.session.add_result(response)
        return response

    def get_request(self) -> TelegramMethod[Any]:
        return self.session.get_request()
