"""Canned replies agents insert in a conversation ("/" and the shortcut), per language; supervisors
create, edit and delete them in the console (issue 17)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.language import Language
from storage.models import CannedReply

from .base import Repository


class CannedShortcutTaken(Exception):
    """Another canned reply of this language has this shortcut."""


class CannedReplyRepository(Repository):
    COLLECTION = "canned_replies"
    INDEXES: ClassVar[list[IndexModel]] = [
        # for_language (sorted by shortcut); one shortcut per language.
        IndexModel([("language", ASCENDING), ("shortcut", ASCENDING)], name="language_shortcut", unique=True),
    ]

    async def for_language(self, language: Language) -> list[CannedReply]:
        cursor = self.collection.find({"language": language.value}).sort("shortcut", ASCENDING)
        return [CannedReply.from_doc(doc) async for doc in cursor]

    async def all(self) -> list[CannedReply]:
        cursor = self.collection.find({}).sort([("language", ASCENDING), ("shortcut", ASCENDING)])
        return [CannedReply.from_doc(doc) async for doc in cursor]

    async def count(self) -> int:
        return await self.collection.count_documents({})

    async def by_id(self, reply_id: str) -> CannedReply | None:
        doc = await self.collection.find_one({"_id": reply_id})
        return CannedReply.from_doc(doc) if doc else None

    async def insert(self, reply: CannedReply) -> None:
        try:
            await self.collection.insert_one(reply.to_doc())
        except DuplicateKeyError as exc:
            raise CannedShortcutTaken(reply.shortcut) from exc

    async def insert_defaults(self, replies: list[CannedReply]) -> None:
        """The first set (idempotent: a shortcut already there is kept as it is)."""
        for reply in replies:
            try:
                await self.collection.insert_one(reply.to_doc())
            except DuplicateKeyError:
                continue

    async def update(
        self, reply_id: str, *, shortcut: str, text: str, updated_by: str, now: datetime
    ) -> CannedReply | None:
        try:
            doc = await self.collection.find_one_and_update(
                {"_id": reply_id},
                {"$set": {"shortcut": shortcut, "text": text, "updated_by": updated_by, "updated_at": now}},
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError as exc:
            raise CannedShortcutTaken(shortcut) from exc
        return CannedReply.from_doc(doc) if doc else None

    async def delete(self, reply_id: str) -> bool:
        result = await self.collection.delete_one({"_id": reply_id})
        return result.deleted_count == 1
