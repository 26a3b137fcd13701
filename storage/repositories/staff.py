"""Staff accounts for the console (``_id`` = username; hashes are made by the caller)."""

from __future__ import annotations

from typing import ClassVar

from pymongo import IndexModel
from pymongo.errors import DuplicateKeyError

from storage.models import StaffRole, StaffUser

from .base import Repository


class StaffExists(Exception):
    """A staff account with this username already exists."""


class StaffRepository(Repository):
    COLLECTION = "staff"
    INDEXES: ClassVar[list[IndexModel]] = []  # looked up by _id only

    async def create(self, user: StaffUser) -> None:
        try:
            await self.collection.insert_one(user.to_doc())
        except DuplicateKeyError as exc:
            raise StaffExists(user.username) from exc

    async def by_username(self, username: str) -> StaffUser | None:
        doc = await self.collection.find_one({"_id": username})
        return StaffUser.from_doc(doc) if doc else None

    async def list_all(self) -> list[StaffUser]:
        cursor = self.collection.find({}).sort("_id", 1)
        return [StaffUser.from_doc(doc) async for doc in cursor]

    async def set_password_hash(self, username: str, password_hash: str) -> bool:
        result = await self.collection.update_one({"_id": username}, {"$set": {"password_hash": password_hash}})
        return result.matched_count == 1

    async def set_role(self, username: str, role: StaffRole) -> bool:
        result = await self.collection.update_one({"_id": username}, {"$set": {"role": role.value}})
        return result.matched_count == 1

    async def set_disabled(self, username: str, disabled: bool) -> bool:
        result = await self.collection.update_one({"_id": username}, {"$set": {"disabled": disabled}})
        return result.matched_count == 1

    async def set_department(self, username: str, department: str | None) -> bool:
        result = await self.collection.update_one({"_id": username}, {"$set": {"department": department}})
        return result.matched_count == 1
