"""Every message the conversation bot (and the staff relay) sends goes through the shared
scheduler (messenger/scheduler.py): an aiogram session middleware, outermost on the Bot's session.

For each call that puts a message in a chat it takes a slot, waiting in the durable reply queue
when there is none; while a citizen waits longer than REPLY_TYPING_AFTER they see "typing...",
past REPLY_NOTICE_AFTER a short "many people are asking right now" notice, once per storm. A 429
pauses every sender and the call keeps its place at the head of the queue; a call that kept
failing is dead-lettered (`bot.py outbox`) and its error raised to the handler. Nothing is
dropped: a reply waits for as long as REPLY_MAX_WAIT, and a process that dies leaves its queued
replies to the others.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import SendChatAction, SendMessage, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from pydantic import BaseModel
from redis.exceptions import RedisError

from actions.services import Services
from core.config import Settings
from core.i18n import Catalog
from core.language import Language
from core.metrics import ERRORS, SEND_DEAD, SEND_PAID, SEND_PAID_STARS, SEND_WAIT, SEND_WAITING
from core.retry import backoff
from messenger.scheduler import SCHEDULED_METHODS, Decision, Kind, SendScheduler, Verdict, pacing, scheduler_for
from messenger.turn import current_turn, reply_parked

log = structlog.get_logger(__name__)

REDIS_ATTEMPTS = 3  # tries of the scheduler before a reply goes without a slot
TYPING_EVERY = 4.5  # seconds: Telegram shows "typing..." for about 5 s
TYPING_RATE = 10.0  # chat actions per second per process at most: cosmetic, never in the way of sends
TYPING_IN_FLIGHT = 4  # chat actions on the wire at once (the sends share the Bot session's connections)
NOTICE_TTL = 600  # seconds: a chat is told about slow answers at most once in this time

_kind: ContextVar[Kind] = ContextVar("send_kind", default=Kind.REPLY)


@dataclass(frozen=True)
class OverloadPolicy:
    typing_after: float = 2.0
    notice_after: float = 6.0
    max_wait: float = 900.0
    paid_cost: float = 0.1  # Telegram Stars per paid message

    @classmethod
    def from_settings(cls, settings: Settings) -> OverloadPolicy:
        return cls(
            typing_after=settings.reply_typing_after,
            notice_after=settings.reply_notice_after,
            max_wait=settings.reply_max_wait,
            paid_cost=settings.push_paid_cost,
        )


def chat_of(method: TelegramMethod[Any]) -> int | None:
    chat_id = getattr(method, "chat_id", None)
    return chat_id if isinstance(chat_id, int) else None


def as_json(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", exclude_none=True, by_alias=True)
    if isinstance(result, list):
        return [as_json(item) for item in result]
    return result


def call_payload(bot: Bot, method: TelegramMethod[Any], name: str) -> str:
    """The call as aiogram posts it (form fields), for another process to send if this one dies."""
    fields: dict[str, str] = {}
    for key, value in method.model_dump(warnings=False).items():
        prepared = bot.session.prepare_value(value, bot=bot, files={})
        if prepared:
            fields[key] = str(prepared)
    return json.dumps({"method": name, "fields": fields}, ensure_ascii=False)


class ScheduledSendMiddleware(BaseRequestMiddleware):
    def __init__(self, scheduler: SendScheduler, catalog: Catalog, policy: OverloadPolicy) -> None:
        self.scheduler = scheduler
        self.catalog = catalog
        self.policy = policy
        self._tasks: set[asyncio.Task[Any]] = set()
        self._typing_slots = asyncio.Semaphore(TYPING_IN_FLIGHT)
        self._typing_budget = float(TYPING_RATE)
        self._typing_stamp = time.monotonic()

    def may_show_typing(self) -> bool:
        """A token of the chat-action budget: in a storm a few waiting citizens miss a renewal of
        "typing..." rather than the sends waiting behind a flood of chat actions."""
        now = time.monotonic()
        self._typing_budget = min(TYPING_RATE, self._typing_budget + (now - self._typing_stamp) * TYPING_RATE)
        self._typing_stamp = now
        if self._typing_budget < 1.0 or self._typing_slots.locked():
            return False
        self._typing_budget -= 1.0
        return True

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        name = getattr(method, "__api_method__", "")
        chat_id = chat_of(method)
        if name not in SCHEDULED_METHODS or chat_id is None:
            return await make_request(bot, method)
        turn = current_turn.get()
        ticket = turn.next_ticket(bot.id) if turn is not None else f"x{uuid.uuid4().hex}"
        waiter = _Waiter(self, bot, chat_id, turn.language if turn is not None else None)
        kind = _kind.get()
        payload = ""
        queued = False
        try:
            while True:
                decision = await self._take(kind, chat_id, ticket, payload)
                if decision.verdict is Verdict.DONE:
                    assert decision.result is not None
                    content = json.dumps({"ok": True, "result": json.loads(decision.result)})
                    done: Any = bot.session.check_response(bot, method, 200, content).result
                    return done  # type: ignore[no-any-return]  # the chain passes results, not Response
                if not decision.go:
                    if not queued:
                        queued = True
                        SEND_WAITING.inc()
                        payload = call_payload(bot, method, name)
                        try:
                            await self.scheduler.start()  # our heartbeat: a waiting reply is not an orphan
                            durable = await self.scheduler.persist(ticket, payload)
                        except RedisError as exc:  # it still waits here; only not durably
                            log.warning("could not store a queued reply", error=str(exc))
                            durable = False
                        parked = reply_parked.get()
                        if durable and parked is not None:
                            parked.set()  # durable now: the update can be acknowledged
                    if waiter.waited() > self.policy.max_wait:
                        raise TimeoutError(f"no send slot in {self.policy.max_wait:.0f} s")
                    if waiter.waiting(decision):
                        await waiter.notice()  # before the answer, at the head of the queue
                    await asyncio.sleep(pacing(decision))
                    continue
                if decision.paid and hasattr(method, "allow_paid_broadcast"):
                    method = method.model_copy(update={"allow_paid_broadcast": True})
                    SEND_PAID.labels("reply").inc()
                    SEND_PAID_STARS.inc(self.policy.paid_cost)
                try:
                    result = await make_request(bot, method)
                except TelegramRetryAfter as exc:
                    await self.scheduler.pause(float(exc.retry_after))
                    log.warning("telegram 429: every sender pauses", retry_after=exc.retry_after, method=name)
                    kind = Kind.NOTICE  # keeps its place: the head of the queue
                    continue
                break
        except (TelegramBadRequest, TelegramForbiddenError):
            if queued:
                await self.scheduler.forget(ticket)
            raise  # not worth repeating: the handler hears why
        except asyncio.CancelledError:
            if queued:  # shutting down, or the request was dropped: a live process sends it
                await asyncio.shield(self.scheduler.release(ticket, payload))
            raise
        except Exception as exc:
            SEND_DEAD.inc()
            await self.scheduler.dead_letter(ticket, chat_id, name, f"{type(exc).__name__}: {exc}")
            log.error("reply dead-lettered", method=name, error=str(exc))
            raise
        finally:
            if queued:
                SEND_WAITING.dec()
            SEND_WAIT.observe(waiter.waited())
        if queued or kind is Kind.NOTICE:
            try:
                await self.scheduler.remember(ticket, as_json(result))
            except RedisError as exc:  # sent: only a redelivered update's copy would not know
                log.warning("could not record a sent reply", error=str(exc))
        return result

    async def _take(self, kind: Kind, chat_id: int, ticket: str, payload: str) -> Decision:
        """One attempt; Redis failing is retried a few times, then the reply goes without a slot
        (the rate accounting matters less than the citizen's answer)."""
        for attempt in range(1, REDIS_ATTEMPTS + 1):
            try:
                return await self.scheduler.take(kind, chat_id, ticket, payload)
            except RedisError as exc:
                if attempt == REDIS_ATTEMPTS:
                    log.warning("send scheduler unavailable: sending without a slot", error=str(exc))
                    ERRORS.labels("send-scheduler").inc()
                    return Decision(Verdict.OK, 0.0, 0)
                await asyncio.sleep(backoff(attempt, 0.2, 2.0))
        raise AssertionError("unreachable")

    def spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class _Waiter:
    """What a citizen sees while their reply waits: "typing..." and, once, a notice."""

    def __init__(self, owner: ScheduledSendMiddleware, bot: Bot, chat_id: int, language: Language | None) -> None:
        self.owner = owner
        self.bot = bot
        self.chat_id = chat_id
        self.language = language
        self.started = time.monotonic()
        self.typing_at = 0.0
        self.noticed = False

    def waited(self) -> float:
        return time.monotonic() - self.started

    def waiting(self, decision: Decision) -> bool:
        """Shows "typing..." when the wait will be long; True when the notice is due now."""
        if self.chat_id <= 0 or self.language is None or _kind.get() is not Kind.REPLY:
            return False  # groups and the notice itself: no typing, no notice
        policy = self.owner.policy
        ahead = decision.wait + decision.rank / max(self.owner.scheduler.config.rate, 1.0)
        expected = self.waited() + ahead
        now = time.monotonic()
        if expected >= policy.typing_after and now >= self.typing_at and self.owner.may_show_typing():
            self.typing_at = now + TYPING_EVERY
            self.owner.spawn(self._typing())
        if expected >= policy.notice_after and not self.noticed:
            self.noticed = True
            return True
        return False

    async def _typing(self) -> None:
        try:
            async with self.owner._typing_slots:
                await self.bot(SendChatAction(chat_id=self.chat_id, action="typing"))
        except Exception as exc:  # noqa: BLE001 - a missing "typing..." is no reason to fail
            log.debug("typing action failed", error=str(exc))

    async def notice(self) -> None:
        """Once per chat in NOTICE_TTL: "many people are asking, your answer is coming"."""
        assert self.language is not None
        scheduler = self.owner.scheduler
        turn_token = current_turn.set(None)  # the notice takes no ticket of the turn's
        kind_token = _kind.set(Kind.NOTICE)
        try:
            first = await scheduler.redis.set(scheduler.keys.send_notice(self.chat_id), "1", ex=NOTICE_TTL, nx=True)
            if first:
                text = self.owner.catalog.text(self.language, "overload-notice")
                await self.bot(SendMessage(chat_id=self.chat_id, text=str(text)))
        except Exception as exc:  # noqa: BLE001 - the answer itself still comes
            log.warning("overload notice failed", error=str(exc))
        finally:
            _kind.reset(kind_token)
            current_turn.reset(turn_token)


def scheduled_sends(services: Services) -> ScheduledSendMiddleware:
    """The middleware for a Bot of this process (the bot's and the staff relay's share one scheduler)."""
    settings = services.settings
    scheduler = scheduler_for(services.redis, services.keys, settings)
    return ScheduledSendMiddleware(scheduler, services.catalog, OverloadPolicy.from_settings(settings))
