"""What one turn costs in round trips (issue 10): the per-update Redis work (de-duplication, flood
window, language, handoff marker, chat lock, form state) is one script at the start of the update
and one pipeline at its end (bot/middlewares/prefetch.py); transcript turns go to the background
batch writer; a page turn is one edit, and pressing the page already shown sends nothing.

Measured with these counters on the code before (each middleware asking Redis for itself): a plain
text message 10 Redis round trips (11 the first time: the language last seen is written), free
text the NLU understood 13, /start 12, a menu command 8, a menu button 8, the violations button 12,
a page turn 10 (and 4 MongoDB reads). Now: 2, 3, 2, 2, 2, 3 and 3 (3 MongoDB reads).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
from aiogram import Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.methods import AnswerCallbackQuery, EditMessageText
from aiogram.types import Message
from pymongo import AsyncMongoClient

from actions.handoff.markers import recall_intents
from actions.services import Services
from bot.factory import attach_bot_middlewares
from bot.routers.complaints.status import ComplaintLookup
from nlu.client import NluResult
from storage.repositories import Repositories
from storage.seed import DEMO_IDENTITIES
from tests.handlers.chat import Person, Replies, buttons
from tests.handlers.conftest import Bind, MakePerson
from tests.handlers.mocked_bot import MockedBot
from tests.handlers.roundtrips import MongoCounter, RedisCounter

ZHANG = DEMO_IDENTITIES[0]
MAX_REDIS_ROUND_TRIPS = 3  # the start script and the end pipeline; one to spare for a feature's own


@pytest.fixture
def mongo_counter() -> MongoCounter:
    return MongoCounter()


@pytest.fixture
async def services(services: Services, mongo_url: str, mongo_counter: MongoCounter) -> AsyncIterator[Services]:
    """The handler tests' services with MongoDB through a counting client, and the transcript
    batch writer running as in the app."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        mongo_url, tz_aware=True, event_listeners=[mongo_counter]
    )
    repos = Repositories.from_db(client[services.repos.db.name])
    repos.conversations.start_writer()
    yield dataclasses.replace(services, repos=repos)
    await repos.conversations.stop_writer()
    await client.close()


@pytest.fixture
def redis_counter(services: Services) -> RedisCounter:
    return RedisCounter(services.redis)


@dataclasses.dataclass
class Cost:
    replies: Replies
    redis_round_trips: int
    redis_commands: list[list[str]]
    mongo: list[tuple[str, str]]  # what the turn waited on (not the transcript writer's batches)


async def cost(turn: asyncio.Future[Replies] | object, redis: RedisCounter, mongo: MongoCounter) -> Cost:
    redis.reset()
    mongo.reset()
    replies = await turn  # type: ignore[misc]
    return Cost(replies, redis.round_trips, [list(trip) for trip in redis.trips], mongo.per_turn)


async def test_a_text_message_and_a_button_press_cost_at_most_three_redis_round_trips(
    person: MakePerson, bind: Bind, services: Services, redis_counter: RedisCounter, mongo_counter: MongoCounter
) -> None:
    alice = person()
    await bind(alice, ZHANG)
    await alice.send("/start")  # the scripts are loaded into Redis by the first update

    first_text = await cost(alice.send("how many points do I have left?"), redis_counter, mongo_counter)
    text = await cost(alice.send("and what about my car?"), redis_counter, mongo_counter)
    command = await cost(alice.send("/menu"), redis_counter, mongo_counter)
    section = await cost(alice.press(command.replies.last, "🔎 Information inquiry"), redis_counter, mongo_counter)
    violations = await cost(alice.press(section.replies.last, "🚦 Violations"), redis_counter, mongo_counter)
    page = await cost(alice.press(violations.replies.sent[-1], "Next ▶"), redis_counter, mongo_counter)

    assert first_text.replies.texts and section.replies.edited and page.replies.edited
    for name, turn in {
        "text": first_text,
        "text again": text,
        "/menu": command,
        "menu button": section,
        "violations button": violations,
        "page turn": page,
    }.items():
        assert turn.redis_round_trips <= MAX_REDIS_ROUND_TRIPS, f"{name}: {turn.redis_commands}"
    # The plumbing alone: the start script and the end pipeline.
    assert text.redis_round_trips == command.redis_round_trips == section.redis_round_trips == 2
    assert first_text.redis_commands[0] == ["EVALSHA"] and text.redis_commands[0] == ["EVALSHA"]
    # Nothing but a feature's own reads in MongoDB: the citizen, their vehicles, one page of violations.
    assert text.mongo == command.mongo == section.mongo == []
    assert sorted(page.mongo) == [("aggregate", "violations"), ("find", "citizens"), ("find", "vehicles")]


