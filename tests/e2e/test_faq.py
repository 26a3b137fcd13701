"""FAQ answers from the seeds, in both languages, from the consult menu (no binding needed)."""

from __future__ import annotations

import pytest

from bot.context import INTENTS
from sandbox.client import SandboxClient
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp
from tests.e2e.helpers import citizen, open_feature, press

pytestmark = pytest.mark.e2e


EN_ANSWERS: dict[str, tuple[str, ...]] = {
    "Is the electronic driver's license valid?": (
        "same legal effect as the paper license",
        "valid nationwide",
        "do not check the paper license",
        "when the license has to be detained, the paper license is still required",
    ),
    "Where can I have the driver's physical exam?": (
        "141 community (township) hospitals",
        "51 hospitals at county level and above",
        "send the results online",
        "mailed to your address",
    ),
    "How do I renew my driver's license?": ("90 days before", "physical exam result", "mailed to you"),
    "Can replacement plates be delivered?": (
        "door-to-door delivery",
        "collects your application materials",
        "new plates are delivered",
    ),
    "What is the electronic deregistration certificate?": (
        "scrap yard",
        "deregistration certificate in electronic form",
        "trade-in subsidy",
    ),
    "What does the 12123 hotline offer?": (
        "four categories",
        "Information inquiry",
        "Business handling",
        "Consultations and complaints",
        "Information changes",
    ),
}

ZH_ANSWERS: dict[str, tuple[str, ...]] = {
    "电子驾驶证有效吗？": (
        "具有同等法律效力",
        "全国通用",
        "不再查验纸质驾驶证",
        "需要扣留驾驶证的，仍需提交纸质驾驶证",
    ),
    "到哪里进行驾驶人体检？": ("141 家社区（乡镇）医院", "51 家二级及以上医院", "网上传输体检结果", "邮寄到家"),
    "如何换领驾驶证？": ("90 天", "体检结果", "邮寄到家"),
    "补换号牌可以送上门吗？": ("送牌上门", "上门收取申请材料", "新号牌寄送到家"),
    "什么是电子版注销证明？": ("报废机动车回收企业", "电子版机动车注销证明", "以旧换新补贴"),
    "12123热线可以办理什么？": ("四大类", "信息查询", "业务办理", "咨询投诉", "信息变更"),
}


async def test_every_faq_answer_in_english(sb: SandboxClient) -> None:
    user = await sb.create_user("Faye", language_code="en")
    faq = await open_feature(sb, user, "💬 Consultations & complaints", "❓ Frequently asked questions")
    assert "Frequently asked questions" in faq.plain_text
    for question, facts in EN_ANSWERS.items():
        answer = await press(sb, user, faq, question)
        for fact in facts:
            assert fact in answer.plain_text, (question, fact)
        assert "❓ Other questions" in [b for row in answer.buttons for b in row]


async def test_every_faq_answer_in_chinese(sb: SandboxClient) -> None:
    user = await sb.create_user("方芳", language_code="zh-hans")
    faq = await open_feature(sb, user, "💬 咨询投诉", "❓ 常见问题")
    for question, facts in ZH_ANSWERS.items():
        answer = await press(sb, user, faq, question)
        for fact in facts:
            assert fact in answer.plain_text, (question, fact)


async def test_elicense_cities_by_batch_from_the_schedule(sb: SandboxClient) -> None:
    user = await sb.create_user("Cy", language_code="en")
    faq = await open_feature(sb, user, "💬 Consultations & complaints", "❓ Frequently asked questions")
    answer = await press(sb, user, faq, "Which cities have e-licenses?")
    text = answer.plain_text
    assert "Batch 1, open since" in text and "Beijing" in text and "Lhasa" in text
    assert "opens on" in text  # later batches (seed schedule: batches 4 and 5 open in the future)
    zh = await sb.create_user("城", language_code="zh-hans")
    faq = await open_feature(sb, zh, "💬 咨询投诉", "❓ 常见问题")
    answer = await press(sb, zh, faq, "哪些城市开通了电子驾驶证？")
    assert "第 1 批" in answer.plain_text and "北京、" in answer.plain_text and "开通（" in answer.plain_text


async def test_renewal_answer_leads_to_the_service(sb: SandboxClient) -> None:
    user = await sb.create_user("Ren", language_code="en")
    faq = await open_feature(sb, user, "💬 Consultations & complaints", "❓ Frequently asked questions")
    answer = await press(sb, user, faq, "How do I renew my driver's license?")
    await sb.press_button(user.id, answer.message_id, answer.callback_data_of("🪪 Renew my license by mail"))
    assert "link your identity" in (await sb.wait_bot_message(user.id)).plain_text  # personal: bind first


async def test_the_exam_answer_follows_the_citizens_city_and_says_so(sb: SandboxClient, app: RunningApp) -> None:
    """Issue 18: a Guangzhou license holder was given Beijing's figures; nobody was told whose."""
    wang = await citizen(sb, app, DEMO_IDENTITIES[2].id_number, "en")  # 王强: licensed in Guangzhou, detained
    faq = await open_feature(sb, wang, "💬 Consultations & complaints", "❓ Frequently asked questions")
    answer = await press(sb, wang, faq, "Where can I have the driver's physical exam?")
    assert "Your license was issued in Guangzhou: designated hospitals do driver physical exams" in answer.plain_text
    assert "141" not in answer.plain_text and "regiment" not in answer.plain_text
    assert "🪪 Renew my license by mail" not in [b for row in answer.buttons for b in row]  # detained: it would refuse
    zhang = await citizen(sb, app, DEMO_IDENTITIES[0].id_number, "zh")  # 张伟: licensed in Beijing
    faq = await open_feature(sb, zhang, "💬 咨询投诉", "❓ 常见问题")
    answer = await press(sb, zhang, faq, "到哪里进行驾驶人体检？")
    assert "您的驾驶证核发地为北京：共有 141 家社区（乡镇）医院" in answer.plain_text
    stranger = await sb.create_user("Sam", language_code="en")
    faq = await open_feature(sb, stranger, "💬 Consultations & complaints", "❓ Frequently asked questions")
    answer = await press(sb, stranger, faq, "Where can I have the driver's physical exam?")
    assert "In Beijing, for example:" in answer.plain_text and "Tell me your city" in answer.plain_text


def test_the_four_faq_intents_reach_their_answers() -> None:
    import bot.factory  # noqa: F401  (registers every feature)

    expected = {
        "faq_elicense_validity": "faq_elicense",
        "faq_health_exam": "faq_exam",
        "faq_license_renewal": "faq_renewal",
        "faq_plate_delivery": "faq_plates",
        "vehicle_status": "vehicles",
        "violation_lookup": "violations",
        "delivery_status": "deliveries",
    }
    assert {intent: INTENTS[intent].name for intent in expected} == expected


# --- free text (the real Rasa model; trained on first use) -------------------------------------------


@pytest.mark.nlu
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is the electronic driver's license valid in other provinces?", "same legal effect as the paper license"),
        ("电子驾照在外地交警查车时管用吗", "具有同等法律效力"),
        ("where can I do the driver physical exam", "141 community (township) hospitals"),
        ("驾驶人体检可以去哪些医院", "141 家社区（乡镇）医院"),
    ],
)
async def test_faq_by_free_text(sandbox: SandboxClient, text: str, expected: str) -> None:
    user = await sandbox.create_user("Free", language_code="en")
    await sandbox.send_text(user.id, text)
    reply = await sandbox.wait_bot_message(user.id, timeout=20)
    assert expected in reply.plain_text
