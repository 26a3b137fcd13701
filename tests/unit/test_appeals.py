"""Appeals: the violation's appeal state (not payable, surcharge clock paused), filing once per form,
someone else's violation read as unknown, and staff decisions recorded once with a notification."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions import appeals
from actions.appeals import AppealError, Refusal
from actions.services import Services, today_of
from storage.models import (
    LOCAL_TZ,
    AppealState,
    Bilingual,
    Citizen,
    NotificationType,
    Violation,
    ViolationSource,
    ViolationStatus,
)
from storage.repositories import Repositories
from storage.seed import DEMO_IDENTITIES
from tests.conftest import default_services, demo_database

REASON = "I was at work in another city that evening; the car was in my company's garage."


def violation(**changes: object) -> Violation:
    values: dict[str, object] = {
        "plate": "京A12345",
        "occurred_at": datetime(2026, 10, 1, 2, tzinfo=UTC),
        "place": Bilingual(en="Main St", zh="主街"),
        "code": "1039",
        "behaviour": Bilingual(en="Parking where it is not allowed", zh="违反规定停放"),
        "fine_yuan": 200,
        "points": 0,
        "source": ViolationSource.CAMERA,
        "recorded_by": "CAM-1",
    }
    values.update(changes)
    return Violation.model_validate(values)


def test_no_appeal_means_nothing_pending_or_paused() -> None:
    v = violation()
    assert not v.appeal_pending and v.surcharge_paused_days(date(2026, 11, 1)) == 0


@given(
    filed_days_ago=st.integers(min_value=0, max_value=400),
    decided_days_ago=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    earlier=st.integers(min_value=0, max_value=400),
    state=st.sampled_from(list(AppealState)),
)
def test_the_surcharge_clock_stands_still_while_an_appeal_is_pending(
    filed_days_ago: int, decided_days_ago: int | None, earlier: int, state: AppealState
) -> None:
    today = date(2026, 11, 20)
    filed = datetime.combine(today - timedelta(days=filed_days_ago), time(23, 30), LOCAL_TZ).astimezone(UTC)
    decided = today - timedelta(days=decided_days_ago) if decided_days_ago is not None else None
    v = violation(
        appeal_id="a", appeal_state=state, appeal_filed_at=filed, appeal_paused_days=earlier, decided_on=decided
    )
    assert v.appeal_pending == (state == AppealState.PENDING)
    # The clock runs from the decision: days before it, or before the appeal, are not paused.
    running = 0 if decided is None else (today - max(decided, filed.astimezone(LOCAL_TZ).date())).days + 1
    expected = earlier + (max(0, running) if state == AppealState.PENDING else 0)
    assert v.surcharge_paused_days(today) == expected
    # Each further day of a pending appeal (once the clock runs) is one more paused day; a decided one pauses no more.
    grows = v.surcharge_paused_days(today + timedelta(days=1)) - v.surcharge_paused_days(today)
    assert grows == (1 if state == AppealState.PENDING and decided is not None else 0)


@given(text=st.text(max_size=1100))
def test_reason_length(text: str) -> None:
    hint = appeals.explain_reason(text)
    n = len(text.strip())
    assert (hint is None) == (appeals.REASON_MIN <= n <= appeals.REASON_MAX)


def test_refusals() -> None:
    assert appeals.refusal_of(violation()) is None
    assert appeals.refusal_of(violation(status=ViolationStatus.PROCESSED)) is None
    assert appeals.refusal_of(violation(status=ViolationStatus.PAID)) == Refusal.PAID
    assert appeals.refusal_of(violation(status=ViolationStatus.CANCELLED)) == Refusal.CANCELLED
    assert appeals.refusal_of(violation(appeal_state=AppealState.PENDING)) == Refusal.PENDING
    assert appeals.refusal_of(violation(appeal_state=AppealState.REJECTED)) is None


# --- against the database ------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def repos(mongo_url: str) -> AsyncIterator[Repositories]:
    async with demo_database(mongo_url, "appeals") as loaded:
        yield loaded


@pytest.fixture
async def services(repos: Repositories, redis_url: str) -> AsyncIterator[Services]:
    async with default_services(repos, redis_url, "tappeal") as built:
        yield built


async def _zhang(services: Services) -> tuple[Citizen, Violation]:
    """张伟 and a fresh violation of his first car, its penalty decided (handled, unpaid)."""
    zhang = await services.repos.citizens.by_id_number(DEMO_IDENTITIES[0].id_number)
    assert zhang is not None
    car = (await services.repos.vehicles.by_owner(zhang.id_number))[0]
    fresh = violation(
        plate=car.plate,
        occurred_at=services.clock() - timedelta(days=6),
        status=ViolationStatus.PROCESSED,  # decided 5 days ago: the surcharge clock runs
        processed_at=services.clock() - timedelta(days=5),
    )
    await services.repos.violations.insert(fresh)
    return zhang, fresh


async def test_filed_once_per_form_and_paused(services: Services) -> None:
    zhang, v = await _zhang(services)
    first = await appeals.file(services, zhang, v.id, REASON, ["file-1", "file-2"], key="form-a1")
    assert first.appeal is not None and not first.repeated and first.appeal.photos == ["file-1", "file-2"]
    assert first.violation is not None and first.violation.appeal_pending
    again = await appeals.file(services, zhang, v.id, REASON, [], key="form-a1")
    assert again.appeal is not None and again.appeal.id == first.appeal.id and again.repeated
    other_form = await appeals.file(services, zhang, v.id, REASON, [], key="form-a2")
    assert other_form.appeal is None and other_form.refusal == Refusal.PENDING
    assert await services.repos.appeals.collection.count_documents({"violation_id": v.id}) == 1
    stored = await services.repos.violations.by_id(v.id)
    assert stored is not None and stored.surcharge_paused_days(today_of(services)) == 1


async def test_someone_elses_violation_reads_as_unknown(services: Services) -> None:
    _, v = await _zhang(services)
    li_na = await services.repos.citizens.by_id_number(DEMO_IDENTITIES[1].id_number)
    assert li_na is not None
    theirs = await appeals.file(services, li_na, v.id, REASON, [], key="form-b1")
    unknown = await appeals.file(services, li_na, "no-such-violation", REASON, [], key="form-b2")
    assert theirs.appeal is None and theirs.refusal == unknown.refusal == Refusal.NOT_FOUND
    assert theirs.violation is None  # nothing about it is given away


async def test_accepted_cancels_and_notifies_once(services: Services) -> None:
    zhang, v = await _zhang(services)
    filed = await appeals.file(services, zhang, v.id, REASON, [], key="form-c1")
    assert filed.appeal is not None
    decided = await appeals.decide(services, filed.appeal.id, accept=True, staff="mei", reason=None)
    assert not decided.already and decided.notified
    assert decided.violation is not None and decided.violation.status == ViolationStatus.CANCELLED
    assert not decided.violation.appeal_pending and decided.violation.appeal_paused_days == 1
    again = await appeals.decide(services, filed.appeal.id, accept=False, staff="bob", reason="late")
    assert again.already and not again.notified and again.appeal.state == AppealState.ACCEPTED
    notes = await services.repos.notifications.collection.count_documents(
        {"type": NotificationType.APPEAL_DECIDED.value, "payload.appeal_id": filed.appeal.id}
    )
    assert notes == 1
    paid = await appeals.file(services, zhang, v.id, REASON, [], key="form-c2")
    assert paid.refusal == Refusal.CANCELLED


async def test_rejected_needs_a_reason_and_keeps_the_paused_days(services: Services) -> None:
    zhang, v = await _zhang(services)
    filed = await appeals.file(services, zhang, v.id, REASON, [], key="form-d1")
    assert filed.appeal is not None
    with pytest.raises(AppealError, match="reason_needed"):
        await appeals.decide(services, filed.appeal.id, accept=False, staff="mei", reason="  ")
    decided = await appeals.decide(services, filed.appeal.id, accept=False, staff="mei", reason="The photo is clear.")
    assert decided.violation is not None and decided.violation.status == ViolationStatus.PROCESSED
    assert decided.violation.appeal_state == AppealState.REJECTED and decided.violation.appeal_paused_days == 1
    note = await services.repos.notifications.collection.find_one({"payload.appeal_id": filed.appeal.id})
    assert note is not None and note["payload"]["reason"] == "The photo is clear." and not note["payload"]["accepted"]
    with pytest.raises(AppealError, match="not_found"):
        await appeals.decide(services, "nope", accept=True, staff="mei", reason=None)
