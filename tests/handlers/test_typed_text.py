"""Typed text the bot answers by rule before the NLU reads it (issue 18): one identifier alone, a
keyboard mash, a button's label typed as text, and a stale reply-keyboard button."""

from __future__ import annotations

import pytest
from aiogram import Dispatcher
from aiogram.types import ReplyKeyboardRemove

from actions.identity import LOCK_SECONDS
from actions.services import Services
from nlu.client import NluResult
from storage.seed import DEMO_IDENTITIES
from tests.handlers.chat import Person, Replies, buttons
from tests.handlers.conftest import Bind, MakePerson
from tests.handlers.mocked_bot import MockedBot

ZHANG = DEMO_IDENTITIES[0]
NOT_UNDERSTOOD = "Sorry, I didn't understand that."


async def test_a_bare_id_number_is_recognised_not_small_talk(person: MakePerson, bind: Bind) -> None:
    alice = person()
    replies = await alice.send(ZHANG.id_number)
    assert replies.texts[0].startswith("That looks like an ID number.")
    assert "Goodbye" not in replies.text and ZHANG.id_number not in replies.text
    assert "🔐 Link my identity" in buttons(replies.last)
    # A mistyped one (wrong check digit) is still one; in Chinese too.
    wei = person(language_code="zh-hans")
    zh = await wei.send(ZHANG.id_number[:-1] + "0")
    assert zh.texts[0].startswith("这看起来是身份证号。")
    # Once linked: no need to type it, here is what to look up.
    await bind(alice, ZHANG)
    linked = await alice.send(ZHANG.id_number)
    assert linked.texts[0].startswith("That looks like an ID number. Your identity is already linked")
    assert "🪪 Driver's license" in buttons(linked.last)


async def test_a_bare_code_after_a_lock_out_says_until_when(person: MakePerson, services: Services) -> None:
    alice = person()
    replies = await alice.send("123456")
    assert replies.texts[0].startswith("That looks like a one-time code, but no code is waiting")
    await services.redis.set(services.keys.otp("bind", "lock", "u", alice.user.id), 1, ex=LOCK_SECONDS)
    locked = await alice.send("123456")
    assert locked.texts[0].startswith("Too many wrong codes: for your safety, linking is locked until ")
    assert "(another 15 min)" in locked.texts[0]


async def test_the_lock_out_is_said_at_once_when_linking_starts(person: MakePerson, services: Services) -> None:
    alice = person()
    await services.redis.set(services.keys.otp("bind", "lock", "u", alice.user.id), 1, ex=LOCK_SECONDS)
    menu = (await alice.send("/menu")).last
    section = (await alice.press(menu, "✏️ Information changes")).last
    replies = await alice.press(section, "🔐 Link my identity")
    assert replies.sent[-1].text is not None and replies.sent[-1].text.startswith("Too many wrong codes")
    assert "Link your identity (step 1 of 3)" not in replies.text  # the name is not asked for first


async def test_a_keyboard_mash_is_not_read_as_yes(person: MakePerson) -> None:
    replies = await person().send("asdfgh")
    assert replies.texts[0].startswith(NOT_UNDERSTOOD)
    assert "All right" not in replies.text


async def test_a_menu_label_typed_as_text_opens_it(person: MakePerson) -> None:
    wei = person(language_code="zh-hans")
    replies = await wei.send("常见问题")
    assert replies.texts == ["常见问题：请选择问题。"]
    assert len(buttons(replies.last)) >= 5
    section = await person().send("Information inquiry")
    assert section.texts == ["🔎 Information inquiry: what would you like to look up?"]


async def test_a_stale_share_location_button_is_answered_and_its_keyboard_removed(person: MakePerson) -> None:
    alice = person()
    replies = await alice.send("📍 Share my location")
    assert (
        replies.texts[0] == "That button belonged to a complaint form that is no longer open, so nothing was recorded."
    )
    assert replies.send_methods[0].reply_markup is not None
    assert replies.send_methods[0].reply_markup.remove_keyboard  # type: ignore[union-attr]
    assert "outside what I can help with" not in replies.text


WANG = DEMO_IDENTITIES[2]


