"""Shared test infrastructure: real servers over real connections.

- MongoDB: one SecantusDB server per test session (a child process on a free port, temp dir).
- Redis: the machine's Redis (CI starts one if none answers) on a database of the tests' own
  (TEST_REDIS_URL, default db 13), flushed before and after the session, keys under a prefix.
- Rasa: the project's real model, trained when nlu/ changed (cached by hash in models/), served
  by a child process on a free port, once per session, for the tests that need it.
- The app: `create_app(settings)` served on a free port with the Telegram sandbox mounted;
  tests act as citizens through the sandbox's HTTP API.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest
import redis.asyncio as aioredis
from aiohttp import web
from pydantic import SecretStr

from actions.services import Services
from actions.sms import SmsGateway
from core.config import LogFormat, LogLevel, Settings
from core.i18n import default_catalog
from core.language import Language
from core.logging import configure_logging
from core.processes import Supervisor, free_port
from sandbox.client import SandboxClient, SandboxUser
from storage.embedded import start_mongo
from storage.models import LOCAL_TZ, Citizen, NotificationPreferences, NotificationType
from storage.mongo import connect_mongo
from storage.redis import Keys, connect_redis
from storage.repositories import Repositories
from storage.seed import load_demo_data

REPO = Path(__file__).resolve().parent.parent
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# Apps the tests start, here or as child processes (which inherit this), keep their sandbox citizens
# in memory: DATA_DIR defaults to ./data, where `make run` keeps the developer's (tests that check
# the keeping pass sandbox_persist=True with a DATA_DIR of their own).
os.environ["SANDBOX_PERSIST"] = "false"
# As the app logs (masking on, plain tracebacks), not structlog's unconfigured default.
configure_logging(LogLevel.INFO, LogFormat.CONSOLE)


@pytest.fixture(scope="session")
async def supervisor() -> AsyncIterator[Supervisor]:
    sup = Supervisor()
    yield sup
    await sup.stop_all()
    stray = [
        p
        for p in psutil.Process().children(recursive=True)
        if p.is_running()
        and p.status() != psutil.STATUS_ZOMBIE
        and any(name in " ".join(p.cmdline()) for name in ("secantusd", "redis-server", "rasa"))
    ]
    assert not stray, f"embedded servers left running after the tests: {[p.cmdline()[:3] for p in stray]}"


@pytest.fixture(scope="session")
async def mongo_url(supervisor: Supervisor, tmp_path_factory: pytest.TempPathFactory) -> str:
    child = await start_mongo(supervisor, tmp_path_factory.mktemp("mongo"))
    return child.url


@pytest.fixture(scope="session")
async def redis_url() -> AsyncIterator[str]:
    client = aioredis.Redis.from_url(TEST_REDIS_URL)
    await client.flushdb()
    yield TEST_REDIS_URL
    await client.flushdb()
    await client.aclose()


@pytest.fixture(scope="session")
async def nlu_url(supervisor: Supervisor, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The project's trained model served by a real Rasa server."""
    from nlu.server import start_nlu_server

    child = await start_nlu_server(
        supervisor,
        models_dir=REPO / "models",
        rasa_bin=REPO / ".venv-rasa" / "bin" / "rasa",
        log_path=tmp_path_factory.mktemp("rasa") / "rasa.log",
    )
    return child.url


@pytest.fixture(scope="session")
def make_settings(mongo_url: str, redis_url: str) -> Callable[..., Settings]:
    """Settings for an app under test: sandbox mode, real servers, nothing read from .env."""

    def make(**overrides: object) -> Settings:
        port = free_port()
        values: dict[str, object] = {
            "telegram_token": None,
            "telegram_api_url": None,
            "webhook_url": None,
            "webhook_secret": None,
            "mongo_url": SecretStr(mongo_url),
            "mongo_db": f"test_{uuid.uuid4().hex[:8]}",
            "redis_url": SecretStr(redis_url),
            "redis_prefix": f"t{uuid.uuid4().hex[:6]}",
            "nlu_url": None,
            "http_host": "127.0.0.1",
            "http_port": port,
            "public_url": None,
            "demo_data": True,
            "log_format": "console",
            # The tests' apps share DATA_DIR (./data) with `make run`: their sandbox citizens stay in memory.
            "sandbox_persist": False,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]

    return make


@dataclass
class RunningApp:
    settings: Settings
    app: web.Application
    runner: web.AppRunner

    @property
    def base_url(self) -> str:
        return self.settings.base_url


@pytest.fixture(scope="session")
def start_app() -> Callable[[Settings], asyncio.Future[RunningApp]]:
    from app.factory import create_app, start_server

    async def start(settings: Settings) -> RunningApp:
        app = create_app(settings)
        runner = await start_server(app, settings.http_host, settings.http_port)
        return RunningApp(settings=settings, app=app, runner=runner)

    return start  # type: ignore[return-value]


