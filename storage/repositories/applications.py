"""Business applications: license renewals by mail and plate delivery requests."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from storage.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    PlateDeliveryRequest,
    RenewalApplication,
)

from .base import SUBMISSION_KEY, Repository, insert_once, submission_key_index

_OPEN = [s.value for s in OPEN_APPLICATION_STATUSES]


class ApplicationRepository(Repository):
    COLLECTION = "renewal_applications"
    PLATE_REQUESTS = "plate_delivery_requests"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("citizen_id_number", ASCENDING), ("created_at", DESCENDING)], name="citizen_time"),
        submission_key_index(),  # create_renewal: one application per citizen's form
    ]
    PLATE_REQUEST_INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("citizen_id_number", ASCENDING), ("created_at", DESCENDING)], name="citizen_time"),
        IndexModel([("plate", ASCENDING), ("status", ASCENDING)], name="plate_status"),  # open_plate_request
        submission_key_index(),  # create_plate_request: one request per citizen's form
    ]

    async def ensure_indexes(self) -> None:
        await super().ensure_indexes()
        await self.db[self.PLATE_REQUESTS].create_indexes(self.PLATE_REQUEST_INDEXES)

    # --- renewals --------------------------------------------------------------------------------

    async def create_renewal(self, application: RenewalApplication) -> tuple[RenewalApplication, bool]:
        """Store the application unless the same form (``submission_key``) stored one already:
        (the stored application, True when stored now)."""
        doc, created = await insert_once(self.collection, application.to_doc())
        return (application if created else RenewalApplication.from_doc(doc)), created

    async def renewal_by_submission_key(self, key: str, id_number: str) -> RenewalApplication | None:
        """The application the citizen's form ``key`` stored, if any (and theirs)."""
        doc = await self.collection.find_one({SUBMISSION_KEY: key, "citizen_id_number": id_number})
        return RenewalApplication.from_doc(doc) if doc else None

    async def renewal(self, application_id: str) -> RenewalApplication | None:
        doc = await self.collection.find_one({"_id": application_id})
        return RenewalApplication.from_doc(doc) if doc else None

    async def open_renewal(self, id_number: str) -> RenewalApplication | None:
        """A submitted or accepted renewal of this citizen (to avoid applying twice)."""
        doc = await self.collection.find_one(
            {"citizen_id_number": id_number, "status": {"$in": _OPEN}}, sort=[("created_at", DESCENDING)]
        )
        return RenewalApplication.from_doc(doc) if doc else None

    async def renewals_for(self, id_number: str, *, limit: int = 10) -> list[RenewalApplication]:
        cursor = self.collection.find({"citizen_id_number": id_number}).sort("created_at", DESCENDING).limit(limit)
        return [RenewalApplication.from_doc(doc) async for doc in cursor]

    async def set_renewal_status(
        self, application_id: str, status: ApplicationStatus, now: datetime, *, delivery_id: str | None = None
    ) -> RenewalApplication | None:
        fields: dict[str, object] = {"status": status.value, "updated_at": now}
        if delivery_id is not None:
            fields["delivery_id"] = delivery_id
        doc = await self.collection.find_one_and_update(
            {"_id": application_id}, {"$set": fields}, return_document=ReturnDocument.AFTER
        )
        return RenewalApplication.from_doc(doc) if doc else None

    # --- plate delivery requests -----------------------------------------------------------------

    async def create_plate_request(self, request: PlateDeliveryRequest) -> tuple[PlateDeliveryRequest, bool]:
        """Store the request unless the same form (``submission_key``) stored one already: (the
        stored request, True when stored now)."""
        doc, created = await insert_once(self.db[self.PLATE_REQUESTS], request.to_doc())
        return (request if created else PlateDeliveryRequest.from_doc(doc)), created

    async def plate_request_by_submission_key(self, key: str, id_number: str) -> PlateDeliveryRequest | None:
        """The plate request the citizen's form ``key`` stored, if any (and theirs)."""
        doc = await self.db[self.PLATE_REQUESTS].find_one({SUBMISSION_KEY: key, "citizen_id_number": id_number})
        return PlateDeliveryRequest.from_doc(doc) if doc else None

    async def plate_request(self, request_id: str) -> PlateDeliveryRequest | None:
        doc = await self.db[self.PLATE_REQUESTS].find_one({"_id": request_id})
        return PlateDeliveryRequest.from_doc(doc) if doc else None

    async def open_plate_request(self, plate: str) -> PlateDeliveryRequest | None:
        doc = await self.db[self.PLATE_REQUESTS].find_one(
            {"plate": plate, "status": {"$in": _OPEN}}, sort=[("created_at", DESCENDING)]
        )
        return PlateDeliveryRequest.from_doc(doc) if doc else None

    async def plate_requests_for(self, id_number: str, *, limit: int = 10) -> list[PlateDeliveryRequest]:
        cursor = (
            self.db[self.PLATE_REQUESTS]
            .find({"citizen_id_number": id_number})
            .sort("created_at", DESCENDING)
            .limit(limit)
        )
        return [PlateDeliveryRequest.from_doc(doc) async for doc in cursor]

    async def set_plate_request_status(
        self, request_id: str, status: ApplicationStatus, now: datetime, *, delivery_id: str | None = None
    ) -> PlateDeliveryRequest | None:
        fields: dict[str, object] = {"status": status.value, "updated_at": now}
        if delivery_id is not None:
            fields["delivery_id"] = delivery_id
        doc = await self.db[self.PLATE_REQUESTS].find_one_and_update(
            {"_id": request_id}, {"$set": fields}, return_document=ReturnDocument.AFTER
        )
        return PlateDeliveryRequest.from_doc(doc) if doc else None