async def open_place_question(who: Person) -> Replies:
    menu = (await who.send("/menu")).last
    section = (await who.press(menu, "💬 Consultations & complaints")).last
    opened = await who.press(section, "📝 File a complaint")
    asked = await who.press(opened.last, "Illegal parking")
    assert "Where did it happen?" in asked.text
    return asked


async def test_the_share_location_label_is_never_saved_as_the_place(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    await open_place_question(alice)
    replies = await alice.send("📍 Share my location")  # what Telegram Desktop sends for the button
    assert replies.texts[0].startswith("That is the button's label, not a place")
    assert "Place:" not in replies.text
    place = await alice.send("Renmin Road and Jiefang Road crossing")
    assert place.text.startswith("📍 Place: Renmin Road and Jiefang Road crossing")


async def test_an_expired_complaint_form_takes_its_reply_keyboard_away(
    person: MakePerson, bind: Bind, dp: Dispatcher, bot: MockedBot
) -> None:
    alice = person()
    await bind(alice, WANG)
    await open_place_question(alice)
    await dp.fsm.get_context(bot=bot, chat_id=alice.chat.id, user_id=alice.user.id).clear()  # form_ttl passed
    replies = await alice.send("Renmin Road")
    assert replies.texts[0].startswith("⌛ Your form “📝 File a complaint”")
    assert isinstance(replies.send_methods[0].reply_markup, ReplyKeyboardRemove)
    assert replies.texts[1] == "You can start again:"
    assert "🔄 Start again: 📝 File a complaint" in buttons(replies.last)


async def test_start_during_the_place_question_takes_the_reply_keyboard_away(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    await open_place_question(alice)
    replies = await alice.send("/start")
    assert replies.texts[0].startswith("Hello, Alice!")
    assert isinstance(replies.send_methods[0].reply_markup, ReplyKeyboardRemove)
    assert replies.texts[1] == "What can I help you with? Choose a service category:"


async def test_a_stale_end_chat_button_is_answered_and_its_keyboard_removed(person: MakePerson) -> None:
    replies = await person().send("✖️ End chat")
    assert replies.texts == [
        "The chat with a person has already ended. I'm the assistant again.",
        "What can I help you with? Choose a service category:",
    ]
    assert isinstance(replies.send_methods[0].reply_markup, ReplyKeyboardRemove)


def nlu_says(monkeypatch: pytest.MonkeyPatch, services: Services, intent: str, confidence: float = 0.95) -> None:
    """The NLU model answers ``intent`` for any text (as Rasa did for a bare ID number: "goodbye")."""

    async def parse(text: str) -> NluResult:
        return NluResult(text=text, intent=intent, confidence=confidence, ranking=((intent, confidence),), entities=())

    assert services.nlu is not None
    monkeypatch.setattr(services.nlu, "parse", parse)


async def test_rules_answer_before_a_confident_wrong_intent(
    person: MakePerson, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = person()
    nlu_says(monkeypatch, services, "goodbye")
    assert (await alice.send("see you")).texts == ["Goodbye, and drive safely!"]  # the model is used ...
    replies = await alice.send(ZHANG.id_number)  # ... but not for what it must not guess
    assert replies.texts[0].startswith("That looks like an ID number.")
    nlu_says(monkeypatch, services, "affirm")
    assert (await alice.send("asdfgh")).texts[0].startswith(NOT_UNDERSTOOD)
    assert (await alice.send("常见问题")).texts == ["常见问题：请选择问题。"]  # replies follow the script


async def test_the_exam_answer_for_a_city_named_says_so(
    person: MakePerson, bind: Bind, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = person()
    await bind(alice, WANG)  # licensed in Guangzhou, asking about Shenzhen
    nlu_says(monkeypatch, services, "faq_health_exam")
    text = (await alice.send("Where can I have the driver's physical exam in Shenzhen?")).text
    assert "In Shenzhen, the city you asked about: designated hospitals do driver physical exams" in text
    assert "141" not in text and "Guangzhou" not in text
    wei = person(language_code="zh-hans")
    zh = (await wei.send("北京哪里可以做驾驶人体检")).text
    assert "您询问的北京：共有 141 家社区（乡镇）医院" in zh
