"""Driver's license status: every status's next step, renewal window, scoring cycle."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from actions.licenses import (
    RENEWAL_WINDOW_DAYS,
    can_renew_by_mail,
    city_named_in,
    cycle_end,
    exam_places,
    expiring_soon,
    license_report,
    may_drive,
    next_features,
    next_steps,
)
from core.i18n import Catalog
from storage.models import Detention, DriverLicense, LicenseClass, LicenseReason, LicenseStatus, Suspension

TODAY = date(2026, 5, 20)


def make_license(**overrides: Any) -> DriverLicense:
    values: dict[str, Any] = {
        "_id": "110102198708182939",
        "license_class": LicenseClass.C1,
        "first_issued": date(2014, 3, 1),
        "valid_from": date(2020, 3, 1),
        "valid_to": date(2030, 3, 1),
        "issuing_city": "beijing",
        "issuing_office": "beijing-vmo",
        "cycle_start": date(2026, 3, 1),
        "points": 3,
    }
    values.update(overrides)
    return DriverLicense(**values)


def steps_by_status(lic: DriverLicense) -> dict[LicenseStatus | None, Any]:
    return {step.status: step for step in next_steps(lic, TODAY)}


def test_valid_license_far_from_expiry_has_nothing_to_do() -> None:
    lic = make_license()
    assert lic.statuses(TODAY) == [LicenseStatus.VALID]
    assert next_steps(lic, TODAY) == []
    report = license_report(lic, TODAY)
    assert report.points == 3 and report.points_left == 9
    assert report.cycle_end == date(2027, 2, 28)
    assert report.days_left == (date(2030, 3, 1) - TODAY).days
    assert report.office_name == "Beijing Vehicle Management Office"
    assert license_report(lic, TODAY, "zh").office_name == "北京市公安局交通管理局车辆管理所"


def test_expiring_with_exam_on_file_points_to_renewal() -> None:
    lic = make_license(valid_to=TODAY + timedelta(days=25), exam_result_on_file=TODAY - timedelta(days=3))
    [step] = next_steps(lic, TODAY)
    assert step.status is None and step.msg_id == "license-step-expiring-renew" and step.feature == "renewal"
    assert step.args["days"] == 25
    assert can_renew_by_mail(lic, TODAY)


def test_expiring_without_exam_points_to_the_physical_exam_first() -> None:
    lic = make_license(valid_to=TODAY + timedelta(days=60))
    [step] = next_steps(lic, TODAY)
    assert step.msg_id == "license-step-expiring-exam-first" and step.feature == "faq_exam"
    assert step.args["community"] == 141 and step.args["hospitals"] == 51
    assert not can_renew_by_mail(lic, TODAY)


def test_expired_with_exam_can_be_renewed_by_mail() -> None:
    lic = make_license(valid_to=TODAY - timedelta(days=20), exam_result_on_file=TODAY - timedelta(days=5))
    step = steps_by_status(lic)[LicenseStatus.EXPIRED]
    assert step.msg_id == "license-step-expired-renew" and step.feature == "renewal"
    assert step.args["days"] == 20
    assert can_renew_by_mail(lic, TODAY)


def test_expired_without_exam_needs_the_exam_first() -> None:
    lic = make_license(valid_to=TODAY - timedelta(days=1))
    step = steps_by_status(lic)[LicenseStatus.EXPIRED]
    assert step.msg_id == "license-step-expired-exam-first" and step.feature == "faq_exam"


def test_suspended_says_until_when_and_why() -> None:
    lic = make_license(
        points=12,
        suspension=Suspension(
            since=TODAY - timedelta(days=10),
            until=TODAY + timedelta(days=50),
            reason=LicenseReason.POINTS_LIMIT_REACHED,
        ),
    )
    step = steps_by_status(lic)[LicenseStatus.SUSPENDED]
    assert step.msg_id == "license-step-suspended-points"
    assert step.args["until"] == (TODAY + timedelta(days=50)).isoformat()
    assert step.args["reason"] == "points_limit_reached"
    other = make_license(
        suspension=Suspension(since=TODAY, until=TODAY + timedelta(days=5), reason=LicenseReason.DRUNK_DRIVING)
    )
    assert steps_by_status(other)[LicenseStatus.SUSPENDED].msg_id == "license-step-suspended"


def test_suspension_over_is_no_longer_a_status() -> None:
    lic = make_license(
        suspension=Suspension(
            since=TODAY - timedelta(days=40), until=TODAY - timedelta(days=1), reason=LicenseReason.DRUNK_DRIVING
        )
    )
    assert LicenseStatus.SUSPENDED not in lic.statuses(TODAY)


def test_revoked_expired_license_is_not_sent_to_renewal() -> None:
    lic = make_license(
        valid_to=TODAY - timedelta(days=3),
        revoked_on=TODAY - timedelta(days=100),
        revoked_reason=LicenseReason.HIT_AND_RUN,
        exam_result_on_file=TODAY,
    )
    steps = steps_by_status(lic)
    assert steps[LicenseStatus.REVOKED].msg_id == "license-step-revoked"
    assert steps[LicenseStatus.REVOKED].args["reason"] == "hit_and_run"
    assert LicenseStatus.EXPIRED not in steps  # renewal is no remedy for a revoked license
    assert not can_renew_by_mail(lic, TODAY)


def test_detained_and_temporarily_detained_say_where_and_what_to_bring() -> None:
    lic = make_license(
        detention=Detention(since=TODAY - timedelta(days=9), reason=LicenseReason.UNPAID_FINES),
        temporary_detention=Detention(since=TODAY - timedelta(days=2), reason=LicenseReason.DRUNK_DRIVING),
    )
    steps = steps_by_status(lic)
    assert steps[LicenseStatus.DETAINED].msg_id == "license-step-detained"
    assert steps[LicenseStatus.DETAINED].args["office"] == "Beijing Vehicle Management Office"
    assert steps[LicenseStatus.TEMPORARILY_DETAINED].msg_id == "license-step-temporarily-detained"
    assert steps[LicenseStatus.TEMPORARILY_DETAINED].args["reason"] == "drunk_driving"


def test_exam_and_periodic_overdue_and_stop_use() -> None:
    lic = make_license(
        license_class=LicenseClass.B2,
        next_physical_exam_due=TODAY - timedelta(days=30),
        next_periodic_exam_due=TODAY - timedelta(days=10),
        stop_use_announced_on=TODAY - timedelta(days=7),
        stop_use_reason=LicenseReason.HEALTH_CONDITION,
    )
    steps = steps_by_status(lic)
    assert steps[LicenseStatus.EXAM_OVERDUE].feature == "faq_exam"
    assert steps[LicenseStatus.EXAM_OVERDUE].args["due"] == (TODAY - timedelta(days=30)).isoformat()
    assert steps[LicenseStatus.PERIODIC_EXAM_OVERDUE].msg_id == "license-step-periodic-overdue"
    assert steps[LicenseStatus.STOP_USE_ANNOUNCED].args["reason"] == "health_condition"


@given(days_left=st.integers(min_value=-400, max_value=4000), exam=st.booleans())
def test_renewal_window_rule(days_left: int, exam: bool) -> None:
    lic = make_license(valid_to=TODAY + timedelta(days=days_left), exam_result_on_file=TODAY if exam else None)
    assert can_renew_by_mail(lic, TODAY) == (days_left <= RENEWAL_WINDOW_DAYS and exam)
    assert expiring_soon(lic, TODAY) == (0 <= days_left <= RENEWAL_WINDOW_DAYS)
    steps = next_steps(lic, TODAY)
    has_renewal_step = any(s.msg_id.startswith(("license-step-expiring", "license-step-expired")) for s in steps)
    assert has_renewal_step == (days_left <= RENEWAL_WINDOW_DAYS)
    if has_renewal_step:
        assert any(s.feature == ("renewal" if exam else "faq_exam") for s in steps)


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_cycle_is_one_year(start: date) -> None:
    end = cycle_end(make_license(cycle_start=start))
    assert 364 <= (end - start).days <= 365


def test_every_step_message_exists_in_both_languages() -> None:
    catalog = Catalog()
    msg_ids = {
        "license-step-expiring-renew",
        "license-step-expiring-exam-first",
        "license-step-expired-renew",
        "license-step-expired-exam-first",
        "license-step-suspended",
        "license-step-suspended-points",
        "license-step-revoked",
        "license-step-detained",
        "license-step-temporarily-detained",
        "license-step-exam-overdue",
        "license-step-periodic-overdue",
        "license-step-stop-use",
    }
    msg_ids |= {f"license-status-{s.value}" for s in LicenseStatus}
    msg_ids |= {f"license-reason-{r.value}" for r in LicenseReason}
    for lang in ("en", "zh"):
        missing = {m for m in msg_ids if not catalog.has(lang, m)}
        assert not missing, (lang, missing)


def test_an_expired_license_may_not_be_used() -> None:
    """Issue 18: renewal by mail told a holder whose license expired 20 days ago that it "stays in
    use until the new one arrives"."""
    assert may_drive(make_license(valid_to=TODAY), TODAY)  # its last day
    assert not may_drive(make_license(valid_to=TODAY - timedelta(days=20)), TODAY)
    assert not may_drive(
        make_license(
            suspension=Suspension(
                until=TODAY, reason=LicenseReason.POINTS_LIMIT_REACHED, since=TODAY - timedelta(days=30)
            )
        ),
        TODAY,
    )
    assert not may_drive(make_license(detention=Detention(since=TODAY, reason=LicenseReason.DRUNK_DRIVING)), TODAY)


