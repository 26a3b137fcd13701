"""In-memory state of the sandbox: the container of every record (sandbox/records.py) and the
operations on them - bots and their update queues, citizens and chats, files, reset.

Everything lives in the memory of the process serving the sandbox; sandbox/persistence.py keeps it
across restarts (``touch()`` marks a change for its next snapshot).
"""

from __future__ import annotations

import secrets
import time

from sandbox.formatting import Entity
from sandbox.limits import RateLimiter, SandboxLimits
from sandbox.records import (
    JSON,
    BotState,
    CallbackRecord,
    ChatState,
    Citizen,
    Fault,
    OutputFeed,
    Signal,
    SmsRecord,
    Stats,
    StoredFile,
    StoredMessage,
    stop_webhook_workers,
)
from sandbox.update_ids import UpdateIds

FIRST_USER_ID = 100_000_001
FIRST_GROUP_ID = -1_000_000_001


class SandboxState:
    """All sandbox state. Mutated only from the event loop thread, so no locks are needed."""

    def __init__(
        self, limits: SandboxLimits, update_ids: UpdateIds | None = None, user_ids: UpdateIds | None = None
    ) -> None:
        self.limits = limits
        self.bots: dict[int, BotState] = {}
        self.active_bot_id: int | None = None
        self.unclaimed_updates: list[tuple[str, JSON]] = []
        # Never reset (pollers keep their offset across resets), and with a file, never repeated
        # across restarts either: the bot de-duplicates updates by id.
        self.update_ids = update_ids or UpdateIds()
        self.citizens: dict[int, Citizen] = {}
        self.chats: dict[int, ChatState] = {}
        # Never reset either, and with a file never repeated across restarts: the bot links an
        # identity to a user id, so a new citizen must never get the id of an earlier one.
        self.user_ids = user_ids or UpdateIds(start=FIRST_USER_ID)
        self.next_group_id = FIRST_GROUP_ID
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.faults: list[Fault] = []
        self.sms: list[SmsRecord] = []
        self.sms_signal = Signal()
        self.stats = Stats()
        self.feed = OutputFeed()  # every bot send, edit and callback answer, across chats
        self.signal = Signal()  # fired on reset and shutdown
        self.closing = False
        self.version = 0  # raised by every change worth keeping (sandbox/persistence.py saves then)

    def touch(self) -> None:
        """Something changed that a restarted sandbox should still have."""
        self.version += 1

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
        self.touch()
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
            user_id = next(self.user_ids)
            while user_id in self.citizens:
                user_id = next(self.user_ids)
        if user_id <= 0:
            raise ValueError("user id must be positive")
        if user_id in self.citizens:
            raise ValueError(f"user {user_id} already exists")
        citizen = Citizen(user_id, first_name, last_name or None, username or None, language_code or None)
        self.citizens[user_id] = citizen
        self.chats[user_id] = ChatState(id=user_id, type="private", members={user_id})
        self.touch()
        return citizen

    def create_group(self, title: str, member_ids: list[int]) -> ChatState:
        for member in member_ids:
            if member not in self.citizens:
                raise KeyError(member)
        group_id = self.next_group_id
        self.next_group_id -= 1
        chat = ChatState(id=group_id, type="group", title=title, members=set(member_ids))
        self.chats[group_id] = chat
        self.touch()
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
        self.feed.signal.fire()

    def reset(self) -> None:
        """Forget citizens, chats, files, SMS, faults, stats, pending updates, webhooks, commands and
        menu buttons. Bot identities and the update-id counter survive, so a running poller keeps
        working; so does the user-id counter, so no new citizen takes an old one's id (and identity)."""
        for bot in self.bots.values():
            bot.epoch += 1
            stop_webhook_workers(bot)
            bot.webhook = None
            bot.webhook_queue = None
            bot.updates.clear()
            bot.commands.clear()
            bot.menu_buttons.clear()
            bot.allowed_updates = None
            bot.limiter = RateLimiter(self.limits)
        old_chats = list(self.chats.values())
        self.unclaimed_updates.clear()
        self.citizens.clear()
        self.chats.clear()
        self.next_group_id = FIRST_GROUP_ID
        self.files.clear()
        self.files_by_path.clear()
        self.callbacks.clear()
        self.faults.clear()
        self.sms.clear()
        self.stats = Stats()
        self.feed.clear()
        self.touch()
        for chat in old_chats:
            chat.signal.fire()
        self.wake_all()
