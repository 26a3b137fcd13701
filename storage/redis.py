"""Redis through redis.asyncio, with bounded retries on connection errors."""

from __future__ import annotations

from datetime import date

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

MAX_CONNECTIONS = 256  # per process; a burst beyond it waits for a free connection instead of failing


def connect_redis(url: str) -> aioredis.Redis:
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=5.0,  # seconds to wait for a free connection
        decode_responses=False,
        socket_connect_timeout=2.0,
        socket_timeout=5.0,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    return aioredis.Redis(connection_pool=pool)


def as_text(raw: bytes | str | None) -> str | None:
    """A value read from Redis (bytes: the client does not decode) as text."""
    return raw.decode() if isinstance(raw, bytes) else raw


class Keys:
    """Every Redis key the app uses, named here, in one place; all start with one configurable
    prefix (tests use their own). ``keys("a", "b")`` builds ``<prefix>:a:b`` and is what the
    named keys are made of (tests read keys through it too)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip(":")

    def __call__(self, *parts: object) -> str:
        return ":".join([self.prefix, *(str(p) for p in parts)])

    # --- push notifications (push/) ---------------------------------------------------------------

    def push_stream(self, *, urgent: bool) -> str:
        """The outbox stream: one for urgent notifications (read first), one for the rest."""
        return self("push", "stream", "urgent" if urgent else "normal")

    def push_queued(self) -> str:
        """Set of the notification ids that have an entry in a stream."""
        return self("push", "queued")

    # --- the outgoing scheduler (messenger/scheduler.py): every message the bot sends -----------

    def send_window(self) -> str:
        """Free sends granted in the last second (zset ticket -> time)."""
        return self("send", "window")

    def send_window_push(self) -> str:
        """Pushes among them (their guaranteed share is counted here)."""
        return self("send", "window", "push")

    def send_window_paid(self) -> str:
        """Paid-broadcast sends granted in the last second."""
        return self("send", "window", "paid")

    def send_spacing(self) -> str:
        """The earliest instant of the next free send (sends are spread evenly)."""
        return self("send", "spacing")

    def send_chat(self, chat_id: int) -> str:
        """One chat's send schedule (GCRA)."""
        return self("send", "chat", chat_id)

    def send_pause(self) -> str:
        """Until when every sender waits after a 429."""
        return self("send", "pause")

    def send_queue(self) -> str:
        """Replies waiting for a slot, in arrival order (zset ticket -> time queued)."""
        return self("send", "queue")

    def send_payloads(self) -> str:
        """Hash ticket -> the Bot API call of a queued reply (another process can send it)."""
        return self("send", "payloads")

    def send_owners(self) -> str:
        """Hash ticket -> the process waiting for it."""
        return self("send", "owners")

    def send_alive(self, owner: str) -> str:
        """A process's heartbeat: while it exists, its queued replies are its own."""
        return self("send", "alive", owner)

    def send_result(self, ticket: str) -> str:
        """A queued ticket's Bot API result, once sent (``send_result("")`` is the prefix)."""
        return self("send", "result", ticket)

    def send_push_waiting(self) -> str:
        """Set (briefly) while pushes wait for a slot: replies leave them their share."""
        return self("send", "push-waiting")

    def send_paid_count(self) -> str:
        """Hash kind -> paid-broadcast messages sent."""
        return self("send", "paid")

    def send_dead(self) -> str:
        """Replies that kept failing (a capped list, newest first), for `bot.py outbox`."""
        return self("send", "dead")

    def send_notice(self, chat_id: int) -> str:
        """Set while a chat has been told that answers are slow right now (once per storm)."""
        return self("send", "notice", chat_id)

    def push_relay_lock(self) -> str:
        return self("push", "relay-lock")

    def push_sweep_lock(self) -> str:
        return self("push", "sweep-lock")

    def push_reminders(self, day: date) -> str:
        """Set once the daily reminders of ``day`` (local) have been started."""
        return self("push", "reminders", day.isoformat())

    # --- the bot's update pipeline (bot/) ---------------------------------------------------------

    def update(self, bot_id: int, update_id: int) -> str:
        """An update's de-duplication claim ("busy" with a lease, then "done" for a day)."""
        return self("upd", bot_id, update_id)

    def throttle(self, user_id: int) -> str:
        """A citizen's message count in the flood window."""
        return self("thr", user_id)

    def fsm_prefix(self) -> str:
        """Prefix of aiogram's FSM storage and per-chat locks."""
        return self("fsm")

    def webhook(self, bot_id: int) -> str:
        """Fingerprint of the last setWebhook call (replicas and restarts do not repeat it)."""
        return self("webhook", bot_id)

    # --- the citizen's conversation ---------------------------------------------------------------

    def language_chosen(self, user_id: int) -> str:
        """The language the citizen chose with /language."""
        return self("lang", user_id)

    def language_last(self, user_id: int) -> str:
        """The language of the citizen's last message."""
        return self("lastlang", user_id)

    def form(self, user_id: int) -> str:
        """The citizen's open form (for the "your form expired" notice)."""
        return self("form", user_id)

    def misunderstood(self, user_id: int) -> str:
        """Misunderstandings in a row (the second offers a person)."""
        return self("misunderstood", user_id)

    def offered_photo(self, user_id: int) -> str:
        """A photo sent outside a form, kept while the bot offers to file a report with it."""
        return self("offered-photo", user_id)

    def resume_after_link(self, user_id: int) -> str:
        """The request that needed a linked identity, run again once the citizen links (bot/resume.py)."""
        return self("resume", user_id)

    # --- citizen services (actions/) --------------------------------------------------------------

    def report_count(self, kind: str, who: str) -> str:
        """Reports filed in the current window by one Telegram account (``kind`` "u", ``who`` the
        user id) or one phone number ("p", a hash of the number: never the number itself)."""
        return self("report-count", kind, who)

    def otp(self, purpose: str, *parts: object) -> str:
        """One-time codes of one purpose (binding, phone change): codes, counters, locks."""
        return self("otp", purpose, *parts)

    def elicense_current(self, id_number: str) -> str:
        """The e-license verification code shown last for this ID number."""
        return self("elic", "current", id_number)

    def elicense_code(self, code: str) -> str:
        """A verification code -> the ID number it was shown for (60 s)."""
        return self("elic", "code", code)

    def miniapp_draft(self, user_id: int, key: str) -> str:
        """A report drafted in the Mini App (its photos' ids), until filed or FORM_TTL of silence."""
        return self("app", "draft", user_id, key)

    def vehicles_added(self, id_number: str) -> str:
        return self("vehicles", "added", id_number)

    def vehicles_engine_attempts(self, id_number: str) -> str:
        return self("vehicles", "engine-attempts", id_number)

    # --- staff handoff (actions/handoff, staff/) --------------------------------------------------

    def handoff_events(self, handoff_id: str) -> str:
        """Pub/sub channel of one handoff's events."""
        return self("handoff", "ev", handoff_id)

    def handoff_events_pattern(self) -> str:
        return self("handoff", "ev", "*")

    def handoff_chat(self, chat_id: int) -> str:
        """Marker: this chat is with a person."""
        return self("handoff", "chat", chat_id)

    def handoff_memory(self, user_id: int) -> str:
        """The citizen's last intent and entities (context for the agent)."""
        return self("handoff", "mem", user_id)

    def handoff_offered(self, handoff_id: str) -> str:
        return self("handoff", "offered", handoff_id)

    def handoff_activity(self) -> str:
        """Conversations with a person (zset handoff id -> time of the last message): the idle timeout."""
        return self("handoff", "activity")

    def handoff_inbox(self, handoff_id: str) -> str:
        """What the citizen wrote that nobody read yet (hash: count, preview, time): the desk's badges."""
        return self("handoff", "inbox", handoff_id)

    def handoff_assign_lock(self) -> str:
        """Held while one process auto-assigns waiting citizens (one at a time across processes)."""
        return self("handoff", "assign", "lock")

    def handoff_assign_cursor(self) -> str:
        """The agent auto-assignment gave a conversation to last (the round robin goes on after them)."""
        return self("handoff", "assign", "last")

    def staff_session(self, digest: str) -> str:
        return self("staff", "sess", digest)

    def staff_online(self) -> str:
        return self("staff", "online")

    def staff_failures(self, kind: str, *parts: object) -> str:
        """Sign-in failure counters: "pair" (account, address), "acct", "addr", "from", "addrs"."""
        return self("staff", "fail", kind, *parts)
