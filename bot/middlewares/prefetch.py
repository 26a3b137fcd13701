"""One Redis round trip at the start of an update, one at its end (issue 10).

`PrefetchMiddleware` (the first of the bot's outer middlewares) runs one Lua script that does what
the middlewares after it would each have asked Redis for, in their order and with their rules:

1. claims the update id for de-duplication ("busy" with a lease; a copy that finds "done" is a
   duplicate, one that finds "busy" waits for its twin: bot/middlewares/dedupe.py);
2. for the copy that claimed it, counts the update in the citizen's flood window
   (bot/middlewares/throttle.py);
3. reads the citizen's chosen and last language and open-form marker (bot/middlewares/context.py);
4. reads the chat's handoff marker (bot/middlewares/handoff.py);
5. when the update will reach the handlers (claimed, not throttled, no person in the chat), takes
   the chat's lock (bot/isolation.py's lease) and, only once it holds it, reads the FSM state and
   data, and the citizen's intent memory (actions.handoff): the same order as aiogram's FSM
   middleware (state loaded after the lock is acquired). Another update of the chat holding the
   lock: the FSM middleware waits for it (`take_lock`) and reads them then.

The results go down in the middleware data as a `bot.prefetch.Prefetched` (``"prefetched"``); a
middleware that finds what it needs there does not ask again, and one that does not (Redis
unreachable, a duplicate that waited, a chat with a person) asks Redis itself as it always did.
While the update is handled the update's lease and the chat's lock are renewed together (a timer:
a short update starts no task). At the end, the deferred writes (FSM state and data with the
open-form marker, "done", the language last seen, the misunderstanding count's reset) and the
lock's release go in one pipeline.

`PrefetchedFSMMiddleware` replaces aiogram's FSM middleware: with the lock and state prefetched it
gives the handlers an FSM context whose changes are written in that last pipeline (the chat's
lock is held meanwhile, so nobody else reads them); otherwise it is aiogram's own.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import TelegramObject, Update, User
from redis.asyncio import Redis
from redis.exceptions import RedisError

from actions.services import Services
from bot.isolation import LeasedEventIsolation
from bot.middlewares import dedupe
from bot.middlewares.throttle import ThrottleMiddleware
from bot.prefetch import BufferedStorage, ChatLock, Claim, Prefetched, decoded
from core.metrics import ERRORS

log = structlog.get_logger(__name__)

LOCK_POLL = 0.02  # seconds before the second try for a chat lock another update holds ...
LOCK_POLL_MAX = 0.5  # ... doubling up to this: a holder waiting minutes for a send slot in a storm
# must not have its chat's next update poll Redis 50 times a second (it exhausted the pool)

# KEYS: update, throttle, language chosen, language last, form marker, handoff marker, lock, FSM
# state, FSM data, intent memory ("" where it does not apply). ARGV: update lease (s), busy, done, flood window
# (ms, "0": not counted), flood limit, user known ("1"), chat known ("1"), lock token ("": no
# lock to take), lock lease (ms).
BEGIN = """
local claim = 1
if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[1]) then
  if redis.call('GET', KEYS[1]) == ARGV[3] then claim = 0 else claim = -1 end
end
local count = -1
if claim == 1 and ARGV[4] ~= '0' then
  redis.call('SET', KEYS[2], 0, 'PX', ARGV[4], 'NX')
  count = redis.call('INCR', KEYS[2])
end
local chosen, last, form = false, false, false
if ARGV[6] == '1' then
  chosen = redis.call('GET', KEYS[3])
  last = redis.call('GET', KEYS[4])
  form = redis.call('GET', KEYS[5])
end
local marker = false
if ARGV[7] == '1' then marker = redis.call('GET', KEYS[6]) end
local locked, state, data, memory = 0, false, false, false
if claim == 1 and ARGV[8] ~= '' and not marker and count <= tonumber(ARGV[5]) then
  if redis.call('SET', KEYS[7], ARGV[8], 'NX', 'PX', ARGV[9]) then
    locked = 1
    state = redis.call('GET', KEYS[8])
    data = redis.call('GET', KEYS[9])
    memory = redis.call('GET', KEYS[10])
  else
    locked = -1
  end
end
return {claim, count, chosen, last, form, marker, locked, state, data, memory}
"""

# The chat's lock once its holder is done: KEYS lock, FSM state, FSM data, form marker, intent
# memory; ARGV token, lease (ms).
TAKE_LOCK = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local got = {1}
  for i = 2, 5 do got[i] = redis.call('GET', KEYS[i]) end
  return got
end
return {0}
"""

