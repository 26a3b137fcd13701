"""Traffic violations, queried by plate with paging and totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel

from storage.models import Violation, ViolationStatus

from .base import Repository


@dataclass(frozen=True)
class ViolationPage:
    items: list[Violation]
    page: int  # 0-based
    page_size: int
    total: int  # all matching violations
    unprocessed: int
    fine_due_yuan: int  # fines not yet paid (unprocessed + processed)
    points_pending: int  # points of unprocessed violations

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return (self.page + 1) * self.page_size < self.total


class ViolationRepository(Repository):
    COLLECTION = "violations"
    INDEXES: ClassVar[list[IndexModel]] = [
        # page_by_plates: newest first per plate.
        IndexModel([("plate", ASCENDING), ("occurred_at", DESCENDING)], name="plate_time"),
    ]

    async def insert(self, violation: Violation) -> None:
        await self.collection.insert_one(violation.to_doc())

    async def insert_many(self, violations: list[Violation]) -> None:
        if violations:
            await self.collection.insert_many([v.to_doc() for v in violations], ordered=False)

    async def by_id(self, violation_id: str) -> Violation | None:
        doc = await self.collection.find_one({"_id": violation_id})
        return Violation.from_doc(doc) if doc else None

    async def page_by_plates(
        self,
        plates: list[str],
        *,
        page: int = 0,
        page_size: int = 5,
        statuses: list[ViolationStatus] | None = None,
    ) -> ViolationPage:
        """One page (newest first) of the violations of ``plates``, with totals over all pages."""
        if page < 0 or page_size < 1:
            raise ValueError("page must be >= 0 and page_size >= 1")
        query: dict[str, object] = {"plate": {"$in": plates}}
        if statuses is not None:
            query["status"] = {"$in": [s.value for s in statuses]}
        pipeline: list[dict[str, object]] = [
            {"$match": query},
            {
                "$facet": {
                    "items": [
                        {"$sort": {"occurred_at": -1, "_id": -1}},
                        {"$skip": page * page_size},
                        {"$limit": page_size},
                    ],
                    "totals": [
                        {
                            "$group": {
                                "_id": None,
                                "total": {"$sum": 1},
                                "unprocessed": {"$sum": {"$cond": [{"$eq": ["$status", "unprocessed"]}, 1, 0]}},
                                "fine_due": {"$sum": {"$cond": [{"$ne": ["$status", "paid"]}, "$fine_yuan", 0]}},
                                "points_pending": {
                                    "$sum": {"$cond": [{"$eq": ["$status", "unprocessed"]}, "$points", 0]}
                                },
                            }
                        }
                    ],
                }
            },
        ]
        cursor = await self.collection.aggregate(pipeline)
        result = (await cursor.to_list())[0]
        totals = result["totals"][0] if result["totals"] else {}
        return ViolationPage(
            items=[Violation.from_doc(doc) for doc in result["items"]],
            page=page,
            page_size=page_size,
            total=int(totals.get("total", 0)),
            unprocessed=int(totals.get("unprocessed", 0)),
            fine_due_yuan=int(totals.get("fine_due", 0)),
            points_pending=int(totals.get("points_pending", 0)),
        )

    async def count_open_by_plate(self, plates: list[str]) -> dict[str, int]:
        """Number of unpaid violations per plate (vehicle status), 0 for plates without any."""
        cursor = await self.collection.aggregate(
            [
                {"$match": {"plate": {"$in": plates}, "status": {"$ne": "paid"}}},
                {"$group": {"_id": "$plate", "n": {"$sum": 1}}},
            ]
        )
        counts = {doc["_id"]: int(doc["n"]) async for doc in cursor}
        return {plate: counts.get(plate, 0) for plate in plates}
