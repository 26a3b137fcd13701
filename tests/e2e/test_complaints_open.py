"""Reporting without a linked identity (issue 15), end to end in the Telegram sandbox: a visitor
with a phone verified by a code files a report and gets staff's answer in the chat; an anonymous
report is told plainly that no answer comes; a Submit replayed files once; the per-account limit;
personal records still ask to link, naming what for."""

from __future__ import annotations

import random
import re

import pytest

from actions import complaints as actions
from actions.complaints import ComplaintDraft, followers, reporter
from core.language import Language
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import ComplaintTopic, GeoPoint, NotificationPreferences
from tests.conftest import RunningApp, services_of
from tests.e2e.test_complaints import LANG_CODES, TEXTS, fresh_spot, new_citizen, open_form, open_section
from tests.e2e.test_identity import new_code

pytestmark = pytest.mark.e2e

TICKET = re.compile(r"C\d{6}-\d{4,}")

OPEN = {
    "en": {
        "how": "How should we answer you?",
        "phone": "📱 Verify a phone number",
        "anonymous": "🕶 Report anonymously (no answer)",
        "ask_phone": "Please type your mobile number",
        "code_sent": "We sent a 6-digit code",
        "verified": "confirmed: the answer to your report will come here",
        "summary_phone": "Answer: here in this chat",
        "summary_anonymous": "Anonymous: no answer will be sent",
        "filed_contact": "Your report is registered",
        "filed_anonymous": "Your anonymous report is registered",
        "no_answer": "no answer will be sent to you",
        "reply": "A team repaired the signal this morning.",
        "limit": "as many reports as allowed",
        "link_for": "“📂 My complaints” shows your personal records",
        "offer": "This looks already reported nearby",
        "follow": "👍 +1: follow that report",
        "anyway": "📝 File mine anyway",
        "followed": "you follow report",
        "followed_push": "A report you follow (+1)",
        "followed_anonymous": "no answer will be sent to you",
    },
    "zh": {
        "how": "我们如何答复您",
        "phone": "📱 验证手机号",
        "anonymous": "🕶 匿名反映（不答复）",
        "ask_phone": "请输入您的手机号",
        "code_sent": "验证码（6 位）已发送至",
        "verified": "已确认：答复将发到本对话",
        "summary_phone": "答复方式：本对话",
        "summary_anonymous": "匿名：不会答复",
        "filed_contact": "您反映的问题已登记",
        "filed_anonymous": "您的匿名反映已登记",
        "no_answer": "不会向您答复",
        "reply": "信号灯已于今天上午修复。",
        "limit": "次数已达上限",
        "link_for": "“📂 我的投诉”涉及您的个人信息",
        "offer": "附近似乎已有人反映过这个问题",
        "follow": "👍 +1：关注该问题",
        "anyway": "📝 仍然提交我的反映",
        "followed": "已关注问题",
        "followed_push": "您关注（+1）的问题",
        "followed_anonymous": "不会收到答复",
    },
}


async def start_report(sb: SandboxClient, user: SandboxUser, lang: str) -> ChatMessage:
    """From the menu to the question how an unlinked reporter is answered."""
    x = TEXTS[lang]
    section = await open_section(sb, user, x)
    await sb.press_button(user.id, section.message_id, section.callback_data_of(x["file"]))
    return await sb.wait_bot_message(user.id, contains=OPEN[lang]["how"])


