"""The Redis Streams side of the outbox: two streams (urgent first), one consumer group.

An entry carries only the notification id (MongoDB is the source of truth). A worker reads
with XREADGROUP; an entry stays in the group's pending-entries list -- that is what marks a
message in flight, MongoDB is not written for it -- until the worker has recorded the outcome
in MongoDB and acknowledged it (XACK + XDEL in one MULTI, so the stream does not grow). A
crashed worker's entries are taken over by another with XAUTOCLAIM after the claim timeout.

A set of the ids currently in a stream makes adding idempotent (a notification has at most one
entry at a time, so two workers never hold it together) and lets the recovery sweep find
outbox records that are queued in MongoDB but were never added (a crash between the two writes).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from storage.redis import Keys

GROUP = "push-workers"

# KEYS: members set, urgent stream, normal stream. ARGV: recovered flag, then id, urgent pairs.
_ADD = """
local added = 0
for i = 2, #ARGV, 2 do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    local stream = KEYS[3]
    if ARGV[i + 1] == '1' then stream = KEYS[2] end
    if ARGV[1] == '1' then
      redis.call('XADD', stream, '*', 'id', ARGV[i], 'r', '1')
    else
      redis.call('XADD', stream, '*', 'id', ARGV[i])
    end
    added = added + 1
  end
end
return added
"""


@dataclass(frozen=True)
class Entry:
    stream: str
    entry_id: str
    notification_id: str
    recovered: bool  # claimed from a crashed worker, or re-added by the sweep while "sending"


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _by_stream(answer: object) -> list[tuple[str, list[Any]]]:
    """XREADGROUP's answer, ``[[stream, entries], ...]`` (RESP2, the protocol connect_redis uses),
    as (stream name, entries) pairs; nothing read: empty."""
    if not answer:
        return []
    if not isinstance(answer, list):
        raise TypeError(f"unexpected XREADGROUP answer: {type(answer).__name__} (RESP3?)")
    return [(_s(name), raw) for name, raw in answer]


class PushStream:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self.redis = redis
        self.urgent = keys.push_stream(urgent=True)
        self.normal = keys.push_stream(urgent=False)
        self.members = keys.push_queued()
        self._add = redis.register_script(_ADD)

    @property
    def streams(self) -> tuple[str, str]:
        return self.urgent, self.normal

    async def ensure_group(self) -> None:
        for stream in self.streams:
            try:
                await self.redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def add(self, items: list[tuple[str, bool]], *, recovered: bool = False) -> int:
        """Add (notification id, urgent) pairs not in a stream already (atomic with the membership
        set, so one notification has at most one entry at a time); returns how many were added."""
        if not items:
            return 0
        keys = [self.members, self.urgent, self.normal]
        args: list[str] = ["1" if recovered else "0"]
        for notification_id, urgent in items:
            args += [notification_id, "1" if urgent else "0"]
        return int(await self._add(keys=keys, args=args))

    def _entries(self, stream: str, raw: list[tuple[bytes, dict[bytes, bytes]]], claimed: bool) -> list[Entry]:
        out = []
        for entry_id, fields in raw:
            if not fields:  # deleted while pending
                continue
            nid = fields.get(b"id")
            if nid is None:
                continue
            out.append(Entry(stream, _s(entry_id), _s(nid), claimed or fields.get(b"r") == b"1"))
        return out

    async def read(self, consumer: str, count: int, block_ms: int) -> list[Entry]:
        """New entries for this consumer, urgent ones first."""
        answer = await self.redis.xreadgroup(
            GROUP, consumer, {self.urgent: ">", self.normal: ">"}, count=count, block=block_ms
        )
        by_stream = {name: self._entries(name, raw, False) for name, raw in _by_stream(answer)}
        return by_stream.get(self.urgent, []) + by_stream.get(self.normal, [])

    async def own_pending(self, consumer: str, count: int) -> list[Entry]:
        """Entries this consumer name read before and never acknowledged (a restart)."""
        answer = await self.redis.xreadgroup(GROUP, consumer, {self.urgent: "0", self.normal: "0"}, count=count)
        out: list[Entry] = []
        for name, raw in _by_stream(answer):
            out.extend(self._entries(name, raw, True))
        return out

    async def autoclaim(self, consumer: str, min_idle_ms: int, count: int) -> list[Entry]:
        """Take over entries other consumers left pending longer than `min_idle_ms`."""
        out: list[Entry] = []
        for stream in self.streams:
            cursor = "0-0"
            while len(out) < count:
                answer = await self.redis.xautoclaim(
                    stream, GROUP, consumer, min_idle_ms, start_id=cursor, count=count - len(out)
                )
                cursor = _s(answer[0])
                out.extend(self._entries(stream, answer[1], True))
                if cursor == "0-0":
                    break
        return out

    async def touch(self, consumer: str, entries: list[Entry]) -> None:
        """Reset the idle time of entries `consumer` holds (XCLAIM to itself, JUSTID): one
        waiting long for a send slot is never mistaken for a dead worker's."""
        for stream in self.streams:
            ids: list[int | bytes | str | memoryview[int]] = [e.entry_id for e in entries if e.stream == stream]
            for start in range(0, len(ids), 500):
                await self.redis.xclaim(stream, GROUP, consumer, 0, ids[start : start + 500], justid=True)

    async def done(self, entries: list[Entry]) -> None:
        """Acknowledge and delete entries whose outcome is recorded in MongoDB."""
        if not entries:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            for stream in self.streams:
                ids: list[int | bytes | str | memoryview[int]] = [e.entry_id for e in entries if e.stream == stream]
                if ids:
                    pipe.xack(stream, GROUP, *ids)
                    pipe.xdel(stream, *ids)
            pipe.srem(self.members, *{e.notification_id for e in entries})
            await pipe.execute()

    async def backlog(self) -> int:
        """Entries in both streams (read or not, until acknowledged and deleted)."""
        return int(await self.redis.xlen(self.urgent)) + int(await self.redis.xlen(self.normal))

    async def pending_of(self, consumer: str) -> int:
        """Entries `consumer` has read and not acknowledged: the messages it has in flight."""
        total = 0
        for stream in self.streams:
            with suppress(ResponseError):  # the stream or its group does not exist yet
                for info in await self.redis.xinfo_consumers(stream, GROUP):
                    if _s(info["name"]) == consumer:
                        total += int(info["pending"])
        return total

    async def contains(self, notification_ids: list[str]) -> list[bool]:
        if not notification_ids:
            return []
        return [bool(x) for x in await self.redis.smismember(self.members, notification_ids)]

    async def stats(self) -> dict[str, int]:
        """Length and pending count of each stream (for `bot.py outbox`)."""
        out: dict[str, int] = {}
        for label, stream in (("urgent", self.urgent), ("normal", self.normal)):
            out[f"{label}_length"] = int(await self.redis.xlen(stream))
            try:
                pending = await self.redis.xpending(stream, GROUP)
                out[f"{label}_pending"] = int(pending["pending"])
            except ResponseError:
                out[f"{label}_pending"] = 0
        return out