@pytest.fixture(scope="session")
async def running_app(make_settings: Callable[..., Settings], start_app, nlu_url: str) -> AsyncIterator[RunningApp]:
    """One app for the session's end-to-end tests, with the real Rasa model behind it."""
    running = await start_app(make_settings(mongo_db="test_e2e", nlu_url=nlu_url))
    yield running
    await running.runner.cleanup()


@pytest.fixture(scope="session")
async def bare_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    """The app with demo data but no NLU server: what buttons and commands do on their own
    (and what free text gets while Rasa is down)."""
    running = await start_app(make_settings(mongo_db="test_bare"))
    yield running
    await running.runner.cleanup()


@asynccontextmanager
async def sandbox_client(running: RunningApp) -> AsyncIterator[SandboxClient]:
    """A client of ``running``'s Telegram sandbox; the faults injected through it are cleared after."""
    client = SandboxClient(running.base_url + "/sandbox")
    yield client
    await client.clear_faults()
    await client.close()


@pytest.fixture
async def sandbox(running_app: RunningApp) -> AsyncIterator[SandboxClient]:
    """Act as citizens of the app with NLU."""
    async with sandbox_client(running_app) as client:
        yield client


@pytest.fixture
async def bare_sandbox(bare_app: RunningApp) -> AsyncIterator[SandboxClient]:
    """Act as citizens of the app without NLU."""
    async with sandbox_client(bare_app) as client:
        yield client


def services_of(running: RunningApp) -> Services:
    from app.keys import SERVICES

    return running.app[SERVICES]


async def bind_directly(
    running: RunningApp, user: SandboxUser, id_number: str, language: str = "en", *, notifications: bool = False
) -> Citizen:
    """Bind a sandbox citizen to an identity without the SMS flow (for tests about other features;
    the binding flow itself is tested end to end through the sandbox).

    Push notifications are off unless asked for: the demo identities are shared by many tests, and
    a notification another test caused would arrive in the middle of this test's dialogue."""
    services = services_of(running)
    result = await services.repos.citizens.bind(
        id_number, user_id=user.id, chat_id=user.id, language=Language(language), now=datetime.now(UTC)
    )
    if not notifications:
        await services.repos.citizens.set_preferences(
            user.id, NotificationPreferences(disabled_types=list(NotificationType))
        )
    return result.citizen


@asynccontextmanager
async def demo_database(mongo_url: str, prefix: str) -> AsyncIterator[Repositories]:
    """A database of its own (``<prefix>_<random>``) with indexes and the demo data; dropped after."""
    client = connect_mongo(mongo_url)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    loaded = Repositories.from_db(client[name])
    await loaded.ensure_indexes()
    await load_demo_data(loaded, today=datetime.now(LOCAL_TZ).date())
    yield loaded
    # Not dropped: dropping the demo data takes SecantusDB about as long as the client's socket
    # timeout (a flaky teardown under load), and the session's server and its files go after.
    await client.close()


@asynccontextmanager
async def default_services(
    repos: Repositories, redis_url: str, prefix: str, sms: SmsGateway | None = None
) -> AsyncIterator[Services]:
    """Services with default settings over ``repos`` and Redis, keys under ``<prefix><random>``
    (deleted after), no NLU."""
    redis = connect_redis(redis_url)
    keys = Keys(f"{prefix}{uuid.uuid4().hex[:6]}")
    yield Services(
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        repos=repos,
        redis=redis,
        keys=keys,  # type: ignore[call-arg]
        catalog=default_catalog(),
        nlu=None,
        sms=sms,
    )
    async for key in redis.scan_iter(match=keys("*")):
        await redis.delete(key)
    await redis.aclose()


@dataclass
class FixedClock:
    """A clock a test sets and moves (``Services.clock``)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def clocked_services(
    mongo_url: str, redis_url: str, settings: Settings, *, prefix: str, now: datetime
) -> AsyncIterator[tuple[Services, FixedClock]]:
    """Services over an empty database of their own (``<prefix>_<random>``, indexed), Redis keys
    under the settings' prefix (deleted after), no NLU, and a clock the test moves."""
    client = connect_mongo(mongo_url)
    repos = Repositories.from_db(client[f"{prefix}_{uuid.uuid4().hex[:8]}"])
    await repos.ensure_indexes()
    redis = connect_redis(redis_url)
    clock = FixedClock(now)
    services = Services(
        settings=settings,
        repos=repos,
        redis=redis,
        keys=Keys(settings.redis_prefix),
        catalog=default_catalog(),
        nlu=None,
        clock=clock,
    )
    yield services, clock
    # The database is not dropped (see demo_database); the session's server goes after.
    await client.close()
    async for key in redis.scan_iter(match=f"{settings.redis_prefix}:*"):
        await redis.delete(key)
    await redis.aclose()
