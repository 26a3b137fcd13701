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

from .base import Repository

_OPEN = [s.value for s in OPEN_APPLICATION_STATUSES]


class ApplicationRepository(Repository):
    COLLECTION = "renewal_applications"
    PLATE_REQUESTS = "plate_delivery_requests"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("citizen_id_number", ASCENDING), ("created_at", DESCENDING)], name="citizen_time"),
    ]
    PLATE_REQUEST_INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("citizen_id_number", ASCENDING), ("created_at", DESCENDING)], name="citizen_time"),
        IndexModel([("plate", ASCENDING), ("status", ASCENDING)], name="plate_status"),  # open_plate_request
    ]

    async def ensure_indexes(self) -> None:
        await super().ensure_indexes()
        await self.db[self.PLATE_REQUESTS].create_indexes(self.PLATE_REQUEST_INDEXES)

    # --- renewals --------------------------------------------------------------------------------

    async def create_renewal(self, application: RenewalApplication) -> None:
        await self.collection.insert_one(application.to_doc())

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

    async def create_plate_request(self, request: PlateDeliveryRequest) -> None:
        await self.db[self.PLATE_REQUESTS].insert_one(request.to_doc())

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
