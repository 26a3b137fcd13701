"""Renewal by mail: the eligibility window and every reason (property-based over dates)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from actions.applications import (
    EXAM_RESULT_VALID_DAYS,
    EXPIRED_LIMIT_DAYS,
    RENEWAL_WINDOW_DAYS,
    RenewalBlock,
    renewal_eligibility,
)
from core.addresses import normalize_address, normalize_postal_code
from storage.models import Detention, DriverLicense, LicenseClass, LicenseReason, Suspension

TODAY = date(2026, 11, 21)
days = st.integers(min_value=-2000, max_value=4000)


def license_(valid_to: date, *, exam: date | None = None, **extra: object) -> DriverLicense:
    return DriverLicense(
        _id="110105199001011234",
        license_class=LicenseClass.C1,
        first_issued=date(2010, 1, 1),
        valid_from=valid_to - timedelta(days=3652),
        valid_to=valid_to,
        issuing_city="beijing",
        issuing_office="beijing-vmo",
        cycle_start=date(2026, 1, 1),
        exam_result_on_file=exam,
        **extra,
    )


@given(days_left=days, today_offset=st.integers(min_value=-3650, max_value=3650))
def test_window_before_expiry(days_left: int, today_offset: int) -> None:
    today = TODAY + timedelta(days=today_offset)
    check = renewal_eligibility(license_(today + timedelta(days=days_left)), today)
    assert check.days_left == days_left
    assert check.window_opens == today + timedelta(days=days_left - RENEWAL_WINDOW_DAYS)
    if days_left > RENEWAL_WINDOW_DAYS:
        assert check.blocks == [RenewalBlock.TOO_EARLY] and not check.ok
        assert check.window_opens is not None and check.window_opens > today
    elif days_left >= 0:
        assert check.ok  # within 90 days before expiry, no exam result needed
    else:
        assert not check.ok  # expired and no exam result on file


@given(expired_days=st.integers(min_value=1, max_value=3000), exam_age=st.integers(min_value=-30, max_value=400))
def test_after_expiry_only_with_a_recent_exam_result_and_within_a_year(expired_days: int, exam_age: int) -> None:
    lic = license_(TODAY - timedelta(days=expired_days), exam=TODAY - timedelta(days=exam_age))
    check = renewal_eligibility(lic, TODAY)
    if expired_days > EXPIRED_LIMIT_DAYS:
        assert check.blocks == [RenewalBlock.EXPIRED_TOO_LONG]
    elif 0 <= exam_age <= EXAM_RESULT_VALID_DAYS:
        assert check.ok
    else:
        assert check.blocks == [RenewalBlock.EXPIRED_NO_EXAM]


def test_boundaries() -> None:
    assert renewal_eligibility(license_(TODAY + timedelta(days=90)), TODAY).ok
    assert renewal_eligibility(license_(TODAY + timedelta(days=91)), TODAY).blocks == [RenewalBlock.TOO_EARLY]
    assert renewal_eligibility(license_(TODAY), TODAY).ok  # last valid day
    assert renewal_eligibility(license_(TODAY - timedelta(days=1)), TODAY).blocks == [RenewalBlock.EXPIRED_NO_EXAM]
    li_na = license_(TODAY - timedelta(days=20), exam=TODAY - timedelta(days=5))  # the demo case
    assert renewal_eligibility(li_na, TODAY).ok


def test_held_or_withdrawn_licenses_list_every_reason() -> None:
    since = TODAY - timedelta(days=10)
    lic = license_(
        TODAY + timedelta(days=200),
        detention=Detention(since=since, reason=LicenseReason.COURT_ORDER),
        temporary_detention=Detention(since=since, reason=LicenseReason.DRUNK_DRIVING),
        suspension=Suspension(since=since, until=TODAY + timedelta(days=30), reason=LicenseReason.POINTS_LIMIT_REACHED),
    )
    assert renewal_eligibility(lic, TODAY).blocks == [
        RenewalBlock.DETAINED,
        RenewalBlock.TEMPORARILY_DETAINED,
        RenewalBlock.SUSPENDED,
        RenewalBlock.TOO_EARLY,
    ]
    ended = license_(
        TODAY + timedelta(days=10),
        suspension=Suspension(since=since, until=TODAY - timedelta(days=1), reason=LicenseReason.SERIOUS_SPEEDING),
    )
    assert renewal_eligibility(ended, TODAY).ok  # the suspension is over
    revoked = license_(TODAY + timedelta(days=10), revoked_on=since, revoked_reason=LicenseReason.HIT_AND_RUN)
    assert renewal_eligibility(revoked, TODAY).blocks == [RenewalBlock.REVOKED]


def test_address_and_postal_code() -> None:
    assert normalize_address("  北京市东城区  东长安街1号 ") == "北京市东城区 东长安街1号"
    assert normalize_address("12345678") is None  # no letters at all
    assert normalize_address("x") is None and normalize_address("路" * 121) is None
    assert normalize_postal_code("１００ ０１０") == "100010"  # full-width digits from an IME
    assert normalize_postal_code("10001") is None and normalize_postal_code("10001O") is None
