"""In-memory state of the sandbox: citizens, chats, messages, bots, files, SMS, faults and stats.

Everything lives in the memory of the process serving the sandbox. Waiting (long polling, the
chat page's live stream) uses one-shot ``asyncio.Event`` signals that are replaced each time they fire.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from sandbox.formatting import Entity, entities_to_html
from sandbox.limits import RateLimiter, SandboxLimits
from sandbox.update_ids import UpdateIds

JSON = dict[str, Any]

FIRST_USER_ID = 100_000_001
FIRST_GROUP_ID = -1_000_000_001
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
    events: list[JSON] = field(default_factory=list)
    seq: int = 0
    signal: Signal = field(default_factory=Signal)
    reply_keyboard: JSON | None = None
    last_action: JSON | None = None

    def add_event(self, kind: str, payload: JSON) -> JSON:
        self.seq += 1
        event = {"seq": self.seq, "type": kind, "at": time.time(), **payload}
        self.events.append(event)
        self.signal.fire()
        return event

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


class SandboxState:
    """All sandbox state. Mutated only from the event loop thread, so no locks are needed."""

    def __init__(self, limits: SandboxLimits, update_ids: UpdateIds | None = None) -> None:
        self.limits = limits
        self.bots: dict[int, BotState] = {}
        self.active_bot_id: int | None = None
        self.unclaimed_updates: list[tuple[str, JSON]] = []
        # Never reset (pollers keep their offset across resets), and with a file, never repeated
        # across restarts either: the bot de-duplicates updates by id.
        self.update_ids = update_ids or UpdateIds()
        self.citizens: dict[int, Citizen] = {}
        self.chats: dict[int, ChatState] = {}
        self.next_user_id = FIRST_USER_ID
        self.next_group_id = FIRST_GROUP_ID
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.faults: list[Fault] = []
        self.sms: list[SmsRecord] = []
        self.sms_signal = Signal()
        self.stats = Stats()
        self.signal = Signal()  # fired on reset and shutdown
        self.closing = False

    # --- bots -------------------------------------------------------------------------------

    def bot_for_token(self, token: str) -> BotState:
        bot_id = int(token.split(":", 1)[0])
        bot = self.bots.get(bot_id)
        if bot is None or bot.token != token:
            bot = BotState(id=bot_id, token=token, limiter=RateLimiter(self.limits))
            self.bots[bot_id] = bot
            pending, self.unclaimed_updates = self.unclaimed_updates, []
            for update_type, payload in pending:
                self._enqueue(bot, update_type, payload)
        self.active_bot_id = bot_id
        return bot

    def active_bot(self) -> BotState | None:
        return self.bots.get(self.active_bot_id) if self.active_bot_id is not None else None

    def push_update(self, update_type: str, payload: JSON) -> None:
        """Deliver an update to the bot the citizens talk to (the last bot that called the API)."""
        self.stats.updates_created += 1
        bot = self.active_bot()
        if bot is None:
            self.unclaimed_updates.append((update_type, payload))
            return
        self._enqueue(bot, update_type, payload)

    def _enqueue(self, bot: BotState, update_type: str, payload: JSON) -> None:
        if not bot.accepts(update_type):
            return
        update = {"update_id": next(self.update_ids), update_type: payload}
        if bot.webhook_queue is not None:
            bot.webhook_queue.put_nowait(update)
        else:
            bot.updates.append(update)
            bot.signal.fire()

    def set_limits(self, limits: SandboxLimits) -> None:
        self.limits = limits
        for bot in self.bots.values():
            bot.limiter = RateLimiter(limits)

    # --- citizens and chats -----------------------------------------------------------------

    def create_citizen(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> Citizen:
        if user_id is None:
            while self.next_user_id in self.citizens:
                self.next_user_id += 1
            user_id = self.next_user_id
            self.next_user_id += 1
        if user_id <= 0:
            raise ValueError("user id must be positive")
        if user_id in self.citizens:
            raise ValueError(f"user {user_id} already exists")
        citizen = Citizen(user_id, first_name, last_name or None, username or None, language_code or None)
        self.citizens[user_id] = citizen
        self.chats[user_id] = ChatState(id=user_id, type="private", members={user_id})
        return citizen

    def create_group(self, title: str, member_ids: list[int]) -> ChatState:
        for member in member_ids:
            if member not in self.citizens:
                raise KeyError(member)
        group_id = self.next_group_id
        self.next_group_id -= 1
        chat = ChatState(id=group_id, type="group", title=title, members=set(member_ids))
        self.chats[group_id] = chat
        return chat

    def chat_json(self, chat: ChatState) -> JSON:
        if chat.type == "group":
            return {"id": chat.id, "type": "group", "title": chat.title or "", "all_members_are_administrators": False}
        citizen = self.citizens[chat.id]
        data: JSON = {"id": chat.id, "type": "private", "first_name": citizen.first_name}
        if citizen.last_name:
            data["last_name"] = citizen.last_name
        if citizen.username:
            data["username"] = citizen.username
        return data

    def find_chat(self, ref: int | str) -> ChatState | None:
        if isinstance(ref, int):
            return self.chats.get(ref)
        name = ref.lstrip("@").lower()
        for citizen in self.citizens.values():
            if citizen.username and citizen.username.lower() == name:
                return self.chats.get(citizen.id)
        return None

    def message_telegram(self, chat: ChatState, message: StoredMessage) -> JSON:
        reply = chat.messages.get(message.reply_to_message_id) if message.reply_to_message_id else None
        return message.to_telegram(self.chat_json(chat), with_reply=reply)

    def set_blocked(self, citizen: Citizen, blocked: bool) -> None:
        if citizen.blocked_bot == blocked:
            return
        citizen.blocked_bot = blocked
        bot = self.active_bot()
        bot_user = bot.user if bot is not None else {"id": 0, "is_bot": True, "first_name": "Sandbox Bot"}
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        date = int(time.time())

        def member(status: str) -> JSON:
            info: JSON = {"user": bot_user, "status": status}
            if status == "kicked":
                info["until_date"] = 0
            return info

        self.push_update(
            "my_chat_member",
            {
                "chat": self.chat_json(self.chats[citizen.id]),
                "from": citizen.to_telegram(),
                "date": date,
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )
        self.chats[citizen.id].add_event("blocked" if blocked else "unblocked", {})

    def user_message(
        self,
        chat: ChatState,
        sender: Citizen,
        kind: str,
        *,
        text: str = "",
        entities: list[Entity] | None = None,
        media: JSON | None = None,
        reply_to_message_id: int | None = None,
    ) -> StoredMessage:
        """Store a citizen's message and deliver it to the bot as a ``message`` update."""
        if chat.type == "private" and sender.blocked_bot:
            self.set_blocked(sender, False)
        message = StoredMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            from_bot=False,
            sender=sender.to_telegram(),
            date=int(time.time()),
            kind=kind,
            text=text,
            entities=entities or [],
            media=media,
            reply_to_message_id=reply_to_message_id if reply_to_message_id in chat.messages else None,
        )
        chat.messages[message.message_id] = message
        chat.add_event("message", {"message": message.to_view()})
        self.push_update("message", self.message_telegram(chat, message))
        return message

    # --- files ------------------------------------------------------------------------------

    def store_file(
        self, data: bytes, *, folder: str, extension: str, mime_type: str, file_name: str | None = None
    ) -> StoredFile:
        unique = secrets.token_urlsafe(9)
        stored = StoredFile(
            file_id=f"SBX{folder[:2].upper()}{secrets.token_urlsafe(24)}",
            file_unique_id=f"U{unique}",
            file_path=f"{folder}/file_{len(self.files)}_{unique}.{extension}",
            data=data,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # --- lifecycle --------------------------------------------------------------------------

    def wake_all(self) -> None:
        self.signal.fire()
        self.sms_signal.fire()
        for chat in self.chats.values():
            chat.signal.fire()
        for bot in self.bots.values():
            bot.signal.fire()

    def reset(self) -> None:
        """Forget citizens, chats, files, SMS, faults, stats, pending updates, webhooks and commands.
        Bot identities and the update-id counter survive, so a running poller keeps working."""
        for bot in self.bots.values():
            bot.epoch += 1
            stop_webhook_workers(bot)
            bot.webhook = None
            bot.webhook_queue = None
            bot.updates.clear()
            bot.commands.clear()
            bot.allowed_updates = None
            bot.limiter = RateLimiter(self.limits)
        old_chats = list(self.chats.values())
        self.unclaimed_updates.clear()
        self.citizens.clear()
        self.chats.clear()
        self.next_user_id = FIRST_USER_ID
        self.next_group_id = FIRST_GROUP_ID
        self.files.clear()
        self.files_by_path.clear()
        self.callbacks.clear()
        self.faults.clear()
        self.sms.clear()
        self.stats = Stats()
        for chat in old_chats:
            chat.signal.fire()
        self.wake_all()


def stop_webhook_workers(bot: BotState) -> None:
    for task in bot.webhook_workers:
        task.cancel()
    bot.webhook_workers = []
