"""Dispatch: departments, routing rules, and the complaints' dispatch fields (department,
district, deadline flags, escalation). The complaint's other fields stay with ComplaintRepository."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, IndexModel, ReturnDocument

from storage.models import Complaint, ComplaintEvent, ComplaintStatus, Department, RoutingRule

from .base import Repository

OPEN = [ComplaintStatus.NEW.value, ComplaintStatus.ACKNOWLEDGED.value, ComplaintStatus.IN_PROGRESS.value]


class DepartmentRepository(Repository):
    COLLECTION = "departments"
    INDEXES: ClassVar[list[IndexModel]] = []

    async def ensure(self, departments: list[Department]) -> int:
        """Insert the departments not stored yet (never changes a stored one); how many were new."""
        added = 0
        for d in departments:
            doc = d.to_doc()
            result = await self.collection.update_one({"_id": d.id}, {"$setOnInsert": doc}, upsert=True)
            added += result.upserted_id is not None
        return added

    async def all(self) -> list[Department]:
        return [Department.from_doc(doc) async for doc in self.collection.find({}).sort("_id", ASCENDING)]

    async def by_id(self, department_id: str) -> Department | None:
        doc = await self.collection.find_one({"_id": department_id})
        return Department.from_doc(doc) if doc else None

    async def set_supervisor(self, department_id: str, username: str | None) -> bool:
        result = await self.collection.update_one({"_id": department_id}, {"$set": {"supervisor": username}})
        return result.matched_count == 1


class RoutingRuleRepository(Repository):
    COLLECTION = "routing_rules"
    INDEXES: ClassVar[list[IndexModel]] = []

    async def ensure(self, rules: list[RoutingRule]) -> int:
        added = 0
        for rule in rules:
            result = await self.collection.update_one({"_id": rule.id}, {"$setOnInsert": rule.to_doc()}, upsert=True)
            added += result.upserted_id is not None
        return added

    async def all(self) -> list[RoutingRule]:
        return [RoutingRule.from_doc(doc) async for doc in self.collection.find({}).sort("_id", ASCENDING)]

    async def put(self, rule: RoutingRule) -> None:
        await self.collection.replace_one({"_id": rule.id}, rule.to_doc(), upsert=True)

    async def delete(self, rule_id: str) -> bool:
        return (await self.collection.delete_one({"_id": rule_id})).deleted_count == 1


class ComplaintDispatchRepository(Repository):
    """The dispatch fields of ``complaints`` (a department's queue, deadlines, escalation)."""

    COLLECTION = "complaints"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel(
            [("department", ASCENDING), ("status", ASCENDING), ("created_at", ASCENDING)], name="department_queue"
        ),
    ]

    async def _update(self, query: dict[str, Any], update: dict[str, Any]) -> Complaint | None:
        doc = await self.collection.find_one_and_update(query, update, return_document=ReturnDocument.AFTER)
        return Complaint.from_doc(doc) if doc else None

    @staticmethod
    def _event(event: ComplaintEvent) -> dict[str, Any]:
        return event.model_dump(mode="python")

    async def assign(
        self,
        ticket_id: str,
        *,
        department: str,
        district: str | None,
        acknowledge_by: datetime,
        answer_by: datetime,
        event: ComplaintEvent,
    ) -> Complaint | None:
        """First dispatch (only while it has no department): None when it had one already."""
        return await self._update(
            {"_id": ticket_id, "department": None},
            {
                "$set": {
                    "department": department,
                    "district": district,
                    "acknowledge_by": acknowledge_by,
                    "answer_by": answer_by,
                    "updated_at": event.at,
                },
                "$push": {"history": self._event(event)},
            },
        )

    async def reroute(
        self, ticket_id: str, *, department: str, expected: str | None, event: ComplaintEvent
    ) -> Complaint | None:
        """Move it to another department (only from ``expected``: a concurrent re-route wins);
        the escalation and deadline flag start over in the new department."""
        return await self._update(
            {"_id": ticket_id, "department": expected},
            {
                "$set": {
                    "department": department,
                    "escalated_at": None,
                    "escalated_to": None,
                    "deadline_warned_at": None,
                    "updated_at": event.at,
                },
                "$push": {"history": self._event(event)},
            },
        )

    async def unrouted(self, limit: int = 200) -> list[Complaint]:
        cursor = self.collection.find({"department": None, "status": {"$in": OPEN}}).limit(limit)
        return [Complaint.from_doc(doc) async for doc in cursor]

    async def open_complaints(self, limit: int = 2000) -> list[Complaint]:
        """Open complaints not escalated yet (the deadline check's candidates)."""
        cursor = self.collection.find({"status": {"$in": OPEN}, "escalated_at": None}).sort("answer_by", 1).limit(limit)
        return [Complaint.from_doc(doc) async for doc in cursor]

    async def mark_warned(self, ticket_id: str, event: ComplaintEvent) -> Complaint | None:
        return await self._update(
            {"_id": ticket_id, "deadline_warned_at": None},
            {"$set": {"deadline_warned_at": event.at}, "$push": {"history": self._event(event)}},
        )

    async def mark_escalated(self, ticket_id: str, to: str | None, event: ComplaintEvent) -> Complaint | None:
        return await self._update(
            {"_id": ticket_id, "escalated_at": None},
            {"$set": {"escalated_at": event.at, "escalated_to": to}, "$push": {"history": self._event(event)}},
        )

    async def queue(
        self, statuses: list[ComplaintStatus], department: str | None, *, limit: int = 100
    ) -> list[Complaint]:
        """A department's complaints (``department`` None: every department's), escalated first,
        then the oldest."""
        query: dict[str, Any] = {"status": {"$in": [s.value for s in statuses]}}
        if department is not None:
            query["department"] = department
        cursor = self.collection.find(query).sort([("escalated_at", -1), ("created_at", 1)]).limit(limit)
        return [Complaint.from_doc(doc) async for doc in cursor]
