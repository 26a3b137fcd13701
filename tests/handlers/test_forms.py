"""Forms through the real dispatcher: linking an identity (its first steps), filing a complaint up
to the ticket number, and what /commands, /cancel and stickers do in the middle of a form."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import ReplyKeyboardRemove

from actions.complaints import own_complaint
from actions.services import Services
from storage.seed import DEMO_IDENTITIES
from tests.handlers.chat import Person, Replies, button_rows, buttons
from tests.handlers.conftest import Bind, MakePerson
from tests.handlers.mocked_bot import MockedBot

ZHANG, LI, WANG = DEMO_IDENTITIES[0], DEMO_IDENTITIES[1], DEMO_IDENTITIES[2]
TICKET = re.compile(r"C\d{6}-\d{4,}")
ASK_NAME = "Link your identity (step 1 of 3)\nPlease write your full name as on your ID card, e.g. 张伟."
ASK_ID = "Link your identity (step 2 of 3)"


async def open_feature(who: Person, section: str, title: str) -> Replies:
    """/menu, the ``section`` button, then the feature's ``title`` button: what the feature did."""
    menu = (await who.send("/menu")).last
    opened = (await who.press(menu, section)).last
    return await who.press(opened, title)


async def start_binding(who: Person) -> Replies:
    return await open_feature(who, "✏️ Information changes", "🔐 Link my identity")


async def test_binding_starts_by_asking_for_the_name(person: MakePerson) -> None:
    alice = person()
    replies = await start_binding(alice)
    assert replies.sent[-1].text is not None and replies.sent[-1].text.startswith(ASK_NAME)
    # A Chinese name typed into the English form keeps the form in English.
    replies = await alice.send("张伟")
    assert replies.text.startswith(ASK_ID) and "18 characters" in replies.text
    replies = await alice.send("12345")
    assert replies.texts == [
        (
            "An ID number has 18 characters; the last one is a digit or X. Example: 11010519491231002X\n"
            "Please type the ID number again (or /cancel)."
        )
    ]


async def test_binding_in_chinese(person: MakePerson) -> None:
    wei = person(language_code="zh-hans")
    replies = await open_feature(wei, "✏️ 信息变更", "🔐 绑定身份")
    assert replies.text.startswith("绑定身份（第 1 步，共 3 步）\n请输入与身份证一致的姓名")
    assert (await wei.send("张伟")).text.startswith("绑定身份（第 2 步，共 3 步）")


async def test_a_command_typed_in_the_binding_form_is_not_taken_as_the_name(person: MakePerson) -> None:
    alice = person()
    await start_binding(alice)
    replies = await alice.send("/weather")
    assert ASK_ID not in replies.text
    assert replies.texts == [
        "I don't know the command /weather. Try /menu for the services or /help for how to use me."
    ]
    help_text = await alice.send("/help")
    assert help_text.text.startswith("How to use this assistant")
    assert (await alice.send("Zhang Wei")).text.startswith(ASK_ID)  # the form was still waiting for the name


async def test_cancel_leaves_the_binding_form(person: MakePerson) -> None:
    alice = person()
    await start_binding(alice)
    replies = await alice.send("/cancel")
    assert replies.texts == ["Cancelled. Nothing was submitted. Here is the menu:"]
    assert buttons(replies.last)[0] == "🔎 Information inquiry"
    after = await alice.send("Zhang Wei")
    assert ASK_ID not in after.text and "can't read free text right now" in after.text
    assert (await alice.send("/cancel")).texts == ["There is nothing to cancel. Here is the menu:"]


async def test_start_drops_an_open_form(person: MakePerson) -> None:
    alice = person()
    await start_binding(alice)
    assert (await alice.send("/start")).text.startswith("Hello, Alice!")
    assert ASK_ID not in (await alice.send("Zhang Wei")).text


async def test_a_sticker_in_a_form_keeps_the_form(person: MakePerson) -> None:
    alice = person()
    await start_binding(alice)
    replies = await alice.send_sticker()
    assert replies.texts == [
        "Your form is still open: please answer the question above as text (or /cancel to leave it)."
    ]
    assert (await alice.send("Zhang Wei")).text.startswith(ASK_ID)