async def fill_and_summarise(sb: SandboxClient, user: SandboxUser, lang: str, topics: ChatMessage) -> ChatMessage:
    """Topic, a shared location, a description, no photos: the summary."""
    x = TEXTS[lang]
    await sb.press_button(user.id, topics.message_id, topics.callback_data_of(x["parking"]))
    await sb.wait_bot_message(user.id, contains=x["ask_place"])
    await sb.send_location(user.id, *fresh_spot())
    await sb.wait_bot_message(user.id, contains=x["ask_description"])
    await sb.send_text(user.id, x["description"])
    photos = await sb.wait_bot_message(user.id, contains=x["photos"])
    await sb.press_button(user.id, photos.message_id, photos.callback_data_of(photos.buttons[0][0]))
    return await sb.wait_bot_message(user.id, contains=x["summary"])


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_visitor_verifies_a_phone_files_once_and_gets_the_answer(
    bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str
) -> None:
    sb, x, o = bare_sandbox, TEXTS[lang], OPEN[lang]
    services = services_of(bare_app)
    user = await sb.create_user("Yamazaki", language_code=LANG_CODES[lang])
    phone = f"139{random.randrange(10**7, 10**8)}"
    how = await start_report(sb, user, lang)
    assert "passport" in how.plain_text or "护照" in how.plain_text
    await sb.press_button(user.id, how.message_id, how.callback_data_of(o["phone"]))
    await sb.wait_bot_message(user.id, contains=o["ask_phone"])
    await sb.send_text(user.id, phone)
    sent = await sb.wait_bot_message(user.id, contains=o["code_sent"])
    assert phone not in sent.plain_text  # masked
    await sb.send_text(user.id, await new_code(sb, phone, 0))
    topics = await sb.wait_bot_message(user.id, contains=x["ask_topic"])
    assert o["verified"] in topics.plain_text
    summary = await fill_and_summarise(sb, user, lang, topics)
    assert o["summary_phone"] in summary.plain_text
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of(x["submit"]))
    filed = await sb.wait_bot_message(user.id, contains=o["filed_contact"])
    match = TICKET.search(filed.plain_text)
    assert match
    stored = await services.repos.complaints.by_ticket(match.group(0))
    assert stored is not None
    assert (stored.citizen_id_number, stored.contact_phone, stored.chat_id, stored.anonymous) == (
        None,
        phone,
        user.id,
        False,
    )
    assert stored.topic == ComplaintTopic.ILLEGAL_PARKING
    assert await services.repos.complaints.collection.count_documents({"chat_id": user.id}) == 1
    # Staff answer: it reaches the chat the report came from (no records to link to).
    await actions.reply_to_citizen(services, stored.ticket_id, "agent.li", o["reply"])
    answer = await sb.wait_bot_message(user.id, contains=o["reply"], timeout=20)
    assert stored.ticket_id in answer.plain_text
    assert not any(x["mine"] in b for row in answer.buttons for b in row)


async def test_the_same_draft_submitted_again_files_once(bare_app: RunningApp) -> None:
    """A redelivered Submit (after a crash, a double tap) of a report without a linked identity."""
    services = services_of(bare_app)
    draft = ComplaintDraft(
        topic=ComplaintTopic.ROAD_FACILITIES,
        place_text="Jianguo Road crossing",
        description="The signal has been dark for a week.",
        photos_done=True,
    )
    contact = reporter.ReportContact(mode=reporter.ContactMode.PHONE, phone="13900001111")
    key = f"k{random.randrange(10**12)}"
    first, created = await actions.submit_once(
        services, None, draft, key=key, chat_id=42, language=Language.EN, contact=contact
    )
    again, created_again = await actions.submit_once(
        services, None, draft, key=key, chat_id=42, language=Language.EN, contact=contact
    )
    assert (created, created_again) == (True, False) and again.ticket_id == first.ticket_id
    with pytest.raises(actions.IncompleteDraft):  # neither linked, nor a verified phone, nor anonymous
        await actions.submit_once(
            services,
            None,
            draft,
            key=None,
            chat_id=42,
            language=Language.EN,
            contact=reporter.ReportContact(mode=reporter.ContactMode.PHONE),
        )


async def test_an_anonymous_report_is_told_no_answer_comes(bare_app: RunningApp, bare_sandbox: SandboxClient) -> None:
    sb, x, o = bare_sandbox, TEXTS["en"], OPEN["en"]
    services = services_of(bare_app)
    user = await sb.create_user("Visitor", language_code="en")
    how = await start_report(sb, user, "en")
    assert o["anonymous"] in {b for row in how.buttons for b in row}
    await sb.press_button(user.id, how.message_id, how.callback_data_of(o["anonymous"]))
    topics = await sb.wait_bot_message(user.id, contains=x["ask_topic"])
    assert "you will get no answer" in topics.plain_text
    summary = await fill_and_summarise(sb, user, "en", topics)
    assert o["summary_anonymous"] in summary.plain_text
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of(x["submit"]))
    filed = await sb.wait_bot_message(user.id, contains=o["filed_anonymous"])
    assert o["no_answer"] in filed.plain_text
    match = TICKET.search(filed.plain_text)
    assert match
    stored = await services.repos.complaints.by_ticket(match.group(0))
    assert stored is not None and stored.anonymous
    assert (stored.citizen_id_number, stored.contact_phone, stored.chat_id) == (None, None, None)
    assert reporter.answer_route(stored) == reporter.AnswerRoute.NONE


