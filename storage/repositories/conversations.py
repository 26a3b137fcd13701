"""Conversation transcripts: one document per turn (never a growing array)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import structlog
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, PyMongoError

from core.retry import backoff
from storage.models import ConversationTurn, TurnKind, TurnRole

from .base import MongoDoc, Repository

log = structlog.get_logger(__name__)
DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class ChatActivity:
    """A chat that had turns recently: when the last one was, and how many in the window."""

    chat_id: int
    last: datetime
    turns: int


class ConversationRepository(Repository):
    COLLECTION = "conversation_turns"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("chat_id", ASCENDING), ("at", DESCENDING)], name="chat_time"),  # recent_turns / transcript
    ]

    async def recent_turns(self, chat_id: int, limit: int = 20) -> list[ConversationTurn]:
        """The last ``limit`` turns of a chat, oldest first."""
        cursor = self.collection.find({"chat_id": chat_id}).sort([("at", DESCENDING), ("_id", DESCENDING)]).limit(limit)
        turns = [ConversationTurn.from_doc(doc) async for doc in cursor]
        turns.reverse()
        return turns

    async def transcript(self, chat_id: int, *, since: datetime, limit: int = 500) -> list[ConversationTurn]:
        """Turns since ``since`` (e.g. the start of a handoff), oldest first."""
        cursor = (
            self.collection.find({"chat_id": chat_id, "at": {"$gte": since}})
            .sort([("at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [ConversationTurn.from_doc(doc) async for doc in cursor]

    async def last_text_turn(self, chat_id: int, *, role: TurnRole) -> ConversationTurn | None:
        """The chat's latest turn by ``role`` that has text (a message, not a photo or a location)."""
        doc = await self.collection.find_one(
            {"chat_id": chat_id, "role": role.value, "text": {"$nin": [None, ""]}},
            sort=[("at", DESCENDING), ("_id", DESCENDING)],
        )
        return ConversationTurn.from_doc(doc) if doc is not None else None

    async def by_id(self, turn_id: str) -> ConversationTurn | None:
        doc = await self.collection.find_one({"_id": turn_id})
        return ConversationTurn.from_doc(doc) if doc is not None else None

    async def has_file(self, chat_id: int, file_id: str) -> bool:
        """A turn of this chat carried the file ``file_id`` (a photo the citizen sent)."""
        return await self.collection.find_one({"chat_id": chat_id, "meta.file_id": file_id}, {"_id": 1}) is not None

    async def last_turns_of(self, chat_ids: list[int], *, role: TurnRole) -> dict[int, ConversationTurn]:
        """Each chat's latest turn by ``role`` (one query), by chat id; chats without one left out."""
        if not chat_ids:
            return {}
        pipeline: list[MongoDoc] = [
            {"$match": {"chat_id": {"$in": chat_ids}, "role": role.value}},
            {"$sort": {"at": -1, "_id": -1}},
            {"$group": {"_id": "$chat_id", "turn": {"$first": "$$ROOT"}}},
        ]
        cursor = await self.collection.aggregate(pipeline)
        return {doc["_id"]: ConversationTurn.from_doc(doc["turn"]) async for doc in cursor}

    async def recent_chats(self, *, since: datetime, limit: int = 50) -> list[ChatActivity]:
        """Chats with turns since ``since``, the most recently active first."""
        pipeline: list[MongoDoc] = [
            {"$match": {"at": {"$gte": since}}},
            {"$group": {"_id": "$chat_id", "last": {"$max": "$at"}, "turns": {"$sum": 1}}},
            {"$sort": {"last": -1}},
            {"$limit": limit},
        ]
        cursor = await self.collection.aggregate(pipeline)
        return [ChatActivity(chat_id=doc["_id"], last=doc["last"], turns=doc["turns"]) async for doc in cursor]

    # --- batched writes (issue 6): the relay must not wait on the database -------------------------
    # `append_turn` goes through a started `TurnWriter` (returns at once), else it is an awaited
    # insert. The app starts the writer (app/factory.py) and stops it, writing what
    # is still queued, on shutdown.

    _writer: TurnWriter | None = None

    def start_writer(
        self, *, max_pending: int = 10_000, batch_size: int = 500, on_drop: Callable[[int], None] | None = None
    ) -> TurnWriter:
        if self._writer is None:
            self._writer = TurnWriter(self.collection, max_pending=max_pending, batch_size=batch_size, on_drop=on_drop)
            self._writer.start()
        return self._writer

    async def stop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            await writer.stop()

    async def flush_turns(self) -> None:
        if self._writer is not None:
            await self._writer.flush()

    async def append_turn(
        self,
        *,
        chat_id: int,
        role: TurnRole,
        at: datetime,
        text: str | None = None,
        kind: TurnKind = TurnKind.TEXT,
        user_id: int | None = None,
        meta: dict[str, Any] | None = None,
    ) -> ConversationTurn:
        turn = ConversationTurn(
            chat_id=chat_id, user_id=user_id, role=role, kind=kind, text=text, at=at, meta=meta or {}
        )
        if self._writer is not None:
            self._writer.submit(turn.to_doc())
        else:
            await self.collection.insert_one(turn.to_doc())
        return turn


class TurnWriter:
    """Writes turns in the background: `submit` returns at once; one task drains the queue with
    `insert_many` (up to `batch_size` turns a round trip). Bounded: past `max_pending` turns
    waiting, a turn is dropped and `on_drop` called. A failed batch is retried `attempts` times,
    then dropped (and counted) too. `stop()` writes what is still queued."""

    def __init__(
        self,
        collection: AsyncCollection[MongoDoc],
        *,
        max_pending: int = 10_000,
        batch_size: int = 500,
        attempts: int = 3,
        on_drop: Callable[[int], None] | None = None,
    ) -> None:
        self.collection = collection
        self.batch_size = batch_size
        self.attempts = attempts
        self.on_drop = on_drop
        self._queue: asyncio.Queue[MongoDoc] = asyncio.Queue(max_pending)
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="transcript-writer")

    def submit(self, doc: MongoDoc) -> bool:
        """Queue one turn document; False (and counted) when the queue is full."""
        try:
            self._queue.put_nowait(doc)
        except asyncio.QueueFull:
            self._dropped(1)
            return False
        return True

    async def flush(self) -> None:
        """Wait until every turn submitted so far has been written (or given up on)."""
        await self._queue.join()

    async def stop(self, timeout: float = 15.0) -> None:
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self.flush(), timeout)
        except TimeoutError:
            log.warning("transcript writer stopped with turns unwritten", pending=self.pending)
            self._dropped(self.pending)
        self._task.cancel()
        with suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    def _dropped(self, count: int) -> None:
        if count and self.on_drop is not None:
            self.on_drop(count)

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write(self, batch: list[MongoDoc]) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                await self.collection.insert_many(batch, ordered=False)
                return
            except BulkWriteError as exc:  # some written: retry only what failed for another reason than a duplicate
                failed = {e["index"] for e in exc.details.get("writeErrors", []) if e.get("code") != DUPLICATE_KEY}
                batch = [doc for i, doc in enumerate(batch) if i in failed]
                if not batch:
                    return
                log.warning("transcript batch partly failed", failed=len(batch), attempt=attempt)
            except PyMongoError:
                log.warning("transcript batch failed", turns=len(batch), attempt=attempt, exc_info=True)
            if attempt < self.attempts:
                await asyncio.sleep(backoff(attempt, 0.2))
        log.error("transcript turns dropped after retries", turns=len(batch))
        self._dropped(len(batch))
