"""The storage tests use the session's SecantusDB server (tests/conftest.py `mongo_url`); each
test gets its own database, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest_asyncio
from pymongo import AsyncMongoClient

from storage.repositories import Repositories


@pytest_asyncio.fixture
async def mongo_client(mongo_url: str) -> AsyncIterator[AsyncMongoClient[dict[str, object]]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_url, tz_aware=True)
    try:
        yield client
    finally:
        await client.close()


@pytest_asyncio.fixture
async def repos(mongo_client: AsyncMongoClient[dict[str, object]]) -> AsyncIterator[Repositories]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    repositories = Repositories.from_db(mongo_client[name])
    await repositories.ensure_indexes()
    try:
        yield repositories
    finally:
        await mongo_client.drop_database(name)