async def test_transcript_turns_are_written_in_batches(
    person: MakePerson, services: Services, bot: MockedBot, mongo_counter: MongoCounter
) -> None:
    attach_bot_middlewares(bot, services)  # the bot's replies are recorded too, as in the app
    people = [person(f"Citizen {n}") for n in range(10)]
    mongo_counter.reset()
    await asyncio.gather(*(who.send("/help") for who in people))
    await services.repos.conversations.flush_turns()
    writes = mongo_counter.transcript_writes
    assert writes and all(command == "insert" for command, _ in writes)
    assert len(writes) <= 10, f"20 turns (10 in, 10 out) took {len(writes)} inserts: not batched"
    stored = await services.repos.conversations.collection.count_documents(
        {"chat_id": {"$in": [who.chat.id for who in people]}}
    )
    assert stored == 20


async def test_a_page_turn_is_one_edit_and_the_page_shown_is_not_edited_again(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, ZHANG)
    menu = (await alice.send("/menu")).last
    section = (await alice.press(menu, "🔎 Information inquiry")).last
    first = (await alice.press(section, "🚦 Violations")).sent[-1]
    assert "• All vehicles" in buttons(first)

    turned = await alice.press(first, "Next ▶")
    assert [type(m) for m in turned.methods] == [AnswerCallbackQuery, EditMessageText]
    assert turned.last.message_id == first.message_id and "Page 2 of" in (turned.last.text or "")

    back = await alice.press(turned.last, "◀ Previous")
    assert [type(m) for m in back.methods] == [AnswerCallbackQuery, EditMessageText]
    # "All vehicles" on the first page of all vehicles: the same page, so no edit at all (Telegram
    # would answer 400 "message is not modified").
    same = await alice.press(back.last, "• All vehicles")
    assert [type(m) for m in same.methods] == [AnswerCallbackQuery]


async def test_the_menu_section_pressed_again_is_not_edited_again(person: MakePerson) -> None:
    alice = person()
    menu = (await alice.send("/menu")).last
    section = await alice.press(menu, "🔎 Information inquiry")
    assert [type(m) for m in section.methods] == [AnswerCallbackQuery, EditMessageText]
    again = await alice.press_menu(section.last, "inquiry")  # an old copy of the menu's button
    assert [type(m) for m in again.methods] == [AnswerCallbackQuery]


async def test_editing_a_complaint_changes_the_summary_in_place(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, DEMO_IDENTITIES[2])
    menu = (await alice.send("/menu")).last
    section = (await alice.press(menu, "💬 Consultations & complaints")).last
    opened = await alice.press(section, "📝 File a complaint")
    await alice.press(opened.last, "Illegal parking")
    # a place of its own (a report already open at the same place is offered to follow first)
    await alice.send("Renmin Road and Jiefang Road crossing, the round-trip corner")
    photos = await alice.send("A van has been parked on the pavement for three days, people walk on the road.")
    summary = (await alice.press(photos.last, "⏭ Skip photos")).last

    choose = await alice.press(summary, "✏️ Edit a field")
    assert [type(m) for m in choose.methods] == [AnswerCallbackQuery, EditMessageText]
    assert choose.last.message_id == summary.message_id
    assert (choose.last.text or "").startswith(summary.text or "")  # the summary stays in view
    assert (choose.last.text or "").endswith("Which field do you want to change?")
    back = await alice.press(choose.last, "⬅️ Back to the summary")
    assert [type(m) for m in back.methods] == [AnswerCallbackQuery, EditMessageText]
    assert back.last.text == summary.text and buttons(back.last) == buttons(summary)
    filed = await alice.press(back.last, "✅ Submit")
    assert (filed.last.text or "").startswith("✅ Your complaint is registered.")