# Sent with EVAL inside pipelines (no "script not loaded" after a Redis restart; Redis caches them).
RENEW_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_CLAIMS = {1: Claim.CLAIMED, 0: Claim.DONE, -1: Claim.BUSY}


class PrefetchedFSMMiddleware(FSMContextMiddleware):
    """aiogram's FSM middleware, but with the prefetched lock and state (see the module doc)."""

    prefetch: PrefetchMiddleware | None = None  # set by PrefetchMiddleware

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        prefetched: Prefetched | None = data.get("prefetched")
        lock = prefetched.lock if prefetched is not None else None
        context = self.resolve_event_context(data["bot"], data)
        if prefetched is None or lock is None or context is None or self.prefetch is None:
            return await super().__call__(handler, event, data)
        data["fsm_storage"] = self.storage
        if not lock.held:  # another update of the chat holds it: wait for it, then read the state
            await self.prefetch.take_lock(data["services"], prefetched, context.key)
        assert isinstance(self.storage, RedisStorage)
        buffered = BufferedStorage(self.storage, context.key, state=prefetched.fsm_state, data=prefetched.fsm_data)
        data.update({"state": FSMContext(storage=buffered, key=context.key), "raw_state": buffered.state})
        try:
            return await handler(event, data)
        finally:
            prefetched.defer(buffered.flush)


class PrefetchMiddleware(BaseMiddleware):
    def __init__(
        self, redis: Redis, *, fsm: PrefetchedFSMMiddleware, isolation: BaseEventIsolation, throttle: ThrottleMiddleware
    ) -> None:
        self.fsm = fsm
        fsm.prefetch = self
        self.throttle = throttle
        # Without the lease isolation (a test's dispatcher), the lock stays aiogram's business.
        self.isolation = isolation if isinstance(isolation, LeasedEventIsolation) else None
        self.begin = redis.register_script(BEGIN)
        self.take = redis.register_script(TAKE_LOCK)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        services: Services = data["services"]
        bot: Bot = data["bot"]
        try:
            prefetched = await self._begin(services, bot, event, data)
        except RedisError:
            ERRORS.labels("redis-prefetch").inc()
            return await handler(event, data)  # every middleware asks Redis itself
        data["prefetched"] = prefetched
        keeper = _Keeper(services.redis, prefetched, every=self._renew_every(), lock_lease_ms=self._lock_lease_ms())
        try:
            return await handler(event, data)
        finally:
            await keeper.stop()
            await self._write_back(services.redis, prefetched)

    def _renew_every(self) -> float:
        every = dedupe.RENEW_EVERY
        if self.isolation is not None:
            every = min(every, self.isolation.renew_every)
        return every

    def _lock_lease_ms(self) -> int:
        return int((self.isolation.lease if self.isolation is not None else 0) * 1000)

    async def _begin(self, services: Services, bot: Bot, event: Update, data: dict[str, Any]) -> Prefetched:
        keys = services.keys
        user: User | None = data.get("event_from_user")
        chat = data.get("event_chat")
        counted = user is not None and (event.message is not None or event.callback_query is not None)
        context = self.fsm.resolve_event_context(bot, data)
        lock: ChatLock | None = None
        if context is not None and self.isolation is not None:
            lock = ChatLock(name=self.isolation.key_builder.build(context.key, "lock"), token=uuid.uuid4().hex)
        build = self.fsm.storage.key_builder.build if isinstance(self.fsm.storage, RedisStorage) else None
        if build is None or context is None:
            lock = None
        update_key = keys.update(bot.id, event.update_id)
        script_keys = [
            update_key,
            keys.throttle(user.id) if user else "",
            keys.language_chosen(user.id) if user else "",
            keys.language_last(user.id) if user else "",
            keys.form(user.id) if user else "",
            keys.handoff_chat(chat.id) if chat else "",
            lock.name if lock else "",
            build(context.key, "state") if build and context else "",
            build(context.key, "data") if build and context else "",
            keys.handoff_memory(user.id) if user else "",
        ]
        args: list[str | int] = [
            dedupe.LEASE,
            dedupe.BUSY.decode(),
            dedupe.DONE.decode(),
            int(self.throttle.window * 1000) if counted else 0,
            self.throttle.limit,
            1 if user else 0,
            1 if chat else 0,
            lock.token if lock else "",
            self._lock_lease_ms(),
        ]
        reply = await self.begin(keys=script_keys, args=args)
        claim, count, chosen, last, form, marker, locked, state, fsm_data, memory = reply
        prefetched = Prefetched(
            claim=_CLAIMS[int(claim)],
            update_key=update_key,
            throttle_count=int(count) if int(count) >= 0 else None,
            language_known=user is not None,
            language_chosen=decoded(chosen),
            language_last=decoded(last),
            form_open=form is not None,
            handoff_known=chat is not None,
            handoff_marker=decoded(marker),
        )
        if lock is not None and int(locked) != 0:  # attempted: held now, or to wait for in the FSM middleware
            lock.held = int(locked) == 1
            prefetched.lock = lock
            if not lock.held and context is not None:
                key = context.key
                prefetched.lock_waiter = lambda: self.take_lock(services, prefetched, key)
            if lock.held:
                prefetched.fsm_state, prefetched.fsm_data = decoded(state), decoded(fsm_data)
                # Read with the lock taken: no other update of the chat changes them now.
                prefetched.form_marker_known = prefetched.intent_memory_known = user is not None
                prefetched.intent_memory = decoded(memory)
        return prefetched

    async def take_lock(self, services: Services, prefetched: Prefetched, key: StorageKey) -> None:
        """Wait for the chat's lock (another update of the chat has it), then read the FSM state
        and data and the form marker under it."""
        lock = prefetched.lock
        assert lock is not None and isinstance(self.fsm.storage, RedisStorage)
        build = self.fsm.storage.key_builder.build
        keys = services.keys
        script_keys = [
            lock.name,
            build(key, "state"),
            build(key, "data"),
            keys.form(key.user_id),
            keys.handoff_memory(key.user_id),
        ]
        pause = LOCK_POLL
        while True:
            reply = await self.take(keys=script_keys, args=[lock.token, self._lock_lease_ms()])
            if int(reply[0]) == 1:
                lock.held = True
                prefetched.fsm_state, prefetched.fsm_data = decoded(reply[1]), decoded(reply[2])
                prefetched.form_marker_changed(open_=reply[3] is not None)
                prefetched.intent_memory, prefetched.intent_memory_known = decoded(reply[4]), True
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, LOCK_POLL_MAX)

    async def _write_back(self, redis: Redis, prefetched: Prefetched) -> None:
        lock = prefetched.lock
        release = lock is not None and lock.held
        if not prefetched.writes and not release:
            return
        pipe = redis.pipeline(transaction=False)
        for write in prefetched.writes:
            write(pipe)
        if lock is not None and release:
            pipe.eval(RELEASE_LOCK, 1, lock.name, lock.token)
        prefetched.writes.clear()
        try:
            await pipe.execute()
        except RedisError:  # the lock's lease ends by itself; "done" missing: a redelivery is handled again
            ERRORS.labels("redis-writeback").inc()
            log.exception("could not write back the update's state")
        finally:
            if lock is not None:
                lock.held = False


