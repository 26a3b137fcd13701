"""Back-office events (push/events/): each stored once per (key id, event id) before it is
applied, so a replay is a duplicate and an interrupted application can be completed.

Applying is claimed: a stored, unapplied event is applied only by the request holding its claim
(``claimed_by`` + ``claimed_until``, taken atomically on the stored document). The holder renews
it while it works; a crashed holder's claim runs out and the next request takes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.errors import BulkWriteError

from .base import MongoDoc, Repository

DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class ReceivedEvent:
    """One event as a back-office system sent it (schema-checked)."""

    key_id: str
    event: dict[str, Any]

    @property
    def event_id(self) -> str:
        return str(self.event["event_id"])

    @property
    def id(self) -> str:
        return event_key(self.key_id, self.event_id)


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored, with what became of it."""

    id: str
    key_id: str
    event_id: str
    type: str
    event: dict[str, Any]
    received_at: datetime
    applied_at: datetime | None
    notified: int | None
    refused: str | None

    @classmethod
    def from_doc(cls, doc: MongoDoc) -> StoredEvent:
        return cls(
            id=doc["_id"],
            key_id=doc["key_id"],
            event_id=doc["event_id"],
            type=doc["type"],
            event=doc["event"],
            received_at=doc["received_at"],
            applied_at=doc.get("applied_at"),
            notified=doc.get("notified"),
            refused=doc.get("refused"),
        )


def event_key(key_id: str, event_id: str) -> str:
    """The stored id of an event: event ids are unique per sending system (key)."""
    return f"{key_id}:{event_id}"


class BackofficeEventRepository(Repository):
    COLLECTION = "backoffice_events"

    async def store_new(
        self, events: list[ReceivedEvent], now: datetime, *, owner: str | None = None, until: datetime | None = None
    ) -> list[bool]:
        """Store the events not stored before, in one write; per event, True if it was new (the
        second copy of an event within ``events`` is not new). New ones are claimed by ``owner``
        until ``until`` (without an owner: unclaimed, any request may claim them)."""
        if not events:
            return []
        docs: list[MongoDoc] = [
            {
                "_id": e.id,
                "key_id": e.key_id,
                "event_id": e.event_id,
                "type": e.event["type"],
                "event": e.event,
                "received_at": now,
                "applied_at": None,
                "claimed_by": owner,
                "claimed_until": until if owner is not None else None,
            }
            for e in events
        ]
        new = [True] * len(docs)
        try:
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            for err in exc.details.get("writeErrors", []):
                if err.get("code") != DUPLICATE_KEY:
                    raise
                new[int(err["index"])] = False
        return new

    async def unapplied(self, ids: list[str]) -> set[str]:
        """Of these stored events, those never applied to the end (an interrupted application)."""
        if not ids:
            return set()
        cursor = self.collection.find({"_id": {"$in": ids}, "applied_at": None}, projection={"_id": 1})
        return {str(doc["_id"]) async for doc in cursor}

    async def claim(self, ids: list[str], owner: str, now: datetime, until: datetime) -> set[str]:
        """Claim, for ``owner`` until ``until``, those of these stored events that are neither
        applied nor claimed by anyone else (a claim that ran out is free); the ids now held."""
        if not ids:
            return set()
        free = {"$or": [{"claimed_until": None}, {"claimed_until": {"$lte": now}}, {"claimed_by": owner}]}
        await self.collection.update_many(
            {"_id": {"$in": ids}, "applied_at": None, **free},
            {"$set": {"claimed_by": owner, "claimed_until": until}},
        )
        cursor = self.collection.find(
            {"_id": {"$in": ids}, "applied_at": None, "claimed_by": owner}, projection={"_id": 1}
        )
        return {str(doc["_id"]) async for doc in cursor}

    async def renew(self, ids: list[str], owner: str, until: datetime) -> None:
        """Extend ``owner``'s claims on those of these events it has not finished."""
        if ids:
            await self.collection.update_many(
                {"_id": {"$in": ids}, "applied_at": None, "claimed_by": owner}, {"$set": {"claimed_until": until}}
            )

    async def release(self, event_id: str, owner: str) -> None:
        """Give up ``owner``'s claim without applying (a failure): the next request may apply it."""
        await self.collection.update_one(
            {"_id": event_id, "applied_at": None, "claimed_by": owner}, {"$set": {"claimed_until": None}}
        )

    async def mark_applied(self, event_id: str, now: datetime, *, notified: int, refused: str | None = None) -> None:
        """The event was applied (``refused``: the change it asked for was not allowed, why); the
        first outcome recorded stays."""
        fields: MongoDoc = {"applied_at": now, "notified": notified, "claimed_until": None}
        if refused is not None:
            fields["refused"] = refused
        await self.collection.update_one({"_id": event_id, "applied_at": None}, {"$set": fields})

    async def by_id(self, event_id: str) -> StoredEvent | None:
        """The stored record of an event (``event_key``)."""
        doc = await self.collection.find_one({"_id": event_id})
        return StoredEvent.from_doc(doc) if doc else None

    async def count(self) -> int:
        return await self.collection.count_documents({})
