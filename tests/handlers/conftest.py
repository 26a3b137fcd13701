"""Handler tests: the app's real dispatcher, fed updates in-process on a recording Bot.

Everything but the Telegram Bot API is real: MongoDB (the session's SecantusDB, one database with
the demo data for the whole directory), Redis (keys under a prefix of each test's own, so forms,
throttling and de-duplication start fresh), and an NLU client of a port nobody listens on (free
text takes the "Rasa is down" path, as in the app without Rasa). Each test gets its own
dispatcher, built by the app's own builder in the ``dp`` fixture (the one place that names it).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime

import pytest
import structlog
from aiogram import Dispatcher
from aiogram.enums import ParseMode
from aiogram.types import User

from actions.services import Services
from core.config import Settings
from core.i18n import default_catalog
from core.language import LANGUAGES, Language
from core.processes import free_port
from nlu.client import NluClient
from storage.models import LOCAL_TZ, Citizen, NotificationPreferences, NotificationType
from storage.mongo import connect_mongo
from storage.redis import Keys, connect_redis
from storage.repositories import Repositories
from storage.seed import DemoIdentity, load_demo_data
from tests.handlers.chat import Person
from tests.handlers.mocked_bot import MockedBot, plain

_USER_IDS = itertools.count(710_000_001)  # unique in the session: bindings live in the shared database

MakePerson = Callable[..., Person]
Bind = Callable[[Person, DemoIdentity], Awaitable[Citizen]]


@pytest.fixture(scope="package", autouse=True)
def plain_tracebacks() -> Iterator[None]:
    """Exceptions logged with plain tracebacks while these tests run. Unconfigured, structlog's
    console renderer draws them with rich, locals included: about 10 s for one aiogram error."""
    saved = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)
            if isinstance(p, structlog.dev.ConsoleRenderer)
            else p
            for p in saved["processors"]
        ]
    )
    yield
    structlog.configure(**saved)


@pytest.fixture(scope="session")
async def demo_repos(mongo_url: str) -> AsyncIterator[Repositories]:
    """The demo data in a database of this directory's own. It is not dropped after: SecantusDB
    takes about 10 s to drop it, and the session's server goes away with its temporary directory."""
    client = connect_mongo(mongo_url)
    repos = Repositories.from_db(client[f"handlers_{uuid.uuid4().hex[:8]}"])
    await repos.ensure_indexes()
    await load_demo_data(repos, today=datetime.now(LOCAL_TZ).date())
    yield repos
    await client.close()


@pytest.fixture
async def services(
    make_settings: Callable[..., Settings], demo_repos: Repositories, redis_url: str
) -> AsyncIterator[Services]:
    """Services as the app builds them (without a push queue or an SMS gateway)."""
    settings = make_settings(nlu_url=f"http://127.0.0.1:{free_port()}", mongo_db=demo_repos.db.name)
    assert settings.nlu_url is not None and settings.redis_url is not None
    redis = connect_redis(settings.redis_url.get_secret_value())
    nlu = NluClient(settings.nlu_url, timeout=settings.nlu_timeout)
    keys = Keys(settings.redis_prefix)
    yield Services(settings=settings, repos=demo_repos, redis=redis, keys=keys, catalog=default_catalog(), nlu=nlu)
    await nlu.close()
    async for key in redis.scan_iter(match=keys("*")):
        await redis.delete(key)
    await redis.aclose()


@pytest.fixture
def dp(services: Services) -> Dispatcher:
    """The app's dispatcher, from the app's own builder."""
    from bot.factory import build_dispatcher

    return build_dispatcher(services)


@pytest.fixture
def bot() -> MockedBot:
    return MockedBot()


@pytest.fixture
def person(dp: Dispatcher, bot: MockedBot, services: Services) -> MakePerson:
    """``person(first_name="Alice", language_code="en")``: a new Telegram user (``"zh-hans"``: a
    Chinese client)."""
    catalog = services.catalog
    errors = frozenset(
        plain(catalog.text(lang, msg_id), ParseMode.HTML)
        for lang in LANGUAGES
        for msg_id in ("error-internal", "error-service-down")
    )

    def make(first_name: str = "Alice", language_code: str = "en") -> Person:
        user = User(id=next(_USER_IDS), is_bot=False, first_name=first_name, language_code=language_code)
        return Person(dp=dp, bot=bot, user=user, error_texts=errors)

    return make


@pytest.fixture
def bind(services: Services) -> Bind:
    """``await bind(person, identity)``: link the person to a demo identity without the SMS flow
    (that flow has its own end-to-end tests); notifications off, so none interrupts the test."""

    async def bind_person(who: Person, identity: DemoIdentity) -> Citizen:
        language = Language.ZH if (who.user.language_code or "").startswith("zh") else Language.EN
        result = await services.repos.citizens.bind(
            identity.id_number, user_id=who.user.id, chat_id=who.chat.id, language=language, now=datetime.now(UTC)
        )
        await services.repos.citizens.set_preferences(
            who.user.id, NotificationPreferences(disabled_types=list(NotificationType))
        )
        return result.citizen

    return bind_person
