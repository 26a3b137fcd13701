"""What an update's first Redis round trip found, handed down to the middlewares, the forms and
the handlers so that none of them asks Redis again; and the writes they leave for its last one.

`bot.middlewares.prefetch.PrefetchMiddleware` fills a `Prefetched` (data ``"prefetched"``) with one
Lua script at the start of an update: the de-duplication claim, the flood-window count, the
citizen's stored languages and open-form marker, the chat's handoff marker, and, when the chat's
lock could be taken in the same script, the FSM state and data. A field left ``None`` (or
``*_known`` False) was not read: the middleware that needs it asks Redis itself, as it always did
(a duplicate waiting for its twin, a throttled update, a chat with a person, Redis unreachable).

Writes that can wait go to ``defer``: the FSM state and data as the handlers left them, the
de-duplication "done", the language last seen; the middleware writes them in one pipeline when the
update is over, then frees the chat's lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, cast

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio.client import Pipeline

from storage.redis import as_text

Write = Callable[[Pipeline], object]  # adds its commands to the update's last pipeline


class Claim(Enum):
    """The de-duplication claim on the update id (bot/middlewares/dedupe.py)."""

    CLAIMED = "claimed"  # this copy handles the update (its lease is kept by the prefetch middleware)
    DONE = "done"  # handled already
    BUSY = "busy"  # another copy is handling it right now


@dataclass
class ChatLock:
    """The chat's lock (bot/isolation.py's lease), held by this update under ``token``."""

    name: str
    token: str
    held: bool = False


@dataclass
class Prefetched:
    claim: Claim | None = None
    update_key: str = ""  # the de-duplication key the claim is about
    throttle_count: int | None = None  # updates in the citizen's flood window, this one included
    language_known: bool = False
    language_chosen: str | None = None  # /language
    language_last: str | None = None  # the script of the last message
    form_open: bool = False  # an open-form marker was stored at the start (bot/forms.py)
    form_marker_known: bool = False  # ... and it is still known now (read under the chat's lock)
    handoff_known: bool = False
    handoff_marker: str | None = None  # the chat's raw handoff marker (actions.handoff)
    intent_memory: str | None = None  # what the NLU understood lately (actions.handoff.remember_intent)
    intent_memory_known: bool = False  # ... read under the chat's lock
    lock: ChatLock | None = None  # None: the lock is not the prefetch's to take (aiogram's path)
    fsm_state: str | None = None
    fsm_data: str | None = None  # JSON as stored
    writes: list[Write] = field(default_factory=list)
    lock_waiter: Callable[[], Awaitable[None]] | None = None  # takes the lock another update holds

    async def state_known(self) -> None:
        """Wait, when another update of the chat holds its lock, until this one has it: the FSM
        state read then is the one that update left (its reply may already be on screen)."""
        if self.lock is not None and not self.lock.held and self.lock_waiter is not None:
            await self.lock_waiter()

    def defer(self, write: Write) -> None:
        """Leave ``write`` for the pipeline at the end of the update."""
        self.writes.append(write)

    def form_marker_changed(self, *, open_: bool) -> None:
        """bot/forms.py wrote or deleted the marker: what is known is what it did."""
        self.form_open, self.form_marker_known = open_, True

    def form_marker_unknown(self) -> None:
        self.form_marker_known = False

    def knows_no_form_marker(self) -> bool:
        return self.form_marker_known and not self.form_open


def known_form_absent(prefetched: Prefetched | None) -> bool:
    """True when the citizen has, for sure, no open-form marker now (no need to ask Redis)."""
    return prefetched is not None and prefetched.knows_no_form_marker()


def writes_with_state(prefetched: Prefetched | None) -> bool:
    """True when the update holds the chat's lock it prefetched with: its FSM changes are written
    at its end, and so can what must agree with them (the open-form marker)."""
    return prefetched is not None and prefetched.lock is not None and prefetched.lock.held


class BufferedStorage(BaseStorage):
    """The FSM storage seen by one update's handlers: the chat's state and data as prefetched
    (read under the chat's lock), changes kept until the end of the update and then written in
    its last pipeline, with the TTLs the Redis storage gives them. Any other key goes to the Redis
    storage directly."""

    def __init__(self, storage: RedisStorage, key: StorageKey, *, state: str | None, data: str | None) -> None:
        self.storage = storage
        self.key = key
        self._state = state
        self._data = data  # JSON, as stored (None: no data)
        self._state_changed = self._data_changed = False

    @property
    def state(self) -> str | None:
        return self._state

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        if key != self.key:
            await self.storage.set_state(key, state)
            return
        self._state = cast(str, state.state if isinstance(state, State) else state) if state is not None else None
        self._state_changed = True

    async def get_state(self, key: StorageKey) -> str | None:
        if key != self.key:
            return await self.storage.get_state(key)
        return self._state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if key != self.key:
            await self.storage.set_data(key, data)
            return
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        self._data = self.storage.json_dumps(data) if data else None  # not serialisable: raises here, as before
        self._data_changed = True

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        if key != self.key:
            return await self.storage.get_data(key)
        if self._data is None:
            return {}
        return cast(dict[str, Any], self.storage.json_loads(self._data))

    def flush(self, pipe: Pipeline) -> None:
        """The changes, as the Redis storage would have written them."""
        build = self.storage.key_builder.build
        if self._state_changed:
            state_key = build(self.key, "state")
            if self._state is None:
                pipe.delete(state_key)
            else:
                pipe.set(state_key, self._state, ex=self.storage.state_ttl)
        if self._data_changed:
            data_key = build(self.key, "data")
            if self._data is None:
                pipe.delete(data_key)
            else:
                pipe.set(data_key, self._data, ex=self.storage.data_ttl)
        self._state_changed = self._data_changed = False

    async def close(self) -> None:
        """The Redis storage is closed by the dispatcher."""


def decoded(raw: object) -> str | None:
    """A value from a script's reply (bytes, or None for a missing key) as text."""
    return as_text(raw) if isinstance(raw, bytes | str) else None
