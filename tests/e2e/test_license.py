"""Driver's license status for several demo identities, in both languages, from the menu."""

from __future__ import annotations

import pytest

from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp
from tests.e2e.helpers import bound_user, open_feature

pytestmark = pytest.mark.e2e

ZHANG, LI, WANG, LIU, CHEN, YANG, ZHAO, HUANG = DEMO_IDENTITIES


async def license_reply(sb: SandboxClient, user: SandboxUser, lang: str) -> ChatMessage:
    return await open_feature(
        sb,
        user,
        "🔎 Information inquiry" if lang == "en" else "🔎 信息查询",
        "🪪 Driver's license" if lang == "en" else "🪪 驾驶证",
    )


async def test_not_bound_is_asked_to_bind(sb: SandboxClient) -> None:
    user = await sb.create_user("Anon", language_code="en")
    reply = await license_reply(sb, user, "en")
    assert "link your identity" in reply.plain_text
    assert ZHANG.id_number not in reply.plain_text


async def test_valid_license_in_english(sb: SandboxClient, app: RunningApp) -> None:
    reply = await license_reply(sb, await bound_user(sb, app, ZHANG.id_number, "en"), "en")
    text = reply.plain_text
    assert "Class C1" in text and "110102********2939" in text and ZHANG.id_number not in text
    assert "Status: valid" in text and "3 of 12 deducted" in text and "days left" in text
    assert "Beijing Vehicle Management Office" in text


async def test_expired_license_in_chinese_points_to_renewal(sb: SandboxClient, app: RunningApp) -> None:
    reply = await license_reply(sb, await bound_user(sb, app, LI.id_number, "zh"), "zh")
    text = reply.plain_text
    assert "已过期 20 天" in text and "状态：已过期" in text
    assert "邮寄换证" in text and "体检结果" in text


async def test_suspended_license_says_until_when_and_why(sb: SandboxClient, app: RunningApp) -> None:
    for lang, expected in (
        ("en", ("suspended", "12 points reached", "full-score education")),
        ("zh", ("暂停使用", "记满 12 分", "满分教育")),
    ):
        text = (await license_reply(sb, await bound_user(sb, app, HUANG.id_number, lang), lang)).plain_text
        for part in expected:
            assert part in text, (lang, part, text)


async def test_detained_license_lists_every_status_and_its_step(sb: SandboxClient, app: RunningApp) -> None:
    text = (await license_reply(sb, await bound_user(sb, app, WANG.id_number, "en"), "en")).plain_text
    assert "detained" in text and "physical exam overdue" in text and "periodic examination overdue" in text
    assert "ID card" in text and "Guangzhou Vehicle Management Office" in text
    # The exam is had in his license's city, Guangzhou: not Beijing's 141 community hospitals.
    assert "at a designated hospital in Guangzhou, where your license was issued" in text and "141" not in text
    zh = (await license_reply(sb, await bound_user(sb, app, WANG.id_number, "zh"), "zh")).plain_text
    assert "扣押" in zh and "逾期未体检" in zh and "到广州（驾驶证核发地）的指定医疗机构" in zh and "141" not in zh


async def test_the_buttons_under_a_suspended_license_lead_somewhere(sb: SandboxClient, app: RunningApp) -> None:
    reply = await license_reply(sb, await bound_user(sb, app, HUANG.id_number, "en"), "en")
    labels = [b for row in reply.buttons for b in row]
    assert "🚦 Violations" in labels and labels[-1] == "📋 Menu", labels


async def test_expiring_license_with_elicense_button(sb: SandboxClient, app: RunningApp) -> None:
    reply = await license_reply(sb, await bound_user(sb, app, ZHAO.id_number, "en"), "en")
    assert "25 days left" in reply.plain_text and "expires on" in reply.plain_text
    assert any("E-license" in b for row in reply.buttons for b in row)
