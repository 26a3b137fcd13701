"""`bot.py run --processes N` (or APP_PROCESSES=N): N app processes behind one port.

The parent starts what is not configured once (MongoDB, Redis, Rasa and, without a Telegram token,
the sandbox as a process of its own), loads the demo data once, then starts N copies of
`bot.py run` that each bind HTTP_PORT with SO_REUSEPORT (the kernel spreads new connections
across them) and get the resolved addresses in their environment. Several processes cannot all
long-poll getUpdates (Telegram answers 409 Conflict), so they run in webhook mode: without
WEBHOOK_URL the parent derives it from the app's address and generates a WEBHOOK_SECRET for this
run; one process calls setWebhook (`app.factory._set_webhook_once`).

The parent supervises: a process that dies is started again with backoff while the others keep
serving. SIGINT or SIGTERM drains every app process (they stop together), then stops the sandbox
and the embedded servers. /metrics from any process adds up all of them (prometheus_client's
multiprocess mode, files in a directory of this run).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import structlog
from pydantic import SecretStr

from core.config import (
    SANDBOX_GATEWAY_SECRET,
    SANDBOX_PROVIDER_TOKEN,
    SANDBOX_TOKEN,
    ConfigError,
    Settings,
    telegram_cloud,
)
from core.processes import Child, ChildFailedToStart, Supervisor, free_port

log = structlog.get_logger("bot")

REPO = Path(__file__).resolve().parent.parent
APP_NAME = "app"  # the children are "app 1" ... "app N"
APP_START_TIMEOUT = 120.0  # MongoDB indexes, the bot's first Bot API calls
# An app process drains webhook updates in flight, the bot's own updates and its push worker
# (up to 15 s each, app.factory.DRAIN_TIMEOUT) before it exits; then it is killed.
APP_STOP_GRACE = 50.0
SANDBOX_START_TIMEOUT = 30.0
WEBHOOK_PATH = "/telegram/webhook"


class ClusterError(RuntimeError):
    """The processes cannot start; the message is one line for the operator."""


@dataclass(frozen=True)
class Cluster:
    """What the parent resolved for its app processes."""

    settings: Settings  # the parent's, with the embedded servers' addresses
    port: int
    webhook_url: str
    webhook_secret: SecretStr
    sandbox_url: str | None  # the sandbox's own address (its page and Bot API), sandbox mode only
    run_dir: Path  # readiness files and prometheus_client's multiprocess files of this run

    @property
    def metrics_dir(self) -> Path:
        return self.run_dir / "metrics"

    @property
    def ready_dir(self) -> Path:
        return self.run_dir / "ready"

    def child_env(self) -> dict[str, str]:
        """The environment of every app process (on top of the parent's own)."""
        settings = self.settings
        assert settings.mongo_url is not None and settings.redis_url is not None
        env = {
            "APP_PROCESSES": "1",
            "HTTP_PORT": str(self.port),
            "MONGO_URL": settings.mongo_url.get_secret_value(),
            "REDIS_URL": settings.redis_url.get_secret_value(),
            "DEMO_DATA": "false",  # loaded once, by the parent
            "WEBHOOK_URL": self.webhook_url,
            "WEBHOOK_SECRET": self.webhook_secret.get_secret_value(),
            "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
        }
        if settings.nlu_url is not None:
            env["NLU_URL"] = settings.nlu_url
        if self.sandbox_url is not None:
            # The sandbox of this run, in its own process: the app processes talk to it as to a
            # self-hosted Bot API server (the sandbox's token), and send SMS to its phone panel.
            env["TELEGRAM_TOKEN"] = SANDBOX_TOKEN
            env["TELEGRAM_API_URL"] = f"{self.sandbox_url}/sandbox"
            env["SMS_GATEWAY_URL"] = f"{self.sandbox_url}/sandbox/api/sms"
            # ... and pay through its Telegram Payments and payment gateway stand-ins.
            env["PAYMENT_PROVIDER_TOKEN"] = SANDBOX_PROVIDER_TOKEN
            env["PAYMENT_GATEWAY_URL"] = f"{self.sandbox_url}/sandbox/gateway"
            env["PAYMENT_GATEWAY_SECRET"] = SANDBOX_GATEWAY_SECRET
        return env


def resolve_webhook(settings: Settings) -> tuple[str, SecretStr]:
    """WEBHOOK_URL and WEBHOOK_SECRET, or ones derived for this run from the app's address."""
    if settings.webhook_url is not None:
        assert settings.webhook_secret is not None, "settings validation requires WEBHOOK_SECRET"
        return settings.webhook_url, settings.webhook_secret
    url = settings.base_url + WEBHOOK_PATH
    if telegram_cloud(settings) and not url.startswith("https://"):
        raise ConfigError(
            "invalid configuration: APP_PROCESSES: several processes need webhook mode (they cannot all "
            "poll getUpdates): set WEBHOOK_URL and WEBHOOK_SECRET, or an https:// PUBLIC_URL"
        )
    return url, settings.webhook_secret or SecretStr(secrets.token_urlsafe(32))


def check_port_free(host: str, port: int, what: str) -> None:
    """Refuse a port something already listens on: with SO_REUSEPORT our processes would
    otherwise join another program's (or another `bot.py run`'s) socket group without a word."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):
            pass  # only to see that the port is free: closed at once
    except OSError as exc:
        raise ClusterError(f"cannot listen on {host or '*'}:{port} ({what}): {exc.strerror or exc}") from None


def _url_host(settings: Settings) -> str:
    return urlsplit(settings.base_url).hostname or "127.0.0.1"


async def prepare_database(settings: Settings) -> None:
    """Load the demo data set once, before the app processes start (they would race)."""
    from pymongo.errors import PyMongoError

    from storage.models import LOCAL_TZ
    from storage.mongo import connect_mongo
    from storage.repositories import Repositories
    from storage.seed import load_demo_data

    if not settings.demo_data:
        return
    assert settings.mongo_url is not None
    client = connect_mongo(settings.mongo_url.get_secret_value())
    try:
        repos = Repositories.from_db(client[settings.mongo_db])
        await repos.ensure_indexes()
        report = await load_demo_data(repos, today=datetime.now(LOCAL_TZ).date())
        log.info("demo data", report=str(report))
    except PyMongoError as exc:
        reason = str(exc).split(",")[0].split(" (configured timeouts")[0]
        raise ClusterError(f"cannot load the demo data into MongoDB (MONGO_URL): {reason}") from None
    finally:
        await client.close()


async def start_sandbox(settings: Settings, supervisor: Supervisor) -> str:
    """The sandbox as a process of its own (`bot.py sandbox`): its state lives in the memory of one
    process (kept in DATA_DIR/sandbox across restarts), so the app processes cannot each hold one.
    Returns its address."""
    port = settings.sandbox_port
    if port is None:
        port = settings.http_port + 1
    elif port == 0:
        port = free_port(settings.http_host or "127.0.0.1")
    check_port_free(settings.http_host, port, "SANDBOX_PORT")
    url = f"http://{_url_host(settings)}:{port}"

    async def ready() -> bool:
        async with aiohttp.ClientSession() as http, http.get(f"{url}/sandbox/api/limits") as resp:
            return resp.status == 200

    await supervisor.start(
        "sandbox",
        [sys.executable, str(REPO / "bot.py"), "sandbox", "--host", settings.http_host, "--port", str(port)],
        url=f"{url}/sandbox/",
        log_path=settings.data_dir.resolve() / "logs" / "sandbox.log",
        ready=ready,
        timeout=SANDBOX_START_TIMEOUT,
    )
    return url


async def start_app_processes(cluster: Cluster, supervisor: Supervisor, processes: int) -> list[Child]:
    """Start the N app processes together; each says it listens by writing a file named by its pid."""
    cluster.ready_dir.mkdir(parents=True, exist_ok=True)
    cluster.metrics_dir.mkdir(parents=True, exist_ok=True)
    env = cluster.child_env()

    async def ready(pid: int) -> bool:
        return (cluster.ready_dir / str(pid)).exists()

    def start(index: int) -> asyncio.Task[Child]:
        argv = [sys.executable, str(REPO / "bot.py"), "run", "--processes", "1"]
        argv += ["--child-index", str(index), "--ready-dir", str(cluster.ready_dir)]
        return asyncio.create_task(
            supervisor.start(
                f"{APP_NAME} {index}",
                argv,
                url=cluster.settings.base_url,
                log_path=None,  # the operator reads their logs with the parent's
                ready_pid=ready,
                timeout=APP_START_TIMEOUT,
                env=env,
            )
        )

    tasks = [start(i) for i in range(1, processes + 1)]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:  # one failed, or Ctrl-C: the others are stopped (a half-started child stops itself)
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [r for r in results if isinstance(r, Exception)]
    if failures:
        raise failures[0]
    return [r for r in results if isinstance(r, Child)]


def app_processes(supervisor: Supervisor) -> list[Child]:
    return [c for c in supervisor.children if c.name.startswith(APP_NAME + " ")]


def _forget(cluster: Cluster) -> Callable[[Child], None]:
    """A dead app process's live gauges leave /metrics (its counters keep counting in the sums),
    and its readiness file goes (a later process given the same pid must say it itself)."""

    def forget(child: Child) -> None:
        if child.name.startswith(APP_NAME + " "):
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(child.pid, str(cluster.metrics_dir))
            (cluster.ready_dir / str(child.pid)).unlink(missing_ok=True)

    return forget


async def run_processes(settings: Settings, processes: int) -> int:
    """The parent of `bot.py run --processes N` (N > 1): start, supervise, drain, stop."""
    from cli.main import fail

    supervisor = Supervisor()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    run_dir = Path(tempfile.mkdtemp(prefix="traffic-assistant-"))
    keeper: asyncio.Task[None] | None = None
    try:
        # Ctrl-C while the model trains or the servers start stops at once (what started is stopped).
        starting = asyncio.create_task(start_cluster(settings, supervisor, processes, run_dir))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not starting.done():
            starting.cancel()
            with suppress(asyncio.CancelledError, ConfigError, ClusterError, ChildFailedToStart):
                await starting
            log.info("stopping")
            return 0
        cluster = starting.result()
        # An app process or an embedded server that dies is started again with backoff; the other
        # app processes keep serving meanwhile (the kernel stops sending connections to a dead one).
        keeper = asyncio.create_task(supervisor.keep_alive(on_exit=_forget(cluster)), name="keep-alive")
        await stop.wait()
        log.info("stopping")
        return 0
    except (ConfigError, ClusterError, ChildFailedToStart) as exc:
        return fail(str(exc))
    finally:
        if keeper is not None:
            keeper.cancel()
            with suppress(asyncio.CancelledError):
                await keeper
        # First every app process (webhook updates in flight, the push workers, the relay), all
        # together; then the sandbox and the servers they drained into.
        draining = app_processes(supervisor)
        if draining:
            await supervisor.stop(draining, grace=APP_STOP_GRACE)
            log.info("app processes stopped", processes=len(draining))
        await supervisor.stop_all()
        shutil.rmtree(run_dir, ignore_errors=True)


async def start_cluster(settings: Settings, supervisor: Supervisor, processes: int, run_dir: Path) -> Cluster:
    """Everything the app processes need, then the app processes; prints the banner."""
    from cli.main import banner, start_embedded, start_nlu

    port = settings.http_port or free_port(settings.http_host or "127.0.0.1")
    settings = settings.model_copy(update={"http_port": port})
    webhook_url, webhook_secret = resolve_webhook(settings)
    check_port_free(settings.http_host, port, "HTTP_HOST/HTTP_PORT")
    if settings.nlu_url is None:
        print(
            "preparing the NLU model (trains only when nlu/ changed; the first time takes a few minutes)",
            flush=True,
        )
    nlu_task = asyncio.create_task(start_nlu(settings, supervisor)) if settings.nlu_url is None else None
    try:
        settings = await start_embedded(settings, supervisor)
        if nlu_task is not None:
            settings = settings.model_copy(update={"nlu_url": (await nlu_task).url})
    finally:
        if nlu_task is not None and not nlu_task.done():  # MongoDB or Redis failed, or Ctrl-C
            nlu_task.cancel()
            with suppress(asyncio.CancelledError, ChildFailedToStart):
                await nlu_task
    await prepare_database(settings)
    sandbox_url = await start_sandbox(settings, supervisor) if settings.sandbox_mode else None
    cluster = Cluster(
        settings=settings,
        port=port,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        sandbox_url=sandbox_url,
        run_dir=run_dir,
    )
    children = await start_app_processes(cluster, supervisor, processes)
    log.info("app processes ready", processes=len(children), pids=[c.pid for c in children], port=port)
    banner(settings, processes=processes, sandbox_url=sandbox_url)
    return cluster


def serve_sandbox(settings: Settings, host: str, port: int) -> int:
    """`bot.py sandbox`: the Telegram sandbox on its own (SANDBOX_* limits; ids, and with
    SANDBOX_PERSIST its citizens and chats, kept in DATA_DIR/sandbox as when it is mounted in the app)."""
    from aiohttp import web

    from sandbox.app import create_sandbox_app
    from sandbox.limits import SandboxLimits

    limits = SandboxLimits(
        per_chat_rate=settings.sandbox_chat_rate,
        global_rate=settings.sandbox_global_rate,
        group_per_minute=settings.sandbox_group_per_minute,
    )
    app = web.Application()
    # User and update ids continue across restarts; with SANDBOX_PERSIST so do citizens and chats.
    folder = settings.data_dir.resolve() / "sandbox"
    app.add_subapp("/sandbox", create_sandbox_app(limits, folder=folder, persist=settings.sandbox_persist))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    web.run_app(
        app,
        host=host,
        port=port,
        access_log=None,
        shutdown_timeout=5,
        print=lambda _: print(f"sandbox at http://{shown}:{port}/sandbox/", flush=True),
    )
    return 0