def test_the_buttons_under_the_license_follow_its_status() -> None:
    """Issue 18: a suspended license was offered only the e-license; a detained one "Renew by mail"."""
    since = TODAY - timedelta(days=30)
    suspended = make_license(
        suspension=Suspension(until=TODAY + timedelta(days=60), reason=LicenseReason.POINTS_LIMIT_REACHED, since=since)
    )
    assert next_features(suspended, TODAY, next_steps(suspended, TODAY), renewable=False)[:2] == [
        "points_study",
        "violations",
    ]
    detained = make_license(
        valid_to=TODAY - timedelta(days=20),
        exam_result_on_file=TODAY - timedelta(days=5),
        detention=Detention(since=since, reason=LicenseReason.DRUNK_DRIVING),
    )
    steps = next_steps(detained, TODAY)
    assert "renewal" in [s.feature for s in steps]  # the step says it expired ...
    features = next_features(detained, TODAY, steps, renewable=False)
    assert "renewal" not in features and "elicense_check" not in features  # ... but neither leads anywhere
    valid = make_license(valid_to=TODAY + timedelta(days=20), exam_result_on_file=TODAY - timedelta(days=5))
    assert next_features(valid, TODAY, next_steps(valid, TODAY), renewable=True) == ["renewal", "elicense_check"]


