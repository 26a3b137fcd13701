"""MongoDB through PyMongo's async API (the official successor of Motor)."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]


def connect_mongo(url: str, *, app_name: str = "traffic-assistant") -> AsyncMongoClient[Document]:
    """A client with short timeouts so a down database is reported, not waited on for 30 s."""
    return AsyncMongoClient(
        url,
        tz_aware=True,
        appname=app_name,
        serverSelectionTimeoutMS=3000,
        connectTimeoutMS=3000,
        socketTimeoutMS=10000,
        maxPoolSize=50,
    )


def database(client: AsyncMongoClient[Document], name: str) -> AsyncDatabase[Document]:
    return client[name]
