"""Driver licenses (``_id`` = ID number)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import ClassVar

from pymongo import ASCENDING, IndexModel, ReturnDocument

from storage.models import DriverLicense, PointsReduction, Suspension, day_key

from .base import Repository


class LicenseRepository(Repository):
    COLLECTION = "licenses"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("valid_to", ASCENDING)], name="valid_to"),  # expiring_between
        IndexModel([("next_physical_exam_due", ASCENDING)], name="physical_exam_due"),  # exam_due_between
    ]

    async def insert_many(self, licenses: list[DriverLicense]) -> None:
        if licenses:
            await self.collection.insert_many([lic.to_doc() for lic in licenses], ordered=False)

    async def by_id_number(self, id_number: str) -> DriverLicense | None:
        doc = await self.collection.find_one({"_id": id_number})
        return DriverLicense.from_doc(doc) if doc else None

    async def expiring_between(self, first: date, last: date) -> AsyncIterator[DriverLicense]:
        """Licenses whose ``valid_to`` is in [first, last] (daily expiry reminders)."""
        cursor = self.collection.find(
            {"valid_to": {"$gte": day_key(first), "$lte": day_key(last)}, "revoked_on": None}
        ).sort("valid_to", ASCENDING)
        async for doc in cursor:
            yield DriverLicense.from_doc(doc)

    async def exam_due_between(self, first: date, last: date) -> AsyncIterator[DriverLicense]:
        """Licenses whose next physical exam falls in [first, last] (daily exam reminders)."""
        cursor = self.collection.find(
            {"next_physical_exam_due": {"$gte": day_key(first), "$lte": day_key(last)}, "revoked_on": None}
        ).sort("next_physical_exam_due", ASCENDING)
        async for doc in cursor:
            yield DriverLicense.from_doc(doc)

    async def set_elicense_issued(self, id_number: str, now: datetime) -> DriverLicense | None:
        """Mark the electronic license issued (idempotent: keeps the first issue time)."""
        await self.collection.update_one(
            {"_id": id_number, "elicense_issued_at": None}, {"$set": {"elicense_issued_at": now}}
        )
        return await self.by_id_number(id_number)

    async def record_exam_result(self, id_number: str, on: date) -> DriverLicense | None:
        doc = await self.collection.find_one_and_update(
            {"_id": id_number},
            {"$set": {"exam_result_on_file": day_key(on)}},
            return_document=ReturnDocument.AFTER,
        )
        return DriverLicense.from_doc(doc) if doc else None

    async def reduce_points(self, id_number: str, reduction: PointsReduction) -> tuple[DriverLicense | None, bool]:
        """Take ``reduction.points`` off the current cycle for a passed study (学法减分), once per quiz
        (``reduction.quiz_id``) and never below zero: (the license after, True when reduced now)."""
        doc = await self.collection.find_one_and_update(
            {
                "_id": id_number,
                "points": {"$gte": reduction.points},
                "points_reductions.quiz_id": {"$ne": reduction.quiz_id},
            },
            {
                "$inc": {"points": -reduction.points},
                "$push": {"points_reductions": reduction.model_dump(mode="python")},
            },
            return_document=ReturnDocument.AFTER,
        )
        if doc is not None:
            return DriverLicense.from_doc(doc), True
        return await self.by_id_number(id_number), False

    async def record_points(
        self, id_number: str, violation_id: str, points: int, *, suspend: Suspension | None
    ) -> DriverLicense | None:
        """Record a handled violation's ``points`` in the current cycle, once per violation (a
        replay finds it in ``deducted_violations``), never above 12; ``suspend`` is stored when
        the 12 are reached now. Optimistic: retried when another change came in between."""
        while True:
            lic = await self.by_id_number(id_number)
            if lic is None or violation_id in lic.deducted_violations:
                return lic
            total = min(12, lic.points + points)
            changes: dict[str, object] = {"points": total}
            if total >= 12 and lic.points < 12 and suspend is not None:
                changes["suspension"] = suspend.model_dump(mode="python")
            result = await self.collection.update_one(
                {"_id": id_number, "points": lic.points, "deducted_violations": {"$ne": violation_id}},
                {"$set": changes, "$push": {"deducted_violations": violation_id}},
            )
            if result.modified_count == 1:
                return await self.by_id_number(id_number)
