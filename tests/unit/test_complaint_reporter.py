"""The rules for reports without a linked identity (actions/complaints/reporter.py): where the
answer goes, when a contact choice is complete, which phone a report counts against, the limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from actions.complaints.draft import draft_from_opening, guess_place, is_problem_description
from actions.complaints.reporter import (
    AnswerRoute,
    ContactMode,
    LimitCheck,
    ReportContact,
    answer_route,
    over_limit,
    phone_key,
    reporter_phone,
)
from storage.models import Citizen, Complaint, ComplaintTopic

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PHONES = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)


def complaint(*, id_number: str | None, phone: str | None, anonymous: bool, chat_id: int | None) -> Complaint:
    return Complaint(
        ticket_id="C261201-0001",
        citizen_id_number=id_number,
        contact_phone=phone,
        anonymous=anonymous,
        chat_id=chat_id,
        topic=ComplaintTopic.ROAD_FACILITIES,
        place_text="Jianguo Road",
        description="The signal has been dark for a week.",
        created_at=NOW,
        updated_at=NOW,
        acknowledge_by=NOW + timedelta(days=1),
        answer_by=NOW + timedelta(days=7),
    )


def citizen(phone: str) -> Citizen:
    return Citizen(
        id_number="110102198708182939",
        name="张伟",
        phone=phone,
        mailing_address="北京市东城区",
        postal_code="100010",
        city="beijing",
        created_at=NOW,
    )


@given(
    id_number=st.sampled_from([None, "110102198708182939"]),
    phone=st.one_of(st.none(), PHONES),
    anonymous=st.booleans(),
    chat_id=st.one_of(st.none(), st.integers(min_value=1, max_value=2**40)),
)
def test_the_answer_goes_to_the_linked_citizen_or_a_verified_chat_never_to_an_anonymous_one(
    id_number: str | None, phone: str | None, anonymous: bool, chat_id: int | None
) -> None:
    route = answer_route(complaint(id_number=id_number, phone=phone, anonymous=anonymous, chat_id=chat_id))
    if id_number is not None:
        assert route == AnswerRoute.CITIZEN
    elif anonymous or phone is None or chat_id is None:
        assert route == AnswerRoute.NONE  # no answer without a way back that was proved
    else:
        assert route == AnswerRoute.CHAT


@given(mode=st.sampled_from(ContactMode), phone=st.one_of(st.none(), PHONES))
def test_a_contact_choice_is_complete_when_anonymous_or_the_phone_was_verified(
    mode: ContactMode, phone: str | None
) -> None:
    contact = ReportContact(mode=mode, phone=phone)
    assert contact.ready == (mode == ContactMode.ANONYMOUS or phone is not None)
    assert ReportContact.model_validate(contact.model_dump(mode="json")) == contact  # kept in the form's data


@given(linked=st.one_of(st.none(), PHONES), verified=st.one_of(st.none(), PHONES))
def test_a_report_counts_against_the_verified_phone_else_the_linked_one(
    linked: str | None, verified: str | None
) -> None:
    who = citizen(linked) if linked is not None else None
    contact = ReportContact(mode=ContactMode.PHONE, phone=verified) if verified is not None else None
    assert reporter_phone(who, contact) == (verified if verified is not None else linked)


@given(
    count=st.integers(min_value=0, max_value=1000),
    limit=st.integers(min_value=1, max_value=100),
    ttl=st.integers(min_value=-2, max_value=200_000),
    window=st.integers(min_value=60, max_value=100_000),
)
def test_the_limit_allows_fewer_than_the_limit_and_waits_at_most_the_window(
    count: int, limit: int, ttl: int, window: int
) -> None:
    wait = over_limit(count, limit, ttl, window)
    if count < limit:
        assert wait == 0
    else:
        assert 1 <= wait <= window  # a refusal always says how long; never longer than the window
        assert LimitCheck(wait, "account").wait_minutes >= 1


@given(a=PHONES, b=PHONES)
def test_the_counters_never_hold_the_number(a: str, b: str) -> None:
    assert a not in phone_key(a)
    assert (phone_key(a) == phone_key(b)) == (a == b)


# --- a problem described straight away (actions/complaints/draft.py) ------------------------------

REQUESTS = st.sampled_from(["I want to file a complaint", "complaint:", "report it", "我要投诉", "举报", "反映一下"])
PROBLEMS = st.sampled_from(
    [
        "the signal at Jianguo Road has been dark for a week",
        "a delivery van parks on the pavement every morning",
        "there is a pothole on the ring road",
        "建国路口的红绿灯坏了一个星期了",
        "每天早上都有一辆快递车停在人行道上",
    ]
)


@given(problem=PROBLEMS, request=REQUESTS, request_first=st.booleans())
def test_a_request_to_report_is_never_taken_as_the_description(problem: str, request: str, request_first: bool) -> None:
    text = f"{request} {problem}" if request_first else f"{problem}, {request}"
    assert not is_problem_description(text)
    assert draft_from_opening(text, {}).description is None


@given(problem=PROBLEMS, padding=st.text(alphabet=" ", max_size=3))
def test_a_problem_described_becomes_the_description_with_its_topic(problem: str, padding: str) -> None:
    draft = draft_from_opening(padding + problem + padding, {})
    assert draft.description == problem and draft.topic is not None


@given(text=st.text(max_size=9))
def test_too_short_to_be_a_description(text: str) -> None:
    assert not is_problem_description(text)


@given(name=st.sampled_from(["ring", "east ring", "old airport"]), thing=st.sampled_from(["pothole", "broken sign"]))
def test_a_lower_case_road_is_guessed_as_the_place(name: str, thing: str) -> None:
    assert guess_place(f"{thing} on the {name} road") == f"{name} road"
