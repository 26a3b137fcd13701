"""Async Python client for the sandbox's citizen API, for end-to-end tests and benchmarks.

Typical test::

    async with SandboxClient("http://127.0.0.1:8080/sandbox") as sandbox:
        user = await sandbox.create_user("Ann", language_code="en")
        await sandbox.send_text(user.id, "/start")
        reply = await sandbox.wait_bot_message(user.id, contains="Welcome")
        await sandbox.press_button_text(user.id, "Licenses")
        edited = await sandbox.wait_bot_message(user.id)

``send_*`` moves the chat's cursor to the message just sent, and ``wait_bot_message`` returns the
first bot message or edit after the cursor (and moves the cursor past it), so "send, then wait for
the reply" never sees an older reply.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import aiohttp

JSON = dict[str, Any]


class SandboxError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class SandboxUser:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    blocked_bot: bool

    @classmethod
    def from_json(cls, data: JSON) -> SandboxUser:
        return cls(
            id=int(data["id"]),
            first_name=data["first_name"],
            last_name=data.get("last_name"),
            username=data.get("username"),
            language_code=data.get("language_code"),
            blocked_bot=bool(data.get("blocked_bot")),
        )


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message in a chat, from either side, as the sandbox shows it."""

    message_id: int
    chat_id: int
    from_bot: bool
    kind: str
    text: str  # as the bot sent it (HTML/MarkdownV2 markup included); the user's text for user messages
    plain_text: str  # what a person sees: markup rendered away
    html: str  # safe HTML rendering (Telegram's tags only)
    entities: list[JSON]
    parse_mode: str | None
    reply_markup: JSON | None
    media: JSON | None
    version: int
    edited: bool
    deleted: bool
    raw: JSON = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> ChatMessage:
        return cls(
            message_id=int(data["message_id"]),
            chat_id=int(data["chat_id"]),
            from_bot=data["from"] == "bot",
            kind=data["kind"],
            text=data.get("raw_text") or "",
            plain_text=data.get("text") or "",
            html=data.get("html") or "",
            entities=list(data.get("entities") or []),
            parse_mode=data.get("parse_mode"),
            reply_markup=data.get("reply_markup"),
            media=data.get("media"),
            version=int(data.get("version", 1)),
            edited=bool(data.get("edited")),
            deleted=bool(data.get("deleted")),
            raw=data,
        )

    @property
    def inline_buttons(self) -> list[list[JSON]]:
        return list((self.reply_markup or {}).get("inline_keyboard") or [])

    @property
    def buttons(self) -> list[list[str]]:
        """Visible texts of the inline keyboard (or of the reply keyboard), row by row."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[str(button.get("text", "")) for button in row] for row in rows]

    def callback_data_of(self, text: str) -> str:
        for row in self.inline_buttons:
            for button in row:
                if button.get("text") == text and "callback_data" in button:
                    return str(button["callback_data"])
        raise KeyError(f"no inline button {text!r} with callback data on message {self.message_id}")


@dataclass(frozen=True, slots=True)
class ChatEvent:
    seq: int
    type: str  # message, edit, delete, chat_action, callback_answer, button_press, blocked, unblocked
    data: JSON

    @property
    def message(self) -> ChatMessage | None:
        payload = self.data.get("message")
        return ChatMessage.from_json(payload) if isinstance(payload, dict) else None


class SandboxClient:
    """Client for ``{base_url}/api``; ``base_url`` is where the sandbox is mounted, e.g.
    ``http://127.0.0.1:8080/sandbox``. Pass a session to share one; otherwise the client owns one."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None
        self._cursors: dict[int, int] = {}

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Any = None,
        params: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Any:
        url = f"{self.base_url}/api{path}"
        async with self._http().request(
            method, url, json=json, data=data, params=params, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            body = await response.json(content_type=None)
            if response.status >= 400:
                raise SandboxError(response.status, str(body.get("error", body)))
            return body

    def _advance(self, chat_id: int, seq: int) -> None:
        self._cursors[chat_id] = max(self._cursors.get(chat_id, 0), seq)

    async def _sent(self, chat_id: int, answer: JSON) -> ChatMessage:
        self._advance(chat_id, int(answer["seq"]))
        return ChatMessage.from_json(answer["message"])

    # --- users and groups -------------------------------------------------------------------

    async def create_user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        user_id: int | None = None,
    ) -> SandboxUser:
        body: JSON = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        if user_id is not None:
            body["id"] = user_id
        return SandboxUser.from_json(await self._request("POST", "/users", json=body))

    async def create_users_bulk(
        self, n: int, *, first_name: str = "Citizen", language_code: str | None = "en"
    ) -> list[int]:
        answer = await self._request(
            "POST",
            "/users/bulk",
            json={"count": n, "first_name": first_name, "language_code": language_code},
            timeout=300.0,
        )
        return [int(user_id) for user_id in answer["ids"]]

    async def create_group(self, title: str, member_ids: list[int]) -> int:
        answer = await self._request("POST", "/groups", json={"title": title, "member_ids": member_ids})
        return int(answer["id"])

    async def block_bot(self, user_id: int) -> None:
        await self._request("POST", f"/users/{user_id}/block")

    async def unblock_bot(self, user_id: int) -> None:
        await self._request("POST", f"/users/{user_id}/unblock")

    # --- acting as a citizen ----------------------------------------------------------------

    async def send_text(
        self, chat_id: int, text: str, *, from_user_id: int | None = None, reply_to_message_id: int | None = None
    ) -> ChatMessage:
        body: JSON = {"text": text}
        if from_user_id is not None:
            body["from_user_id"] = from_user_id
        if reply_to_message_id is not None:
            body["reply_to_message_id"] = reply_to_message_id
        return await self._sent(chat_id, await self._request("POST", f"/chats/{chat_id}/text", json=body))

    async def send_location(
        self, chat_id: int, latitude: float, longitude: float, *, from_user_id: int | None = None
    ) -> ChatMessage:
        body: JSON = {"latitude": latitude, "longitude": longitude}
        if from_user_id is not None:
            body["from_user_id"] = from_user_id
        return await self._sent(chat_id, await self._request("POST", f"/chats/{chat_id}/location", json=body))

    async def send_photo(
        self,
        chat_id: int,
        data: bytes,
        caption: str | None = None,
        *,
        filename: str = "photo.jpg",
        content_type: str = "image/jpeg",
        from_user_id: int | None = None,
    ) -> ChatMessage:
        form = aiohttp.FormData()
        form.add_field("photo", data, filename=filename, content_type=content_type)
        if caption:
            form.add_field("caption", caption)
        if from_user_id is not None:
            form.add_field("from_user_id", str(from_user_id))
        return await self._sent(chat_id, await self._request("POST", f"/chats/{chat_id}/photo", data=form))

    async def send_document(
        self,
        chat_id: int,
        data: bytes,
        filename: str,
        caption: str | None = None,
        *,
        content_type: str = "application/octet-stream",
    ) -> ChatMessage:
        form = aiohttp.FormData()
        form.add_field("document", data, filename=filename, content_type=content_type)
        if caption:
            form.add_field("caption", caption)
        return await self._sent(chat_id, await self._request("POST", f"/chats/{chat_id}/document", data=form))

    async def send_sticker(self, chat_id: int, emoji: str = "👍") -> ChatMessage:
        return await self._sent(
            chat_id, await self._request("POST", f"/chats/{chat_id}/sticker", json={"emoji": emoji})
        )

    async def send_voice(self, chat_id: int, duration: int = 2) -> ChatMessage:
        return await self._sent(
            chat_id, await self._request("POST", f"/chats/{chat_id}/voice", json={"duration": duration})
        )

    async def press_button(self, chat_id: int, message_id: int, callback_data: str) -> str:
        """Press an inline button; returns the callback query id."""
        answer = await self._request(
            "POST", f"/chats/{chat_id}/press", json={"message_id": message_id, "callback_data": callback_data}
        )
        self._advance(chat_id, int(answer["seq"]))
        return str(answer["callback_query_id"])

    async def press_button_text(self, chat_id: int, text: str) -> str:
        """Press the inline button showing ``text`` on the latest bot message that has one."""
        for message in reversed(await self.messages(chat_id)):
            if not message.from_bot:
                continue
            for row in message.inline_buttons:
                for button in row:
                    if button.get("text") == text and "callback_data" in button:
                        return await self.press_button(chat_id, message.message_id, str(button["callback_data"]))
        raise SandboxError(404, f"no bot message in chat {chat_id} has an inline button {text!r}")

    async def press_reply_button(
        self, chat_id: int, text: str, *, latitude: float | None = None, longitude: float | None = None
    ) -> ChatMessage:
        """Press a button of the chat's current reply keyboard: sends its text, or for a
        ``request_location`` button a location (the given one, else the sandbox phone's)."""
        body: JSON = {"text": text}
        if latitude is not None and longitude is not None:
            body.update(latitude=latitude, longitude=longitude)
        return await self._sent(chat_id, await self._request("POST", f"/chats/{chat_id}/reply_button", json=body))

    async def callback_answer(self, callback_query_id: str) -> JSON | None:
        answer = await self._request("GET", f"/callbacks/{callback_query_id}")
        return answer["answer"] if answer["answered"] else None

    # --- reading ----------------------------------------------------------------------------

    async def messages(self, chat_id: int) -> list[ChatMessage]:
        answer = await self._request("GET", f"/chats/{chat_id}/messages")
        return [ChatMessage.from_json(item) for item in answer["messages"]]

    async def chat(self, chat_id: int) -> JSON:
        result: JSON = await self._request("GET", f"/chats/{chat_id}")
        return result

    async def events(self, chat_id: int, after: int = 0, timeout: float = 0.0) -> tuple[list[ChatEvent], int]:
        answer = await self._request(
            "GET",
            f"/chats/{chat_id}/events",
            params={"after": str(after), "timeout": str(timeout)},
            timeout=timeout + 30,
        )
        events = [ChatEvent(int(e["seq"]), str(e["type"]), e) for e in answer["events"]]
        return events, int(answer["cursor"])

    async def wait_event(self, chat_id: int, event_type: str, *, timeout: float = 10.0) -> ChatEvent:
        """Wait for the next event of ``event_type`` after the cursor (e.g. "callback_answer")."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {event_type} event in chat {chat_id} within {timeout}s")
            events, _ = await self.events(chat_id, self._cursors.get(chat_id, 0), min(remaining, 25.0))
            for event in events:
                self._advance(chat_id, event.seq)
                if event.type == event_type:
                    return event

    async def wait_bot_message(
        self, chat_id: int, *, contains: str | None = None, timeout: float = 10.0
    ) -> ChatMessage:
        """The next new bot message or edit after the cursor (whose visible text contains
        ``contains``, when given). Events skipped on the way are consumed."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"no bot message{f' containing {contains!r}' if contains else ''} "
                    f"in chat {chat_id} within {timeout}s"
                )
            events, _ = await self.events(chat_id, self._cursors.get(chat_id, 0), min(remaining, 25.0))
            for event in events:
                self._advance(chat_id, event.seq)
                message = event.message
                if event.type not in ("message", "edit") or message is None or not message.from_bot:
                    continue
                if contains is None or contains in message.plain_text:
                    return message

    async def bots(self) -> list[JSON]:
        """The bots that called the Bot API: id, username, ``webhook_url``, ``pending_updates``..."""
        answer = await self._request("GET", "/bots")
        return list(answer["bots"])

    async def feed(self, after: int = 0, *, timeout: float = 0.0, limit: int = 10_000) -> tuple[list[JSON], int, int]:
        """What the bot put into any chat after feed sequence ``after`` (sends, edits, callback
        answers, each with the sandbox's ``at`` timestamp), waiting up to ``timeout`` seconds for
        something new. Returns the entries, the cursor to pass next, and the oldest sequence number
        the sandbox still keeps (entries before it were forgotten)."""
        answer = await self._request(
            "GET",
            "/feed",
            params={"after": str(after), "timeout": str(timeout), "limit": str(limit)},
            timeout=timeout + 30,
        )
        return list(answer["entries"]), int(answer["cursor"]), int(answer["first"])

    # --- faults, stats, SMS, limits ---------------------------------------------------------

    async def inject_fault(
        self,
        method: str,
        *,
        status: int = 500,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        body: JSON = {"method": method, "status": status, "count": count}
        if retry_after is not None:
            body["retry_after"] = retry_after
        if description is not None:
            body["description"] = description
        if chat_id is not None:
            body["chat_id"] = chat_id
        result: JSON = await self._request("POST", "/faults", json=body)
        return result

    async def clear_faults(self) -> None:
        await self._request("DELETE", "/faults")

    async def sms(self, phone: str | None = None) -> list[JSON]:
        answer = await self._request("GET", "/sms", params={"phone": phone} if phone else None)
        return list(answer["sms"])

    async def send_sms(self, phone: str, text: str) -> JSON:
        result: JSON = await self._request("POST", "/sms", json={"phone": phone, "text": text})
        return result

    async def stats(self, *, chats: bool = False) -> JSON:
        result: JSON = await self._request("GET", "/stats", params={"chats": "1"} if chats else None, timeout=120.0)
        return result

    async def reset(self) -> None:
        await self._request("POST", "/reset")
        self._cursors.clear()

    async def set_limits(self, **limits: Any) -> JSON:
        """Change flood limits at run time, e.g. ``set_limits(enabled=False)`` or ``set_limits(per_chat_rate=5)``."""
        result: JSON = await self._request("PUT", "/limits", json=limits)
        return result

    async def wait_sms(self, phone: str, *, timeout: float = 10.0) -> JSON:
        """The newest SMS for ``phone``, waiting for one to arrive if there is none yet."""
        answer = await self._request(
            "GET", "/sms", params={"phone": phone, "timeout": str(timeout)}, timeout=timeout + 30
        )
        if not answer["sms"]:
            raise TimeoutError(f"no SMS for {phone} within {timeout}s")
        return dict(answer["sms"][0])

    # --- Mini Apps ----------------------------------------------------------------------------

    async def menu_button(self, chat_id: int) -> JSON:
        """The menu button the private chat shows (``{"type": "web_app", "text", "web_app": {"url"}}``,
        or ``{"type": "commands"}``)."""
        result: JSON = await self._request("GET", f"/chats/{chat_id}/menu_button")
        return result

    async def launch_web_app(
        self, user_id: int, url: str, *, source: str = "inline", start_param: str | None = None, theme: str = "light"
    ) -> JSON:
        """Open a Mini App as Telegram would for this user: ``{url, init_data, theme_params, ...}``,
        ``url`` with the signed launch parameters in its fragment."""
        body: JSON = {"user_id": user_id, "url": url, "source": source, "theme": theme}
        if start_param is not None:
            body["start_param"] = start_param
        result: JSON = await self._request("POST", "/webapp/launch", json=body)
        return result

    # --- payments (sandbox/payments.py) ---------------------------------------------------------

    async def pay_invoice(
        self, chat_id: int, message_id: int, *, outcome: str = "success", deliveries: int = 1
    ) -> JSON:
        """Pay the invoice ``message_id`` as the citizen: ``success``, ``declined`` (the card is
        refused after the bot's pre-checkout ok) or ``abandoned``; ``deliveries: 2`` delivers the
        successful payment twice. ``{"status": "paid" | "declined" | "refused" | "timeout" | "abandoned", ...}``."""
        result: JSON = await self._request(
            "POST",
            f"/chats/{chat_id}/pay",
            json={"message_id": message_id, "outcome": outcome, "deliveries": deliveries},
        )
        return result

    async def gateway_orders(self) -> list[JSON]:
        """The payment gateway's orders, each with the notifications it sent (headers and body)."""
        answer = await self._request("GET", "/gateway/orders")
        return list(answer["orders"])

    async def gateway_pay(
        self, gateway_order_id: str, *, outcome: str = "success", notify: str = "now", repeat: int = 1
    ) -> JSON:
        """Pay (or decline) a gateway order as the citizen on its payment page; the notification is
        sent ``repeat`` times now, or held until ``gateway_deliver`` (``notify="hold"``)."""
        result: JSON = await self._request(
            "POST",
            f"/gateway/pay/{gateway_order_id}",
            json={"outcome": outcome, "notify": notify, "repeat": repeat},
        )
        return result

    async def gateway_deliver(self, order_id: str) -> JSON:
        """Send the held (late) notifications of the gateway order ``order_id``."""
        result: JSON = await self._request("POST", f"/gateway/orders/{order_id}/deliver")
        return result
