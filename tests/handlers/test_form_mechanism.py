"""Every form runs on bot/forms.py: a /command is never taken as an answer, a button of a form
that is no longer open is answered one way, and dispatchers built side by side share nothing."""

from __future__ import annotations

from aiogram.types import User

from actions.services import Services
from bot.factory import build_dispatcher
from bot.ui.callbacks import CplCb
from storage.models import ComplaintTopic
from storage.seed import DEMO_IDENTITIES
from tests.handlers.chat import Person, Replies
from tests.handlers.conftest import Bind, MakePerson
from tests.handlers.mocked_bot import MockedBot

WANG = DEMO_IDENTITIES[2]
UNKNOWN = "I don't know the command /weather. Try /menu for the services or /help for how to use me."
OUTDATED = "This form has expired or was already submitted. Please start again from the menu."


async def open_feature(who: Person, section: str, title: str) -> Replies:
    menu = (await who.send("/menu")).last
    opened = (await who.press(menu, section)).last
    return await who.press(opened, title)


async def test_a_command_is_not_a_complaint_description(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    opened = await open_feature(alice, "💬 Consultations & complaints", "📝 File a complaint")
    await alice.press(opened.last, "Illegal parking")
    asked = await alice.send("Renmin Road and Jiefang Road crossing")
    assert "Please describe what happened" in asked.text
    assert (await alice.send("/weather")).texts == [UNKNOWN]
    photos = await alice.send("A van has been parked on the pavement for three days, people walk on the road.")
    assert photos.texts == ["You may add up to 5 photos: send them now, or skip."]


async def test_a_command_is_not_a_plate_nor_a_ticket_number(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    listing = await open_feature(alice, "🔎 Information inquiry", "🚗 My vehicles")
    asked = await alice.press(listing.last, "➕ Add another vehicle")
    assert "type its plate" in asked.text
    assert (await alice.send("/weather")).texts == [UNKNOWN]
    assert "I and O are not used" in (await alice.send("京A1234I")).text  # still the plate question
    mine = await open_feature(alice, "💬 Consultations & complaints", "📂 My complaints")
    asked = await alice.press(mine.last, "🔎 Find by ticket number")
    assert asked.texts == ["Please send the ticket number, e.g. C261121-0042."]
    assert (await alice.send("/weather")).texts == [UNKNOWN]
    assert (await alice.send("C261121-0042")).text.startswith("I found no complaint of yours with the number")


async def test_a_button_of_a_form_no_longer_open(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, WANG)
    opened = await open_feature(alice, "💬 Consultations & complaints", "📝 File a complaint")
    cancelled = await alice.press(opened.last, "❌ Cancel")
    assert cancelled.texts == ["Complaint cancelled. Nothing was submitted."]
    stale = await alice.press_data(opened.last, CplCb(action="topic", value=ComplaintTopic.ILLEGAL_PARKING.value))
    assert stale.texts == [OUTDATED]
    assert [a.show_alert for a in stale.answers] == [None]


async def test_dispatchers_built_side_by_side(services: Services, bot: MockedBot) -> None:
    first, second = build_dispatcher(services), build_dispatcher(services)
    for n, dp in enumerate((first, second)):
        user = User(id=719_000_001 + n, is_bot=False, first_name="Alice", language_code="en")
        who = Person(dp=dp, bot=bot, user=user, error_texts=frozenset())
        assert (await who.send("/start")).text.startswith("Hello, Alice!")
