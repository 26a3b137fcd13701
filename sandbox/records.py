"""The records the sandbox keeps: citizens, chats and their messages, bots, files, callback
queries, SMS, faults and stats, plus the wake-up signals that long polls and live streams wait on.

Waiting uses one-shot ``asyncio.Event`` signals that are replaced each time they fire.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sandbox.formatting import Entity, entities_to_html
from sandbox.limits import RateLimiter

JSON = dict[str, Any]

# Update types Telegram sends when allowed_updates is empty or not given.
DEFAULT_UPDATE_TYPES = frozenset({"message", "edited_message", "callback_query", "my_chat_member"})


class Signal:
    """A broadcast wake-up: ``waiter()`` gives an event that is set by the next ``fire()``."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def waiter(self) -> asyncio.Event:
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    def fire(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None


async def wait_signal(event: asyncio.Event, timeout: float) -> bool:
    if timeout <= 0:
        return event.is_set()
    try:
        await asyncio.wait_for(event.wait(), timeout)
    except TimeoutError:
        return False
    return True


@dataclass(slots=True)
class Citizen:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked_bot: bool = False
    created_at: float = field(default_factory=time.time)

    def to_telegram(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def to_view(self) -> JSON:
        view = self.to_telegram()
        view["blocked_bot"] = self.blocked_bot
        view["chat_id"] = self.id
        return view


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    mime_type: str
    file_name: str | None = None

    def to_telegram(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass(slots=True)
class StoredMessage:
    message_id: int
    chat_id: int
    from_bot: bool
    sender: JSON
    date: int
    kind: str  # text, photo, location, sticker, voice, document
    text: str = ""  # plain text (or caption) as the recipient sees it
    entities: list[Entity] = field(default_factory=list)
    raw_text: str | None = None  # what the bot sent, before parse_mode was applied
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    reply_to_message_id: int | None = None
    media: JSON | None = None
    version: int = 1
    edit_date: int | None = None
    deleted: bool = False

    def to_telegram(self, chat: JSON, *, with_reply: StoredMessage | None = None) -> JSON:
        message: JSON = {"message_id": self.message_id, "from": self.sender, "chat": chat, "date": self.date}
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.media is not None:
            message.update(self.media)
        text_key, entity_key = ("text", "entities") if self.kind == "text" else ("caption", "caption_entities")
        if self.text:
            message[text_key] = self.text
            if self.entities:
                message[entity_key] = self.entities
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if with_reply is not None:
            message["reply_to_message"] = with_reply.to_telegram(chat)
        return message

    def to_view(self) -> JSON:
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "from": "bot" if self.from_bot else "user",
            "sender_id": self.sender["id"],
            "date": self.date,
            "kind": self.kind,
            "text": self.text,
            "raw_text": self.raw_text if self.raw_text is not None else self.text,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "html": entities_to_html(self.text, self.entities),
            "reply_markup": self.reply_markup,
            "reply_to_message_id": self.reply_to_message_id,
            "media": self.media,
            "version": self.version,
            "edited": self.version > 1,
            "deleted": self.deleted,
        }


@dataclass(slots=True)
class ChatState:
    id: int
    type: str  # "private" or "group"
    title: str | None = None
    members: set[int] = field(default_factory=set)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    events: list[JSON] = field(default_factory=list)  # the events after ``event_base``, oldest first
    seq: int = 0
    event_base: int = 0  # the sequence number the chat had when this process got it (a restart)
    signal: Signal = field(default_factory=Signal)
    reply_keyboard: JSON | None = None
    last_action: JSON | None = None

    def add_event(self, kind: str, payload: JSON) -> JSON:
        self.seq += 1
        event = {"seq": self.seq, "type": kind, "at": time.time(), **payload}
        self.events.append(event)
        self.signal.fire()
        return event

    def events_after(self, after: int) -> list[JSON]:
        """The events with a sequence number above ``after`` (those this process still has: the
        ones before a restart are gone, their messages are in the history)."""
        return self.events[max(after - self.event_base, 0) :]

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(slots=True)
class CallbackRecord:
    id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str
    answered: bool = False
    answer: JSON | None = None


@dataclass(slots=True)
class Fault:
    method: str  # lower-case method name, or "*" for any
    remaining: int
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None

    def to_view(self) -> JSON:
        return {
            "method": self.method,
            "remaining": self.remaining,
            "status": self.status,
            "description": self.description,
            "retry_after": self.retry_after,
            "chat_id": self.chat_id,
        }


@dataclass(slots=True)
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class BotState:
    id: int
    token: str
    limiter: RateLimiter
    updates: deque[JSON] = field(default_factory=deque)
    signal: Signal = field(default_factory=Signal)
    poll_generation: int = 0
    allowed_updates: list[str] | None = None
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    menu_buttons: dict[int, JSON] = field(default_factory=dict)  # by chat id; 0: the default scope
    webhook: WebhookConfig | None = None
    webhook_queue: asyncio.Queue[JSON] | None = None
    webhook_workers: list[asyncio.Task[None]] = field(default_factory=list)
    webhook_in_flight: int = 0
    epoch: int = 0  # bumped by reset

    @property
    def user(self) -> JSON:
        return {"id": self.id, "is_bot": True, "first_name": "Sandbox Bot", "username": f"sandbox_{self.id}_bot"}

    def accepts(self, update_type: str) -> bool:
        allowed = self.webhook.allowed_updates if self.webhook is not None else self.allowed_updates
        if not allowed:
            return update_type in DEFAULT_UPDATE_TYPES
        return update_type in allowed


@dataclass(slots=True)
class SmsRecord:
    id: int
    phone: str
    text: str
    at: float

    def to_view(self) -> JSON:
        return {"id": self.id, "phone": self.phone, "text": self.text, "at": self.at}


FEED_MAX = 200_000  # entries kept by the output feed (a reader that falls further behind is told so)


class OutputFeed:
    """Everything the bots put into chats, in order, across all chats: sends (``message``), edits
    (``edit``) and callback answers (``callback_answer``), each stamped with the sandbox's own clock
    (``at``, Unix seconds) when the call was accepted. One long poll on it replaces a long poll per
    chat, so a benchmark can follow thousands of chats, time each reply and count the sends of every
    one-second window from the same clock that enforced the flood limits.

    Sequence numbers start at 1 and keep growing across resets; the oldest entries are forgotten
    past ``FEED_MAX``."""

    def __init__(self, maxlen: int = FEED_MAX) -> None:
        self.entries: deque[JSON] = deque(maxlen=maxlen)
        self.seq = 0
        self.signal = Signal()

    @property
    def first_seq(self) -> int:
        """The sequence number of the oldest entry kept (``seq + 1`` when there is none)."""
        return self.seq - len(self.entries) + 1

    def add(self, kind: str, chat_id: int, **fields: Any) -> None:
        self.seq += 1
        self.entries.append({"seq": self.seq, "type": kind, "at": time.time(), "chat_id": chat_id, **fields})
        self.signal.fire()

    def after(self, seq: int, limit: int) -> list[JSON]:
        """Up to ``limit`` entries after ``seq``, oldest first (read from the newest end: O(entries read))."""
        newer = self.seq - max(seq, self.first_seq - 1)
        if newer <= 0:
            return []
        taken = list(islice(reversed(self.entries), newer))
        taken.reverse()
        return taken[:limit]

    def clear(self) -> None:
        self.entries.clear()


@dataclass
class Stats:
    method_calls: Counter[str] = field(default_factory=Counter)
    status_codes: Counter[int] = field(default_factory=Counter)
    too_many_requests: int = 0
    messages_sent: int = 0
    first_send_at: float | None = None
    last_send_at: float | None = None
    updates_created: int = 0
    webhook_deliveries: int = 0
    webhook_failures: int = 0


def stop_webhook_workers(bot: BotState) -> None:
    for task in bot.webhook_workers:
        task.cancel()
    bot.webhook_workers = []
