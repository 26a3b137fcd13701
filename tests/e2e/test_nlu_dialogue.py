"""Free text through the real Rasa model: the right feature in each language, and the bot keeps
working (degraded, then recovered by itself) when Rasa stops mid-conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from core.config import Settings
from core.processes import Supervisor, free_port
from nlu.server import start_nlu_server
from sandbox.client import SandboxClient
from storage.seed import DEMO_IDENTITIES
from tests.conftest import REPO, RunningApp, bind_directly

pytestmark = [pytest.mark.e2e, pytest.mark.nlu]


async def ask(sb: SandboxClient, chat_id: int, text: str) -> str:
    await sb.send_text(chat_id, text)
    return (await sb.wait_bot_message(chat_id, timeout=15)).plain_text


async def test_small_talk_answers_in_the_language_of_the_message(sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Mia", language_code="en")
    assert "How can I help you today" in await ask(sandbox, user.id, "hello there")
    assert "请问有什么可以帮您" in await ask(sandbox, user.id, "你好")
    assert "outside what I can help with" in await ask(sandbox, user.id, "what's the weather like tomorrow?")


async def test_a_question_reaches_the_license_feature_in_each_language(
    sandbox: SandboxClient, running_app: RunningApp
) -> None:
    person = next(p for p in DEMO_IDENTITIES if p.name == "赵敏")  # valid license, expiring in 25 days
    en = await sandbox.create_user("Min", language_code="en")
    zh = await sandbox.create_user("敏", language_code="zh-hans")
    await bind_directly(running_app, en, person.id_number)
    answer = await ask(sandbox, en.id, "how many points are left on my driving licence?")
    assert "110" not in answer or "****" in answer  # the number is masked
    assert "points" in answer.lower() and "valid" in answer.lower()
    # A stranger asking the same thing in Chinese is asked to link an identity first.
    assert "绑定身份" in await ask(sandbox, zh.id, "我的驾驶证还有几分")


async def test_rasa_stopped_mid_conversation_degrades_then_recovers(
    make_settings: Callable[..., Settings], start_app, tmp_path: Path
) -> None:
    supervisor = Supervisor()
    port = free_port()

    async def start_rasa() -> str:
        child = await start_nlu_server(
            supervisor,
            models_dir=REPO / "models",
            rasa_bin=REPO / ".venv-rasa" / "bin" / "rasa",
            log_path=tmp_path / "rasa.log",
            port=port,
        )
        return child.url

    url = await start_rasa()
    running = await start_app(make_settings(nlu_url=url, demo_data=False))
    sb = SandboxClient(running.base_url + "/sandbox")
    try:
        user = await sb.create_user("Ned", language_code="en")
        assert "How can I help you today" in await ask(sb, user.id, "hi")

        await supervisor.stop_all()  # Rasa goes away mid-conversation
        assert "can't read free text right now" in await ask(sb, user.id, "hi")
        assert "nothing to cancel" in await ask(sb, user.id, "/cancel")  # commands still work

        await start_rasa()  # back on the same address: the bot recovers without a restart
        for _ in range(40):
            if "How can I help you today" in await ask(sb, user.id, "hi"):
                break
            await asyncio.sleep(0.5)
        else:
            pytest.fail("the bot did not recover after Rasa came back")
    finally:
        await sb.close()
        await running.runner.cleanup()
        await supervisor.stop_all()


async def test_two_misunderstandings_in_a_row_offer_a_person(sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Ola", language_code="en")
    first = await ask(sandbox, user.id, "zzz qqq")
    assert "didn't understand" in first
    await sandbox.send_text(user.id, "zzz qqq")
    offer = await sandbox.wait_bot_message(user.id, timeout=15)
    assert "talk to a person" in offer.plain_text
    assert any("Talk to a person" in b for row in offer.buttons for b in row)
