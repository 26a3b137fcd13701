"""Electronic driver's licenses: special-case reviews and the city-by-city opening schedule."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from storage.models import ELicenseCity, ELicenseReview, ReviewStatus

from .base import SUBMISSION_KEY, Repository, submission_key_index


class ELicenseRepository(Repository):
    COLLECTION = "elicense_reviews"
    CITIES = "elicense_cities"
    INDEXES: ClassVar[list[IndexModel]] = [
        # request_review: at most one pending review per citizen.
        IndexModel(
            [("citizen_id_number", ASCENDING)],
            name="pending_per_citizen_unique",
            unique=True,
            partialFilterExpression={"status": "pending"},
        ),
        IndexModel([("citizen_id_number", ASCENDING), ("requested_at", DESCENDING)], name="citizen_time"),
        IndexModel([("status", ASCENDING), ("requested_at", ASCENDING)], name="status_time"),  # pending queue
        submission_key_index(),  # request_review: one review per citizen's form
    ]

    # --- city schedule ---------------------------------------------------------------------------

    async def city(self, city_id: str) -> ELicenseCity | None:
        doc = await self.db[self.CITIES].find_one({"_id": city_id})
        return ELicenseCity.from_doc(doc) if doc else None

    async def cities(self) -> list[ELicenseCity]:
        cursor = self.db[self.CITIES].find({}).sort([("opens_on", ASCENDING), ("_id", ASCENDING)])
        return [ELicenseCity.from_doc(doc) async for doc in cursor]

    async def replace_cities(self, cities: list[ELicenseCity]) -> None:
        """Replace the whole schedule (demo seed, or an import of the ministry's schedule)."""
        await self.db[self.CITIES].delete_many({})
        if cities:
            await self.db[self.CITIES].insert_many([c.to_doc() for c in cities])

    # --- special-case reviews --------------------------------------------------------------------

    async def request_review(self, review: ELicenseReview) -> tuple[ELicenseReview, bool]:
        """Store a pending review; when the same form (``submission_key``) was stored already, or
        the citizen already has one pending, return that one with created=False."""
        try:
            await self.collection.insert_one(review.to_doc())
            return review, True
        except DuplicateKeyError:
            existing = None
            if review.submission_key is not None:
                existing = await self.by_submission_key(review.submission_key, review.citizen_id_number)
            existing = existing or await self.pending_for(review.citizen_id_number)
            if existing is None:
                raise
            return existing, False

    async def by_submission_key(self, key: str, id_number: str) -> ELicenseReview | None:
        """The review the citizen's form ``key`` requested, if it is stored (and theirs)."""
        doc = await self.collection.find_one({SUBMISSION_KEY: key, "citizen_id_number": id_number})
        return ELicenseReview.from_doc(doc) if doc else None

    async def by_id(self, review_id: str) -> ELicenseReview | None:
        doc = await self.collection.find_one({"_id": review_id})
        return ELicenseReview.from_doc(doc) if doc else None

    async def pending_for(self, id_number: str) -> ELicenseReview | None:
        doc = await self.collection.find_one({"citizen_id_number": id_number, "status": ReviewStatus.PENDING.value})
        return ELicenseReview.from_doc(doc) if doc else None

    async def latest_for(self, id_number: str) -> ELicenseReview | None:
        doc = await self.collection.find_one({"citizen_id_number": id_number}, sort=[("requested_at", DESCENDING)])
        return ELicenseReview.from_doc(doc) if doc else None

    async def by_citizen(self, id_number: str, *, limit: int = 20) -> list[ELicenseReview]:
        """A citizen's review requests, latest first (the staff console's citizen profile)."""
        cursor = self.collection.find({"citizen_id_number": id_number}).sort("requested_at", DESCENDING).limit(limit)
        return [ELicenseReview.from_doc(doc) async for doc in cursor]

    async def pending(self, *, limit: int = 100) -> list[ELicenseReview]:
        """The staff work queue, oldest first."""
        cursor = (
            self.collection.find({"status": ReviewStatus.PENDING.value}).sort("requested_at", ASCENDING).limit(limit)
        )
        return [ELicenseReview.from_doc(doc) async for doc in cursor]

    async def decide(
        self, review_id: str, *, approve: bool, decided_by: str, reason: str | None, now: datetime
    ) -> ELicenseReview | None:
        """pending -> approved/rejected, once (None if unknown or already decided)."""
        status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        doc = await self.collection.find_one_and_update(
            {"_id": review_id, "status": ReviewStatus.PENDING.value},
            {
                "$set": {
                    "status": status.value,
                    "decided_by": decided_by,
                    "decided_at": now,
                    "decision_reason": reason,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return ELicenseReview.from_doc(doc) if doc else None
