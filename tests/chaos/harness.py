"""The app as an operator runs it, for fault injection: `bot.py run` in its own process (so it can
be killed with SIGKILL at any instant), talking to a Telegram sandbox in another process (which
survives the app, as Telegram does), with embedded MongoDB and Redis of the harness's own (so they
can be killed or paused without touching the other tests' servers)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from core.processes import Child, Supervisor, free_port
from sandbox.client import SandboxClient
from storage.embedded import start_mongo, start_redis
from storage.mongo import connect_mongo
from storage.repositories import Repositories

REPO = Path(__file__).resolve().parent.parent.parent
TOKEN = "123456789:AAChaosChaosChaosChaosChaosChaos0"


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:  # not listening yet
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer in {timeout:.0f} s")
        time.sleep(0.1)


@dataclass
class AppProcess:
    """`python bot.py run` with the given environment; start, SIGKILL, restart, stop."""

    env: dict[str, str]
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = field(default=0)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "bot.py", "run"], cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.starts += 1
        _wait_http(self.base_url + "/healthz", timeout)

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Stage:
    """Everything a chaos test drives: the app, its servers, the sandbox, and the records."""

    app: AppProcess
    sandbox: SandboxClient
    sandbox_proc: subprocess.Popen[bytes]
    supervisor: Supervisor
    mongo: Child
    redis: Child
    repos: Repositories
    redis_prefix: str


@asynccontextmanager
async def stage(tmp_path: Path, **env: str) -> AsyncIterator[Stage]:
    """Start the sandbox, MongoDB and Redis of this stage, and the app (with the demo data)."""
    supervisor = Supervisor()
    sandbox_port, app_port = free_port(), free_port()
    sandbox_proc = subprocess.Popen(  # noqa: ASYNC220 - a plain child, terminated and waited for below
        [sys.executable, "-m", "sandbox", "--port", str(sandbox_port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mongo_client = None
    app: AppProcess | None = None
    sandbox: SandboxClient | None = None
    try:
        mongo, redis = await asyncio.gather(start_mongo(supervisor, tmp_path), start_redis(supervisor, tmp_path))
        base = f"http://127.0.0.1:{sandbox_port}/sandbox"
        await asyncio.to_thread(_wait_http, base + "/api/limits", 30)
        prefix, db = f"chaos{uuid.uuid4().hex[:6]}", f"chaos_{uuid.uuid4().hex[:6]}"
        app_env = {k: v for k, v in os.environ.items() if not k.endswith("_URL") and k != "TELEGRAM_TOKEN"}
        app_env.update(
            {
                "TELEGRAM_TOKEN": TOKEN,
                "TELEGRAM_API_URL": base,
                "SMS_GATEWAY_URL": base + "/api/sms",
                "MONGO_URL": mongo.url,
                "MONGO_DB": db,
                "REDIS_URL": redis.url,
                "REDIS_PREFIX": prefix,
                "NLU_URL": "http://127.0.0.1:9",
                "HTTP_PORT": str(app_port),
                "DATA_DIR": str(tmp_path / "app"),
                "DEMO_DATA": "true",
                "LOG_FORMAT": "json",
                "LOG_LEVEL": "INFO",
                **env,
            }
        )
        app = AppProcess(env=app_env, port=app_port, log_path=tmp_path / "app.log")
        await asyncio.to_thread(app.start)
        mongo_client = connect_mongo(mongo.url)
        sandbox = SandboxClient(base)
        yield Stage(
            app=app,
            sandbox=sandbox,
            sandbox_proc=sandbox_proc,
            supervisor=supervisor,
            mongo=mongo,
            redis=redis,
            repos=Repositories.from_db(mongo_client[db]),
            redis_prefix=prefix,
        )
    finally:
        if app is not None:
            await asyncio.to_thread(app.stop)
        if sandbox is not None:
            await sandbox.close()
        if mongo_client is not None:
            await mongo_client.close()
        sandbox_proc.terminate()
        with suppress(subprocess.TimeoutExpired):
            sandbox_proc.wait(10)
        await supervisor.stop_all()
