"""Citizen API: acting as a citizen - text, location, photo, document, sticker and voice messages,
inline button presses and reply-keyboard buttons. Each becomes an update for the bot."""

from __future__ import annotations

import base64
import secrets

from aiohttp import web

from sandbox.botapi import image_size, read_params
from sandbox.citizen.common import as_float, as_int, chat_of, fail, json_body, sender_of, sent
from sandbox.formatting import command_entities, utf16_len
from sandbox.records import JSON, CallbackRecord
from sandbox.state import SandboxState

# Where the sandbox's phone is when a request_location button is pressed without coordinates.
DEVICE_LOCATION = (39.9055, 116.3976)  # Tiananmen Square, Beijing

# A 1x1 transparent WebP and the first bytes of an Ogg stream, for synthetic stickers and voice notes.
STICKER_BYTES = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
VOICE_BYTES = b"OggS\x00\x02" + bytes(58)


class ActingApi:
    """What a citizen does in a chat."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def send_text(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        body = await json_body(request)
        text = str(body.get("text") or "")
        if not text.strip():
            raise fail("text is required")
        if utf16_len(text) > 4096:
            raise fail("text is longer than 4096 characters")
        sender = sender_of(self.state, chat, body)
        reply_to = body.get("reply_to_message_id")
        message = self.state.user_message(
            chat,
            sender,
            "text",
            text=text,
            entities=command_entities(text),
            reply_to_message_id=as_int(reply_to, "reply_to_message_id") if reply_to else None,
        )
        return sent(chat, message.to_view())

    async def send_location(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        body = await json_body(request)
        latitude, longitude = _coordinates(body)
        message = self.state.user_message(
            chat,
            sender_of(self.state, chat, body),
            "location",
            media={"location": {"latitude": latitude, "longitude": longitude}},
        )
        return sent(chat, message.to_view())

    async def _upload(self, request: web.Request, field: str) -> tuple[JSON, bytes | None, str | None, str]:
        """Fields and file bytes from a multipart form, or from JSON with ``data_base64``."""
        if request.content_type == "multipart/form-data":
            params = await read_params(request)
            upload = params.uploads.get(field)
            values = {k: v for k, v in params.values.items() if k not in request.query}
            if upload is None:
                return values, None, None, ""
            return values, upload.data, upload.filename, upload.content_type
        body = await json_body(request)
        encoded = body.get("data_base64")
        if encoded is None:
            return body, None, body.get("file_name"), str(body.get("mime_type") or "")
        try:
            data = base64.b64decode(str(encoded), validate=True)
        except ValueError:
            raise fail("data_base64 is not valid base64") from None
        return body, data, body.get("file_name"), str(body.get("mime_type") or "")

    def _caption(self, values: JSON) -> tuple[str, list[JSON]]:
        caption = str(values.get("caption") or "")
        if utf16_len(caption) > 1024:
            raise fail("caption is longer than 1024 characters")
        return caption, command_entities(caption)

    async def send_photo(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        values, data, file_name, content_type = await self._upload(request, "photo")
        if not data:
            raise fail("a non-empty photo file is required (multipart field 'photo' or JSON 'data_base64')")
        sender = sender_of(self.state, chat, values)
        extension = (file_name or "photo.jpg").rsplit(".", 1)[-1].lower()
        stored = self.state.store_file(
            data, folder="photos", extension=extension, mime_type=content_type or "image/jpeg", file_name=file_name
        )
        width, height = image_size(data)
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(data),
            "width": width,
            "height": height,
        }
        caption, entities = self._caption(values)
        message = self.state.user_message(
            chat, sender, "photo", text=caption, entities=entities, media={"photo": [size]}
        )
        return sent(chat, message.to_view())

    async def send_document(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        values, data, file_name, content_type = await self._upload(request, "document")
        if not data:
            raise fail("a non-empty document file is required (multipart field 'document' or JSON 'data_base64')")
        sender = sender_of(self.state, chat, values)
        name = file_name or "document.bin"
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
        mime = content_type or "application/octet-stream"
        stored = self.state.store_file(data, folder="documents", extension=extension, mime_type=mime, file_name=name)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(data),
            "file_name": name,
            "mime_type": mime,
        }
        caption, entities = self._caption(values)
        message = self.state.user_message(
            chat, sender, "document", text=caption, entities=entities, media={"document": document}
        )
        return sent(chat, message.to_view())

    async def send_sticker(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        body = await json_body(request)
        emoji = str(body.get("emoji") or "👍")
        stored = self.state.store_file(STICKER_BYTES, folder="stickers", extension="webp", mime_type="image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(STICKER_BYTES),
            "set_name": "SandboxStickers",
        }
        message = self.state.user_message(
            chat, sender_of(self.state, chat, body), "sticker", media={"sticker": sticker}
        )
        return sent(chat, message.to_view())

    async def send_voice(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        values, data, _, content_type = await self._upload(request, "voice")
        duration = max(1, as_int(values.get("duration") or 2, "duration"))
        payload = data or VOICE_BYTES
        stored = self.state.store_file(payload, folder="voice", extension="oga", mime_type=content_type or "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": stored.mime_type,
            "file_size": len(payload),
        }
        message = self.state.user_message(chat, sender_of(self.state, chat, values), "voice", media={"voice": voice})
        return sent(chat, message.to_view())

    async def press_button(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        body = await json_body(request)
        message = chat.messages.get(as_int(body.get("message_id"), "message_id"))
        if message is None or message.deleted or not message.from_bot:
            raise fail("bot message not found", 404)
        rows = (message.reply_markup or {}).get("inline_keyboard") or []
        buttons = [button for row in rows for button in row]
        wanted_data, wanted_text = body.get("callback_data"), body.get("text")
        button = next(
            (
                b
                for b in buttons
                if (wanted_data is not None and b.get("callback_data") == wanted_data)
                or (wanted_data is None and wanted_text is not None and b.get("text") == wanted_text)
            ),
            None,
        )
        if button is None:
            raise fail("no such inline button on that message")
        if "callback_data" not in button:
            return web.json_response({"callback_query_id": None, "button": button})
        sender = sender_of(self.state, chat, body)
        query_id = str(secrets.randbits(63))
        self.state.callbacks[query_id] = CallbackRecord(
            query_id, chat.id, message.message_id, sender.id, str(button["callback_data"])
        )
        self.state.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": sender.to_telegram(),
                "message": self.state.message_telegram(chat, message),
                "chat_instance": str(chat.id),
                "data": button["callback_data"],
            },
        )
        event = chat.add_event(
            "button_press",
            {
                "message_id": message.message_id,
                "callback_query_id": query_id,
                "data": button["callback_data"],
                "text": button.get("text"),
            },
        )
        return web.json_response({"callback_query_id": query_id, "button": button, "seq": event["seq"]})

    async def press_reply_button(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        body = await json_body(request)
        text = str(body.get("text") or "")
        keyboard = chat.reply_keyboard
        buttons = [b for row in (keyboard or {}).get("keyboard", []) for b in row]
        button = next((b for b in buttons if b.get("text") == text), None)
        if button is None:
            raise fail("no such button on the current reply keyboard")
        assert keyboard is not None
        sender = sender_of(self.state, chat, body)
        if button.get("request_location"):
            # Telegram's client shares the device's location, never the button's label.
            if body.get("latitude") is None and body.get("longitude") is None:
                latitude, longitude = DEVICE_LOCATION
            else:
                latitude, longitude = _coordinates(body)
            if keyboard.get("one_time_keyboard"):
                chat.reply_keyboard = None
            message = self.state.user_message(
                chat, sender, "location", media={"location": {"latitude": latitude, "longitude": longitude}}
            )
            return sent(chat, message.to_view())
        if keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        message = self.state.user_message(chat, sender, "text", text=text, entities=command_entities(text))
        return sent(chat, message.to_view())


def _coordinates(body: JSON) -> tuple[float, float]:
    latitude = as_float(body.get("latitude"), "latitude")
    longitude = as_float(body.get("longitude"), "longitude")
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        raise fail("latitude must be within [-90, 90] and longitude within [-180, 180]")
    return latitude, longitude