async def test_the_account_limit_refuses_one_report_too_many(bare_app: RunningApp, bare_sandbox: SandboxClient) -> None:
    sb, x, o = bare_sandbox, TEXTS["en"], OPEN["en"]
    services = services_of(bare_app)
    user = await sb.create_user("Busy", language_code="en")
    # All but one of the window's reports were filed already.
    limit = services.settings.complaint_reports_per_account
    key = services.keys.report_count("u", str(user.id))
    await services.redis.set(key, limit - 1, ex=services.settings.complaint_report_window)
    how = await start_report(sb, user, "en")
    await sb.press_button(user.id, how.message_id, how.callback_data_of(o["anonymous"]))
    topics = await sb.wait_bot_message(user.id, contains=x["ask_topic"])
    summary = await fill_and_summarise(sb, user, "en", topics)
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of(x["submit"]))
    await sb.wait_bot_message(user.id, contains=o["filed_anonymous"])
    assert int(await services.redis.get(key) or 0) == limit
    # The next one is refused before any question.
    section = await open_section(sb, user, x)
    await sb.press_button(user.id, section.message_id, section.callback_data_of(x["file"]))
    refused = await sb.wait_bot_message(user.id, contains=o["limit"])
    assert x["ask_topic"] not in refused.plain_text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_personal_records_still_ask_to_link_and_say_what_for(
    bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str
) -> None:
    sb, x, o = bare_sandbox, TEXTS[lang], OPEN[lang]
    user = await sb.create_user("Nobody", language_code=LANG_CODES[lang])
    section = await open_section(sb, user, x)
    await sb.press_button(user.id, section.message_id, section.callback_data_of(x["mine"]))
    asked = await sb.wait_bot_message(user.id)
    assert o["link_for"] in asked.plain_text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_report_already_filed_nearby_is_offered_to_follow_and_its_answer_reaches_the_follower(
    bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str
) -> None:
    sb, x, o = bare_sandbox, TEXTS[lang], OPEN[lang]
    services = services_of(bare_app)
    _, owner = await new_citizen(services.repos, sb, lang, "Owner")
    lat, lon = fresh_spot()
    draft = ComplaintDraft(
        topic=ComplaintTopic.ILLEGAL_PARKING,
        location=GeoPoint(lat=lat, lon=lon),
        description="A delivery van parks on the pavement every morning.",
        photos_done=True,
    )
    existing = await actions.submit(services, owner, draft, chat_id=None, language=Language(lang))
    user, follower = await new_citizen(services.repos, sb, lang, "Neighbour")
    await services.repos.citizens.set_preferences(user.id, NotificationPreferences(quiet_hours=False))
    topics = await open_form(sb, user, x)
    await sb.press_button(user.id, topics.message_id, topics.callback_data_of(x["parking"]))
    await sb.wait_bot_message(user.id, contains=x["ask_place"])
    await sb.send_location(user.id, lat + 0.001, lon)  # about 110 m away
    offer = await sb.wait_bot_message(user.id, contains=o["offer"])
    assert existing.ticket_id in offer.plain_text and x["ask_description"] not in offer.plain_text
    await sb.press_button(user.id, offer.message_id, offer.callback_data_of(o["follow"]))
    done = await sb.wait_bot_message(user.id, contains=o["followed"])
    assert existing.ticket_id in done.plain_text
    stored = await services.repos.complaints.by_ticket(existing.ticket_id)
    assert stored is not None and [f.citizen_id_number for f in stored.followers] == [follower.id_number]
    assert await services.repos.complaints.by_citizen(follower.id_number) == []  # nothing new was filed
    # A "+1" is kept once per person, however often it comes.
    again, added = await followers.follow(
        services,
        existing.ticket_id,
        citizen=follower,
        contact=None,
        user_id=user.id,
        chat_id=user.id,
        language=Language(lang),
    )
    assert not added and again is not None and len(again.followers) == 1
    # Staff answer the report: the follower is told too.
    await actions.reply_to_citizen(services, existing.ticket_id, "agent.li", o["reply"])
    told = await sb.wait_bot_message(user.id, contains=o["reply"], timeout=20)
    assert o["followed_push"] in told.plain_text and existing.ticket_id in told.plain_text


