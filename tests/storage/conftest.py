"""A real SecantusDB server for the storage tests: one per test session, on a free port, with
its data in a temporary directory; each test gets its own database, dropped afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from pymongo import AsyncMongoClient, MongoClient

from storage.repositories import Repositories

SECANTUSD = Path(sys.executable).with_name("secantusd-py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def storage_mongo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("secantus-storage")
    port = _free_port()
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(SECANTUSD), "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(data_dir / "db"),
         "--sync-on-commit"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"mongodb://127.0.0.1:{port}/?directConnection=true&retryWrites=false"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"secantusd exited with {proc.returncode}: {(data_dir / 'server.log').read_text()}")
            try:
                with MongoClient(url, serverSelectionTimeoutMS=300) as client:
                    client.admin.command("ping")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest_asyncio.fixture
async def mongo_client(storage_mongo_url: str) -> AsyncIterator[AsyncMongoClient[dict[str, object]]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(storage_mongo_url, tz_aware=True)
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
