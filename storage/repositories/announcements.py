"""Announcements (actions/announcements.py): the drafts and sends, and the queries that find a
segment's recipients (citizens with a reachable Telegram chat who did not turn announcements off)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo import DESCENDING, IndexModel, ReturnDocument

from storage.models import Announcement, AnnouncementState, NotificationState, NotificationType

from .base import MongoDoc, Repository

ANNOUNCEMENT_OFF = NotificationType.ANNOUNCEMENT.value
# What has not reached Telegram yet (a notification being sent right now is not withdrawn).
NOT_SENT = [NotificationState.PENDING.value, NotificationState.QUEUED.value, NotificationState.FAILED.value]


class AnnouncementRepository(Repository):
    COLLECTION = "announcements"
    INDEXES: ClassVar[list[IndexModel]] = [IndexModel([("created_at", DESCENDING)], name="created")]

    async def insert(self, announcement: Announcement) -> None:
        await self.collection.insert_one(announcement.to_doc())

    async def by_id(self, announcement_id: str) -> Announcement | None:
        doc = await self.collection.find_one({"_id": announcement_id})
        return Announcement.from_doc(doc) if doc else None

    async def recent(self, *, limit: int = 30) -> list[Announcement]:
        cursor = self.collection.find({}).sort("created_at", DESCENDING).limit(limit)
        return [Announcement.from_doc(doc) async for doc in cursor]

    async def start_sending(
        self, announcement_id: str, actor: str, recipients: int, now: datetime
    ) -> Announcement | None:
        """draft -> sending, once (None when it is not a draft any more)."""
        doc = await self.collection.find_one_and_update(
            {"_id": announcement_id, "state": AnnouncementState.DRAFT.value},
            {
                "$set": {
                    "state": AnnouncementState.SENDING.value,
                    "sent_by": actor,
                    "sent_at": now,
                    "recipients": recipients,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return Announcement.from_doc(doc) if doc else None

    async def cancel(self, announcement_id: str, actor: str, now: datetime) -> Announcement | None:
        """draft or sending -> cancelled, once."""
        doc = await self.collection.find_one_and_update(
            {
                "_id": announcement_id,
                "state": {"$in": [AnnouncementState.DRAFT.value, AnnouncementState.SENDING.value]},
            },
            {"$set": {"state": AnnouncementState.CANCELLED.value, "cancelled_by": actor, "cancelled_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        return Announcement.from_doc(doc) if doc else None

    async def set_withdrawn(self, announcement_id: str, count: int) -> None:
        await self.collection.update_one({"_id": announcement_id}, {"$set": {"withdrawn": count}})

    # --- notifications of an announcement (collection ``notifications``) ---------------------------

    async def withdraw(self, announcement_id: str) -> int:
        """Take the announcement's notifications that have not reached Telegram out of the outbox
        (a worker that reads their stream entry finds nothing and skips it)."""
        result = await self.db["notifications"].delete_many(
            {"payload.announcement_id": announcement_id, "state": {"$in": NOT_SENT}}
        )
        return result.deleted_count

    async def progress(self, announcement_id: str) -> dict[str, int]:
        """How many of its notifications are in each state."""
        cursor = await self.db["notifications"].aggregate(
            [
                {"$match": {"payload.announcement_id": announcement_id}},
                {"$group": {"_id": "$state", "n": {"$sum": 1}}},
            ]
        )
        return {str(doc["_id"]): int(doc["n"]) async for doc in cursor}

    # --- recipients ----------------------------------------------------------------------------------

    async def reachable_citizens(self, extra: dict[str, Any] | None = None) -> list[MongoDoc]:
        """Citizens with a bound, reachable chat who did not turn announcements off: their ID
        number, city and mailing address only."""
        query: dict[str, Any] = {
            "telegram": {"$ne": None},
            "telegram.unreachable": {"$ne": True},
            "telegram.preferences.disabled_types": {"$ne": ANNOUNCEMENT_OFF},
            **(extra or {}),
        }
        cursor = self.db["citizens"].find(query, {"_id": 1, "city": 1, "mailing_address": 1})
        return [doc async for doc in cursor]

    async def owners_of(self, vehicle_type: str) -> set[str]:
        cursor = self.db["vehicles"].find({"vehicle_type": vehicle_type}, {"owner_id_number": 1})
        return {str(doc["owner_id_number"]) async for doc in cursor}

    async def holders_of(self, license_class: str) -> set[str]:
        cursor = self.db["licenses"].find({"license_class": license_class}, {"_id": 1})
        return {str(doc["_id"]) async for doc in cursor}
