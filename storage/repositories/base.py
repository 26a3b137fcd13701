"""Shared plumbing of the repositories: one collection each, indexes declared next to queries."""

from __future__ import annotations

from typing import Any, ClassVar

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

MongoDoc = dict[str, Any]
SUBMISSION_KEY = "submission_key"  # the citizen's form (its idempotency key), on the record it filed


def submission_key_index(field: str = SUBMISSION_KEY) -> IndexModel:
    """A UNIQUE index on a record's idempotency key: one record per citizen's form (records
    without a key, e.g. imported or seeded ones, are not indexed)."""
    return IndexModel(
        [(field, ASCENDING)],
        name=f"{field}_unique",
        unique=True,
        partialFilterExpression={field: {"$type": "string"}},
    )


async def insert_once(collection: AsyncCollection[MongoDoc], doc: MongoDoc) -> tuple[MongoDoc, bool]:
    """Insert ``doc`` unless a record with its ``submission_key`` is stored already: (the stored
    record, True when it was inserted now). A second insert of the same form returns the first."""
    try:
        await collection.insert_one(doc)
        return doc, True
    except DuplicateKeyError:
        key = doc.get(SUBMISSION_KEY)
        existing = await collection.find_one({SUBMISSION_KEY: key}) if key is not None else None
        if existing is None:  # refused by another unique index
            raise
        return existing, False


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
