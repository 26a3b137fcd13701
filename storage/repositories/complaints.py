"""Complaints: ticket allocation, status history, ratings and clusters of similar complaints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.geo import degrees_around, distance_m
from core.identifiers import format_ticket_id
from storage.models import Complaint, ComplaintEvent, ComplaintFollower, ComplaintStatus, ComplaintTopic

from .base import SUBMISSION_KEY, MongoDoc, Repository, insert_once, submission_key_index

CLUSTER_RADIUS_M = 500.0
CLUSTER_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class ClusterSummary:
    cluster_id: str
    topic: ComplaintTopic
    size: int
    first_at: datetime
    last_at: datetime
    place_text: str | None


class ComplaintRepository(Repository):
    COLLECTION = "complaints"
    COUNTERS = "counters"
    INDEXES: ClassVar[list[IndexModel]] = [
        # by_citizen / by_ticket_for_citizen.
        IndexModel([("citizen_id_number", ASCENDING), ("created_at", DESCENDING)], name="citizen_time"),
        # assign_cluster: same topic within the window.
        IndexModel([("topic", ASCENDING), ("created_at", DESCENDING)], name="topic_time"),
        # cluster_members / clusters.
        IndexModel([("cluster_id", ASCENDING)], name="cluster", sparse=True),
        # by_status (staff work queue).
        IndexModel([("status", ASCENDING), ("created_at", ASCENDING)], name="status_time"),
        # insert_once / by_submission_key: one complaint per citizen's draft.
        submission_key_index(),
    ]

    async def allocate_ticket_id(self, day: date) -> str:
        """The next ticket id of ``day`` (the bureau's local date): an atomic daily counter."""
        key = f"complaint-ticket:{day:%Y%m%d}"
        counters = self.db[self.COUNTERS]
        # Create the day's counter first, then increment without upsert: with upsert=True,
        # concurrent first increments on SecantusDB 0.7 applied the $inc but returned None.
        try:
            await counters.update_one({"_id": key}, {"$setOnInsert": {"seq": 0}}, upsert=True)
        except DuplicateKeyError:
            pass  # another allocation created it at the same moment
        doc = await counters.find_one_and_update(
            {"_id": key}, {"$inc": {"seq": 1}}, return_document=ReturnDocument.AFTER
        )
        if doc is None:
            raise RuntimeError(f"ticket counter {key} vanished")
        return format_ticket_id(day, int(doc["seq"]))

    async def insert(self, complaint: Complaint) -> None:
        """Store a new complaint (durably, before the ticket id is shown to the citizen)."""
        await self.collection.insert_one(self._doc(complaint))

    async def insert_once(self, complaint: Complaint) -> tuple[Complaint, bool]:
        """Store a new complaint unless one with its ``submission_key`` (the citizen's draft) is
        stored already: (the stored complaint, True when stored now)."""
        doc, created = await insert_once(self.collection, self._doc(complaint))
        return (complaint if created else Complaint.from_doc(doc)), created

    async def by_submission_key(self, key: str, id_number: str | None) -> Complaint | None:
        """The complaint the citizen's draft ``key`` filed, if it is stored (and theirs; None: a
        report filed without a linked identity)."""
        doc = await self.collection.find_one({SUBMISSION_KEY: key, "citizen_id_number": id_number})
        return Complaint.from_doc(doc) if doc else None

    async def insert_many(self, complaints: list[Complaint]) -> None:
        if complaints:
            await self.collection.insert_many([self._doc(c) for c in complaints], ordered=False)

    @staticmethod
    def _doc(complaint: Complaint) -> MongoDoc:
        doc = complaint.to_doc()
        if doc.get("cluster_id") is None:
            doc.pop("cluster_id", None)  # keep the sparse index small
        return doc

    async def by_ticket(self, ticket_id: str) -> Complaint | None:
        doc = await self.collection.find_one({"_id": ticket_id})
        return Complaint.from_doc(doc) if doc else None

    async def by_ticket_for_citizen(self, ticket_id: str, id_number: str) -> Complaint | None:
        """The complaint only if it is the citizen's own (someone else's answers like unknown)."""
        doc = await self.collection.find_one({"_id": ticket_id, "citizen_id_number": id_number})
        return Complaint.from_doc(doc) if doc else None

    async def by_citizen(self, id_number: str, *, limit: int = 10, skip: int = 0) -> list[Complaint]:
        cursor = (
            self.collection.find({"citizen_id_number": id_number})
            .sort("created_at", DESCENDING)
            .skip(skip)
            .limit(limit)
        )
        return [Complaint.from_doc(doc) async for doc in cursor]

    async def by_status(self, statuses: list[ComplaintStatus], *, limit: int = 50, skip: int = 0) -> list[Complaint]:
        """Staff work queue: oldest first."""
        cursor = (
            self.collection.find({"status": {"$in": [s.value for s in statuses]}})
            .sort("created_at", ASCENDING)
            .skip(skip)
            .limit(limit)
        )
        return [Complaint.from_doc(doc) async for doc in cursor]

    async def change_status(
        self,
        ticket_id: str,
        status: ComplaintStatus,
        *,
        actor: str,
        now: datetime,
        text: str | None = None,
        expected: list[ComplaintStatus] | None = None,
        ref: str | None = None,
    ) -> Complaint | None:
        """Set the status and record who and when; None if unknown, not in ``expected``, or a
        change with this ``ref`` is recorded already."""
        query: dict[str, Any] = {"_id": ticket_id}
        if expected is not None:
            query["status"] = {"$in": [s.value for s in expected]}
        if ref is not None:
            query["history.ref"] = {"$ne": ref}
        event = ComplaintEvent(at=now, actor=actor, action="status_changed", status=status, text=text, ref=ref)
        doc = await self.collection.find_one_and_update(
            query,
            {
                "$set": {"status": status.value, "updated_at": now},
                "$push": {"history": event.model_dump(mode="python")},
            },
            return_document=ReturnDocument.AFTER,
        )
        return Complaint.from_doc(doc) if doc else None

    async def add_event(
        self, ticket_id: str, *, actor: str, action: str, now: datetime, text: str | None = None
    ) -> Complaint | None:
        """Record a reply to the citizen (``action="reply"``) or a private note (``"note"``)."""
        event = ComplaintEvent(at=now, actor=actor, action=action, text=text)
        doc = await self.collection.find_one_and_update(
            {"_id": ticket_id},
            {"$set": {"updated_at": now}, "$push": {"history": event.model_dump(mode="python")}},
            return_document=ReturnDocument.AFTER,
        )
        return Complaint.from_doc(doc) if doc else None

    async def rate(
        self,
        ticket_id: str,
        id_number: str,
        rating: int,
        comment: str | None,
        now: datetime,
        *,
        key: str | None = None,
    ) -> Complaint | None:
        """The citizen rates a resolved complaint once; None if not theirs, not resolved or
        already rated. ``key``: the rating form's idempotency key, kept as ``rating_key``."""
        if not 1 <= rating <= 5:
            raise ValueError("rating must be 1 to 5")
        event = ComplaintEvent(at=now, actor="citizen", action="rated", text=comment)
        doc = await self.collection.find_one_and_update(
            {
                "_id": ticket_id,
                "citizen_id_number": id_number,
                "status": {"$in": [ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value]},
                "rating": None,
            },
            {
                "$set": {"rating": rating, "rating_comment": comment, "rating_key": key, "updated_at": now},
                "$push": {"history": event.model_dump(mode="python")},
            },
            return_document=ReturnDocument.AFTER,
        )
        return Complaint.from_doc(doc) if doc else None

    async def similar(
        self,
        complaint: Complaint,
        *,
        radius_m: float = CLUSTER_RADIUS_M,
        window: timedelta = CLUSTER_WINDOW,
    ) -> list[Complaint]:
        """Other complaints on the same topic within ``window`` before or after it, either within
        ``radius_m`` of its location or with the same normalised place text; oldest first."""
        alternatives: list[dict[str, Any]] = []
        if complaint.place_key:
            alternatives.append({"place_key": complaint.place_key})
        if complaint.location is not None:
            dlat, dlon = degrees_around(complaint.location, radius_m)
            alternatives.append(
                {
                    "location.lat": {"$gte": complaint.location.lat - dlat, "$lte": complaint.location.lat + dlat},
                    "location.lon": {"$gte": complaint.location.lon - dlon, "$lte": complaint.location.lon + dlon},
                }
            )
        if not alternatives:
            return []
        cursor = self.collection.find(
            {
                "_id": {"$ne": complaint.ticket_id},
                "topic": complaint.topic.value,
                "created_at": {"$gte": complaint.created_at - window, "$lte": complaint.created_at + window},
                "$or": alternatives,
            }
        ).sort("created_at", ASCENDING)
        found: list[Complaint] = []
        async for doc in cursor:
            other = Complaint.from_doc(doc)
            same_place = bool(complaint.place_key) and other.place_key == complaint.place_key
            near = (
                complaint.location is not None
                and other.location is not None
                and distance_m(complaint.location, other.location) <= radius_m
            )
            if same_place or near:
                found.append(other)
        return found

    async def assign_cluster(self, complaint: Complaint) -> str | None:
        """Group a stored complaint with its similar ones; returns the cluster id, or None when it
        has no similar complaint. The cluster id is the ticket id of the earliest member."""
        neighbours = await self.similar(complaint)
        if not neighbours:
            return None
        existing = [n.cluster_id for n in neighbours if n.cluster_id]
        cluster_id = existing[0] if existing else neighbours[0].ticket_id
        ids = [complaint.ticket_id] + [n.ticket_id for n in neighbours if not n.cluster_id]
        await self.collection.update_many({"_id": {"$in": ids}}, {"$set": {"cluster_id": cluster_id}})
        return cluster_id

    async def add_follower(self, ticket_id: str, follower: ComplaintFollower) -> tuple[Complaint | None, bool]:
        """Add a "+1" once per ``follower.key``: (the complaint, True when added now); (None,
        False) when there is no such complaint."""
        doc = await self.collection.find_one_and_update(
            {"_id": ticket_id, "followers.key": {"$ne": follower.key}},
            {"$push": {"followers": follower.model_dump(mode="python")}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is not None:
            return Complaint.from_doc(doc), True
        return await self.by_ticket(ticket_id), False

    async def cluster_members(self, cluster_id: str) -> list[Complaint]:
        cursor = self.collection.find({"cluster_id": cluster_id}).sort("created_at", ASCENDING)
        return [Complaint.from_doc(doc) async for doc in cursor]

    async def clusters(self, *, since: datetime, min_size: int = 2) -> list[ClusterSummary]:
        """Clusters with a member filed since ``since``, largest first (the staff overview)."""
        cursor = await self.collection.aggregate(
            [
                {"$match": {"cluster_id": {"$exists": True, "$ne": None}, "created_at": {"$gte": since}}},
                {"$sort": {"created_at": 1}},
                {
                    "$group": {
                        "_id": "$cluster_id",
                        "topic": {"$first": "$topic"},
                        "size": {"$sum": 1},
                        "first_at": {"$min": "$created_at"},
                        "last_at": {"$max": "$created_at"},
                        "place_text": {"$first": "$place_text"},
                    }
                },
                {"$match": {"size": {"$gte": min_size}}},
                {"$sort": {"size": -1, "last_at": -1}},
            ]
        )
        return [
            ClusterSummary(
                cluster_id=doc["_id"],
                topic=ComplaintTopic(doc["topic"]),
                size=int(doc["size"]),
                first_at=doc["first_at"].astimezone(UTC),
                last_at=doc["last_at"].astimezone(UTC),
                place_text=doc.get("place_text"),
            )
            async for doc in cursor
        ]
