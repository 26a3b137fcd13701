"""The notification outbox: every state change is atomic on the expected current state."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument, UpdateOne
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

    async def insert_many(self, notifications: list[Notification]) -> None:
        """Bulk load (the push benchmark's backlog): no dedupe look-up; a duplicate ``dedupe_key`` fails."""
        if notifications:
            await self.collection.insert_many([n.to_doc() for n in notifications], ordered=False)

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
        self,
        notification_id: str,
        reason: str,
        now: datetime,
        *,
        expected: Iterable[NotificationState] = (S.SENDING, S.QUEUED, S.PENDING, S.FAILED),
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

    async def stuck(
        self, state: NotificationState, updated_before: datetime, *, limit: int = 1000
    ) -> list[Notification]:
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

    # --- the push pipeline's batch operations (issue 5, push/) ------------------------------------
    # SecantusDB costs ~1 ms per document written and a query costs time per document its filter
    # matches, so workers write once per message: a notification stays "queued" while a worker
    # holds its stream entry (the consumer group's pending-entries list marks it in flight) and
    # moves straight to sent / failed / dead / pending (held). Attempts are counted when an
    # outcome is recorded; a refused send (429) is not an attempt.

    IN_STREAM = (S.QUEUED.value, S.SENDING.value)  # "sending": written by older versions

    async def by_ids(self, ids: list[str]) -> dict[str, Notification]:
        if not ids:
            return {}
        cursor = self.collection.find({"_id": {"$in": ids}})
        return {doc["_id"]: Notification.from_doc(doc) async for doc in cursor}

    async def queue_due(self, now: datetime, *, limit: int) -> list[tuple[str, bool]]:
        """pending/failed and due -> queued; returns (id, urgent) of up to `limit` of them for the
        relay to add to the stream (adding is idempotent, and a worker sends only what is still
        queued, so one moved meanwhile by somebody else does no harm). Not sorted: a sort makes
        the server read every due notification; urgent ones go to the stream at once anyway."""
        cursor = self.collection.find(
            {
                "state": {"$in": [S.PENDING.value, S.FAILED.value]},
                "$or": [{"not_before": None}, {"not_before": {"$lte": now}}],
            },
            projection={"_id": 1, "urgent": 1},
        ).limit(limit)
        found = [(doc["_id"], bool(doc.get("urgent"))) async for doc in cursor]
        if not found:
            return []
        await self.collection.update_many(
            {"_id": {"$in": [nid for nid, _ in found]}, "state": {"$in": [S.PENDING.value, S.FAILED.value]}},
            {"$set": {"state": S.QUEUED.value, "updated_at": now}, "$unset": {"held": ""}},
        )
        return sorted(found, key=lambda item: not item[1])

    async def stuck_in_stream(self, updated_before: datetime, *, limit: int = 500) -> list[tuple[str, bool, str]]:
        """(id, urgent, state) of queued/sending notifications not touched since `updated_before`:
        the recovery sweep checks which of them are missing from the stream."""
        cursor = self.collection.find(
            {"state": {"$in": list(self.IN_STREAM)}, "updated_at": {"$lt": updated_before}},
            projection={"_id": 1, "urgent": 1, "state": 1},
        ).limit(limit)
        return [(doc["_id"], bool(doc.get("urgent")), str(doc["state"])) async for doc in cursor]

    async def touch_queued(self, ids: list[str], now: datetime) -> None:
        """The sweep re-added these notifications to the stream."""
        if ids:
            await self.collection.update_many(
                {"_id": {"$in": ids}, "state": {"$in": list(self.IN_STREAM)}},
                {"$set": {"state": S.QUEUED.value, "updated_at": now}},
            )

    async def take_over(self, notification_id: str, *, worker: str, now: datetime) -> bool:
        """A notification whose stream entry a stopped worker held (it may have reached Telegram):
        this worker may send it, once only. False if it was taken over before, or is settled."""
        result = await self.collection.update_one(
            {"_id": notification_id, "state": {"$in": list(self.IN_STREAM)}, "recovered": {"$ne": True}},
            {"$set": {"state": S.QUEUED.value, "recovered": True, "updated_at": now, "worker": worker}},
        )
        return result.modified_count == 1

    async def mark_sent_many(self, sent: list[tuple[str, int, int]], now: datetime) -> int:
        """(id, chat_id, telegram_message_id) -> sent, counting the attempt, in one bulk write;
        idempotent (one already recorded is left alone)."""
        if not sent:
            return 0
        ops = [
            UpdateOne(
                {"_id": nid, "state": {"$in": list(self.IN_STREAM)}},
                {
                    "$set": {
                        "state": S.SENT.value,
                        "updated_at": now,
                        "sent_at": now,
                        "chat_id": chat_id,
                        "telegram_message_id": message_id,
                        "last_error": None,
                    },
                    "$inc": {"attempts": 1},
                },
            )
            for nid, chat_id, message_id in sent
        ]
        result = await self.collection.bulk_write(ops, ordered=False)
        return result.modified_count

    async def retry_at(
        self, notification_id: str, retry_at: datetime, reason: str, now: datetime, *, attempted: bool
    ) -> bool:
        """queued -> failed, to be relayed again at `retry_at`; `attempted` counts the attempt
        (5xx / network error), a 429 refusal does not."""
        update: dict[str, Any] = {
            "$set": {"state": S.FAILED.value, "updated_at": now, "not_before": retry_at, "last_error": reason}
        }
        if attempted:
            update["$inc"] = {"attempts": 1}
        result = await self.collection.update_one(
            {"_id": notification_id, "state": {"$in": list(self.IN_STREAM)}}, update
        )
        return result.modified_count == 1

    async def dead_after_attempt(self, notification_id: str, reason: str, now: datetime) -> bool:
        """queued -> dead after a send attempt Telegram answered with a final error."""
        result = await self.collection.update_one(
            {"_id": notification_id, "state": {"$in": list(self.IN_STREAM)}},
            {"$set": {"state": S.DEAD.value, "updated_at": now, "last_error": reason}, "$inc": {"attempts": 1}},
        )
        return result.modified_count == 1

    async def hold_for(self, notification_id: str, until: datetime, reason: str, now: datetime) -> bool:
        """queued -> pending until `until`; `reason` is "quiet_hours" or "unbound"."""
        result = await self.collection.update_one(
            {"_id": notification_id, "state": {"$in": list(self.IN_STREAM)}},
            {"$set": {"state": S.PENDING.value, "updated_at": now, "not_before": until, "held": reason}},
        )
        return result.modified_count == 1

    async def held_citizens(self, reason: str, *, limit: int = 1000) -> list[str]:
        """ID numbers with notifications held for `reason` (the sweep checks who bound since)."""
        cursor = self.collection.find(
            {"state": S.PENDING.value, "held": reason}, projection={"citizen_id_number": 1}
        ).limit(limit)
        return sorted({doc["citizen_id_number"] async for doc in cursor})
