"""`bot.py staff add` while the app runs (issue 17): SecantusDB locks its data directory, so the
command uses the embedded server the running app started there (its address in
DATA_DIR/run/mongo.json), and a file left by a stopped server is ignored."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from core.processes import Supervisor
from storage.embedded import running_mongo_file, running_mongo_url, start_mongo
from storage.mongo import connect_mongo
from storage.repositories import Repositories
from tests.conftest import REPO

pytestmark = pytest.mark.e2e


async def staff_add(data_dir: Path, username: str, cwd: Path, *extra: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "REDIS_"))}
    env.update({"DATA_DIR": str(data_dir), "MONGO_DB": "cli_test", "LOG_LEVEL": "WARNING"})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "bot.py"),
        "staff",
        "add",
        username,
        "--role",
        "supervisor",
        "--name",
        "Mei Wang",
        "--password-stdin",
        *extra,
        cwd=cwd,  # no .env there
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(b"a long enough password\n"), timeout=120)
    return process.returncode or 0, out.decode()


async def test_staff_add_uses_the_database_of_the_running_app(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    supervisor = Supervisor()
    try:
        child = await start_mongo(supervisor, data_dir)  # as `make run` does
        stored = json.loads(running_mongo_file(data_dir).read_text(encoding="utf-8"))
        assert stored == {"url": child.url, "pid": child.pid}
        assert running_mongo_file(data_dir).stat().st_mode & 0o777 == 0o600
        assert await running_mongo_url(data_dir) == child.url

        code, out = await staff_add(data_dir, "mei", tmp_path)
        assert code == 0, out
        assert "created supervisor account 'mei' (Mei Wang)" in out
        client = connect_mongo(child.url)
        try:
            user = await Repositories.from_db(client["cli_test"]).staff.by_username("mei")
            assert user is not None and user.display_name == "Mei Wang"
        finally:
            await client.close()
        code, out = await staff_add(data_dir, "mei", tmp_path)
        assert code != 0 and "already exists" in out
        # An account belongs to a department (whose complaints queue it works): a known one only.
        code, out = await staff_add(data_dir, "pat", tmp_path, "--department", "parking")
        assert code == 0 and "department parking" in out, out
        code, out = await staff_add(data_dir, "kim", tmp_path, "--department", "nowhere")
        assert code != 0 and "department: one of" in out and "signals" in out
        client = connect_mongo(child.url)
        try:
            pat = await Repositories.from_db(client["cli_test"]).staff.by_username("pat")
            assert pat is not None and pat.department == "parking"
        finally:
            await client.close()
    finally:
        await supervisor.stop_all()
    # The server is gone: the file no longer counts.
    assert await running_mongo_url(data_dir) is None
