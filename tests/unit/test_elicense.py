"""Electronic driver's license: every eligibility rule and reason (with its remedy), the city
schedule, apply, review decisions with their notification, and the 60-second code."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions import elicense
from actions.elicense import ReviewOutcome, Verdict, assess
from actions.services import Services
from storage.models import (
    LOCAL_TZ,
    Bilingual,
    Detention,
    DriverLicense,
    ELicenseCity,
    LicenseClass,
    LicenseReason,
    LicenseStatus,
    NotificationType,
    ReviewStatus,
    Suspension,
)
from storage.repositories import Repositories
from storage.seed import DEMO_IDENTITIES
from tests.conftest import default_services, demo_database

TODAY = date(2026, 5, 20)
OPEN_CITY = ELicenseCity(
    city="beijing",
    name=Bilingual(en="Beijing", zh="北京"),
    province="京",
    batch=1,
    opens_on=TODAY - timedelta(days=300),
)
LATER_CITY = ELicenseCity(
    city="lhasa", name=Bilingual(en="Lhasa", zh="拉萨"), province="藏", batch=5, opens_on=TODAY + timedelta(days=120)
)

# Each blocking condition, as the license fields that produce it.
BLOCKERS: dict[LicenseStatus, dict[str, Any]] = {
    LicenseStatus.EXPIRED: {"valid_to": TODAY - timedelta(days=1)},
    LicenseStatus.REVOKED: {"revoked_on": TODAY - timedelta(days=50), "revoked_reason": LicenseReason.HIT_AND_RUN},
    LicenseStatus.DETAINED: {"detention": Detention(since=TODAY - timedelta(days=5), reason=LicenseReason.COURT_ORDER)},
    LicenseStatus.TEMPORARILY_DETAINED: {
        "temporary_detention": Detention(since=TODAY - timedelta(days=5), reason=LicenseReason.DRUNK_DRIVING)
    },
    LicenseStatus.EXAM_OVERDUE: {"next_physical_exam_due": TODAY - timedelta(days=1)},
    LicenseStatus.PERIODIC_EXAM_OVERDUE: {"next_periodic_exam_due": TODAY - timedelta(days=1)},
    LicenseStatus.STOP_USE_ANNOUNCED: {
        "stop_use_announced_on": TODAY - timedelta(days=3),
        "stop_use_reason": LicenseReason.HEALTH_CONDITION,
    },
}
REMEDY_IDS = {
    LicenseStatus.EXPIRED: "elicense-remedy-expired",
    LicenseStatus.REVOKED: "elicense-remedy-revoked",
    LicenseStatus.DETAINED: "elicense-remedy-detained",
    LicenseStatus.TEMPORARILY_DETAINED: "elicense-remedy-temporarily-detained",
    LicenseStatus.EXAM_OVERDUE: "elicense-remedy-exam-overdue",
    LicenseStatus.PERIODIC_EXAM_OVERDUE: "elicense-remedy-periodic-overdue",
    LicenseStatus.STOP_USE_ANNOUNCED: "elicense-remedy-stop-use",
}


def make_license(**overrides: Any) -> DriverLicense:
    values: dict[str, Any] = {
        "_id": "110102198708182939",
        "license_class": LicenseClass.B2,
        "first_issued": date(2014, 3, 1),
        "valid_from": date(2020, 3, 1),
        "valid_to": date(2030, 3, 1),
        "issuing_city": "beijing",
        "issuing_office": "beijing-vmo",
        "cycle_start": date(2026, 3, 1),
        "next_physical_exam_due": TODAY + timedelta(days=100),
        "next_periodic_exam_due": TODAY + timedelta(days=100),
    }
    values.update(overrides)
    return DriverLicense(**values)


def test_valid_license_in_an_open_city_is_eligible() -> None:
    found = assess(make_license(), OPEN_CITY, TODAY)
    assert found.verdict == Verdict.ELIGIBLE and found.eligible and found.remedies == []
    assert not found.can_request_review


@pytest.mark.parametrize("status", list(BLOCKERS))
def test_each_blocker_alone_is_a_reason_with_its_remedy(status: LicenseStatus) -> None:
    found = assess(make_license(**BLOCKERS[status]), OPEN_CITY, TODAY)
    assert found.verdict == Verdict.BLOCKED and not found.eligible
    assert [r.status for r in found.remedies] == [status]
    assert found.remedies[0].msg_id == REMEDY_IDS[status]
    assert found.can_request_review


def test_suspension_and_points_do_not_block() -> None:
    lic = make_license(
        points=12,
        suspension=Suspension(since=TODAY, until=TODAY + timedelta(days=30), reason=LicenseReason.POINTS_LIMIT_REACHED),
    )
    assert assess(lic, OPEN_CITY, TODAY).eligible


@given(chosen=st.sets(st.sampled_from(list(BLOCKERS)), min_size=1))
def test_every_reason_that_applies_is_listed(chosen: set[LicenseStatus]) -> None:
    fields: dict[str, Any] = {}
    for status in chosen:
        fields.update(BLOCKERS[status])
    found = assess(make_license(**fields), OPEN_CITY, TODAY)
    assert found.verdict == Verdict.BLOCKED
    assert {r.status for r in found.remedies} == chosen
    assert all(r.msg_id == REMEDY_IDS[r.status] for r in found.remedies)


def test_remedies_link_to_renewal_and_exam_places() -> None:
    found = assess(
        make_license(**BLOCKERS[LicenseStatus.EXPIRED], **BLOCKERS[LicenseStatus.EXAM_OVERDUE]), OPEN_CITY, TODAY
    )
    features = {r.status: r.feature for r in found.remedies}
    assert features == {LicenseStatus.EXPIRED: "renewal", LicenseStatus.EXAM_OVERDUE: "faq_exam"}
    exam = next(r for r in found.remedies if r.status == LicenseStatus.EXAM_OVERDUE)
    assert exam.args["community"] == 141 and exam.args["hospitals"] == 51


def test_city_not_open_gives_the_date_and_still_lists_reasons() -> None:
    found = assess(make_license(), LATER_CITY, TODAY)
    assert found.verdict == Verdict.CITY_NOT_OPEN and found.opens_on == TODAY + timedelta(days=120)
    assert found.remedies == [] and not found.can_request_review
    both = assess(make_license(**BLOCKERS[LicenseStatus.DETAINED]), LATER_CITY, TODAY)
    assert both.verdict == Verdict.CITY_NOT_OPEN and [r.status for r in both.remedies] == [LicenseStatus.DETAINED]
    assert assess(make_license(), None, TODAY).verdict == Verdict.CITY_NOT_OPEN
    far = {"next_physical_exam_due": TODAY + timedelta(days=400), "next_periodic_exam_due": TODAY + timedelta(days=400)}
    assert assess(make_license(**far), LATER_CITY, LATER_CITY.opens_on).eligible  # opens that very day


def test_no_license_and_already_issued() -> None:
    assert assess(None, OPEN_CITY, TODAY).verdict == Verdict.NO_LICENSE
    issued = make_license(elicense_issued_at=datetime(2026, 1, 2, tzinfo=LOCAL_TZ))
    assert assess(issued, OPEN_CITY, TODAY).verdict == Verdict.ALREADY_ISSUED


def test_review_reason_hints() -> None:
    assert elicense.explain_review_reason("too short") == "elicense-review-error-short"
    assert elicense.explain_review_reason("x" * 501) == "elicense-review-error-long"
    assert elicense.explain_review_reason("我在外地工作，无法按时回车管所办理") is None


# --- with the real databases ---------------------------------------------------------------------


@pytest.fixture(scope="module")
async def repos(mongo_url: str) -> AsyncIterator[Repositories]:
    """One database with the demo data per module (loading it is the slow part)."""
    async with demo_database(mongo_url, "unit_elicense") as loaded:
        yield loaded


@pytest.fixture
async def services(repos: Repositories, redis_url: str) -> AsyncIterator[Services]:
    async with default_services(repos, redis_url, "ue") as made:
        yield made


def demo(name: str) -> str:
    return next(d.id_number for d in DEMO_IDENTITIES if d.name == name)


async def test_demo_people(services: Services) -> None:
    wang = await elicense.check_eligibility(services, demo("王强"))
    assert wang.verdict == Verdict.BLOCKED
    assert {r.status for r in wang.remedies} == {
        LicenseStatus.DETAINED,
        LicenseStatus.EXAM_OVERDUE,
        LicenseStatus.PERIODIC_EXAM_OVERDUE,
    }
    liu = await elicense.check_eligibility(services, demo("刘洋"))
    assert liu.verdict == Verdict.CITY_NOT_OPEN and liu.opens_on is not None and liu.opens_on > date.today()
    assert (await elicense.check_eligibility(services, demo("赵敏"))).verdict == Verdict.ALREADY_ISSUED


async def test_apply_issues_at_once_when_eligible(services: Services) -> None:
    zhang = demo("张伟")
    result = await elicense.apply(services, zhang)
    assert result.issued and result.license is not None and result.license.elicense_issued
    again = await elicense.apply(services, zhang)
    assert not again.issued and again.eligibility.verdict == Verdict.ALREADY_ISSUED
    refused = await elicense.apply(services, demo("王强"))
    assert not refused.issued
    lic = await services.repos.licenses.by_id_number(demo("王强"))
    assert lic is not None and not lic.elicense_issued


async def test_review_request_then_approval_issues_and_notifies(services: Services) -> None:
    wang = demo("王强")
    assert (
        await elicense.request_review(services, demo("张伟"), "不需要审核的情况说明")
    ).outcome == ReviewOutcome.NOT_NEEDED
    assert (
        await elicense.request_review(services, demo("刘洋"), "城市尚未开通但我想申请")
    ).outcome == ReviewOutcome.NOT_POSSIBLE
    first = await elicense.request_review(services, wang, "我在外地工作，无法按时回车管所办理。")
    assert first.outcome == ReviewOutcome.CREATED and first.review is not None
    assert first.office_name == "Guangzhou Vehicle Management Office"
    assert set(first.review.blockers) == {
        LicenseStatus.DETAINED,
        LicenseStatus.EXAM_OVERDUE,
        LicenseStatus.PERIODIC_EXAM_OVERDUE,
    }
    second = await elicense.request_review(services, wang, "再次申请审核，情况同上。")
    assert second.outcome == ReviewOutcome.ALREADY_PENDING and second.review is not None
    assert second.review.id == first.review.id

    decision = await elicense.decide_review(services, first.review.id, True, "li.supervisor", "特殊情况，同意")
    assert decision is not None and decision.notified
    assert decision.review.status == ReviewStatus.APPROVED and decision.review.decided_by == "li.supervisor"
    assert decision.license is not None and decision.license.elicense_issued
    notes = await services.repos.notifications.collection.find(
        {"citizen_id_number": wang, "type": NotificationType.ELICENSE_REVIEW_DECIDED.value}
    ).to_list()
    assert len(notes) == 1
    assert notes[0]["payload"]["approved"] is True and notes[0]["payload"]["review_id"] == first.review.id
    # Decided once: a second decision changes nothing.
    assert await elicense.decide_review(services, first.review.id, False, "other", None) is None
    assert await elicense.decide_review(services, "no-such-review", True, "x", None) is None


async def test_rejection_notifies_and_issues_nothing(services: Services) -> None:
    wang = demo("王强")
    await services.repos.licenses.collection.update_one({"_id": wang}, {"$set": {"elicense_issued_at": None}})
    request = await elicense.request_review(services, wang, "我在外地工作，无法按时回车管所办理。")
    assert request.review is not None
    decision = await elicense.decide_review(services, request.review.id, False, "li.supervisor", "驾驶证仍被扣押")
    assert decision is not None and decision.review.status == ReviewStatus.REJECTED
    assert decision.license is not None and not decision.license.elicense_issued
    note = await services.repos.notifications.collection.find_one(
        {"dedupe_key": f"elicense-review:{request.review.id}"}
    )
    assert note is not None and note["payload"]["approved"] is False and note["payload"]["reason"] == "驾驶证仍被扣押"


async def test_show_gives_a_code_valid_60_seconds_and_refresh_replaces_it(services: Services) -> None:
    zhao = demo("赵敏")
    card = await elicense.show(services, zhao)
    assert card is not None and len(card.code) == 8 and card.blockers == []
    ttl = await services.redis.ttl(services.keys("elic", "code", card.code))
    assert 0 < ttl <= elicense.CODE_SECONDS
    assert await elicense.verify_code(services, card.code) == zhao
    fresh = await elicense.show(services, zhao)
    assert fresh is not None and fresh.code != card.code
    assert await elicense.verify_code(services, card.code) is None  # the old code stops working
    assert await elicense.verify_code(services, fresh.code) == zhao
    assert await elicense.show(services, demo("刘洋")) is None  # not issued


async def test_show_reports_blockers_that_appear_after_issue(services: Services) -> None:
    zhao = demo("赵敏")
    later = dataclasses.replace(services, clock=lambda: datetime.now(LOCAL_TZ) + timedelta(days=40))
    card = await elicense.show(later, zhao)
    assert card is not None and LicenseStatus.EXPIRED in card.blockers
