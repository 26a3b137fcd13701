"""Every submission exactly once from the citizen's point of view (issue 11, finding 1).

The process dies (``Crash``: nothing after it runs, as with SIGKILL) at the instant right after
the durable write, or while the answer is being sent; after the restart Telegram delivers the
same update again (the dead process's claim on it ran out). The citizen is then told once what
was stored, nothing is filed twice, and /cancel or a Submit pressed after the form was lost tell
the truth: "already submitted, here it is", or plainly "nothing was submitted".

These tests write (applications, reviews, authorisations, ratings), so they run on a demo
database of their own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.enums import ParseMode
from aiogram.methods import AnswerCallbackQuery, SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Message, Update

from actions import complaints
from actions.complaints import ComplaintDraft
from actions.services import Services, today_of
from bot import forms
from bot.factory import attach_bot_middlewares
from core.language import Language
from storage.models import Citizen, ComplaintTopic, DriverLicense
from storage.repositories import (
    ApplicationRepository,
    ComplaintRepository,
    ELicenseRepository,
    HandoffRepository,
    Repositories,
    VehicleRepository,
)
from storage.seed import DEMO_IDENTITIES
from tests.conftest import demo_database
from tests.handlers.chat import Person, Replies, callback_data_of
from tests.handlers.conftest import Bind, MakePerson
from tests.handlers.mocked_bot import MockedBot, plain

ZHANG, LI, WANG, YANG = DEMO_IDENTITIES[0], DEMO_IDENTITIES[1], DEMO_IDENTITIES[2], DEMO_IDENTITIES[5]
TICKET = re.compile(r"C\d{6}-\d{4,}")
FILED = "✅ Your complaint is registered."
ALREADY = "ℹ️ This was already submitted (once: nothing was filed twice)."
CANCEL_SUBMITTED = "ℹ️ Nothing to cancel: this was already submitted."
NOT_SUBMITTED = "Nothing was submitted: this form is no longer open. Please start again from the menu."
NOTHING_TO_CANCEL = "There is nothing to cancel. Here is the menu:"

STALE_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"

_IDS = itertools.count(880_000_001)


@pytest.fixture(scope="module")
async def demo_repos(mongo_url: str) -> AsyncIterator[Repositories]:
    """The demo data in a database of this module's own (these tests file records)."""
    async with demo_database(mongo_url, "submissions") as repos:
        yield repos


@pytest.fixture(autouse=True)
def app_bot(bot: MockedBot, services: Services) -> MockedBot:
    """The Bot API session middlewares the app puts on its bot."""
    attach_bot_middlewares(bot, services)
    return bot


# --- the crash, the restart, the redelivery ---------------------------------------------------------


class Crash(BaseException):
    """The process dies here: nothing after it runs (not the handler's error path either)."""