async def test_file_anyway_after_the_offer_files_a_report_of_its_own(
    bare_app: RunningApp, bare_sandbox: SandboxClient
) -> None:
    sb, x, o = bare_sandbox, TEXTS["en"], OPEN["en"]
    services = services_of(bare_app)
    _, owner = await new_citizen(services.repos, sb, "en", "Owner")
    place = f"Ring Road exit {random.randrange(10**6)}"
    draft = ComplaintDraft(
        topic=ComplaintTopic.ROAD_FACILITIES,
        place_text=place,
        description="A deep pothole on the ring road.",
        photos_done=True,
    )
    existing = await actions.submit(services, owner, draft, chat_id=None, language=Language.EN)
    user = await sb.create_user("Driver", language_code="en")
    how = await start_report(sb, user, "en")
    await sb.press_button(user.id, how.message_id, how.callback_data_of(o["anonymous"]))
    topics = await sb.wait_bot_message(user.id, contains=x["ask_topic"])
    await sb.press_button(user.id, topics.message_id, topics.callback_data_of("Road facilities and signals"))
    await sb.wait_bot_message(user.id, contains=x["ask_place"])
    await sb.send_text(user.id, place)
    offer = await sb.wait_bot_message(user.id, contains=o["offer"])
    assert existing.ticket_id in offer.plain_text
    await sb.press_button(user.id, offer.message_id, offer.callback_data_of(o["anyway"]))
    await sb.wait_bot_message(user.id, contains=x["ask_description"])
    await sb.send_text(user.id, "The pothole got deeper after the rain.")
    photos = await sb.wait_bot_message(user.id, contains=x["photos"])
    await sb.press_button(user.id, photos.message_id, photos.callback_data_of(photos.buttons[0][0]))
    summary = await sb.wait_bot_message(user.id, contains=x["summary"])
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of(x["submit"]))
    filed = await sb.wait_bot_message(user.id, contains=o["filed_anonymous"])
    match = TICKET.search(filed.plain_text)
    assert match and match.group(0) != existing.ticket_id


# --- a problem described straight away (the real Rasa model) --------------------------------------


@pytest.mark.nlu
@pytest.mark.parametrize(
    ("lang", "text", "topic", "place"),
    [
        ("en", "The signal at Jianguo Road has been dark for a week", "Road facilities and signals", "Jianguo Road"),
        ("en", "A delivery van parks on the pavement every morning", "Illegal parking", None),
        ("zh", "建国路口的红绿灯坏了一个星期了", "道路设施", "建国路口"),
    ],
)
async def test_a_problem_described_straight_away_is_offered_as_a_report(
    sandbox: SandboxClient, running_app: RunningApp, lang: str, text: str, topic: str, place: str | None
) -> None:
    """Not linked, no "complaint" word: the description, its topic and place are kept, and the
    reporter is asked only how to be answered, then what is still missing."""
    user = await sandbox.create_user("Visitor", language_code=LANG_CODES[lang])
    await sandbox.send_text(user.id, text)
    offer = await sandbox.wait_bot_message(user.id, contains=OPEN[lang]["how"], timeout=30)
    assert text in offer.plain_text and topic in offer.plain_text
    if place is not None:
        assert place in offer.plain_text
    await sandbox.press_button(user.id, offer.message_id, offer.callback_data_of(OPEN[lang]["anonymous"]))
    nxt = await sandbox.wait_bot_message(user.id)
    assert TEXTS[lang]["ask_topic"] not in nxt.plain_text  # the topic was guessed from the text


async def test_the_phone_limit_counts_across_accounts(bare_app: RunningApp) -> None:
    """One number verified from several Telegram accounts still files at most the phone limit."""
    services = services_of(bare_app)
    phone = f"138{random.randrange(10**7, 10**8)}"
    limit = services.settings.complaint_reports_per_phone
    for account in range(limit):
        user_id = 9_000_000_000 + random.randrange(10**6) * 100 + account
        assert (await reporter.report_limit(services, user_id=user_id, phone=phone)).allowed
        await reporter.count_report(services, user_id=user_id, phone=phone)
    refused = await reporter.report_limit(services, user_id=9_100_000_000 + random.randrange(10**6), phone=phone)
    assert not refused.allowed and refused.by == "phone"
    assert 0 < refused.wait_seconds <= services.settings.complaint_report_window
    keys = [k async for k in services.redis.scan_iter(match=services.keys.report_count("p", "*"))]
    assert keys and not any(phone in (k.decode() if isinstance(k, bytes) else k) for k in keys)
