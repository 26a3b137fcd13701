"""Shared plumbing of the repositories: one collection each, indexes declared next to queries."""

from __future__ import annotations

from typing import Any, ClassVar

from pymongo import IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

MongoDoc = dict[str, Any]


class Repository:
    """Base class: subclasses set ``COLLECTION`` and ``INDEXES``."""

    COLLECTION: ClassVar[str]
    INDEXES: ClassVar[list[IndexModel]] = []

    def __init__(self, db: AsyncDatabase[MongoDoc]) -> None:
        self.db = db
        self.collection: AsyncCollection[MongoDoc] = db[self.COLLECTION]

    async def ensure_indexes(self) -> None:
        """Create the declared indexes; idempotent (same names and options every time)."""
        if self.INDEXES:
            await self.collection.create_indexes(self.INDEXES)