def crash_after(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> None:
    """The process dies right after the next call of ``owner.name`` returns (a durable write)."""
    original = getattr(owner, name)
    fired = False

    async def then_crash(self: object, *args: Any, **kwargs: Any) -> Any:
        nonlocal fired
        result = await original(self, *args, **kwargs)
        if not fired:
            fired = True
            raise Crash(f"after {owner.__name__}.{name}")
        return result

    monkeypatch.setattr(owner, name, then_crash)


def crash_on_send(monkeypatch: pytest.MonkeyPatch, bot: MockedBot, contains: str) -> None:
    """The process dies while sending the next message that contains ``contains``."""
    session = bot.session
    original = session.make_request
    fired = False

    async def make_request(b: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        nonlocal fired
        if not fired and isinstance(method, SendMessage) and contains in plain(method.text, ParseMode.HTML):
            fired = True
            raise Crash("while sending")
        return await original(b, method, timeout)

    monkeypatch.setattr(session, "make_request", make_request)


def press_update(who: Person, message: Message, button: str) -> Update:
    """The update Telegram sends when ``who`` presses ``button`` under ``message``."""
    shown = who.current(message)
    query = CallbackQuery(
        id=f"q{next(_IDS)}",
        from_user=who.user,
        chat_instance=f"ci-{who.user.id}",
        message=shown,
        data=callback_data_of(shown, button),
    )
    return Update(update_id=next(_IDS), callback_query=query)


def text_update(who: Person, text: str) -> Update:
    return who.message_update(text=text)


async def crashes(who: Person, update: Update) -> None:
    with pytest.raises(Crash):
        await who.feed(update)


async def redelivered(who: Person, services: Services, update: Update) -> Replies:
    """After the restart: the dead process's claim on ``update`` ran out, Telegram sends it again.
    A button press can no longer be answered then (Telegram: once, within seconds)."""
    await services.redis.delete(services.keys("upd", who.bot.id, update.update_id))
    if update.callback_query is not None:
        who.bot.add_result_for(AnswerCallbackQuery, ok=False, error_code=400, description=STALE_QUERY)
    return await who.feed(update)


def told_once(replies: Replies, text: str) -> str:
    """The one message of ``replies`` that contains ``text`` (the citizen is told once)."""
    found = [t for t in replies.texts if text in t]
    assert len(found) == 1, f"told {len(found)} times {text!r}; the bot said {replies.texts}"
    return found[0]


async def open_feature(who: Person, section: str, title: str) -> Replies:
    menu = (await who.send("/menu")).last
    opened = (await who.press(menu, section)).last
    return await who.press(opened, title)


# --- complaints ---------------------------------------------------------------------------------


PLACES = itertools.count(1)


async def complaint_summary(who: Person) -> Message:
    """The complaint form filled in up to its summary (Submit, Edit, Cancel)."""
    opened = await open_feature(who, "💬 Consultations & complaints", "📝 File a complaint")
    await who.press(opened.last, "Illegal parking")
    # A place of its own: a report already open at the same place is offered to follow first.
    await who.send(f"Renmin Road and Jiefang Road crossing, gate {next(PLACES)}")
    photos = await who.send("A van has been parked on the pavement for three days, people walk on the road.")
    summary = await who.press(photos.last, "⏭ Skip photos")
    assert (summary.last.text or "").startswith("Please check your complaint")
    return summary.last


async def complaints_of(services: Services, citizen: Citizen) -> list[str]:
    return [c.ticket_id for c in await services.repos.complaints.by_citizen(citizen.id_number, limit=100)]


@pytest.mark.parametrize("instant", ["right after the write", "while the ticket is sent"])
async def test_a_submit_redelivered_after_a_crash_files_one_complaint_and_tells_its_ticket_once(
    instant: str, person: MakePerson, bind: Bind, services: Services, bot: MockedBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = person()
    citizen = await bind(alice, WANG)
    before = await complaints_of(services, citizen)
    submit = press_update(alice, await complaint_summary(alice), "✅ Submit")
    if instant == "right after the write":
        crash_after(monkeypatch, ComplaintRepository, "assign_cluster")
    else:
        crash_on_send(monkeypatch, bot, FILED)
    await crashes(alice, submit)
    stored = await complaints_of(services, citizen)
    assert len(stored) == len(before) + 1  # the write was durable; the citizen was not told

    again = await redelivered(alice, services, submit)
    assert await complaints_of(services, citizen) == stored, "the redelivered Submit filed a second complaint"
    ticket_message = told_once(again, FILED)
    assert stored[0] in ticket_message
    assert (await alice.send("/cancel")).texts == [NOTHING_TO_CANCEL]  # the form ended once it was told


async def test_cancel_at_the_summary_after_the_complaint_was_stored_tells_its_ticket(
    person: MakePerson, bind: Bind, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = person()
    citizen = await bind(alice, WANG)
    summary = await complaint_summary(alice)
    crash_after(monkeypatch, ComplaintRepository, "assign_cluster")
    await crashes(alice, press_update(alice, summary, "✅ Submit"))
    stored = await complaints_of(services, citizen)

    cancelled = await alice.send("/cancel")  # the form is still at its summary after the restart
    assert "Nothing was submitted" not in cancelled.text
    [answer] = cancelled.texts
    assert answer.startswith(f"{CANCEL_SUBMITTED}\n{FILED}") and stored[0] in answer
    # Submit pressed afterwards: the same ticket, nothing filed again.
    later = await alice.feed(press_update(alice, summary, "✅ Submit"))
    assert later.texts[-1].startswith(f"{ALREADY}\n{FILED}") and stored[0] in later.texts[-1]
    assert await complaints_of(services, citizen) == stored


async def test_the_forms_own_cancel_button_after_the_complaint_was_stored_tells_its_ticket(
    person: MakePerson, bind: Bind, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = person()
    citizen = await bind(alice, WANG)
    summary = await complaint_summary(alice)
    crash_after(monkeypatch, ComplaintRepository, "assign_cluster")
    await crashes(alice, press_update(alice, summary, "✅ Submit"))
    stored = await complaints_of(services, citizen)
    cancelled = await alice.feed(press_update(alice, summary, "❌ Cancel"))
    assert "Nothing was submitted" not in cancelled.text
    assert cancelled.texts[-1].startswith(f"{CANCEL_SUBMITTED}\n{FILED}") and stored[0] in cancelled.texts[-1]


@pytest.mark.parametrize("marker", ["expired", "gone"])
async def test_a_submit_after_the_form_was_lost_tells_the_ticket_when_it_was_stored(
    marker: str,
    person: MakePerson,
    bind: Bind,
    services: Services,
    dp: Dispatcher,
    bot: MockedBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The form's state was lost after the write (it expired, or /start dropped it) before the
    redelivered Submit came: the button's key still finds the complaint."""
    alice = person()
    citizen = await bind(alice, WANG)
    submit = press_update(alice, await complaint_summary(alice), "✅ Submit")
    crash_after(monkeypatch, ComplaintRepository, "assign_cluster")
    await crashes(alice, submit)
    stored = await complaints_of(services, citizen)
    await dp.fsm.get_context(bot=bot, chat_id=alice.chat.id, user_id=alice.user.id).clear()
    if marker == "gone":
        await forms.forget(services, alice.user.id)

    again = await redelivered(alice, services, submit)
    assert "Nothing was submitted" not in again.text
    answer = told_once(again, FILED)
    assert answer.startswith(f"{ALREADY}\n{FILED}") and stored[0] in answer
    assert await complaints_of(services, citizen) == stored


async def test_an_expired_form_that_was_stored_is_not_announced_as_nothing_submitted(
    person: MakePerson,
    bind: Bind,
    services: Services,
    dp: Dispatcher,
    bot: MockedBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = person()
    citizen = await bind(alice, WANG)
    summary = await complaint_summary(alice)
    crash_after(monkeypatch, ComplaintRepository, "assign_cluster")
    await crashes(alice, press_update(alice, summary, "✅ Submit"))
    stored = await complaints_of(services, citizen)
    await dp.fsm.get_context(bot=bot, chat_id=alice.chat.id, user_id=alice.user.id).clear()  # expired
    cancelled = await alice.send("/cancel")
    assert "Nothing was submitted" not in cancelled.text
    assert cancelled.texts[-1].startswith(f"{ALREADY}\n{FILED}") and stored[0] in cancelled.texts[-1]


async def test_a_submit_after_the_form_was_lost_says_plainly_that_nothing_was_submitted(
    person: MakePerson, bind: Bind, services: Services, dp: Dispatcher, bot: MockedBot
) -> None:
    alice = person()
    citizen = await bind(alice, WANG)
    before = await complaints_of(services, citizen)
    summary = await complaint_summary(alice)
    await dp.fsm.get_context(bot=bot, chat_id=alice.chat.id, user_id=alice.user.id).clear()
    await forms.forget(services, alice.user.id)
    replies = await alice.press(summary, "✅ Submit")
    assert replies.texts == [NOT_SUBMITTED]
    assert await complaints_of(services, citizen) == before


async def test_submit_pressed_twice_files_once_and_the_second_press_tells_the_same_ticket(
    person: MakePerson, bind: Bind, services: Services
) -> None:
    alice = person()
    citizen = await bind(alice, WANG)
    before = await complaints_of(services, citizen)
    summary = await complaint_summary(alice)
    first, second = press_update(alice, summary, "✅ Submit"), press_update(alice, summary, "✅ Submit")
    filed = await alice.feed(first)
    again = await alice.feed(second)  # a double tap: two updates, the same button
    stored = await complaints_of(services, citizen)
    assert len(stored) == len(before) + 1
    assert stored[0] in told_once(filed, FILED)
    assert again.texts[-1].startswith(f"{ALREADY}\n{FILED}") and stored[0] in again.texts[-1]


# --- renewal by mail, replacement plates -------------------------------------------------------------


async def test_a_renewal_confirmed_again_after_a_crash_is_one_application_with_its_delivery(
    person: MakePerson, bind: Bind, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    li = person()
    citizen = await bind(li, LI)
    summary = await open_feature(li, "📝 Business handling", "🪪 Renew my license by mail")
    confirm = press_update(li, summary.last, "✅ Confirm and submit")
    crash_after(monkeypatch, ApplicationRepository, "create_renewal")  # before its delivery is written
    await crashes(li, confirm)
    [application] = await services.repos.applications.renewals_for(citizen.id_number)

    again = await redelivered(li, services, confirm)
    answer = told_once(again, "Renewal application accepted")
    assert answer.startswith(ALREADY) and application.id[-8:].upper() in answer
    assert len(await services.repos.applications.renewals_for(citizen.id_number)) == 1
    delivery = await services.repos.deliveries.by_id(application.delivery_id or "")
    assert delivery is not None and delivery.application_id == application.id  # completed after the crash
    assert (await li.send("/cancel")).texts == [NOTHING_TO_CANCEL]


async def test_a_plate_request_confirmed_again_after_a_crash_is_one_request(
    person: MakePerson, bind: Bind, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    zhang = person()
    citizen = await bind(zhang, ZHANG)
    plate = (await services.repos.vehicles.by_owner(citizen.id_number))[0].plate
    pick = await open_feature(zhang, "📝 Business handling", "🔖 Replacement plates delivered")
    reasons = await zhang.press(pick.last, plate)
    summary = await zhang.press(reasons.last, "Damaged")
    confirm = press_update(zhang, summary.last, "✅ Confirm and submit")
    crash_after(monkeypatch, ApplicationRepository, "create_plate_request")
    await crashes(zhang, confirm)
    [request] = await services.repos.applications.plate_requests_for(citizen.id_number)

    again = await redelivered(zhang, services, confirm)
    answer = told_once(again, "Request submitted")
    assert answer.startswith(ALREADY) and request.id[-8:].upper() in answer
    assert len(await services.repos.applications.plate_requests_for(citizen.id_number)) == 1
    # The confirm button pressed once more, after the form ended: the same request, told again.
    later = await zhang.feed(press_update(zhang, summary.last, "✅ Confirm and submit"))
    assert later.texts[-1].startswith(ALREADY) and request.id[-8:].upper() in later.texts[-1]


# --- vehicle e-license authorisations ----------------------------------------------------------------


async def test_an_authorisation_confirmed_again_after_a_crash_is_granted_once(
    person: MakePerson, bind: Bind, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    zhang = person()
    citizen = await bind(zhang, ZHANG)
    plate = (await services.repos.vehicles.by_owner(citizen.id_number))[-1].plate
    page = await open_feature(zhang, "📝 Business handling", "🔑 Vehicle e-license authorisation")
    await zhang.press(page.last, f"➕ Authorise someone for {plate}")
    await zhang.send(YANG.id_number)
    ask = await zhang.send(YANG.name)
    summary = await zhang.press(ask.last, "7 days")
    confirm = press_update(zhang, summary.last, "✅ Confirm")
    crash_after(monkeypatch, VehicleRepository, "add_authorisation")
    await crashes(zhang, confirm)

    again = await redelivered(zhang, services, confirm)
    answer = told_once(again, f"Authorisation granted for {plate}")
    assert answer.startswith(ALREADY)
    vehicle = await services.repos.vehicles.by_plate(plate)
    assert vehicle is not None
    assert len([a for a in vehicle.authorisations if a.grantee_id_number == YANG.id_number]) == 1
    cancelled = await zhang.feed(press_update(zhang, summary.last, "✖ Cancel"))
    assert "nothing was authorised" not in cancelled.text


# --- e-license special-case reviews ------------------------------------------------------------------


async def blocked_citizen(services: Services) -> DriverLicense:
    """A person whose license blocks the e-license, in a city already open, with no review."""
    today = today_of(services)
    demo = {d.id_number for d in DEMO_IDENTITIES}
    async for doc in services.repos.licenses.collection.find({"elicense_issued_at": None, "revoked_on": None}):
        lic = DriverLicense.from_doc(doc)
        citizen = await services.repos.citizens.by_id_number(lic.id_number)
        if lic.id_number in demo or citizen is None or citizen.telegram is not None:
            continue
        city = await services.repos.elicense.city(citizen.city)
        if city is None or not city.is_open(today) or not lic.elicense_blockers(today):
            continue
        if await services.repos.elicense.latest_for(lic.id_number) is None:
            return lic
    raise AssertionError("no suitable citizen in the demo data")


async def test_a_review_request_redelivered_after_a_crash_is_one_review_told_as_sent(
    person: MakePerson, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    lic = await blocked_citizen(services)
    who = person()
    await services.repos.citizens.bind(
        lic.id_number, user_id=who.user.id, chat_id=who.chat.id, language=Language.EN, now=datetime.now(UTC)
    )
    reply = await open_feature(who, "🔎 Information inquiry", "📲 E-license: can I get one?")
    await who.press(reply.last, "📨 Ask the office to review my case")
    reason = text_update(who, "I work abroad until next year and cannot come to the office.")
    crash_after(monkeypatch, ELicenseRepository, "request_review")
    await crashes(who, reason)

    again = await redelivered(who, services, reason)
    answer = told_once(again, "Your request was sent to")
    assert answer.startswith(ALREADY)
    assert await services.repos.elicense.collection.count_documents({"citizen_id_number": lic.id_number}) == 1


# --- rating a resolved complaint ---------------------------------------------------------------------


async def test_a_rating_redelivered_after_a_crash_is_stored_once_and_thanked(
    person: MakePerson, bind: Bind, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = person()
    citizen = await bind(alice, WANG)
    draft = ComplaintDraft(
        topic=ComplaintTopic.ROAD_FACILITIES,
        place_text="Jianguo Road crossing",
        description="The traffic light has been dark for a week.",
        photos_done=True,
    )
    complaint = await complaints.submit(services, citizen, draft, chat_id=alice.chat.id, language=Language.EN)
    await complaints.resolve(services, complaint.ticket_id, "agent.li", "The light was repaired.")
    menu = (await alice.send("/menu")).last
    ask = await alice.press_go(menu, "complaint_rate", complaint.ticket_id)
    await alice.press(ask.last, "4 ⭐")
    comment = text_update(alice, "Quick repair, thank you.")
    crash_after(monkeypatch, ComplaintRepository, "rate")
    await crashes(alice, comment)

    again = await redelivered(alice, services, comment)
    answer = told_once(again, f"Your rating ★★★★☆ for complaint {complaint.ticket_id} is recorded")
    assert answer.startswith(ALREADY)
    stored = await services.repos.complaints.by_ticket(complaint.ticket_id)
    assert stored is not None and (stored.rating, stored.rating_comment) == (4, "Quick repair, thank you.")
    assert "rating" not in (await alice.send("/cancel")).text


# --- a call-back request (talk to a person) ------------------------------------------------------------


async def test_a_call_back_request_redelivered_after_a_crash_is_one_request_told_once(
    person: MakePerson, bind: Bind, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = person()
    await bind(alice, WANG)
    menu = (await alice.send("/menu")).last
    asked = await alice.press_go(menu, "handoff_callback")
    assert asked.text.startswith("📞 Write your message")
    message = text_update(alice, "About my complaint: please call me after 6 pm.")
    crash_after(monkeypatch, HandoffRepository, "open_callback")
    await crashes(alice, message)

    again = await redelivered(alice, services, message)
    stored = await services.repos.handoffs.collection.count_documents({"chat_id": alice.chat.id, "topic": "callback"})
    assert stored == 1, "the redelivered message stored a second call-back request"
    answer = told_once(again, "Your request is in our queue")
    assert answer.startswith(ALREADY)