EXPIRED = {
    "en": (
        "⌛ Your form “🔐 Link my identity” was left unanswered for more than {minutes} min and has expired. "
        "Nothing was submitted. You can start again:"
    ),
    "zh": "⌛ 您填写的“🔐 绑定身份”超过 {minutes} 分钟没有回复，已过期，未提交任何内容。您可以重新开始：",
}
RESTART = {"en": "🔄 Start again: 🔐 Link my identity", "zh": "🔄 重新开始：🔐 绑定身份"}
STEP_ONE = {"en": "Link your identity (step 1 of 3)", "zh": "绑定身份（第 1 步，共 3 步）"}
NAME = {"en": "Zhang Wei", "zh": "张伟"}
NLU_DOWN = {"en": "I can't read free text right now", "zh": "暂时无法识别文字消息"}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_an_expired_form_is_announced_once_with_a_restart_button(
    lang: str, person: MakePerson, dp: Dispatcher, bot: MockedBot, services: Services
) -> None:
    who = person(language_code="zh-hans" if lang == "zh" else "en")
    if lang == "zh":
        await open_feature(who, "✏️ 信息变更", "🔐 绑定身份")
    else:
        await start_binding(who)
    # What Redis does to the form's state and data after settings.form_ttl of silence:
    await dp.fsm.get_context(bot=bot, chat_id=who.chat.id, user_id=who.user.id).clear()
    replies = await who.send(NAME[lang])
    assert replies.texts == [EXPIRED[lang].format(minutes=services.settings.form_ttl // 60)]
    assert button_rows(replies.last.reply_markup)[0] == [RESTART[lang]]
    assert (await who.send(NAME[lang])).text.startswith(NLU_DOWN[lang])  # told once, not at every message
    again = await who.press(replies.last, RESTART[lang])
    assert again.sent[-1].text is not None and again.sent[-1].text.startswith(STEP_ONE[lang])


async def test_unbind_when_nothing_is_linked(person: MakePerson) -> None:
    replies = await person().send("/unbind")
    assert replies.texts == ["This Telegram account is not linked to an identity."]
    assert buttons(replies.last) == ["🔐 Link my identity"]


async def test_unbind_asks_first_then_unlinks(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, ZHANG)
    confirm = await alice.send("/unbind")
    assert confirm.text.startswith("Unlink 张* (ID 110102********2939) from this Telegram account?")
    assert buttons(confirm.last) == ["Yes, unlink", "No, keep it"]
    done = await alice.press(confirm.last, "Yes, unlink")
    assert done.sent[-1].text == "Done: this Telegram account is no longer linked to your identity."
    assert (await alice.send("/unbind")).texts == ["This Telegram account is not linked to an identity."]


# --- complaints ------------------------------------------------------------------------------------


async def start_complaint(who: Person) -> Replies:
    return await open_feature(who, "💬 Consultations & complaints", "📝 File a complaint")


async def test_filing_a_complaint_up_to_the_ticket_number(person: MakePerson, bind: Bind, services: Services) -> None:
    alice = person()
    citizen = await bind(alice, WANG)
    opened = await start_complaint(alice)
    assert opened.text.startswith("📝 File a complaint — a few short questions; /cancel leaves at any time")
    assert opened.text.endswith("What is the complaint about? Choose a topic:")
    topics = buttons(opened.last)
    assert "Illegal parking" in topics and topics[-1] == "❌ Cancel"

    topic = await alice.press(opened.last, "Illegal parking")
    assert topic.text == (
        "Topic: Illegal parking\nWhere did it happen? Type the street, crossing or landmark, "
        "or press “📍 Share my location”."
    )
    [ask_place] = topic.send_methods
    assert button_rows(ask_place.reply_markup) == [["📍 Share my location"]]  # a reply keyboard
    assert buttons(alice.current(opened.last)) == [], "the topic buttons are taken away once used"

    place = await alice.send("Renmin Road and Jiefang Road crossing")
    [asked] = place.texts
    assert asked.startswith(
        "📍 Place: Renmin Road and Jiefang Road crossing\nPlease describe what happened (10 to 2,000 characters)"
    )
    assert isinstance(place.send_methods[0].reply_markup, ReplyKeyboardRemove)  # the location button goes

    photos = await alice.send("A van has been parked on the pavement for three days, people walk on the road.")
    assert photos.texts == ["You may add up to 5 photos: send them now, or skip."]
    assert buttons(photos.last) == ["⏭ Skip photos", "❌ Cancel"]

    summary = await alice.press(photos.last, "⏭ Skip photos")
    text = summary.last.text or ""
    assert text.startswith("Please check your complaint\nTopic: Illegal parking\nPlace: Renmin Road and Jiefang Road")
    assert "A van has been parked on the pavement" in text
    assert button_rows(summary.last.reply_markup) == [["✅ Submit"], ["✏️ Edit a field", "❌ Cancel"]]

    filed = await alice.press(summary.last, "✅ Submit")
    assert filed.last.text is not None and filed.last.text.startswith("✅ Your complaint is registered.")
    found = TICKET.search(filed.last.text)
    assert found is not None
    stored = await own_complaint(services, citizen, found.group(0))
    assert stored is not None and stored.place_text == "Renmin Road and Jiefang Road crossing"
    assert buttons(filed.last) == ["📄 View the complaint", "📂 My complaints", "📋 Menu"]  # the flow ends: a way back
    assert (await alice.send("/cancel")).texts == ["There is nothing to cancel. Here is the menu:"]


async def test_filing_a_complaint_in_chinese_up_to_the_summary(person: MakePerson, bind: Bind) -> None:
    wei = person(language_code="zh-hans")
    await bind(wei, LI)
    opened = await open_feature(wei, "💬 咨询投诉", "📝 我要投诉")
    assert opened.text.endswith("请问投诉什么问题？请选择类型：")
    topic = await wei.press(opened.last, "违法停车")
    assert topic.text.startswith("投诉类型：违法停车\n事情发生在哪里？")
    place = await wei.send("人民路与解放路交叉口")
    assert place.text.startswith("📍 地点：人民路与解放路交叉口\n请描述具体情况（10 到 2,000 个字）")
    photos = await wei.send("一辆货车在人行道上停了三天，行人只能走机动车道，非常危险。")
    assert photos.texts == ["您可以上传最多 5 张照片：现在发送，或跳过。"]
    summary = await wei.press(photos.last, "⏭ 不上传照片")
    assert (summary.last.text or "").startswith("请核对您的投诉\n类型：违法停车\n地点：人民路与解放路交叉口")
    assert button_rows(summary.last.reply_markup)[0] == ["✅ 提交"]


async def test_a_command_typed_in_the_complaint_form_is_not_taken_as_an_answer(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    opened = await start_complaint(alice)
    await alice.press(opened.last, "Illegal parking")
    replies = await alice.send("/weather")
    assert "Place: /weather" not in replies.text and "describe what happened" not in replies.text
    help_text = await alice.send("/help")
    assert help_text.text.startswith("How to use this assistant")
    place = await alice.send("Renmin Road")
    assert place.text.startswith("📍 Place: Renmin Road\nPlease describe")  # the form still waited for the place


async def open_vehicle_add(who: Person) -> None:
    vehicles = await open_feature(who, "🔎 Information inquiry", "🚗 My vehicles")
    asked = await who.press(vehicles.last, "➕ Add another vehicle")
    assert asked.texts == ["Which vehicle? Please type its plate, e.g. 京A12345 (or /cancel)."]


async def open_ticket_lookup(who: Person) -> None:
    mine = await open_feature(who, "💬 Consultations & complaints", "📂 My complaints")
    asked = await who.press(mine.last, "🔎 Find by ticket number")
    assert asked.texts == ["Please send the ticket number, e.g. C261121-0042."]


async def open_complaint_place(who: Person) -> None:
    opened = await start_complaint(who)
    asked = await who.press(opened.last, "Illegal parking")
    assert "Where did it happen?" in asked.text


@pytest.mark.parametrize("open_form", [open_vehicle_add, open_ticket_lookup, open_complaint_place])
async def test_no_form_takes_a_command_as_its_answer(
    open_form: Callable[[Person], Awaitable[None]], person: MakePerson, bind: Bind
) -> None:
    alice = person()
    await bind(alice, ZHANG)
    await open_form(alice)
    replies = await alice.send("/weather")
    assert replies.texts == [
        "I don't know the command /weather. Try /menu for the services or /help for how to use me."
    ]
    # The form is still open: /cancel leaves it.
    assert (await alice.send("/cancel")).texts[0].startswith("Cancelled. Nothing was submitted.")


async def test_cancel_in_the_middle_of_a_complaint(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    opened = await start_complaint(alice)
    await alice.press(opened.last, "Illegal parking")
    replies = await alice.send("/cancel")
    # The place question's reply keyboard ("📍 Share my location") goes with the form, then the menu.
    assert replies.texts == [
        "Cancelled. Nothing was submitted.",
        "What can I help you with? Choose a service category:",
    ]
    assert isinstance(replies.send_methods[0].reply_markup, ReplyKeyboardRemove)
    after = await alice.send("Renmin Road")
    assert "Place:" not in after.text and "can't read free text right now" in after.text


async def test_the_complaint_forms_own_cancel_button(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    opened = await start_complaint(alice)
    replies = await alice.press(opened.last, "❌ Cancel")
    assert replies.sent[-1].text == "Complaint cancelled. Nothing was submitted."
    assert buttons(replies.sent[-1])[0] == "🔎 Information inquiry"


async def test_filing_without_a_linked_identity_asks_how_to_answer(person: MakePerson) -> None:
    """Anyone can report (issue 15): no ID asked; a verified phone, or anonymous (no answer)."""
    replies = await start_complaint(person())
    text = replies.sent[-1].text or ""
    assert "no ID card or passport is needed. How should we answer you?" in text
    assert "To see your personal information" not in text
    assert buttons(replies.sent[-1]) == [
        "📱 Verify a phone number",
        "🕶 Report anonymously (no answer)",
        "🔐 Link my identity",
        "❌ Cancel",
    ]


async def test_a_telegram_error_mid_form_is_told_and_the_form_is_kept(
    person: MakePerson, bind: Bind, bot: MockedBot
) -> None:
    """Telegram refusing the bot's answer (here: "message is too long") used to be swallowed: the
    citizen saw nothing. Now they are told, and what they filled in is still there."""
    alice = person()
    await bind(alice, WANG)
    await open_complaint_place(alice)
    bot.add_result_for(SendMessage, ok=False, error_code=400, description="Bad Request: message is too long")
    replies = await alice.send("Renmin Road and Jiefang Road")
    assert replies.texts[-1] == (
        "Sorry, something went wrong on our side. Please try again; if it keeps happening, /menu has other ways "
        "to reach us.\nWhat you have filled in so far is kept: answer again, or /cancel to leave the form."
    )
    again = await alice.send("A grey van blocks the crossing every morning")  # the form goes on
    assert again.text == "You may add up to 5 photos: send them now, or skip."
