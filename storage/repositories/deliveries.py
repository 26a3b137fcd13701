"""Deliveries: mailed licenses and door-to-door plate deliveries, stage by stage."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from storage.models import Courier, Delivery, DeliveryKind, DeliveryStage, StageEntry

from .base import Repository


class DeliveryRepository(Repository):
    COLLECTION = "deliveries"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("citizen_id_number", ASCENDING), ("created_at", DESCENDING)], name="citizen_time"),
        IndexModel([("tracking_number", ASCENDING)], name="tracking", sparse=True),  # by_tracking_number
        IndexModel([("plate", ASCENDING), ("kind", ASCENDING)], name="plate_kind", sparse=True),
    ]

    async def insert(self, delivery: Delivery) -> None:
        await self.collection.insert_one(delivery.to_doc())

    async def insert_once(self, delivery: Delivery) -> Delivery:
        """Insert under the delivery's id unless one with that id exists (an upsert: callers that
        derive the id from what they record write it once, however many run at once); the stored one."""
        doc = delivery.to_doc()
        key = doc.pop("_id")
        for attempt in range(5):
            try:
                stored = await self.collection.find_one_and_update(
                    {"_id": key}, {"$setOnInsert": doc}, upsert=True, return_document=ReturnDocument.AFTER
                )
            except DuplicateKeyError:  # two upserts raced and the other inserted it: the retry finds it
                await asyncio.sleep(0.01 * attempt)
                continue
            if stored is not None:
                return Delivery.from_doc(stored)
        raise RuntimeError(f"delivery {key} neither inserted nor found")

    async def insert_many(self, deliveries: list[Delivery]) -> None:
        if deliveries:
            await self.collection.insert_many([d.to_doc() for d in deliveries], ordered=False)

    async def by_id(self, delivery_id: str) -> Delivery | None:
        doc = await self.collection.find_one({"_id": delivery_id})
        return Delivery.from_doc(doc) if doc else None

    async def by_citizen(self, id_number: str, *, include_delivered: bool = True, limit: int = 20) -> list[Delivery]:
        query: dict[str, object] = {"citizen_id_number": id_number}
        if not include_delivered:
            query["stage"] = {"$ne": DeliveryStage.DELIVERED.value}
        cursor = self.collection.find(query).sort("created_at", DESCENDING).limit(limit)
        return [Delivery.from_doc(doc) async for doc in cursor]

    async def by_tracking_number(self, tracking_number: str) -> Delivery | None:
        doc = await self.collection.find_one({"tracking_number": tracking_number})
        return Delivery.from_doc(doc) if doc else None

    async def open_for(self, kind: DeliveryKind, id_number: str, *, plate: str | None = None) -> Delivery | None:
        """The newest not-yet-delivered delivery of this kind (and plate), for events that
        do not carry a delivery id."""
        query: dict[str, object] = {
            "kind": kind.value,
            "citizen_id_number": id_number,
            "stage": {"$ne": DeliveryStage.DELIVERED.value},
        }
        if plate is not None:
            query["plate"] = plate
        doc = await self.collection.find_one(query, sort=[("created_at", DESCENDING)])
        return Delivery.from_doc(doc) if doc else None

    async def advance(
        self,
        delivery_id: str,
        stage: DeliveryStage,
        *,
        at: datetime,
        courier: Courier | None = None,
        tracking_number: str | None = None,
    ) -> Delivery | None:
        """Record a stage (idempotent: a stage already recorded is not added twice)."""
        fields: dict[str, object] = {"stage": stage.value, "updated_at": at}
        if courier is not None:
            fields["courier"] = courier.value
        if tracking_number is not None:
            fields["tracking_number"] = tracking_number
        entry = StageEntry(stage=stage, at=at).model_dump(mode="python")
        doc = await self.collection.find_one_and_update(
            {"_id": delivery_id, "stages.stage": {"$ne": stage.value}},
            {"$set": fields, "$push": {"stages": entry}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            return await self.by_id(delivery_id)
        return Delivery.from_doc(doc)
