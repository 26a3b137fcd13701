"""Appeals against violations: filed by citizens (once per form), decided by staff (once)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from storage.models import Appeal, AppealState

from .base import SUBMISSION_KEY, Repository, insert_once, submission_key_index


class AppealRepository(Repository):
    COLLECTION = "appeals"
    INDEXES: ClassVar[list[IndexModel]] = [
        # file: at most one pending appeal per violation.
        IndexModel(
            [("violation_id", ASCENDING)],
            name="pending_per_violation_unique",
            unique=True,
            partialFilterExpression={"state": "pending"},
        ),
        IndexModel([("state", ASCENDING), ("filed_at", ASCENDING)], name="state_time"),  # the staff queue
        IndexModel([("citizen_id_number", ASCENDING), ("filed_at", DESCENDING)], name="citizen_time"),
        submission_key_index(),  # file: one appeal per citizen's form
    ]

    async def insert_once(self, appeal: Appeal) -> tuple[Appeal, bool]:
        """Store a pending appeal; the same form (``submission_key``) stored already returns that
        one (created False). Another pending appeal of the violation raises DuplicateKeyError."""
        doc, created = await insert_once(self.collection, appeal.to_doc())
        return Appeal.from_doc(doc), created

    async def by_id(self, appeal_id: str) -> Appeal | None:
        doc = await self.collection.find_one({"_id": appeal_id})
        return Appeal.from_doc(doc) if doc else None

    async def by_submission_key(self, key: str, id_number: str) -> Appeal | None:
        """The appeal the citizen's form ``key`` filed, if it is stored (and theirs)."""
        doc = await self.collection.find_one({SUBMISSION_KEY: key, "citizen_id_number": id_number})
        return Appeal.from_doc(doc) if doc else None

    async def pending_for_violation(self, violation_id: str) -> Appeal | None:
        doc = await self.collection.find_one({"violation_id": violation_id, "state": AppealState.PENDING.value})
        return Appeal.from_doc(doc) if doc else None

    async def latest_for_violation(self, violation_id: str) -> Appeal | None:
        doc = await self.collection.find_one({"violation_id": violation_id}, sort=[("filed_at", DESCENDING)])
        return Appeal.from_doc(doc) if doc else None

    async def by_state(self, state: AppealState, *, limit: int = 100) -> list[Appeal]:
        """Appeals in ``state``, oldest first (the work queue: longest waiting on top)."""
        cursor = self.collection.find({"state": state.value}).sort([("filed_at", ASCENDING), ("_id", ASCENDING)])
        return [Appeal.from_doc(doc) async for doc in cursor.limit(limit)]

    async def for_citizen(self, id_number: str, *, limit: int = 20) -> list[Appeal]:
        cursor = self.collection.find({"citizen_id_number": id_number}).sort("filed_at", DESCENDING)
        return [Appeal.from_doc(doc) async for doc in cursor.limit(limit)]

    async def decide(
        self, appeal_id: str, *, accept: bool, decided_by: str, reason: str | None, now: datetime
    ) -> Appeal | None:
        """Decide a pending appeal (once): None when it is unknown or decided already."""
        doc = await self.collection.find_one_and_update(
            {"_id": appeal_id, "state": AppealState.PENDING.value},
            {
                "$set": {
                    "state": (AppealState.ACCEPTED if accept else AppealState.REJECTED).value,
                    "decided_by": decided_by,
                    "decided_at": now,
                    "decision_reason": reason,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return Appeal.from_doc(doc) if doc else None
