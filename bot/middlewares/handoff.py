"""While a person has the conversation, the bot steps back.

An outer update middleware, after the transcript middleware (the citizen's turn is already
recorded) and before aiogram's FSM middleware. For a chat with an active handoff:

- with an agent: every message (text, photo, location, anything) is relayed to the consoles
  and nothing else runs: the bot stays silent. Buttons of old bot messages are paused (except
  rating an earlier conversation). "End chat" (the button under the message box) and /cancel
  end the chat (both sides are told); /menu and /start end it and then do what they do.
- waiting: /cancel (or the "stop waiting" button) leaves the queue; anything else is shown to
  the agents too and answered with the queue position.

A chat with no handoff costs one Redis GET, made with the update's first round trip
(bot/middlewares/prefetch.py: found in the data); so does a message to an agent (plus one
pipelined PUBLISH): the marker is kept in step with MongoDB at every transition (actions.handoff).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject, Update

from actions import handoff as actions
from actions.services import Services
from bot.middlewares.transcript import describe_message
from bot.prefetch import Prefetched
from bot.ui.keyboards import main_menu
from core.i18n import Translator
from messenger.citizen_link import HandoffCb, ends_chat, send_ended, stop_keyboard
from storage.models import HandoffState


def message_meta(message: Message) -> dict[str, Any]:
    meta: dict[str, Any] = {"message_id": message.message_id}
    if message.photo:
        meta["file_id"] = message.photo[-1].file_id
    if message.location:
        meta["latitude"], meta["longitude"] = message.location.latitude, message.location.longitude
    if message.document:
        meta["file_id"] = message.document.file_id
    if message.venue is not None:
        meta["place"] = " · ".join(p for p in (message.venue.title, message.venue.address) if p)
    return meta


class HandoffMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        chat = data.get("event_chat")
        if chat is None:
            return await handler(event, data)
        services: Services = data["services"]
        prefetched: Prefetched | None = data.get("prefetched")
        if prefetched is not None and prefetched.handoff_known:
            marker = actions.parse_chat_marker(prefetched.handoff_marker)
        else:
            marker = await actions.chat_marker(services, chat.id)
        if marker is None:
            return await handler(event, data)
        if event.pre_checkout_query is not None or (event.message is not None and event.message.successful_payment):
            return await handler(event, data)  # a payment is checked and recorded whoever has the chat
        t: Translator = data["t"]
        if event.callback_query is not None:
            query = event.callback_query
            if query.data and query.data.startswith(HandoffCb.__prefix__ + HandoffCb.__separator__):
                action = HandoffCb.unpack(query.data).action
                # Waiting: stop, or leave a message instead. Any time: rate an earlier conversation.
                if marker.state == HandoffState.WAITING or action == "rate":
                    return await handler(event, data)
            await query.answer(t("handoff-buttons-paused"))
            return None
        message = event.message
        if message is None:
            return None
        kind, text = describe_message(message)
        user_id = message.from_user.id if message.from_user else None
        if marker.state == HandoffState.WITH_AGENT:  # the hot path: one GET, one pipelined PUBLISH
            if (command := ends_chat(text, services.catalog)) is not None:
                # "End chat", /cancel, /menu, /start: the citizen leaves the person (both sides told).
                ended = await actions.citizen_end(services, marker.handoff_id, chat_id=chat.id)
                if ended is None:  # it had ended meanwhile: the command is the bot's
                    return await handler(event, data)
                if message.bot is not None:
                    await send_ended(message.bot, chat.id, t, t("handoff-you-ended"), ended.id)
                return await handler(event, data) if command in ("menu", "start") else None
            await actions.citizen_turn(
                services,
                marker.handoff_id,
                chat_id=chat.id,
                user_id=user_id,
                kind=kind,
                text=text,
                meta=message_meta(message),
            )
            return None
        handoff = await actions.active_for_chat(services, chat.id)  # waiting: confirm in MongoDB
        if handoff is None:
            return await handler(event, data)
        if (text or "").split("@")[0].strip() == "/cancel":
            await actions.cancel_waiting(services, chat.id)
            await message.answer(t("handoff-stopped"), reply_markup=main_menu(t))
            return None
        await actions.citizen_turn(
            services, handoff.id, chat_id=chat.id, user_id=user_id, kind=kind, text=text, meta=message_meta(message)
        )
        position = await services.repos.handoffs.queue_position(handoff)
        await message.answer(t("handoff-waiting-hint", position=position), reply_markup=stop_keyboard(t))
        return None
