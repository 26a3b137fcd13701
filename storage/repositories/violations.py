"""Traffic violations, queried by plate with paging and totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from storage.models import AppealState, Violation, ViolationEvent, ViolationStatus

from .base import Repository


@dataclass(frozen=True)
class ViolationPage:
    items: list[Violation]
    page: int  # 0-based
    page_size: int
    total: int  # all matching violations
    unprocessed: int
    fine_due_yuan: int  # fines not yet paid (unprocessed + processed; a cancelled one is not due)
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
                                "fine_due": {
                                    "$sum": {
                                        "$cond": [{"$in": ["$status", ["unprocessed", "processed"]]}, "$fine_yuan", 0]
                                    }
                                },
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
        """Number of unpaid violations per plate (vehicle status; cancelled ones are not), 0 for plates without any."""
        cursor = await self.collection.aggregate(
            [
                {"$match": {"plate": {"$in": plates}, "status": {"$in": ["unprocessed", "processed"]}}},
                {"$group": {"_id": "$plate", "n": {"$sum": 1}}},
            ]
        )
        counts = {doc["_id"]: int(doc["n"]) async for doc in cursor}
        return {plate: counts.get(plate, 0) for plate in plates}

    # --- appeals (actions/appeals.py) ------------------------------------------------------------

    async def open_appeal(self, violation_id: str, appeal_id: str, filed_at: datetime) -> Violation | None:
        """Mark the violation appealed (``appeal_state`` pending), unless it is paid, cancelled or
        has an appeal pending already (None then; the same appeal again is a no-op that answers it)."""
        doc = await self.collection.find_one_and_update(
            {
                "_id": violation_id,
                "status": {"$in": [ViolationStatus.UNPROCESSED.value, ViolationStatus.PROCESSED.value]},
                "$or": [{"appeal_state": {"$ne": AppealState.PENDING.value}}, {"appeal_id": appeal_id}],
            },
            {
                "$set": {
                    "appeal_id": appeal_id,
                    "appeal_state": AppealState.PENDING.value,
                    "appeal_filed_at": filed_at,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return Violation.from_doc(doc) if doc else None

    async def close_appeal(
        self, violation_id: str, appeal_id: str, *, accepted: bool, paused_days: int, now: datetime
    ) -> Violation | None:
        """The appeal ``appeal_id`` was decided: accepted cancels the violation; either way the days
        the surcharge clock stood still are added to ``appeal_paused_days`` (once: only while it is
        still pending under this appeal)."""
        changes: dict[str, object] = {
            "appeal_state": (AppealState.ACCEPTED if accepted else AppealState.REJECTED).value
        }
        if accepted:
            changes.update(status=ViolationStatus.CANCELLED.value, cancelled_at=now)
        doc = await self.collection.find_one_and_update(
            {"_id": violation_id, "appeal_id": appeal_id, "appeal_state": AppealState.PENDING.value},
            {"$set": changes, "$inc": {"appeal_paused_days": paused_days}},
            return_document=ReturnDocument.AFTER,
        )
        return Violation.from_doc(doc) if doc else None

    async def count_unprocessed(self, plates: list[str]) -> int:
        """Violations of ``plates`` not yet handled (unprocessed), for study-to-reduce-points."""
        if not plates:
            return 0
        return await self.collection.count_documents(
            {"plate": {"$in": plates}, "status": ViolationStatus.UNPROCESSED.value}
        )

    # --- handling and payment (actions/payments/) --------------------------------------------------

    async def by_ids(self, violation_ids: list[str]) -> list[Violation]:
        cursor = self.collection.find({"_id": {"$in": violation_ids}})
        return [Violation.from_doc(doc) async for doc in cursor]

    async def payable_by_plates(self, plates: list[str], limit: int = 50) -> list[Violation]:
        """Violations of ``plates`` still to handle or to pay, oldest first (the surcharge grows there)."""
        if not plates:
            return []
        cursor = (
            self.collection.find(
                {
                    "plate": {"$in": plates},
                    "status": {"$in": [ViolationStatus.UNPROCESSED.value, ViolationStatus.PROCESSED.value]},
                }
            )
            .sort([("occurred_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [Violation.from_doc(doc) async for doc in cursor]

    async def mark_handled(self, violation_id: str, *, by: str, decided_on: str, event: ViolationEvent) -> bool:
        """The decision accepted (unprocessed -> processed); False when it was not unprocessed any
        more (handled already, by a replay or someone else) or an appeal is pending."""
        result = await self.collection.update_one(
            {
                "_id": violation_id,
                "status": ViolationStatus.UNPROCESSED.value,
                "appeal_state": {"$ne": AppealState.PENDING.value},
            },
            {
                "$set": {
                    "status": ViolationStatus.PROCESSED.value,
                    "processed_at": event.at,
                    "handled_by": by,
                    "decided_on": decided_on,
                },
                "$push": {"history": event.model_dump(mode="python")},
            },
        )
        return result.modified_count == 1

    async def hold_for_order(self, violation_id: str, order_id: str, releasable: list[str]) -> bool:
        """Let the order ``order_id`` hold the violation (one order at a time): only when it is
        handled, unpaid, not appealed, and held by nobody (or by one of ``releasable``: orders that
        can no longer be paid)."""
        result = await self.collection.update_one(
            {
                "_id": violation_id,
                "status": ViolationStatus.PROCESSED.value,
                "appeal_state": {"$ne": AppealState.PENDING.value},
                "payment_order_id": {"$in": [None, order_id, *releasable]},
            },
            {"$set": {"payment_order_id": order_id}},
        )
        return result.matched_count == 1

    async def release_order(self, order_id: str) -> None:
        """The order can no longer be paid: its unpaid violations are free for another."""
        await self.collection.update_many(
            {"payment_order_id": order_id, "status": {"$ne": ViolationStatus.PAID.value}},
            {"$set": {"payment_order_id": None}},
        )

    async def mark_paid(
        self, violation_id: str, order_id: str, *, fine_fen: int, surcharge_fen: int, event: ViolationEvent
    ) -> bool:
        """Paid by ``order_id`` (processed -> paid, once): when the order holds it or nobody does
        (a late payment of an expired order). False when it is paid already, cancelled, appealed or
        held by another order: then this money is to be refunded."""
        result = await self.collection.update_one(
            {
                "_id": violation_id,
                "status": ViolationStatus.PROCESSED.value,
                "appeal_state": {"$ne": AppealState.PENDING.value},
                "payment_order_id": {"$in": [None, order_id]},
            },
            {
                "$set": {
                    "status": ViolationStatus.PAID.value,
                    "paid_at": event.at,
                    "payment_order_id": order_id,
                    "paid_fine_fen": fine_fen,
                    "paid_surcharge_fen": surcharge_fen,
                },
                "$push": {"history": event.model_dump(mode="python")},
            },
        )
        return result.modified_count == 1