def test_physical_exam_places_follow_the_city() -> None:
    """Issue 18: every driver was given Beijing's figures, a Guangzhou license holder too."""
    assert exam_places("beijing", "en") == {
        "city": "Beijing",
        "named": "yes",
        "known": "yes",
        "community": 141,
        "hospitals": 51,
    }
    guangzhou = exam_places("guangzhou", "zh")
    assert guangzhou["city"] == "广州" and guangzhou["known"] == "no" and guangzhou["community"] == 0
    guangzhou_license = make_license(issuing_city="guangzhou", valid_to=TODAY + timedelta(days=60))
    [step] = next_steps(guangzhou_license, TODAY, "en")
    assert step.args["city"] == "Guangzhou" and step.args["known"] == "no"
    assert city_named_in("Where can I do the physical exam in Shenzhen?") == "shenzhen"
    assert city_named_in("深圳哪里可以体检") == "shenzhen" and city_named_in("where is the exam") is None


def test_the_elicense_answer_offers_no_renewal_for_a_held_license() -> None:
    """Issue 18: "Renew by mail" under a detained license's answer only led to a refusal."""
    import bot.factory  # noqa: F401  (registers every feature)
    from actions.elicense import Eligibility, Verdict, remedy_for
    from bot.routers.elicense import render_eligibility

    t = Catalog().translator("en")
    expired = make_license(valid_to=TODAY - timedelta(days=20))
    alone = Eligibility(Verdict.BLOCKED, expired, None, [remedy_for(LicenseStatus.EXPIRED, expired)])
    _, markup = render_eligibility(t, alone)
    assert markup is not None and "🪪 Renew my license by mail" in [
        b.text for row in markup.inline_keyboard for b in row
    ]
    held = make_license(
        valid_to=TODAY - timedelta(days=20), detention=Detention(since=TODAY, reason=LicenseReason.DRUNK_DRIVING)
    )
    remedies = [remedy_for(s, held) for s in (LicenseStatus.EXPIRED, LicenseStatus.DETAINED)]
    _, markup = render_eligibility(t, Eligibility(Verdict.BLOCKED, held, None, remedies))
    labels = [b.text for row in markup.inline_keyboard for b in row] if markup is not None else []
    assert "🪪 Renew my license by mail" not in labels


def test_the_elicense_reasons_take_a_full_width_colon_in_chinese() -> None:
    import bot.factory  # noqa: F401  (registers every feature)
    from actions.elicense import Eligibility, Verdict, remedy_for
    from bot.routers.elicense import render_eligibility

    held = make_license(detention=Detention(since=TODAY, reason=LicenseReason.DRUNK_DRIVING))
    found = Eligibility(Verdict.BLOCKED, held, None, [remedy_for(LicenseStatus.DETAINED, held, "zh")])
    text, _ = render_eligibility(Catalog().translator("zh"), found)
    assert "• <b>扣押</b>：" in text
