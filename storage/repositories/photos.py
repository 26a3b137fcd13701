"""Photos citizens upload from the Mini App for a report: kept with their draft, then with the
complaint they were filed with. Every query names the owner: a photo is only ever read, listed or
removed by the citizen who uploaded it."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, IndexModel

from storage.models import Photo

from .base import Repository


class PhotoRepository(Repository):
    COLLECTION = "photos"
    INDEXES: ClassVar[list[IndexModel]] = [
        # for_draft: a draft's photos in the order they came.
        IndexModel([("owner_id_number", ASCENDING), ("draft_key", ASCENDING), ("created_at", ASCENDING)], name="draft"),
        # A draft's photos that were never filed go once the draft has expired (MongoDB's TTL
        # monitor; filed photos have no expires_at and stay with their complaint).
        IndexModel([("expires_at", ASCENDING)], name="expires", expireAfterSeconds=0, sparse=True),
    ]

    async def insert(self, photo: Photo) -> None:
        await self.collection.insert_one(photo.to_doc())

    async def by_id(self, photo_id: str, owner_id_number: str) -> Photo | None:
        """The photo if the citizen ``owner_id_number`` uploaded it (else None, as for an unknown one)."""
        doc = await self.collection.find_one({"_id": photo_id, "owner_id_number": owner_id_number})
        return Photo.from_doc(doc) if doc else None

    async def for_draft(self, owner_id_number: str, draft_key: str) -> list[Photo]:
        """The photos of one of the citizen's drafts, oldest first (without their bytes)."""
        cursor = self.collection.find(
            {"owner_id_number": owner_id_number, "draft_key": draft_key}, projection={"data": 0}
        ).sort("created_at", ASCENDING)
        return [Photo.from_doc({**doc, "data": b""}) async for doc in cursor]

    async def delete_from_draft(self, photo_id: str, owner_id_number: str, draft_key: str) -> bool:
        """Remove a photo of a draft not yet filed (False: unknown, someone else's, or filed)."""
        result = await self.collection.delete_one(
            {"_id": photo_id, "owner_id_number": owner_id_number, "draft_key": draft_key, "ticket_id": None}
        )
        return result.deleted_count == 1

    async def file_with(self, photo_ids: list[str], owner_id_number: str, ticket_id: str) -> None:
        """The photos now belong to the complaint ``ticket_id``: they no longer expire."""
        if photo_ids:
            await self.collection.update_many(
                {"_id": {"$in": photo_ids}, "owner_id_number": owner_id_number},
                {"$set": {"ticket_id": ticket_id, "expires_at": None}},
            )

    async def extend(self, owner_id_number: str, draft_key: str, expires_at: datetime) -> None:
        """Keep a draft's unfiled photos as long as the draft itself."""
        await self.collection.update_many(
            {"owner_id_number": owner_id_number, "draft_key": draft_key, "ticket_id": None},
            {"$set": {"expires_at": expires_at}},
        )