class _Keeper:
    """Renews the update's de-duplication lease and the chat's lock while the update is handled:
    a timer first, a task only for an update that lasts longer than ``every`` seconds."""

    def __init__(self, redis: Redis, prefetched: Prefetched, *, every: float, lock_lease_ms: int) -> None:
        self.redis = redis
        self.prefetched = prefetched
        self.every = every
        self.lock_lease_ms = lock_lease_ms
        self.task: asyncio.Task[None] | None = None
        self.timer = asyncio.get_running_loop().call_later(every, self._start)

    def _start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="update-leases")

    async def _run(self) -> None:
        while True:
            prefetched, lock = self.prefetched, self.prefetched.lock
            pipe = self.redis.pipeline(transaction=False)
            if prefetched.claim == Claim.CLAIMED:
                pipe.set(prefetched.update_key, dedupe.BUSY, xx=True, ex=dedupe.LEASE)
            if lock is not None and lock.held:
                pipe.eval(RENEW_LOCK, 1, lock.name, lock.token, self.lock_lease_ms)
            if len(pipe):
                with suppress(RedisError):
                    await pipe.execute()
            await asyncio.sleep(self.every)

    async def stop(self) -> None:
        self.timer.cancel()
        if self.task is not None:
            self.task.cancel()
            # Never wait long for a renewal that is cancelling (a Redis call unwinding): the update
            # is done, the leases end by themselves (seen: an update held for 29 s here).
            await asyncio.wait({self.task}, timeout=1.0)
