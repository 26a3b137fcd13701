"""The citizen API under ``/api/``: act as Telegram users, read chats, inject faults, read stats.

Answers are plain JSON objects; errors are ``{"error": "..."}`` with a 4xx status.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import secrets
import time
from typing import Any

from aiohttp import web

from sandbox.botapi import ApiError, image_size, read_params
from sandbox.formatting import command_entities, utf16_len
from sandbox.limits import SandboxLimits
from sandbox.state import JSON, CallbackRecord, ChatState, Citizen, Fault, SandboxState, SmsRecord, wait_signal

MAX_WAIT = 60.0
MAX_BULK = 200_000
DEFAULT_FAULT_DESCRIPTIONS = {
    400: "Bad Request: sandbox fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
# A 1x1 transparent WebP and the first bytes of an Ogg stream, for synthetic stickers and voice notes.
STICKER_BYTES = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
VOICE_BYTES = b"OggS\x00\x02" + bytes(58)


class CitizenError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _fail(message: str, status: int = 400) -> CitizenError:
    return CitizenError(status, message)


@web.middleware
async def citizen_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except CitizenError as error:
        return web.json_response({"error": error.message}, status=error.status)
    except ApiError as error:
        return web.json_response({"error": error.description}, status=error.code)


async def _json_body(request: web.Request) -> JSON:
    if not request.can_read_body:
        return {}
    try:
        body = json.loads(await request.text() or "{}")
    except ValueError:
        raise _fail("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise _fail("the body must be a JSON object")
    return body


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _fail(f"{name} must be an integer") from None


def _float(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _fail(f"{name} must be a number") from None


def _timeout(request: web.Request) -> float:
    return max(0.0, min(_float(request.query.get("timeout", "0"), "timeout"), MAX_WAIT))


class CitizenApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/api/users", self.list_users),
            web.post("/api/users", self.create_user),
            web.post("/api/users/bulk", self.create_users_bulk),
            web.get("/api/users/{user_id}", self.get_user),
            web.post("/api/users/{user_id}/block", self.block),
            web.post("/api/users/{user_id}/unblock", self.unblock),
            web.post("/api/groups", self.create_group),
            web.get("/api/chats/{chat_id}", self.get_chat),
            web.get("/api/chats/{chat_id}/messages", self.get_messages),
            web.get("/api/chats/{chat_id}/events", self.get_events),
            web.get("/api/chats/{chat_id}/stream", self.stream),
            web.post("/api/chats/{chat_id}/text", self.send_text),
            web.post("/api/chats/{chat_id}/location", self.send_location),
            web.post("/api/chats/{chat_id}/photo", self.send_photo),
            web.post("/api/chats/{chat_id}/sticker", self.send_sticker),
            web.post("/api/chats/{chat_id}/voice", self.send_voice),
            web.post("/api/chats/{chat_id}/document", self.send_document),
            web.post("/api/chats/{chat_id}/press", self.press_button),
            web.post("/api/chats/{chat_id}/reply_button", self.press_reply_button),
            web.get("/api/callbacks/{callback_query_id}", self.get_callback),
            web.get("/api/files/{file_id}", self.get_file),
            web.get("/api/commands", self.get_commands),
            web.get("/api/bots", self.get_bots),
            web.get("/api/faults", self.list_faults),
            web.post("/api/faults", self.add_fault),
            web.delete("/api/faults", self.clear_faults),
            web.get("/api/stats", self.get_stats),
            web.get("/api/sms", self.list_sms),
            web.post("/api/sms", self.add_sms),
            web.post("/api/reset", self.reset),
            web.get("/api/limits", self.get_limits),
            web.put("/api/limits", self.put_limits),
        ]

    # --- lookups ----------------------------------------------------------------------------

    def _chat(self, request: web.Request) -> ChatState:
        chat = self.state.chats.get(_int(request.match_info["chat_id"], "chat_id"))
        if chat is None:
            raise _fail("chat not found", 404)
        return chat

    def _citizen(self, user_id: Any) -> Citizen:
        citizen = self.state.citizens.get(_int(user_id, "user_id"))
        if citizen is None:
            raise _fail("user not found", 404)
        return citizen

    def _sender(self, chat: ChatState, body: JSON) -> Citizen:
        if chat.type == "private":
            return self.state.citizens[chat.id]
        if "from_user_id" not in body:
            raise _fail("from_user_id is required in a group")
        citizen = self._citizen(body["from_user_id"])
        if citizen.id not in chat.members:
            raise _fail("the user is not a member of this group")
        return citizen

    def _sent(self, chat: ChatState, message_view: JSON) -> web.Response:
        return web.json_response({"message": message_view, "seq": chat.seq})

    # --- users and groups -------------------------------------------------------------------

    async def list_users(self, request: web.Request) -> web.Response:
        limit = max(1, min(_int(request.query.get("limit", "200"), "limit"), 10_000))
        citizens = list(self.state.citizens.values())
        newest = citizens[-limit:][::-1]
        return web.json_response({"total": len(citizens), "users": [c.to_view() for c in newest]})

    async def create_user(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        first_name = str(body.get("first_name") or "").strip()
        if not first_name:
            raise _fail("first_name is required")
        try:
            citizen = self.state.create_citizen(
                first_name,
                last_name=body.get("last_name"),
                username=body.get("username"),
                language_code=body.get("language_code"),
                user_id=_int(body["id"], "id") if body.get("id") is not None else None,
            )
        except ValueError as error:
            raise _fail(str(error), 409) from None
        return web.json_response(citizen.to_view(), status=201)

    async def create_users_bulk(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        count = _int(body.get("count"), "count")
        if not 1 <= count <= MAX_BULK:
            raise _fail(f"count must be between 1 and {MAX_BULK}")
        prefix = str(body.get("first_name") or "Citizen")
        language = body.get("language_code")
        create = self.state.create_citizen
        ids = [create(f"{prefix} {i + 1}", language_code=language).id for i in range(count)]
        return web.json_response({"count": count, "first_id": ids[0], "last_id": ids[-1], "ids": ids}, status=201)

    async def get_user(self, request: web.Request) -> web.Response:
        return web.json_response(self._citizen(request.match_info["user_id"]).to_view())

    async def block(self, request: web.Request) -> web.Response:
        citizen = self._citizen(request.match_info["user_id"])
        self.state.set_blocked(citizen, True)
        return web.json_response(citizen.to_view())

    async def unblock(self, request: web.Request) -> web.Response:
        citizen = self._citizen(request.match_info["user_id"])
        self.state.set_blocked(citizen, False)
        return web.json_response(citizen.to_view())

    async def create_group(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        title = str(body.get("title") or "").strip()
        if not title:
            raise _fail("title is required")
        members = [_int(member, "member_ids") for member in body.get("member_ids") or []]
        try:
            chat = self.state.create_group(title, members)
        except KeyError as error:
            raise _fail(f"user {error.args[0]} not found", 404) from None
        return web.json_response(self._chat_view(chat), status=201)

    # --- reading chats ----------------------------------------------------------------------

    def _chat_view(self, chat: ChatState) -> JSON:
        action = chat.last_action
        if action is not None and time.time() - action["at"] > 5:
            action = None
        return {
            "id": chat.id,
            "type": chat.type,
            "title": chat.title,
            "members": sorted(chat.members),
            "telegram": self.state.chat_json(chat),
            "reply_keyboard": chat.reply_keyboard,
            "chat_action": action,
            "seq": chat.seq,
            "message_count": len(chat.messages),
        }

    async def get_chat(self, request: web.Request) -> web.Response:
        return web.json_response(self._chat_view(self._chat(request)))

    async def get_messages(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        include_deleted = request.query.get("include_deleted", "") in ("1", "true")
        messages = [m.to_view() for m in chat.messages.values() if include_deleted or not m.deleted]
        return web.json_response({"messages": messages, "seq": chat.seq})

    async def get_events(self, request: web.Request) -> web.Response:
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        after = _int(request.query.get("after", "0"), "after")
        deadline = time.monotonic() + _timeout(request)
        while True:
            chat = self.state.chats.get(chat_id)
            if chat is None:
                raise _fail("chat not found", 404)
            if chat.seq > after or self.state.closing:
                # seq n is events[n - 1]
                events = chat.events[max(after, 0) :]
                return web.json_response({"events": events, "cursor": chat.seq})
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return web.json_response({"events": [], "cursor": chat.seq})
            await wait_signal(chat.signal.waiter(), remaining)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events for one chat (the chat page's live view)."""
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        if chat_id not in self.state.chats:
            raise _fail("chat not found", 404)
        after = _int(request.query.get("after", request.headers.get("Last-Event-ID", "0")), "after")
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        while not self.state.closing:
            chat = self.state.chats.get(chat_id)
            if chat is None:
                await response.write(b"event: reset\ndata: {}\n\n")
                break
            if chat.seq > after:
                for event in chat.events[after:]:
                    payload = json.dumps(event, ensure_ascii=False)
                    await response.write(f"id: {event['seq']}\ndata: {payload}\n\n".encode())
                after = chat.seq
                continue
            if not await wait_signal(chat.signal.waiter(), 15.0):
                await response.write(b": keep-alive\n\n")
        return response

    # --- acting as a citizen ----------------------------------------------------------------

    async def send_text(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        body = await _json_body(request)
        text = str(body.get("text") or "")
        if not text.strip():
            raise _fail("text is required")
        if utf16_len(text) > 4096:
            raise _fail("text is longer than 4096 characters")
        sender = self._sender(chat, body)
        reply_to = body.get("reply_to_message_id")
        message = self.state.user_message(
            chat,
            sender,
            "text",
            text=text,
            entities=command_entities(text),
            reply_to_message_id=_int(reply_to, "reply_to_message_id") if reply_to else None,
        )
        return self._sent(chat, message.to_view())

    async def send_location(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        body = await _json_body(request)
        latitude = _float(body.get("latitude"), "latitude")
        longitude = _float(body.get("longitude"), "longitude")
        if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            raise _fail("latitude must be within [-90, 90] and longitude within [-180, 180]")
        message = self.state.user_message(
            chat,
            self._sender(chat, body),
            "location",
            media={"location": {"latitude": latitude, "longitude": longitude}},
        )
        return self._sent(chat, message.to_view())

    async def _upload(self, request: web.Request, field: str) -> tuple[JSON, bytes | None, str | None, str]:
        """Fields and file bytes from a multipart form, or from JSON with ``data_base64``."""
        if request.content_type == "multipart/form-data":
            params = await read_params(request)
            upload = params.uploads.get(field)
            values = {k: v for k, v in params.values.items() if k not in request.query}
            if upload is None:
                return values, None, None, ""
            return values, upload.data, upload.filename, upload.content_type
        body = await _json_body(request)
        encoded = body.get("data_base64")
        if encoded is None:
            return body, None, body.get("file_name"), str(body.get("mime_type") or "")
        try:
            data = base64.b64decode(str(encoded), validate=True)
        except ValueError:
            raise _fail("data_base64 is not valid base64") from None
        return body, data, body.get("file_name"), str(body.get("mime_type") or "")

    def _caption(self, values: JSON) -> tuple[str, list[JSON]]:
        caption = str(values.get("caption") or "")
        if utf16_len(caption) > 1024:
            raise _fail("caption is longer than 1024 characters")
        return caption, command_entities(caption)

    async def send_photo(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        values, data, file_name, content_type = await self._upload(request, "photo")
        if not data:
            raise _fail("a non-empty photo file is required (multipart field 'photo' or JSON 'data_base64')")
        sender = self._sender(chat, values)
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
        return self._sent(chat, message.to_view())

    async def send_document(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        values, data, file_name, content_type = await self._upload(request, "document")
        if not data:
            raise _fail("a non-empty document file is required (multipart field 'document' or JSON 'data_base64')")
        sender = self._sender(chat, values)
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
        return self._sent(chat, message.to_view())

    async def send_sticker(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        body = await _json_body(request)
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
        message = self.state.user_message(chat, self._sender(chat, body), "sticker", media={"sticker": sticker})
        return self._sent(chat, message.to_view())

    async def send_voice(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        values, data, _, content_type = await self._upload(request, "voice")
        duration = max(1, _int(values.get("duration") or 2, "duration"))
        payload = data or VOICE_BYTES
        stored = self.state.store_file(payload, folder="voice", extension="oga", mime_type=content_type or "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": stored.mime_type,
            "file_size": len(payload),
        }
        message = self.state.user_message(chat, self._sender(chat, values), "voice", media={"voice": voice})
        return self._sent(chat, message.to_view())

    async def press_button(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        body = await _json_body(request)
        message = chat.messages.get(_int(body.get("message_id"), "message_id"))
        if message is None or message.deleted or not message.from_bot:
            raise _fail("bot message not found", 404)
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
            raise _fail("no such inline button on that message")
        if "callback_data" not in button:
            return web.json_response({"callback_query_id": None, "button": button})
        sender = self._sender(chat, body)
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
        chat = self._chat(request)
        body = await _json_body(request)
        text = str(body.get("text") or "")
        keyboard = chat.reply_keyboard
        labels = [b.get("text") for row in (keyboard or {}).get("keyboard", []) for b in row]
        if text not in labels:
            raise _fail("no such button on the current reply keyboard")
        assert keyboard is not None
        if keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        message = self.state.user_message(
            chat, self._sender(chat, body), "text", text=text, entities=command_entities(text)
        )
        return self._sent(chat, message.to_view())

    async def get_callback(self, request: web.Request) -> web.Response:
        record = self.state.callbacks.get(request.match_info["callback_query_id"])
        if record is None:
            raise _fail("callback query not found", 404)
        return web.json_response(
            {
                "id": record.id,
                "chat_id": record.chat_id,
                "message_id": record.message_id,
                "data": record.data,
                "answered": record.answered,
                "answer": record.answer,
            }
        )

    async def get_file(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise _fail("file not found", 404)
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type,
            headers={"Content-Security-Policy": "default-src 'none'; sandbox"},
        )

    async def get_commands(self, request: web.Request) -> web.Response:
        bot = self.state.active_bot()
        if bot is None:
            return web.json_response({"commands": []})
        language = request.query.get("language_code", "")
        scopes: list[str] = []
        if "chat_id" in request.query:
            chat_id = _int(request.query["chat_id"], "chat_id")
            scopes.append(json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True))
            chat = self.state.chats.get(chat_id)
            if chat is not None:
                kind = "all_private_chats" if chat.type == "private" else "all_group_chats"
                scopes.append(json.dumps({"type": kind}, sort_keys=True))
        scopes.append("")
        for scope in scopes:
            for lang in ([language] if language else []) + [""]:
                commands = bot.commands.get((scope, lang))
                if commands is not None:
                    return web.json_response({"commands": commands})
        return web.json_response({"commands": []})

    async def get_bots(self, request: web.Request) -> web.Response:
        bots = []
        for bot in self.state.bots.values():
            bots.append(
                {
                    **bot.user,
                    "active": bot.id == self.state.active_bot_id,
                    "webhook_url": bot.webhook.url if bot.webhook is not None else None,
                    "pending_updates": len(bot.updates) + (bot.webhook_queue.qsize() if bot.webhook_queue else 0),
                }
            )
        return web.json_response({"bots": bots})

    # --- faults, stats, SMS, reset, limits --------------------------------------------------

    async def list_faults(self, request: web.Request) -> web.Response:
        return web.json_response({"faults": [f.to_view() for f in self.state.faults]})

    async def add_fault(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        method = str(body.get("method") or "").strip().lower()
        if not method:
            raise _fail("method is required (a Bot API method name, or * for any)")
        count = _int(body.get("count", 1), "count")
        status = _int(body.get("status", 500), "status")
        if count < 1 or not 400 <= status <= 599:
            raise _fail("count must be >= 1 and status within 400..599")
        retry_after = _int(body["retry_after"], "retry_after") if body.get("retry_after") is not None else None
        description = body.get("description")
        if status == 429:
            retry_after = retry_after or 1
            description = description or f"Too Many Requests: retry after {retry_after}"
        elif status == 400 and description and not str(description).startswith("Bad Request"):
            description = f"Bad Request: {description}"
        description = str(description or DEFAULT_FAULT_DESCRIPTIONS.get(status, "Sandbox fault"))
        chat_id = _int(body["chat_id"], "chat_id") if body.get("chat_id") is not None else None
        fault = Fault(method, count, status, description, retry_after, chat_id)
        self.state.faults.append(fault)
        return web.json_response(fault.to_view(), status=201)

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.state.faults.clear()
        return web.json_response({"faults": []})

    async def get_stats(self, request: web.Request) -> web.Response:
        stats = self.state.stats
        answer: JSON = {
            "method_calls": dict(stats.method_calls),
            "status_codes": {str(code): count for code, count in stats.status_codes.items()},
            "too_many_requests": stats.too_many_requests,
            "messages_sent": stats.messages_sent,
            "first_send_at": stats.first_send_at,
            "last_send_at": stats.last_send_at,
            "updates_created": stats.updates_created,
            "webhook_deliveries": stats.webhook_deliveries,
            "webhook_failures": stats.webhook_failures,
            "users": len(self.state.citizens),
            "chats": len(self.state.chats),
        }
        if request.query.get("chats", "") in ("1", "true"):
            answer["received"] = {
                str(chat.id): [m.text for m in chat.messages.values() if m.from_bot]
                for chat in self.state.chats.values()
                if any(m.from_bot for m in chat.messages.values())
            }
        return web.json_response(answer)

    async def list_sms(self, request: web.Request) -> web.Response:
        phone = request.query.get("phone", "").strip()
        after = _int(request.query.get("after_id", "0"), "after_id")
        deadline = time.monotonic() + _timeout(request)
        while True:
            found = [s for s in self.state.sms if s.id > after and (not phone or s.phone == phone)]
            remaining = deadline - time.monotonic()
            if found or remaining <= 0 or self.state.closing:
                return web.json_response({"sms": [s.to_view() for s in reversed(found)]})
            await wait_signal(self.state.sms_signal.waiter(), remaining)

    async def add_sms(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        phone = str(body.get("phone") or "").strip()
        text = str(body.get("text") or "")
        if not phone or not text:
            raise _fail("phone and text are required")
        record = SmsRecord(len(self.state.sms) + 1, phone, text, time.time())
        self.state.sms.append(record)
        self.state.sms_signal.fire()
        return web.json_response(record.to_view(), status=201)

    async def reset(self, request: web.Request) -> web.Response:
        self.state.reset()
        return web.json_response({"reset": True})

    async def get_limits(self, request: web.Request) -> web.Response:
        return web.json_response(dataclasses.asdict(self.state.limits))

    async def put_limits(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        known = {f.name for f in dataclasses.fields(SandboxLimits)}
        unknown = set(body) - known
        if unknown:
            raise _fail(f"unknown limit fields: {', '.join(sorted(unknown))}")
        current = self.state.limits
        for name, value in body.items():
            expected = type(getattr(current, name))
            if expected is bool and not isinstance(value, bool):
                raise _fail(f"{name} must be true or false")
            if expected is not bool and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise _fail(f"{name} must be a number")
            if expected is int and not float(value).is_integer():
                raise _fail(f"{name} must be a whole number")
            body[name] = expected(value)
        try:
            limits = dataclasses.replace(current, **body)
        except (TypeError, ValueError) as error:
            raise _fail(str(error)) from None
        self.state.set_limits(limits)
        return web.json_response(dataclasses.asdict(limits))
