"""Every citizen message and every bot reply becomes one turn in the conversation transcript.

Incoming turns are recorded by an update middleware (after de-duplication, so a redelivered
update is not recorded twice); outgoing ones by a Bot-session middleware, so replies, edits and
push notifications are all captured wherever they are sent from. One document per turn: the
transcript never grows a single document.

Neither waits on MongoDB when the app runs its transcript writer (app/factory.py starts it:
`repos.conversations.append_turn` queues the turn and a background task writes batches), so a
message relayed to an agent is not held up by the database. A failed or dropped write is logged
and counted, never allowed to break the conversation itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import (
    EditMessageText,
    SendDocument,
    SendLocation,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from pymongo.errors import PyMongoError

from actions.transcripts import record_bot_turn, record_citizen_turn
from bot.prefetch import Prefetched
from core.metrics import ERRORS
from storage.models import TurnKind
from storage.repositories import Repositories

log = structlog.get_logger(__name__)


def describe_message(message: Message) -> tuple[TurnKind, str | None]:
    """(kind, text) of a citizen message, for the transcript."""
    if message.text is not None:
        return TurnKind.TEXT, message.text
    if message.photo:
        return TurnKind.PHOTO, message.caption
    if message.location:
        return TurnKind.LOCATION, f"{message.location.latitude:.6f},{message.location.longitude:.6f}"
    if message.document:
        return TurnKind.DOCUMENT, message.caption or message.document.file_name
    if message.sticker:
        return TurnKind.STICKER, message.sticker.emoji
    if message.voice:
        return TurnKind.VOICE, None
    return TurnKind.TEXT, f"[{getattr(message.content_type, 'value', message.content_type)}]"


def turn_meta(message: Message) -> dict[str, Any]:
    """What staff need besides the text: the photo (to show it), the place (a map link)."""
    meta: dict[str, Any] = {"message_id": message.message_id}
    if message.photo:
        meta["file_id"] = message.photo[-1].file_id
    elif message.document is not None and (message.document.mime_type or "").startswith("image/"):
        meta["file_id"] = message.document.file_id
    if message.location is not None:
        meta["latitude"], meta["longitude"] = message.location.latitude, message.location.longitude
    if message.venue is not None:
        meta["place"] = " · ".join(p for p in (message.venue.title, message.venue.address) if p)
    return meta


def button_text(query: CallbackQuery) -> str | None:
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return query.data
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return query.data


class IncomingTranscriptMiddleware(BaseMiddleware):
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        if event.message is not None and event.message.from_user is not None:
            kind, text = describe_message(event.message)
            # The form step (the linking form is stored masked): when the chat's previous update still
            # holds its lock, the step is the one it leaves, read once this update has the lock.
            prefetched: Prefetched | None = data.get("prefetched")
            if prefetched is not None:
                await prefetched.state_known()
            step = prefetched.fsm_state if prefetched is not None else None
            await self._record(
                event.message.chat.id,
                event.message.from_user.id,
                kind,
                text,
                turn_meta(event.message),
                step,
            )
        elif event.callback_query is not None and event.callback_query.message is not None:
            query = event.callback_query
            chat_id = event.callback_query.message.chat.id
            await self._record(chat_id, query.from_user.id, TurnKind.CALLBACK, button_text(query), {"data": query.data})
        return await handler(event, data)

    async def _record(
        self,
        chat_id: int,
        user_id: int,
        kind: TurnKind,
        text: str | None,
        meta: dict[str, Any],
        form_step: str | None = None,
    ) -> None:
        try:
            await record_citizen_turn(
                self.repos, chat_id=chat_id, user_id=user_id, kind=kind, text=text, meta=meta, form_step=form_step
            )
        except PyMongoError:
            ERRORS.labels("mongo-transcript").inc()
            log.exception("could not record citizen turn")


_RECORDED: dict[type, TurnKind] = {
    SendMessage: TurnKind.TEXT,
    SendPhoto: TurnKind.PHOTO,
    SendDocument: TurnKind.DOCUMENT,
    SendLocation: TurnKind.LOCATION,
    EditMessageText: TurnKind.TEXT,
}


class OutgoingTranscriptMiddleware(BaseRequestMiddleware):
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        # aiogram annotates the chain as `Response[T]`; at run time each link passes the result itself.
        result = await make_request(bot, method)
        kind = _RECORDED.get(type(method))
        chat_id = getattr(method, "chat_id", None)
        if kind is not None and isinstance(chat_id, int):
            text = getattr(method, "text", None) or getattr(method, "caption", None)
            meta: dict[str, Any] = {"message_id": result.message_id} if isinstance(result, Message) else {}
            if isinstance(method, EditMessageText):
                meta["edited"] = True
            try:
                await record_bot_turn(self.repos, chat_id=chat_id, kind=kind, text=text, meta=meta)
            except PyMongoError:
                ERRORS.labels("mongo-transcript").inc()
                log.exception("could not record bot turn")
        return result
