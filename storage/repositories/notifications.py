"""The notification outbox: every state change is atomic on the expected current state."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from storage.models import Notification, NotificationState

from .base import Repository

S = NotificationState


class NotificationRepository(Repository):
    COLLECTION = "notifications"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("dedupe_key", ASCENDING)], name="dedupe_unique", unique=True),  # create
        IndexModel([("state", ASCENDING), ("not_before", ASCENDING)], name="state_due"),  # due / stuck / counts
        IndexModel([("citizen_id_number", ASCENDING), ("state", ASCENDING)], name="citizen_state"),
    ]

    async def create(self, notification: Notification) -> tuple[Notification, bool]:
        """Insert unless one with the same ``dedupe_key`` exists; returns (stored, created)."""
        try:
            await self.collection.insert_one(notification.to_doc())
            return notification, True
        except DuplicateKeyError:
            doc = await self.collection.find_one({"dedupe_key": notification.dedupe_key})
            if doc is None:
                raise
            return Notification.from_doc(doc), False

    async def by_id(self, notification_id: str) -> Notification | None:
        doc = await self.collection.find_one({"_id": notification_id})
        return Notification.from_doc(doc) if doc else None

    async def transition(
        self,
        notification_id: str,
        expected: NotificationState | Iterable[NotificationState],
        new: NotificationState,
        *,
        now: datetime,
        fields: dict[str, Any] | None = None,
        count_attempt: bool = False,
    ) -> Notification | None:
        """Move to ``new`` only if the current state is ``expected``; None otherwise (somebody
        else moved it first). ``fields`` are set as well; ``count_attempt`` increments attempts."""
        states = [expected] if isinstance(expected, NotificationState) else list(expected)
        update: dict[str, Any] = {"$set": {"state": new.value, "updated_at": now, **(fields or {})}}
        if count_attempt:
            update["$inc"] = {"attempts": 1}
        doc = await self.collection.find_one_and_update(
            {"_id": notification_id, "state": {"$in": [s.value for s in states]}},
            update,
            return_document=ReturnDocument.AFTER,
        )
        return Notification.from_doc(doc) if doc else None

    async def mark_queued(self, notification_id: str, now: datetime) -> Notification | None:
        """pending/failed -> queued (added to the stream)."""
        return await self.transition(notification_id, (S.PENDING, S.FAILED), S.QUEUED, now=now)

    async def start_sending(self, notification_id: str, chat_id: int, now: datetime) -> Notification | None:
        """queued -> sending, counting the attempt (a worker took it)."""
        return await self.transition(
            notification_id, S.QUEUED, S.SENDING, now=now, fields={"chat_id": chat_id}, count_attempt=True
        )

    async def mark_sent(self, notification_id: str, telegram_message_id: int, now: datetime) -> Notification | None:
        return await self.transition(
            notification_id,
            S.SENDING,
            S.SENT,
            now=now,
            fields={"telegram_message_id": telegram_message_id, "sent_at": now, "last_error": None},
        )

    async def mark_failed(
        self, notification_id: str, error: str, retry_at: datetime, now: datetime
    ) -> Notification | None:
        """sending -> failed, to be retried at ``retry_at``."""
        return await self.transition(
            notification_id, S.SENDING, S.FAILED, now=now, fields={"last_error": error, "not_before": retry_at}
        )

    async def mark_dead(
        self, notification_id: str, reason: str, now: datetime, *, expected: Iterable[NotificationState] = (S.SENDING, S.QUEUED, S.PENDING, S.FAILED)
    ) -> Notification | None:
        return await self.transition(notification_id, expected, S.DEAD, now=now, fields={"last_error": reason})

    async def hold(self, notification_id: str, until: datetime, now: datetime) -> Notification | None:
        """queued/sending -> pending until ``until`` (quiet hours, or the citizen is not bound)."""
        return await self.transition(
            notification_id, (S.QUEUED, S.SENDING), S.PENDING, now=now, fields={"not_before": until}
        )

    async def due(self, now: datetime, *, limit: int = 1000) -> list[Notification]:
        """Pending or failed notifications whose ``not_before`` has passed, urgent first, oldest
        first: the relay hands these to the stream (then ``mark_queued``)."""
        cursor = (
            self.collection.find(
                {
                    "state": {"$in": [S.PENDING.value, S.FAILED.value]},
                    "$or": [{"not_before": None}, {"not_before": {"$lte": now}}],
                }
            )
            .sort([("urgent", DESCENDING), ("created_at", ASCENDING)])
            .limit(limit)
        )
        return [Notification.from_doc(doc) async for doc in cursor]

    async def stuck(self, state: NotificationState, updated_before: datetime, *, limit: int = 1000) -> list[Notification]:
        """Notifications left in ``state`` (queued or sending) since before ``updated_before``:
        after a crash, re-queue queued ones; a sending one's outcome is unknown (resend once)."""
        cursor = (
            self.collection.find({"state": state.value, "updated_at": {"$lt": updated_before}})
            .sort("updated_at", ASCENDING)
            .limit(limit)
        )
        return [Notification.from_doc(doc) async for doc in cursor]

    async def release_for_citizen(self, id_number: str, now: datetime) -> int:
        """A citizen just bound: make their held notifications (not expired) due now."""
        result = await self.collection.update_many(
            {
                "citizen_id_number": id_number,
                "state": S.PENDING.value,
                "$or": [{"expires_at": None}, {"expires_at": {"$gt": now}}],
            },
            {"$set": {"not_before": now, "updated_at": now}},
        )
        return result.modified_count

    async def counts_by_state(self) -> dict[NotificationState, int]:
        cursor = await self.collection.aggregate([{"$group": {"_id": "$state", "n": {"$sum": 1}}}])
        counts = {S(doc["_id"]): int(doc["n"]) async for doc in cursor}
        return {state: counts.get(state, 0) for state in S}

    async def dead_letters(self, *, limit: int = 100) -> list[Notification]:
        cursor = self.collection.find({"state": S.DEAD.value}).sort("updated_at", DESCENDING).limit(limit)
        return [Notification.from_doc(doc) async for doc in cursor]

    async def requeue_dead(self, now: datetime, ids: list[str] | None = None) -> int:
        """dead -> pending (due now, attempts reset); all dead letters unless ``ids`` is given."""
        query: dict[str, Any] = {"state": S.DEAD.value}
        if ids is not None:
            query["_id"] = {"$in": ids}
        result = await self.collection.update_many(
            query, {"$set": {"state": S.PENDING.value, "attempts": 0, "not_before": now, "updated_at": now}}
        )
        return result.modified_count
