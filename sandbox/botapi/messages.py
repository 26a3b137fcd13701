"""Bot API methods on messages: sendMessage, sendPhoto, sendDocument, sendLocation,
editMessageText, editMessageReplyMarkup, deleteMessage and sendChatAction."""

from __future__ import annotations

import time

from sandbox.botapi.params import Params, bad_request
from sandbox.botapi.sending import (
    chat_of,
    deliver,
    ensure_reachable,
    formatted,
    image_size,
    input_file,
    validate_markup,
)
from sandbox.records import JSON, BotState, ChatState, StoredMessage
from sandbox.state import SandboxState

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class MessageMethods:
    """Sending, editing and deleting the bot's messages, and its chat actions."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def send_message(self, bot: BotState, params: Params) -> JSON:
        chat = chat_of(self.state, params)
        ensure_reachable(self.state, chat)
        text, entities, parse_mode = formatted(params, "text", "entities", MAX_TEXT, "message is too long")
        if not text.strip():
            raise bad_request("message text is empty")
        return deliver(
            self.state,
            bot,
            chat,
            "text",
            params,
            text=text,
            entities=entities,
            raw_text=params.text("text"),
            parse_mode=parse_mode,
        )

    async def send_photo(self, bot: BotState, params: Params) -> JSON:
        chat = chat_of(self.state, params)
        ensure_reachable(self.state, chat)
        caption, entities, parse_mode = formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )
        stored = input_file(self.state, params, "photo", folder="photos", extension="jpg", mime_type="image/jpeg")[
            "file"
        ]
        width, height = image_size(stored.data)
        photo = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
                "width": width,
                "height": height,
            }
        ]
        return deliver(
            self.state,
            bot,
            chat,
            "photo",
            params,
            text=caption,
            entities=entities,
            raw_text=params.text("caption"),
            parse_mode=parse_mode,
            media={"photo": photo},
        )

    async def send_document(self, bot: BotState, params: Params) -> JSON:
        chat = chat_of(self.state, params)
        ensure_reachable(self.state, chat)
        caption, entities, parse_mode = formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )
        stored = input_file(
            self.state, params, "document", folder="documents", extension="bin", mime_type="application/octet-stream"
        )["file"]
        document: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "mime_type": stored.mime_type,
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        return deliver(
            self.state,
            bot,
            chat,
            "document",
            params,
            text=caption,
            entities=entities,
            raw_text=params.text("caption"),
            parse_mode=parse_mode,
            media={"document": document},
        )

    async def send_location(self, bot: BotState, params: Params) -> JSON:
        chat = chat_of(self.state, params)
        ensure_reachable(self.state, chat)
        latitude = params.number("latitude", required=True)
        longitude = params.number("longitude", required=True)
        assert latitude is not None and longitude is not None
        if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            raise bad_request("wrong latitude or longitude")
        return deliver(
            self.state,
            bot,
            chat,
            "location",
            params,
            media={"location": {"latitude": latitude, "longitude": longitude}},
        )

    def _editable(self, params: Params) -> tuple[ChatState, StoredMessage]:
        if params.has("inline_message_id"):
            raise bad_request("inline messages are not supported by the sandbox")
        chat = chat_of(self.state, params)
        message_id = params.integer("message_id", required=True)
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _apply_edit(self, chat: ChatState, message: StoredMessage) -> JSON:
        message.version += 1
        message.edit_date = int(time.time())
        chat.add_event("edit", {"message": message.to_view()})
        self.state.feed.add("edit", chat.id, message_id=message.message_id, reply_markup=message.reply_markup)
        return self.state.message_telegram(chat, message)

    async def edit_message_text(self, bot: BotState, params: Params) -> JSON:
        chat, message = self._editable(params)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text, entities, parse_mode = formatted(params, "text", "entities", MAX_TEXT, "MESSAGE_TOO_LONG")
        if not text.strip():
            raise bad_request("message text is empty")
        markup = validate_markup(params.json("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if text == message.text and entities == message.entities and markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.text, message.entities = text, entities
        message.raw_text, message.parse_mode = params.text("text"), parse_mode
        message.reply_markup = markup
        return self._apply_edit(chat, message)

    async def edit_message_reply_markup(self, bot: BotState, params: Params) -> JSON:
        chat, message = self._editable(params)
        markup = validate_markup(params.json("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if markup == message.reply_markup or (markup is None and message.reply_markup is None):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        return self._apply_edit(chat, message)

    async def delete_message(self, bot: BotState, params: Params) -> bool:
        chat = chat_of(self.state, params)
        message_id = params.integer("message_id", required=True)
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        message.version += 1
        chat.add_event("delete", {"message": message.to_view()})
        return True

    async def send_chat_action(self, bot: BotState, params: Params) -> bool:
        chat = chat_of(self.state, params)
        ensure_reachable(self.state, chat)
        action = params.text("action", required=True)
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.last_action = {"action": action, "at": time.time()}
        chat.add_event("chat_action", {"action": action})
        return True
