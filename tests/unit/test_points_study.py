"""Study to reduce points (学法减分): every eligibility rule and its reason, the per-cycle cap, the
question bank and the exam's marking, and the reduction recorded once per exam."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions import points_study
from actions.points_study import Outcome, Reason, StudyRules, assess, probation_end
from actions.services import Services
from core.config import ConfigError, load_settings
from storage.data import StudyQuestion, points_study_bank
from storage.models import (
    DriverLicense,
    LicenseClass,
    OffenceKind,
    OffenceRecord,
    PointsReduction,
)
from storage.repositories import Repositories
from tests.conftest import default_services, demo_database

TODAY = date(2026, 11, 20)
CYCLE_START = date(2026, 3, 1)
RULES = StudyRules()


def bank_question(question_id: str) -> StudyQuestion:
    found = points_study_bank().question(question_id)
    assert found is not None
    return found


def license_(**changes: Any) -> DriverLicense:
    """A license past probation, 3 points in the cycle that started on CYCLE_START."""
    values: dict[str, Any] = {
        "_id": "110101199003074514",
        "license_class": LicenseClass.C1,
        "first_issued": date(2015, 3, 1),
        "valid_from": date(2021, 3, 1),
        "valid_to": date(2031, 3, 1),
        "issuing_city": "beijing",
        "issuing_office": "bj-vmo",
        "points": 3,
        "cycle_start": CYCLE_START,
    }
    values.update(changes)
    return DriverLicense.model_validate(values)


def reduction(n: int, on: date = CYCLE_START + timedelta(days=10), points: int = 1) -> PointsReduction:
    return PointsReduction(quiz_id=f"q{n}", points=points, on=on, at=datetime(2026, 4, 1, tzinfo=UTC))


# Each reason, as the license fields (and unhandled violations) that produce it.
REASONS: dict[Reason, tuple[dict[str, Any], int]] = {
    Reason.NO_POINTS: ({"points": 0}, 0),
    Reason.POINTS_LIMIT: ({"points": 12}, 0),
    Reason.PROBATION: ({"first_issued": TODAY - timedelta(days=100)}, 0),
    Reason.DRINK_DRIVING: (
        {"offences": [OffenceRecord(kind=OffenceKind.DRINK_DRIVING, on=CYCLE_START + timedelta(days=30))]},
        0,
    ),
    Reason.HIT_AND_RUN: ({"offences": [OffenceRecord(kind=OffenceKind.HIT_AND_RUN, on=TODAY)]}, 0),
    Reason.UNHANDLED_VIOLATIONS: ({}, 2),
    Reason.CYCLE_LIMIT: ({"points_reductions": [reduction(n) for n in range(6)]}, 0),
}


def test_a_license_with_points_and_nothing_against_it_is_eligible() -> None:
    found = assess(license_(), TODAY, 0)
    assert found.eligible and found.blockers == []
    assert found.per_pass == 1 and found.reducible == 3 and found.cycle_end == date(2027, 2, 28)


def test_no_license_is_its_own_reason() -> None:
    found = assess(None, TODAY, 0)
    assert not found.eligible and found.reasons == [Reason.NO_LICENSE]


@pytest.mark.parametrize("reason", list(REASONS))
def test_each_reason_alone(reason: Reason) -> None:
    changes, unhandled = REASONS[reason]
    found = assess(license_(**changes), TODAY, unhandled)
    assert found.reasons == [reason] and not found.eligible and found.reducible == 0


def test_every_reason_is_listed_with_what_its_remedy_needs() -> None:
    lic = license_(
        first_issued=TODAY - timedelta(days=30),
        offences=[
            OffenceRecord(kind=OffenceKind.DRINK_DRIVING, on=CYCLE_START + timedelta(days=3)),
            OffenceRecord(kind=OffenceKind.HIT_AND_RUN, on=CYCLE_START + timedelta(days=9)),
        ],
        points_reductions=[reduction(n) for n in range(6)],
    )
    found = assess(lic, TODAY, 4)
    assert found.reasons == [
        Reason.PROBATION,
        Reason.DRINK_DRIVING,
        Reason.HIT_AND_RUN,
        Reason.UNHANDLED_VIOLATIONS,
        Reason.CYCLE_LIMIT,
    ]
    by_reason = {b.reason: b for b in found.blockers}
    assert by_reason[Reason.PROBATION].args["until"] == probation_end(lic)
    assert by_reason[Reason.UNHANDLED_VIOLATIONS].args == {"count": 4}
    assert by_reason[Reason.UNHANDLED_VIOLATIONS].feature == "violations"
    assert by_reason[Reason.CYCLE_LIMIT].args["next"] == date(2027, 3, 1)
    assert by_reason[Reason.DRINK_DRIVING].args["on"] == CYCLE_START + timedelta(days=3)


def test_offences_and_reductions_of_an_earlier_cycle_do_not_count() -> None:
    before = CYCLE_START - timedelta(days=1)
    lic = license_(
        offences=[OffenceRecord(kind=OffenceKind.DRINK_DRIVING, on=before)],
        points_reductions=[reduction(n, on=before) for n in range(6)],
    )
    found = assess(lic, TODAY, 0)
    assert found.eligible and found.reduced_in_cycle == 0 and found.reducible == 3


def test_probation_is_the_first_twelve_months() -> None:
    lic = license_(first_issued=date(2025, 11, 21))
    assert probation_end(lic) == date(2026, 11, 20)
    assert Reason.PROBATION in assess(lic, TODAY, 0).reasons
    assert Reason.PROBATION not in assess(lic, TODAY + timedelta(days=1), 0).reasons


def test_the_numbers_are_settings() -> None:
    rules = StudyRules(max_per_cycle=2, points_per_pass=2, questions=5, pass_mark=4)
    found = assess(license_(points=9, points_reductions=[reduction(1)]), TODAY, 0, rules)
    assert found.reducible == 1 and found.per_pass == 1  # one point left of the cap of 2
    settings = load_settings(_env_file=None, points_study_max_per_cycle=4, points_study_pass_mark=7)
    assert StudyRules.of(settings) == StudyRules(max_per_cycle=4, points_per_pass=1, questions=10, pass_mark=7)
    with pytest.raises(ConfigError, match="POINTS_STUDY_PASS_MARK"):
        load_settings(_env_file=None, points_study_questions=5, points_study_pass_mark=9)


def test_the_defaults_are_the_ministrys() -> None:
    settings = load_settings(_env_file=None)
    assert StudyRules.of(settings) == StudyRules(max_per_cycle=6, points_per_pass=1, questions=10, pass_mark=9)


@given(
    points=st.integers(min_value=0, max_value=12),
    reduced=st.integers(min_value=0, max_value=8),
    unhandled=st.integers(min_value=0, max_value=5),
    months_licensed=st.integers(min_value=0, max_value=60),
    offences=st.lists(st.sampled_from(list(OffenceKind)), max_size=2),
    max_per_cycle=st.integers(min_value=0, max_value=12),
    per_pass=st.integers(min_value=1, max_value=3),
)
def test_eligibility_rules_hold_for_any_license(
    points: int,
    reduced: int,
    unhandled: int,
    months_licensed: int,
    offences: list[OffenceKind],
    max_per_cycle: int,
    per_pass: int,
) -> None:
    rules = StudyRules(max_per_cycle=max_per_cycle, points_per_pass=per_pass)
    lic = license_(
        points=points,
        first_issued=TODAY - timedelta(days=months_licensed * 30),
        offences=[OffenceRecord(kind=k, on=CYCLE_START + timedelta(days=5)) for k in offences],
        points_reductions=[reduction(n) for n in range(reduced)],
    )
    found = assess(lic, TODAY, unhandled, rules)
    reasons = set(found.reasons)
    # Each rule, and only the rules, block.
    assert (Reason.POINTS_LIMIT in reasons) == (points >= 12)
    assert (Reason.NO_POINTS in reasons) == (points == 0)
    assert (Reason.PROBATION in reasons) == (TODAY <= probation_end(lic))
    assert (Reason.DRINK_DRIVING in reasons) == (OffenceKind.DRINK_DRIVING in offences)
    assert (Reason.HIT_AND_RUN in reasons) == (OffenceKind.HIT_AND_RUN in offences)
    assert (Reason.UNHANDLED_VIOLATIONS in reasons) == (unhandled > 0)
    assert (Reason.CYCLE_LIMIT in reasons) == (reduced >= max_per_cycle and 0 < points < 12)
    assert found.eligible == (not reasons)
    # A pass never takes off more than the points there are, the cap left, or the points per pass.
    assert 0 <= found.per_pass <= min(per_pass, points, max(0, max_per_cycle - reduced))
    assert found.reducible <= points and reduced + found.reducible <= max(max_per_cycle, reduced)
    if found.eligible:
        assert found.per_pass >= 1


def test_the_bank_has_enough_bilingual_questions() -> None:
    bank = points_study_bank()
    assert len(bank.questions) >= 20
    assert len({q.id for q in bank.questions}) == len(bank.questions)
    for q in bank.questions:
        assert q.question.en and q.question.zh and q.explanation.en and q.explanation.zh
        assert len(q.options) >= 3 and all(o.en and o.zh for o in q.options)
        assert 0 <= q.answer < len(q.options)
    assert bank.paragraphs and all(p.en and p.zh for p in bank.paragraphs)


@given(seed=st.integers(min_value=0, max_value=10_000), count=st.integers(min_value=1, max_value=20))
def test_exams_are_drawn_without_repeats_and_marked_against_the_bank(seed: int, count: int) -> None:
    ids = points_study.draw(count, random.Random(seed))
    assert len(ids) == count and len(set(ids)) == count
    right = [bank_question(i).answer for i in ids]
    assert points_study.score(ids, right) == count
    wrong = [(a + 1) % len(bank_question(i).options) for i, a in zip(ids, right, strict=True)]
    assert points_study.score(ids, wrong) == 0
    assert points_study.score(ids, right[:-1] + wrong[-1:]) == count - 1


def test_quizzes_vary() -> None:
    drawn = {tuple(sorted(points_study.draw(10, random.Random(seed)))) for seed in range(5)}
    assert len(drawn) > 1


def test_pass_mark() -> None:
    assert points_study.passed(9, RULES) and points_study.passed(10, RULES)
    assert not points_study.passed(8, RULES)


# --- against the database ------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def repos(mongo_url: str) -> AsyncIterator[Repositories]:
    async with demo_database(mongo_url, "pstudy") as loaded:
        yield loaded


@pytest.fixture
async def services(repos: Repositories, redis_url: str) -> AsyncIterator[Services]:
    async with default_services(repos, redis_url, "tpstudy") as built:
        yield built


async def _fresh(services: Services, **changes: Any) -> DriverLicense:
    lic = license_(_id=f"11010119900307{random.randrange(1000, 9999)}", **changes)
    await services.repos.licenses.collection.delete_one({"_id": lic.id_number})
    await services.repos.licenses.insert_many([lic])
    return lic


async def test_a_pass_reduces_once_per_exam(services: Services) -> None:
    lic = await _fresh(services, cycle_start=date.today() - timedelta(days=30))
    ids = points_study.draw(10)
    right = [bank_question(i).answer for i in ids]
    first = await points_study.finish(services, lic.id_number, "exam-1", ids, right)
    assert first.outcome == Outcome.REDUCED and first.reduced == 1 and not first.repeated
    assert first.license is not None and first.license.points == 2
    again = await points_study.finish(services, lic.id_number, "exam-1", ids, right)
    assert again.outcome == Outcome.REDUCED and again.repeated
    stored = await services.repos.licenses.by_id_number(lic.id_number)
    assert stored is not None and stored.points == 2 and len(stored.points_reductions) == 1


async def test_a_fail_changes_nothing(services: Services) -> None:
    lic = await _fresh(services, cycle_start=date.today() - timedelta(days=30))
    ids = points_study.draw(10)
    answers = [bank_question(i).answer for i in ids]
    answers[0] = (answers[0] + 1) % 3
    answers[1] = (answers[1] + 1) % 3
    result = await points_study.finish(services, lic.id_number, "exam-2", ids, answers)
    assert result.outcome == Outcome.FAILED and result.correct == 8
    stored = await services.repos.licenses.by_id_number(lic.id_number)
    assert stored is not None and stored.points == 3 and stored.points_reductions == []


async def test_a_pass_when_no_longer_eligible_reduces_nothing(services: Services) -> None:
    lic = await _fresh(services, cycle_start=date.today() - timedelta(days=30), points=0)
    ids = points_study.draw(10)
    right = [bank_question(i).answer for i in ids]
    result = await points_study.finish(services, lic.id_number, "exam-3", ids, right)
    assert result.outcome == Outcome.NOT_ELIGIBLE and Reason.NO_POINTS in result.eligibility.reasons


@pytest.mark.parametrize("today", [date(2026, 12, 1), date(2027, 2, 28), date(2028, 2, 29), date(2030, 7, 15)])
def test_the_demo_people_are_refused_for_exactly_their_reason(today: date) -> None:
    from storage.seed import build_demo_data, study_and_appeal_demo

    data = build_demo_data(today)
    people, _ = study_and_appeal_demo()
    licenses = {lic.id_number: lic for lic in data.licenses}
    owned = {v.plate for v in data.vehicles if v.owner_id_number == people["unhandled_violations"].id_number}
    unhandled = sum(1 for v in data.violations if v.plate in owned and v.status.value == "unprocessed")
    assert unhandled == 2
    for situation, person in people.items():
        lic = licenses[person.id_number]
        found = assess(lic, today, unhandled if situation == "unhandled_violations" else 0)
        expected = [] if situation == "eligible" else [Reason(situation)]
        assert found.reasons == expected, situation
        assert lic.first_issued <= lic.valid_from and lic.cycle_start <= today
