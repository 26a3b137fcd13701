"""Embedded servers that die come back while the app stays up; Ctrl-C stops the app first."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest
import redis.asyncio as aioredis
from pydantic import SecretStr

from core.config import Settings
from core.processes import Supervisor, free_port
from storage.embedded import start_redis
from tests.conftest import REPO

pytestmark = pytest.mark.e2e


async def _answers(url: str) -> bool:
    client = aioredis.Redis.from_url(url, socket_timeout=1)
    try:
        return bool(await client.ping())
    except Exception:  # noqa: BLE001 - down, refused, reset: not answering
        return False
    finally:
        await client.aclose()


async def test_a_killed_embedded_redis_is_restarted_on_the_same_address(tmp_path: Path) -> None:
    supervisor = Supervisor()
    keeper: asyncio.Task[None] | None = None
    try:
        child = await start_redis(supervisor, tmp_path)
        keeper = asyncio.create_task(supervisor.keep_alive(base=0.1, cap=0.5))
        for _ in range(2):  # twice: a restarted child is watched again
            old_pid = supervisor.children[0].pid
            os.kill(old_pid, signal.SIGKILL)
            for _ in range(100):
                if supervisor.children[0].pid != old_pid and await _answers(child.url):
                    break
                await asyncio.sleep(0.1)
            assert supervisor.children[0].pid != old_pid and await _answers(child.url)
    finally:
        if keeper is not None:
            keeper.cancel()
        await supervisor.stop_all()
    assert all(c.process.returncode is not None for c in supervisor.children) or not supervisor.children


async def test_the_app_stays_up_and_ready_again_after_redis_comes_back(
    make_settings: Callable[..., Settings], start_app, tmp_path: Path
) -> None:
    supervisor = Supervisor()
    redis_child = await start_redis(supervisor, tmp_path)
    keeper = asyncio.create_task(supervisor.keep_alive(base=2.0, cap=2.0))  # 1-3 s: readyz sees it down
    running = await start_app(make_settings(redis_url=SecretStr(redis_child.url), demo_data=False))
    try:
        os.kill(redis_child.pid, signal.SIGKILL)
        statuses: list[str] = []
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                async with http.get(running.base_url + "/readyz") as resp:
                    statuses.append((await resp.json())["checks"]["redis"]["status"])
                if statuses[-1] == "up" and "down" in statuses:
                    break
                await asyncio.sleep(0.1)
        assert "down" in statuses and statuses[-1] == "up", statuses
    finally:
        keeper.cancel()
        await running.runner.cleanup()
        await supervisor.stop_all()


def test_ctrl_c_drains_the_app_before_stopping_the_embedded_servers(tmp_path: Path) -> None:
    """SIGINT to the whole process group, as a terminal sends it: the app stops first, its push
    worker drains without crashing on a vanished Redis, and the command exits 0."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_URL") and k != "TELEGRAM_TOKEN"}
    env.update(
        {
            "NLU_URL": "http://127.0.0.1:9",
            "DATA_DIR": str(tmp_path),
            "HTTP_PORT": str(port),
            "LOG_FORMAT": "console",
            "DEMO_DATA": "false",
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "bot.py", "run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    output: list[str] = []
    for line in proc.stdout:
        output.append(line)
        if "traffic assistant is running" in line:
            break
    else:
        pytest.fail("bot.py run did not start:\n" + "".join(output))
    os.killpg(proc.pid, signal.SIGINT)  # the terminal's Ctrl-C: every process of the group
    rest, _ = proc.communicate(timeout=60)
    log = "".join(output) + rest
    assert proc.returncode == 0, log
    for bad in ("push send crashed", "Task exception was never retrieved", "Traceback"):
        assert bad not in log, log
