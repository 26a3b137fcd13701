"""One Redis pub/sub listener per process, fanning conversation events out to the consoles
connected to this process.

Whichever instance received the citizen's update publishes on `handoff:ev:<id>`
(actions.handoff.publish); every instance listens on the pattern and hands each event to the
websockets it holds for that conversation. A slow console never blocks the others: each has a
bounded queue, and a full one is disconnected.
"""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from typing import Any

import redis.asyncio as aioredis
import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)

QUEUE_SIZE = 500
RECONNECT_DELAY = 1.0


class Relay:
    def __init__(self, redis: aioredis.Redis, pattern: str) -> None:
        self.redis = redis
        self.pattern = pattern
        self.prefix = pattern.rstrip("*")
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any] | None]]] = {}
        self._everything: set[asyncio.Queue[dict[str, Any] | None]] = set()  # the desks (staff/desk.py)
        self.new_waiting = asyncio.Event()  # set when a citizen starts waiting (auto-assignment looks)
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="handoff-relay")
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        for queues in [*self._subscribers.values(), self._everything]:
            for queue in queues:
                with suppress(asyncio.QueueFull):
                    queue.put_nowait(None)

    def subscribe(self, handoff_id: str) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.setdefault(handoff_id, set()).add(queue)
        return queue

    def unsubscribe(self, handoff_id: str, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        queues = self._subscribers.get(handoff_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._subscribers[handoff_id]

    def subscribe_all(self) -> asyncio.Queue[dict[str, Any] | None]:
        """Every conversation's events (a desk: the queue, unread counts, alerts)."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_SIZE)
        self._everything.add(queue)
        return queue

    def unsubscribe_all(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._everything.discard(queue)

    def watchers(self, handoff_id: str) -> int:
        return len(self._subscribers.get(handoff_id, ()))

    def dispatch(self, channel: str, data: bytes | str) -> None:
        handoff_id = channel[len(self.prefix) :]
        queues = self._subscribers.get(handoff_id, set())
        watch_state = b'"type": "state"' in data if isinstance(data, bytes) else '"type": "state"' in data
        if not queues and not self._everything and not watch_state:
            return
        event = json.loads(data)
        if event.get("type") == "state" and event.get("state") == "waiting":
            self.new_waiting.set()
        for group in (queues, self._everything):
            for queue in list(group):
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    log.warning("console too slow; disconnecting it", handoff_id=handoff_id)
                    group.discard(queue)
                    with suppress(asyncio.QueueEmpty):
                        queue.get_nowait()
                    queue.put_nowait(None)
        if not queues:
            self._subscribers.pop(handoff_id, None)

    async def _run(self) -> None:
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.psubscribe(self.pattern)
                self._ready.set()
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    channel = message["channel"]
                    self.dispatch(channel.decode() if isinstance(channel, bytes) else channel, message["data"])
            except (RedisConnectionError, RedisError, OSError):
                log.warning("handoff relay lost Redis; reconnecting", exc_info=True)
                await asyncio.sleep(RECONNECT_DELAY)
            finally:
                with suppress(Exception):
                    await pubsub.aclose()
