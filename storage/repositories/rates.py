"""Read-only queries behind the 12345 dashboard (actions/rates.py): the complaints and handoffs
started in a period, and the clustered complaints of a month and the month before."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from storage.models import Complaint, Handoff, TrackedTask

from .base import Repository

# What the figures read of a complaint: never its description, photos or the citizen's identity
# beyond what the model needs to load.
_COMPLAINT_FIELDS = {"description": 0, "photos": 0, "rating_comment": 0}


class RatesRepository(Repository):
    """Queries on ``complaints`` (``handoffs`` through ``self.db``); declares the created_at index."""

    COLLECTION = "complaints"
    INDEXES: ClassVar[list[IndexModel]] = [IndexModel([("created_at", ASCENDING)], name="created_at")]

    async def complaints_between(self, since: datetime, until: datetime) -> list[Complaint]:
        """Complaints filed in [since, until), oldest first."""
        cursor = self.collection.find({"created_at": {"$gte": since, "$lt": until}}, _COMPLAINT_FIELDS).sort(
            "created_at", ASCENDING
        )
        return [Complaint.from_doc(_loadable(doc)) async for doc in cursor]

    async def clustered_between(self, since: datetime, until: datetime) -> list[Complaint]:
        """Complaints in a cluster filed in [since, until) (Task of the Month candidates)."""
        cursor = self.collection.find(
            {"created_at": {"$gte": since, "$lt": until}, "cluster_id": {"$exists": True, "$ne": None}},
            _COMPLAINT_FIELDS,
        ).sort("created_at", ASCENDING)
        return [Complaint.from_doc(_loadable(doc)) async for doc in cursor]

    async def handoffs_between(self, since: datetime, until: datetime) -> list[Handoff]:
        """Handoffs (conversations with a person, call-back requests) started in [since, until)."""
        cursor = self.db["handoffs"].find(
            {"created_at": {"$gte": since, "$lt": until}}, {"transitions": 0, "notes": 0, "context": 0}
        )
        return [Handoff.from_doc(doc) async for doc in cursor]

    # --- Task of the Month (collection ``tracked_tasks``) -----------------------------------------

    async def add_task(self, task: TrackedTask) -> bool:
        """Store a promoted cluster; False when it was promoted for that month already."""
        try:
            await self.db["tracked_tasks"].insert_one(task.to_doc())
        except DuplicateKeyError:
            return False
        return True

    async def tasks(self, *, limit: int = 50) -> list[TrackedTask]:
        """The promoted clusters, latest month first."""
        cursor = (
            self.db["tracked_tasks"].find({}).sort([("month", DESCENDING), ("promoted_at", DESCENDING)]).limit(limit)
        )
        return [TrackedTask.from_doc(doc) async for doc in cursor]


def _loadable(doc: dict[str, object]) -> dict[str, object]:
    """The model needs a description: the projection left it out on purpose."""
    doc.setdefault("description", "-")
    return doc
