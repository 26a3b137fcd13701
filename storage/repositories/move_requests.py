"""Move-my-car requests (一键挪车) and the abuse reports against requesters: filed once per form,
answered once, re-notified only after the configured wait; a requester is blocked after enough
abuse reports, and staff lift the block."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from storage.models import MoveRequest, MoveRequester, MoveState

from .base import SUBMISSION_KEY, Repository, insert_once, submission_key_index


class MoveRequestRepository(Repository):
    COLLECTION = "move_requests"
    INDEXES: ClassVar[list[IndexModel]] = [
        # count_since: the monthly quota; latest_for: the requester's status.
        IndexModel([("requester_id_number", ASCENDING), ("filed_at", DESCENDING)], name="requester_time"),
        submission_key_index(),  # file: one request per citizen's form
    ]

    async def insert_once(self, request: MoveRequest) -> tuple[MoveRequest, bool]:
        """Store a request; the same form (``submission_key``) stored already returns that one."""
        doc, created = await insert_once(self.collection, request.to_doc())
        return MoveRequest.from_doc(doc), created

    async def by_id(self, request_id: str) -> MoveRequest | None:
        doc = await self.collection.find_one({"_id": request_id})
        return MoveRequest.from_doc(doc) if doc else None

    async def by_submission_key(self, key: str, requester_id_number: str) -> MoveRequest | None:
        doc = await self.collection.find_one({SUBMISSION_KEY: key, "requester_id_number": requester_id_number})
        return MoveRequest.from_doc(doc) if doc else None

    async def count_since(self, requester_id_number: str, since: datetime) -> int:
        """Requests the citizen filed from ``since`` on (the monthly quota)."""
        return await self.collection.count_documents(
            {"requester_id_number": requester_id_number, "filed_at": {"$gte": since}}
        )

    async def latest_for(self, requester_id_number: str, *, limit: int = 5) -> list[MoveRequest]:
        cursor = self.collection.find({"requester_id_number": requester_id_number}).sort("filed_at", DESCENDING)
        return [MoveRequest.from_doc(doc) async for doc in cursor.limit(limit)]

    async def answer(self, request_id: str, state: MoveState, now: datetime) -> MoveRequest | None:
        """Record the owner's answer to a waiting request (once): None when unknown or answered."""
        doc = await self.collection.find_one_and_update(
            {"_id": request_id, "state": MoveState.NOTIFIED.value},
            {"$set": {"state": state.value, "answered_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        return MoveRequest.from_doc(doc) if doc else None

    async def next_round(self, request_id: str, *, notified_before: datetime, now: datetime) -> MoveRequest | None:
        """One more round of notifications for a waiting request last notified before
        ``notified_before`` (once per round): None when it is not due (or answered)."""
        doc = await self.collection.find_one_and_update(
            {"_id": request_id, "state": MoveState.NOTIFIED.value, "notified_at": {"$lte": notified_before}},
            {"$set": {"notified_at": now}, "$inc": {"rounds": 1}},
            return_document=ReturnDocument.AFTER,
        )
        return MoveRequest.from_doc(doc) if doc else None


class MoveRequesterRepository(Repository):
    COLLECTION = "move_requesters"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("blocked", ASCENDING), ("blocked_at", DESCENDING)], name="blocked_time"),  # the staff page
    ]

    async def by_id_number(self, id_number: str) -> MoveRequester | None:
        doc = await self.collection.find_one({"_id": id_number})
        return MoveRequester.from_doc(doc) if doc else None

    async def report_abuse(self, id_number: str, *, block_after: int, now: datetime) -> MoveRequester:
        """Count one abuse report (the caller makes sure it is one per request); blocked at ``block_after``."""
        doc = await self.collection.find_one_and_update(
            {"_id": id_number},
            {"$inc": {"abuse_reports": 1}, "$setOnInsert": {"blocked": False}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        requester = MoveRequester.from_doc(doc or {"_id": id_number})
        if requester.abuse_reports >= block_after and not requester.blocked:
            doc = await self.collection.find_one_and_update(
                {"_id": id_number, "blocked": False},
                {"$set": {"blocked": True, "blocked_at": now}},
                return_document=ReturnDocument.AFTER,
            )
            if doc is not None:
                requester = MoveRequester.from_doc(doc)
        return requester

    async def blocked(self, *, limit: int = 200) -> list[MoveRequester]:
        cursor = self.collection.find({"blocked": True}).sort("blocked_at", DESCENDING)
        return [MoveRequester.from_doc(doc) async for doc in cursor.limit(limit)]

    async def lift(self, id_number: str, *, staff: str, now: datetime) -> bool:
        """Lift a block (the reports start again from zero); False when the citizen is not blocked."""
        result = await self.collection.update_one(
            {"_id": id_number, "blocked": True},
            {"$set": {"blocked": False, "abuse_reports": 0, "lifted_by": staff, "lifted_at": now}},
        )
        return result.modified_count == 1
