"""Complaint rules: field validation, what free text fills in, ticket format, filing, staff actions,
rating and clustering (actions/complaints.py), against a real SecantusDB and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions import complaints as actions
from actions.complaints import ComplaintActionError, ComplaintDraft, RatingOutcome
from actions.services import Services
from core.config import Settings
from core.identifiers import normalize_ticket_id
from core.language import Language
from core.text import clean_text, utf16_len
from storage.models import Citizen, ComplaintStatus, ComplaintTopic, GeoPoint, NotificationType
from tests.conftest import FixedClock, clocked_services

# --- field rules (pure) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("too short", "complaints-error-description-short"),  # 9 characters
        ("  123456789  ", "complaints-error-description-short"),  # spaces do not count
        ("1234567890", None),
        ("路口东侧每天晚上违停车", None),  # 10 Chinese characters
        ("x" * 2000, None),
        ("x" * 2001, "complaints-error-description-long"),
    ],
)
def test_description_length(text: str, hint: str | None) -> None:
    assert actions.check_description(text) == hint


@given(st.text(min_size=0, max_size=2100))
def test_description_hint_matches_its_length(text: str) -> None:
    """Measured as Telegram measures (UTF-16 units), on the text as it will be stored (cleaned)."""
    n = utf16_len(clean_text(text).strip())
    expected = (
        None
        if 10 <= n <= 2000
        else ("complaints-error-description-short" if n < 10 else "complaints-error-description-long")
    )
    assert actions.check_description(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("x", "complaints-error-place-short"),
        ("长安街", None),
        ("y" * 201, "complaints-error-place-long"),
    ],
)
def test_place_length(text: str, hint: str | None) -> None:
    assert actions.check_place(text) == hint


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("白色轿车 京a·12345 每晚停在这里", "京A12345"),
        ("the car ＪＩＮ 京AD12345 again", "京AD12345"),
        ("plate 京A1234 is too short", None),
        ("京AO1234 uses the letter O", None),
        ("no plate here", None),
    ],
)
def test_plates_are_found_in_free_text(text: str, plate: str | None) -> None:
    assert actions.find_plate(text) == plate


def test_plate_is_taken_out_of_a_place() -> None:
    assert actions.strip_plates("京A12345 建国路口") == "建国路口"
    assert actions.strip_plates("京A12345") == ""
    assert (
        actions.place_beside_plate("京A12345 parked near the Jianguo Road gate") == "parked near the Jianguo Road gate"
    )
    assert actions.place_beside_plate("the plate is 京A12345.") == ""
    assert actions.place_beside_plate("车牌是京A12345") == ""
    assert actions.place_beside_plate("建国路口，车牌京A12345") == "建国路口"
    assert actions.place_beside_plate("Jianguo Road, the plate is 京A12345") == "Jianguo Road"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("how do i report a broken traffic light", ComplaintTopic.ROAD_FACILITIES),
        ("cars are parked on the bike lane", ComplaintTopic.ILLEGAL_PARKING),
        ("我要投诉路口违停", ComplaintTopic.ILLEGAL_PARKING),
        ("terrible traffic jam every morning", ComplaintTopic.CONGESTION),
        ("how do i file a complaint against a traffic police", ComplaintTopic.OFFICER_CONDUCT),
        ("车管所窗口排队两个小时", ComplaintTopic.WINDOW_SERVICE),
        ("the 12123 app keeps crashing", ComplaintTopic.APP_HOTLINE),
        ("I want to complain", None),
        ("happy", None),  # "app" only as a whole word
    ],
)
def test_topic_from_words(text: str, topic: ComplaintTopic | None) -> None:
    assert actions.guess_topic(text) == topic


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("cars park illegally on Jianguo Road every night", "Jianguo Road"),
        ("我要投诉在东长安街南池子路口有车违停", "东长安街南池子路口"),
        ("I want to complain about parking", None),
    ],
)
def test_place_from_words(text: str, place: str | None) -> None:
    assert actions.guess_place(text) == place


def test_opening_message_fills_what_it_says() -> None:
    draft = actions.draft_from_opening("complaint: illegal parking on Jianguo Road by 京A12345", {})
    assert (draft.topic, draft.place_text, draft.plate) == (ComplaintTopic.ILLEGAL_PARKING, "Jianguo Road", "京A12345")
    assert draft.next_field() == "description"
    # The NLU's plate wins over the text's.
    assert actions.draft_from_opening("complain", {"plate_number": ["粤B12345D"]}).plate == "粤B12345D"
    assert actions.draft_from_opening(None, {}).next_field() == "topic"


def test_draft_asks_each_missing_field_in_order_and_edits_return_to_summary() -> None:
    draft = ComplaintDraft()
    assert draft.next_field() == "topic"
    draft.topic = ComplaintTopic.CONGESTION
    assert draft.next_field() == "place"
    draft.location = GeoPoint(lat=39.9, lon=116.4)
    assert draft.next_field() == "description"
    draft.description = "Jammed every morning at 8."
    assert draft.next_field() == "photos"
    draft.photos_done = True
    assert draft.next_field() is None
    draft.start_edit("description")
    assert draft.next_field() == "description"
    draft.editing = None
    draft.photos = ["a"]
    draft.start_edit("photos")
    assert (draft.next_field(), draft.photos) == ("photos", [])


def test_at_most_five_photos() -> None:
    draft = ComplaintDraft(topic=ComplaintTopic.OTHER, place_text="here", description="0123456789")
    assert all(draft.add_photo(f"p{i}") for i in range(5))
    assert not draft.add_photo("p5")
    assert len(draft.photos) == 5 and draft.next_field() is None  # five photos end the photo step


@pytest.mark.parametrize("word", ["done", "Skip", "完成", "跳过", " no photos. "])
def test_done_words(word: str) -> None:
    assert actions.is_done_word(word)


def test_not_done_words() -> None:
    assert not actions.is_done_word("here is another photo coming")


def test_transitions_are_forward_except_reopening() -> None:
    assert actions.TRANSITIONS[ComplaintStatus.CLOSED] == ()
    assert ComplaintStatus.IN_PROGRESS in actions.TRANSITIONS[ComplaintStatus.RESOLVED]
    assert ComplaintStatus.NEW not in {s for targets in actions.TRANSITIONS.values() for s in targets}


# --- with real servers ----------------------------------------------------------------------------


@pytest.fixture
async def env(
    mongo_url: str, redis_url: str, make_settings: Callable[..., Settings]
) -> AsyncIterator[tuple[Services, FixedClock]]:
    settings = make_settings()
    async with clocked_services(
        mongo_url, redis_url, settings, prefix="unit_complaints", now=datetime(2026, 11, 21, 1, 30, tzinfo=UTC)
    ) as (services, clock):  # 09:30 in Beijing
        yield services, clock


def citizen(id_number: str = "11010519491231002X") -> Citizen:
    return Citizen(
        id_number=id_number,
        name="张三",
        phone="13812345678",
        mailing_address="北京市",
        postal_code="100000",
        city="beijing",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def draft(
    place: str | None = "东长安街南池子路口",
    location: GeoPoint | None = None,
    topic: ComplaintTopic = ComplaintTopic.ILLEGAL_PARKING,
) -> ComplaintDraft:
    return ComplaintDraft(
        topic=topic,
        place_text=place,
        location=location,
        description="Cars park on the bike lane every evening.",
        photos=["f1", "f2"],
        photos_done=True,
        plate="京A12345",
    )


async def test_submit_stores_then_gives_a_daily_ticket_and_deadlines(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    first = await actions.submit(services, citizen(), draft(), chat_id=7, language=Language.EN)
    second = await actions.submit(services, citizen(), draft(place="other place"), chat_id=7, language=Language.EN)
    assert (first.ticket_id, second.ticket_id) == ("C261121-0001", "C261121-0002")
    assert normalize_ticket_id(first.ticket_id) == first.ticket_id
    stored = await services.repos.complaints.by_ticket(first.ticket_id)
    assert stored is not None and stored.photos == ["f1", "f2"] and stored.plate == "京A12345"
    # Dispatched at once, with the topic's deadlines (COMPLAINT_DEADLINES: illegal parking 4 h / 24 h).
    assert stored.acknowledge_by == clock.now + timedelta(hours=4)
    assert stored.answer_by == clock.now + timedelta(hours=24)
    assert stored.department == "parking"
    assert [e.action for e in stored.history] == ["created", "dispatched"]
    # The local date decides the ticket's day: 17:00 UTC is already the next day in Beijing.
    clock.now = datetime(2026, 11, 21, 17, 0, tzinfo=UTC)
    late = await actions.submit(services, citizen(), draft(), chat_id=7, language=Language.ZH)
    assert late.ticket_id == "C261122-0001"


async def test_incomplete_draft_is_refused(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    with pytest.raises(actions.IncompleteDraft):
        await actions.submit(
            services, citizen(), ComplaintDraft(topic=ComplaintTopic.OTHER), chat_id=None, language=Language.EN
        )
    assert await services.repos.complaints.by_citizen(citizen().id_number) == []


async def test_someone_elses_ticket_reads_like_an_unknown_one(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    mine = await actions.submit(services, citizen(), draft(), chat_id=1, language=Language.EN)
    other = citizen("110101199003077777")
    assert await actions.own_complaint(services, other, mine.ticket_id) is None
    assert await actions.own_complaint(services, other, "C261121-0999") is None
    assert (await actions.own_complaint(services, citizen(), mine.ticket_id)) is not None


async def test_my_complaints_newest_first_with_pages(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    tickets = []
    for i in range(7):
        clock.now += timedelta(minutes=1)
        tickets.append(
            (
                await actions.submit(services, citizen(), draft(place=f"place {i}"), chat_id=1, language=Language.EN)
            ).ticket_id
        )
    page1 = await actions.list_own(services, citizen(), page=1, page_size=5)
    page2 = await actions.list_own(services, citizen(), page=2, page_size=5)
    assert [c.ticket_id for c in page1.items] == tickets[::-1][:5] and page1.has_more
    assert [c.ticket_id for c in page2.items] == tickets[::-1][5:] and not page2.has_more


async def test_similar_complaints_form_a_cluster(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    base = GeoPoint(lat=39.9087, lon=116.3975)
    a = await actions.submit(
        services, citizen(), draft(place="东长安街南池子路口", location=base), chat_id=1, language=Language.ZH
    )
    assert a.cluster_id is None
    clock.now += timedelta(days=3)
    # Same place written differently.
    b = await actions.submit(services, citizen(), draft(place="东长安街 南池子路口"), chat_id=1, language=Language.ZH)
    # Only a location, 200 m away.
    c = await actions.submit(
        services,
        citizen(),
        draft(place=None, location=GeoPoint(lat=base.lat + 0.0018, lon=base.lon)),
        chat_id=1,
        language=Language.ZH,
    )
    # Same place, other topic; same topic, far away; same place 31 days later: not grouped.
    d = await actions.submit(
        services, citizen(), draft(topic=ComplaintTopic.CONGESTION), chat_id=1, language=Language.ZH
    )
    e = await actions.submit(
        services,
        citizen(),
        draft(place=None, location=GeoPoint(lat=31.23, lon=121.47)),
        chat_id=1,
        language=Language.ZH,
    )
    clock.now = a.created_at + timedelta(days=31)
    f = await actions.submit(
        services, citizen(), draft(place="东长安街南池子路口", location=None), chat_id=1, language=Language.ZH
    )
    assert b.cluster_id == a.ticket_id and c.cluster_id == a.ticket_id
    assert d.cluster_id is None and e.cluster_id is None
    assert f.cluster_id == a.ticket_id  # a is 31 days older, but b and c are within 30 days
    clusters = await actions.list_clusters(services, a.created_at - timedelta(days=1))
    assert [(s.cluster_id, s.topic, s.size) for s in clusters] == [(a.ticket_id, ComplaintTopic.ILLEGAL_PARKING, 4)]
    assert await actions.list_clusters(services, clock.now + timedelta(days=1)) == []


async def test_status_changes_notify_and_resolving_asks_for_a_rating(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    complaint = await actions.submit(services, citizen(), draft(), chat_id=1, language=Language.EN)
    t = complaint.ticket_id
    clock.now += timedelta(hours=2)
    await actions.change_status(services, t, ComplaintStatus.ACKNOWLEDGED, "agent.li")
    await actions.reply_to_citizen(services, t, "agent.li", "  We sent a patrol.  ")
    with pytest.raises(ComplaintActionError) as bad:
        await actions.change_status(services, t, ComplaintStatus.NEW, "agent.li")
    assert bad.value.code == "invalid_transition"
    with pytest.raises(ComplaintActionError) as empty:
        await actions.resolve(services, t, "agent.li", "   ")
    assert empty.value.code == "empty_text"
    with pytest.raises(ComplaintActionError) as unknown:
        await actions.change_status(services, "C261121-0999", ComplaintStatus.CLOSED, "agent.li")
    assert unknown.value.code == "not_found"
    resolved = await actions.resolve(services, t, "agent.li", "Parking posts were installed.")
    assert resolved.status == ComplaintStatus.RESOLVED
    assert [(e.actor, e.action, e.status) for e in resolved.history] == [
        ("citizen", "created", ComplaintStatus.NEW),
        ("system", "dispatched", None),
        ("agent.li", "status_changed", ComplaintStatus.ACKNOWLEDGED),
        ("agent.li", "reply", None),
        ("agent.li", "status_changed", ComplaintStatus.RESOLVED),
    ]
    found = (
        await services.repos.notifications.collection.find({"citizen_id_number": citizen().id_number})
        .sort("created_at", 1)
        .to_list()
    )
    kinds = [(n["type"], n["payload"]) for n in found]
    assert kinds == [
        (NotificationType.COMPLAINT_UPDATED.value, {"ticket_id": t, "status": "acknowledged", "text": None}),
        (
            NotificationType.COMPLAINT_UPDATED.value,
            {"ticket_id": t, "status": "acknowledged", "text": "We sent a patrol."},
        ),
        (
            NotificationType.COMPLAINT_RATING_REQUEST.value,
            {"ticket_id": t, "status": "resolved", "text": "Parking posts were installed."},
        ),
    ]


async def test_rating_once_only_own_only_resolved_only(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    complaint = await actions.submit(services, citizen(), draft(), chat_id=1, language=Language.EN)
    t = complaint.ticket_id
    outcome, _ = await actions.rate(services, citizen(), t, 5, None)
    assert outcome == RatingOutcome.NOT_RESOLVED
    await actions.resolve(services, t, "agent.li", "Done.")
    outcome, _ = await actions.rate(services, citizen("110101199003077777"), t, 5, None)
    assert outcome == RatingOutcome.NOT_FOUND
    with pytest.raises(ValueError):
        await actions.rate(services, citizen(), t, 6, None)
    with pytest.raises(ValueError):
        await actions.rate(services, citizen(), t, 0, None)
    outcome, rated = await actions.rate(services, citizen(), t, 4, "  quick, thanks ")
    assert outcome == RatingOutcome.RATED and rated is not None
    assert (rated.rating, rated.rating_comment) == (4, "quick, thanks")
    outcome, again = await actions.rate(services, citizen(), t, 1, "changed my mind")
    assert outcome == RatingOutcome.ALREADY_RATED and again is not None and again.rating == 4
    # Closing a rated complaint does not ask for a rating again.
    closed = await actions.change_status(services, t, ComplaintStatus.CLOSED, "agent.li")
    assert closed.rating == 4
