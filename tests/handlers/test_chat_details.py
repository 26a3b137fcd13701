"""Details a citizen notices (issue 18): the "/" command menu follows /language, /help lists every
command, a 👍 sticker is thanks, a photo outside a form can become a report, rating buttons."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Dispatcher
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat, PhotoSize, User

from actions import complaints
from actions.complaints import ComplaintDraft
from actions.services import Services
from core.language import Language
from messenger.citizen_link import HandoffCb
from storage.models import ComplaintTopic, Handoff, HandoffState
from storage.seed import DEMO_IDENTITIES
from tests.handlers.chat import Person, buttons
from tests.handlers.conftest import Bind, MakePerson
from tests.handlers.mocked_bot import MockedBot

WANG = DEMO_IDENTITIES[2]


async def test_the_command_menu_follows_the_language_chosen(person: MakePerson) -> None:
    alice = person()
    choose = await alice.send("/language")
    chinese = await alice.press(choose.last, "中文")
    [call] = [m for m in chinese.methods if isinstance(m, SetMyCommands)]
    assert call.scope == BotCommandScopeChat(chat_id=alice.chat.id)  # this chat, whatever the client's language
    descriptions = {c.command: c.description for c in call.commands}
    assert descriptions["menu"] == "主菜单" and descriptions["help"] == "使用说明"
    english = await alice.press(choose.last, "English")
    [back] = [m for m in english.methods if isinstance(m, SetMyCommands)]
    assert {c.command: c.description for c in back.commands}["menu"] == "Main menu"


async def closed_handoff(services: Services, who: Person) -> str:
    now = datetime.now(UTC)
    handoff = Handoff(
        chat_id=who.chat.id, user_id=who.user.id, language=Language.EN, state=HandoffState.CLOSED, created_at=now
    )
    await services.repos.handoffs.collection.insert_one(handoff.to_doc())
    return handoff.id


async def test_a_low_rating_of_a_person_asks_what_went_wrong(person: MakePerson, services: Services) -> None:
    alice = person()
    handoff_id = await closed_handoff(services, alice)
    menu = (await alice.send("/menu")).last
    asked = await alice.press_data(menu, HandoffCb(action="rate", id=handoff_id, n=2))
    assert asked.texts == ["Thank you for your rating, and sorry we did not help enough. What went wrong?"]
    assert buttons(asked.last)[0] == "My problem is not solved"
    noted = await alice.press(asked.last, "I waited too long")
    assert noted.sent[-1].text is not None and noted.sent[-1].text.startswith(
        "Thank you: your answer goes to the supervisors"
    )
    stored = await services.repos.handoffs.by_id(handoff_id)
    assert stored is not None and stored.rating == 2
    assert [(n.author, n.text) for n in stored.notes] == [("citizen", "2★: I waited too long")]
    # A good rating is only thanked, with one way back to the menu.
    other = await closed_handoff(services, alice)
    good = await alice.press_data(menu, HandoffCb(action="rate", id=other, n=4))
    assert good.texts == ["Thank you for your rating!"] and buttons(good.last) == ["📋 Menu"]


async def test_a_photo_outside_a_form_offers_a_report_with_it(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    photo = [PhotoSize(file_id="photo-of-a-van", file_unique_id="p1", width=800, height=600)]
    offered = await alice.feed(alice.message_update(photo=photo))
    assert offered.texts[0].startswith("I can't read photos on their own. Would you like to file a report")
    started = await alice.press(offered.last, "📝 File a report with this photo")
    assert "• Photos: 1 attached" in started.text and "What is the complaint about?" in started.text


async def test_the_greeting_uses_the_full_name(dp: Dispatcher, bot: MockedBot) -> None:
    user = User(id=719_100_001, is_bot=False, first_name="明", last_name="王", language_code="zh-hans")
    wang = Person(dp=dp, bot=bot, user=user, error_texts=frozenset())
    assert (await wang.send("/start")).text.startswith("王明，您好！")


async def test_a_new_complaint_reads_one_term_in_chinese(person: MakePerson, bind: Bind, services: Services) -> None:
    wei = person(language_code="zh-hans")
    citizen = await bind(wei, WANG)
    draft = ComplaintDraft(
        topic=ComplaintTopic.ROAD_FACILITIES,
        place_text="建国路与东三环交叉口",
        description="红绿灯已经坏了一个星期，路口很危险。",
        photos_done=True,
    )
    complaint = await complaints.submit(services, citizen, draft, chat_id=wei.chat.id, language=Language.ZH)
    menu = (await wei.send("/menu")).last
    listing = await wei.press_go(menu, "my_complaints")
    line = next(t for t in listing.text.splitlines() if complaint.ticket_id in t)
    assert line.endswith("· 待受理")
    assert "· 应于 " in listing.text and "前受理" in listing.text and "确认受理" not in listing.text
