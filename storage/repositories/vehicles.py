"""Vehicles (``_id`` = plate) with mortgage, accidents and e-license authorisations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import ClassVar

from pymongo import ASCENDING, IndexModel, ReturnDocument

from storage.models import Vehicle, VehicleAuthorisation, day_key

from .base import Repository


class VehicleRepository(Repository):
    COLLECTION = "vehicles"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("owner_id_number", ASCENDING)], name="owner"),  # by_owner
        IndexModel([("inspection_valid_until", ASCENDING)], name="inspection_due"),  # inspection_due_between
        IndexModel(  # authorised_to
            [("authorisations.grantee_id_number", ASCENDING)], name="authorisation_grantee"
        ),
    ]

    async def insert_many(self, vehicles: list[Vehicle]) -> None:
        if vehicles:
            await self.collection.insert_many([v.to_doc() for v in vehicles], ordered=False)

    async def by_plate(self, plate: str) -> Vehicle | None:
        doc = await self.collection.find_one({"_id": plate})
        return Vehicle.from_doc(doc) if doc else None

    async def by_owner(self, id_number: str) -> list[Vehicle]:
        cursor = self.collection.find({"owner_id_number": id_number}).sort("_id", ASCENDING)
        return [Vehicle.from_doc(doc) async for doc in cursor]

    async def verify_plate(self, plate: str, engine_last6: str) -> Vehicle | None:
        """The vehicle when the last 6 characters of its engine number match, else None
        (as 12123 does to add someone else's vehicle)."""
        vehicle = await self.by_plate(plate)
        if vehicle is None or not vehicle.engine_number_matches(engine_last6):
            return None
        return vehicle

    async def inspection_due_between(self, first: date, last: date) -> AsyncIterator[Vehicle]:
        cursor = self.collection.find({"inspection_valid_until": {"$gte": day_key(first), "$lte": day_key(last)}}).sort(
            "inspection_valid_until", ASCENDING
        )
        async for doc in cursor:
            yield Vehicle.from_doc(doc)

    async def add_authorisation(self, plate: str, owner_id_number: str, auth: VehicleAuthorisation) -> Vehicle | None:
        """Add an authorisation, once per owner's form (``auth.submission_key``: the update is atomic
        on the vehicle's document); None if the plate is not owned by ``owner_id_number`` or that
        form added one already (see ``authorisation_by_submission_key``)."""
        query: dict[str, object] = {"_id": plate, "owner_id_number": owner_id_number}
        if auth.submission_key is not None:
            query["authorisations.submission_key"] = {"$ne": auth.submission_key}
        doc = await self.collection.find_one_and_update(
            query,
            {"$push": {"authorisations": auth.model_dump(mode="python")}},
            return_document=ReturnDocument.AFTER,
        )
        return Vehicle.from_doc(doc) if doc else None

    async def authorisation_by_submission_key(
        self, key: str, owner_id_number: str
    ) -> tuple[Vehicle, VehicleAuthorisation] | None:
        """The owner's vehicle and the authorisation their form ``key`` added, if stored."""
        doc = await self.collection.find_one({"owner_id_number": owner_id_number, "authorisations.submission_key": key})
        if doc is None:
            return None
        vehicle = Vehicle.from_doc(doc)
        found = next((a for a in vehicle.authorisations if a.submission_key == key), None)
        return (vehicle, found) if found is not None else None

    async def revoke_authorisation(
        self, plate: str, owner_id_number: str, authorisation_id: str, now: datetime
    ) -> bool:
        """Revoke one authorisation of the owner's vehicle; False if unknown or already revoked."""
        result = await self.collection.update_one(
            {
                "_id": plate,
                "owner_id_number": owner_id_number,
                "authorisations": {"$elemMatch": {"id": authorisation_id, "revoked_at": None}},
            },
            {"$set": {"authorisations.$.revoked_at": now}},
        )
        return result.modified_count == 1

    async def authorised_to(self, grantee_id_number: str, today: date) -> list[Vehicle]:
        """Vehicles whose e-license ``grantee_id_number`` may use today."""
        cursor = self.collection.find({"authorisations.grantee_id_number": grantee_id_number})
        vehicles = [Vehicle.from_doc(doc) async for doc in cursor]
        return [
            v
            for v in vehicles
            if any(a.grantee_id_number == grantee_id_number and a.active_on(today) for a in v.authorisations)
        ]
