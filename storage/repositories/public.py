"""Read-only queries behind the public status and the Open311 GeoReport v2 API (web/open311.py):
complaints by ticket and by filters, loaded without anything a citizen wrote or who they are."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo import DESCENDING, IndexModel

from storage.models import ComplaintStatus, ComplaintTopic

from .base import MongoDoc, Repository

# What a public record may be built from: never the description, the citizen, photos, the plate,
# the place's words (only the district), replies or notes (the history).
PUBLIC_FIELDS: dict[str, int] = {
    "topic": 1,
    "status": 1,
    "department": 1,
    "district": 1,
    "location": 1,
    "created_at": 1,
    "updated_at": 1,
    "answer_by": 1,
}


class PublicRequestRepository(Repository):
    COLLECTION = "complaints"
    INDEXES: ClassVar[list[IndexModel]] = []  # created_at: RatesRepository declares it

    async def by_ticket(self, ticket_id: str) -> MongoDoc | None:
        """The public fields of one complaint (a dict: no model, so nothing else can leak in)."""
        return await self.collection.find_one({"_id": ticket_id}, PUBLIC_FIELDS)

    async def by_tickets(self, ticket_ids: list[str]) -> list[MongoDoc]:
        cursor = self.collection.find({"_id": {"$in": ticket_ids}}, PUBLIC_FIELDS).sort("created_at", DESCENDING)
        return [doc async for doc in cursor]

    async def search(
        self,
        *,
        since: datetime,
        until: datetime,
        topics: list[ComplaintTopic] | None,
        statuses: list[ComplaintStatus] | None,
        limit: int,
    ) -> list[MongoDoc]:
        """Complaints filed in [since, until), newest first, at most ``limit``."""
        query: dict[str, Any] = {"created_at": {"$gte": since, "$lt": until}}
        if topics is not None:
            query["topic"] = {"$in": [t.value for t in topics]}
        if statuses is not None:
            query["status"] = {"$in": [s.value for s in statuses]}
        cursor = self.collection.find(query, PUBLIC_FIELDS).sort("created_at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]
