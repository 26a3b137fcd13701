"""Identity binding, /unbind and information changes, driven as a citizen through the sandbox
(the one-time code is read from the sandbox's SMS phone panel)."""

from __future__ import annotations

import asyncio
import re

import pytest

from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import Citizen
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of
from tests.e2e.helpers import press

pytestmark = pytest.mark.e2e

ZHANG, LI, WANG, LIU, CHEN, YANG, ZHAO, HUANG = DEMO_IDENTITIES


async def new_code(sb: SandboxClient, phone: str, seen: int, timeout: float = 10.0) -> str:
    """The code of the first SMS to `phone` after the `seen` ones already there."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        messages = await sb.sms(phone)
        if len(messages) > seen:
            match = re.search(r"\b(\d{6})\b", str(messages[0]["text"]))
            assert match, messages[0]
            return match.group(1)
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"no new SMS within {timeout}s")
        await asyncio.sleep(0.1)


async def say(sb: SandboxClient, user: SandboxUser, text: str) -> ChatMessage:
    await sb.send_text(user.id, text)
    return await sb.wait_bot_message(user.id)


async def choose_language(sb: SandboxClient, user: SandboxUser, lang: str) -> None:
    """Pin the reply language (otherwise a Chinese name typed in an English chat switches it)."""
    choose = await say(sb, user, "/language")
    await press(sb, user, choose, "English" if lang == "en" else "中文")


async def start_bind(sb: SandboxClient, user: SandboxUser, lang: str) -> ChatMessage:
    await choose_language(sb, user, lang)
    menu = await say(sb, user, "/menu")
    section = await press(sb, user, menu, "✏️ Information changes" if lang == "en" else "✏️ 信息变更")
    return await press(sb, user, section, "🔐 Link my identity" if lang == "en" else "🔐 绑定身份")


async def test_binding_happy_path_in_english(sb: SandboxClient) -> None:
    user = await sb.create_user("Ann", language_code="en")
    ask = await start_bind(sb, user, "en")
    assert "full name" in ask.plain_text
    assert "ID number" in (await say(sb, user, ZHANG.name)).plain_text
    seen = len(await sb.sms(ZHANG.phone))
    sent = await say(sb, user, ZHANG.id_number)
    assert "If the name and ID number match our records" in sent.plain_text
    code = await new_code(sb, ZHANG.phone, seen)
    done = await say(sb, user, code)
    assert "Done" in done.plain_text and "张*" in done.plain_text and "110102********2939" in done.plain_text
    assert ZHANG.id_number not in done.plain_text


async def test_binding_in_chinese_with_bad_input_sticker_and_full_width_code(sb: SandboxClient) -> None:
    user = await sb.create_user("李", language_code="zh-hans")
    await start_bind(sb, user, "zh")
    assert "身份证号" in (await say(sb, user, LI.name)).plain_text
    await sb.send_sticker(user.id)
    assert "请" in (await sb.wait_bot_message(user.id)).plain_text  # the form is kept
    bad = await say(sb, user, LI.id_number[:-1] + ("0" if LI.id_number[-1] != "0" else "1"))
    assert "最后一位" in bad.plain_text or "不匹配" in bad.plain_text or "校验" in bad.plain_text, bad.plain_text
    short = await say(sb, user, "12345")
    assert "18" in short.plain_text and "11010519491231002X" in short.plain_text
    seen = len(await sb.sms(LI.phone))
    assert "验证码" in (await say(sb, user, LI.id_number)).plain_text
    code = await new_code(sb, LI.phone, seen)
    assert "6 位数字" in (await say(sb, user, "abc")).plain_text
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    done = await say(sb, user, full_width)
    assert "绑定成功" in done.plain_text


async def test_unknown_identity_gets_the_same_answer_and_no_sms(sb: SandboxClient) -> None:
    user = await sb.create_user("Stranger", language_code="en")
    await start_bind(sb, user, "en")
    await say(sb, user, "Wang Wu")
    before = len(await sb.sms())
    unknown = await say(sb, user, "11010519491231002X")
    assert "If the name and ID number match our records" in unknown.plain_text
    wrong = await say(sb, user, "123456")
    assert "not right" in wrong.plain_text and "4 more tries" in wrong.plain_text
    # A real ID number with a wrong name: the same answer, still no SMS sent anywhere.
    other = await sb.create_user("Stranger2", language_code="en")
    await start_bind(sb, other, "en")
    await say(sb, other, "Wang Wu")
    same = await say(sb, other, WANG.id_number)
    assert same.plain_text == unknown.plain_text
    assert len(await sb.sms()) == before


async def test_wrong_codes_lock_out_for_15_minutes(sb: SandboxClient, app: RunningApp) -> None:
    # A non-demo person: the demo identities are shared with other tests and must not be locked.
    demo = [d.id_number for d in DEMO_IDENTITIES]
    doc = await services_of(app).repos.citizens.collection.find_one(
        {"_id": {"$nin": demo}, "telegram": {"$exists": False}, "name": {"$regex": "^[^A-Za-z]+$"}}, skip=17
    )
    assert doc is not None
    person = Citizen.from_doc(doc)
    user = await sb.create_user("Mallory", language_code="en")
    await start_bind(sb, user, "en")
    await say(sb, user, person.name)
    seen = len(await sb.sms(person.phone))
    await say(sb, user, person.id_number)
    code = await new_code(sb, person.phone, seen)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert f"{left} more tr" in (await say(sb, user, wrong)).plain_text
    locked = await say(sb, user, wrong)
    assert "linking is locked until" in locked.plain_text and "another 15 min" in locked.plain_text
    # The form is over: the right code is not checked, and linking again is refused at once, with
    # the time it opens again (not after the name and ID number are typed once more).
    assert "not checked" in (await say(sb, user, code)).plain_text
    again = await start_bind(sb, user, "en")
    assert "locked until" in again.plain_text, again.plain_text
    assert await services_of(app).repos.citizens.by_telegram_user(user.id) is None


async def test_rebinding_notifies_the_old_account_and_unbind(sb: SandboxClient, app: RunningApp) -> None:
    old = await sb.create_user("OldPhone", language_code="zh-hans")
    await bind_directly(app, old, HUANG.id_number, language="zh")
    new = await sb.create_user("NewPhone", language_code="en")
    await start_bind(sb, new, "en")
    await say(sb, new, HUANG.name)
    seen = len(await sb.sms(HUANG.phone))
    await say(sb, new, HUANG.id_number)
    done = await say(sb, new, await new_code(sb, HUANG.phone, seen))
    assert "Done" in done.plain_text
    notice = await sb.wait_bot_message(old.id)
    assert "另一个 Telegram 账号" in notice.plain_text
    assert await services_of(app).repos.citizens.by_telegram_user(old.id) is None

    confirm = await say(sb, new, "/unbind")
    assert "Unlink" in confirm.plain_text and "黄*" in confirm.plain_text
    unbound = await press(sb, new, confirm, "Yes, unlink")
    assert "no longer linked" in unbound.plain_text
    assert await services_of(app).repos.citizens.by_telegram_user(new.id) is None
    assert "not linked" in (await say(sb, new, "/unbind")).plain_text


async def test_cancel_leaves_the_binding_form(sb: SandboxClient) -> None:
    user = await sb.create_user("Quitter", language_code="en")
    await start_bind(sb, user, "en")
    assert "Cancelled" in (await say(sb, user, "/cancel")).plain_text
    assert "nothing to cancel" in (await say(sb, user, "/cancel")).plain_text


async def test_already_bound_is_told_so(sb: SandboxClient, app: RunningApp) -> None:
    user = await sb.create_user("Bound", language_code="en")
    await bind_directly(app, user, CHEN.id_number)
    reply = await start_bind(sb, user, "en")
    assert "is linked to" in reply.plain_text and "Link a different identity" in str(reply.buttons)


async def test_address_change_in_chinese(sb: SandboxClient, app: RunningApp) -> None:
    user = await sb.create_user("刘", language_code="zh-hans")
    await bind_directly(app, user, LIU.id_number, language="zh")
    menu = await say(sb, user, "/menu")
    section = await press(sb, user, menu, "✏️ 信息变更")
    ask = await press(sb, user, section, "🏠 邮寄地址")
    assert "当前登记的邮寄地址" in ask.plain_text
    assert "太短" in (await say(sb, user, "拉萨")).plain_text
    assert "邮政编码" in (await say(sb, user, "拉萨市城关区北京中路 12号 3栋 201室")).plain_text
    assert "6 位数字" in (await say(sb, user, "85000")).plain_text
    saved = await say(sb, user, "850000")
    assert "已保存" in saved.plain_text and "850000" in saved.plain_text
    citizen = await services_of(app).repos.citizens.by_id_number(LIU.id_number)
    assert citizen is not None and citizen.postal_code == "850000"
    assert citizen.mailing_address == "拉萨市城关区北京中路 12号 3栋 201室"


async def test_phone_change_is_verified_on_the_new_number(sb: SandboxClient, app: RunningApp) -> None:
    user = await sb.create_user("Zhao", language_code="en")
    await bind_directly(app, user, ZHAO.id_number)
    menu = await say(sb, user, "/menu")
    section = await press(sb, user, menu, "✏️ Information changes")
    ask = await press(sb, user, section, "📱 Phone number")
    assert ZHAO.phone[:3] + "****" + ZHAO.phone[-4:] in ask.plain_text
    assert "11 digits" in (await say(sb, user, "12345")).plain_text
    assert "already the number" in (await say(sb, user, ZHAO.phone)).plain_text
    new_phone = "13700001234"
    sent = await say(sb, user, "+86 137-0000-1234")
    assert "137****1234" in sent.plain_text
    code = await new_code(sb, new_phone, 0)
    await sb.send_text(user.id, code)
    # (a push reminder about the expiring license may arrive in between: wait for the answer)
    saved = await sb.wait_bot_message(user.id, contains="Your mobile number is now")
    assert "137****1234" in saved.plain_text
    citizen = await services_of(app).repos.citizens.by_id_number(ZHAO.id_number)
    assert citizen is not None and citizen.phone == new_phone


async def test_changes_need_binding_first(sb: SandboxClient) -> None:
    user = await sb.create_user("Nobody", language_code="en")
    menu = await say(sb, user, "/menu")
    section = await press(sb, user, menu, "✏️ Information changes")
    reply = await press(sb, user, section, "🏠 Mailing address")
    assert "link your identity" in reply.plain_text


async def test_a_chinese_name_typed_in_an_english_form_keeps_the_form_in_english(sb: SandboxClient) -> None:
    user = await sb.create_user("Tom", language_code="en")
    ask = await say(sb, user, "I want to link my driver license")  # free text, no /language
    if "full name" not in ask.plain_text:  # without NLU the menu leads there
        menu = await say(sb, user, "/menu")
        section = await press(sb, user, menu, "✏️ Information changes")
        ask = await press(sb, user, section, "🔐 Link my identity")
    assert "full name" in ask.plain_text
    assert "ID number" in (await say(sb, user, ZHANG.name)).plain_text  # still English