async def test_a_duplicate_delivered_while_its_twin_is_handled_is_skipped(
    person: MakePerson, dp: Dispatcher, bot: MockedBot
) -> None:
    alice = person()
    update = alice.message_update(text="/help")
    start = len(bot.session.calls)
    await asyncio.gather(dp.feed_update(bot, update), dp.feed_update(bot, update))
    sent = [c.result for c in bot.session.calls[start:] if isinstance(c.result, Message)]
    assert len(sent) == 1 and (sent[0].text or "").startswith("How to use this assistant")


async def test_an_update_waits_for_the_chats_lock_and_reads_the_state_its_holder_left(
    person: MakePerson, dp: Dispatcher, bot: MockedBot, services: Services
) -> None:
    alice: Person = person()
    key = StorageKey(bot_id=bot.id, chat_id=alice.chat.id, user_id=alice.user.id)
    assert isinstance(dp.fsm.storage, RedisStorage)
    lock = dp.fsm.storage.key_builder.build(key, "lock")
    await services.redis.set(lock, "another-process", px=10_000)  # another update of the chat is handled
    waiting = asyncio.create_task(alice.send("not a ticket"))
    await asyncio.sleep(0.3)
    assert not waiting.done(), "the update did not wait for the chat's lock"
    await dp.fsm.get_context(bot=bot, chat_id=alice.chat.id, user_id=alice.user.id).set_state(ComplaintLookup.ticket)
    await services.redis.delete(lock)  # the holder is done: it left the citizen at the ticket question
    replies = await asyncio.wait_for(waiting, 5)
    assert replies.texts == ["A ticket number looks like C261121-0042 (C, the date, a dash and at least 4 digits)."], (
        "the update did not read the state written before it got the lock"
    )
    assert await services.redis.get(lock) is None, "the lock was not released at the end of the update"


async def test_free_text_understood_by_the_nlu_costs_three_round_trips_and_is_remembered(
    person: MakePerson,
    bind: Bind,
    services: Services,
    redis_counter: RedisCounter,
    mongo_counter: MongoCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The start script, the intent memory (written at once: a person asked for in this update
    gets it), the end pipeline (the misunderstanding count reset with it)."""
    assert services.nlu is not None

    async def parse(text: str) -> NluResult:
        intent = "vehicle_status" if "car" in text else "license_status"
        return NluResult(text=text, intent=intent, confidence=0.95, ranking=((intent, 0.95),), entities=())

    monkeypatch.setattr(services.nlu, "parse", parse)
    alice = person()
    await bind(alice, ZHANG)
    await alice.send("/start")
    await services.redis.set(services.keys.misunderstood(alice.user.id), 1)
    understood = await cost(alice.send("is my license still valid?"), redis_counter, mongo_counter)
    assert (understood.replies.last.text or "").startswith("🪪 Your driver's license")
    assert understood.redis_round_trips <= MAX_REDIS_ROUND_TRIPS, understood.redis_commands
    assert ["SET"] in understood.redis_commands  # the memory, without reading it first
    assert "GET" not in [command for trip in understood.redis_commands for command in trip]
    assert await services.redis.get(services.keys.misunderstood(alice.user.id)) is None
    again = await cost(alice.send("and my car?"), redis_counter, mongo_counter)
    assert (again.replies.last.text or "").startswith("Your vehicles (2)")
    assert (await recall_intents(services, alice.user.id))["intents"] == ["license_status", "vehicle_status"]
