"""Vehicle rules: inspection state, engine numbers, names, authorisation periods (property-based)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from actions.vehicles import (
    INSPECTION_DUE_DAYS,
    MAX_START_AHEAD_DAYS,
    InspectionState,
    PeriodError,
    check_period,
    current_authorisations,
    inspection_state,
    latest_end,
    normalize_engine_last6,
    normalize_person_name,
    parse_dates,
    parse_period,
    preset_period,
)
from storage.models import Bilingual, Vehicle, VehicleAuthorisation, VehicleType

TODAY = date(2026, 11, 21)
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def vehicle(inspection: date, authorisations: list[VehicleAuthorisation] | None = None) -> Vehicle:
    return Vehicle(
        plate="京A12345",
        owner_id_number="110105199001011234",
        brand=Bilingual(en="Volkswagen", zh="大众"),
        model="Lavida",
        vehicle_type=VehicleType.SMALL_CAR,
        engine_number="EA1234567",
        vin="L" + "A" * 16,
        registered_on=date(2020, 1, 1),
        inspection_valid_until=inspection,
        authorisations=authorisations or [],
    )


@given(offset=st.integers(min_value=-1000, max_value=1000))
def test_inspection_state(offset: int) -> None:
    state, days = inspection_state(vehicle(TODAY + timedelta(days=offset)), TODAY)
    if offset < 0:
        assert (state, days) == (InspectionState.OVERDUE, -offset)
    elif offset <= INSPECTION_DUE_DAYS:
        assert (state, days) == (InspectionState.DUE, offset)
    else:
        assert (state, days) == (InspectionState.VALID, offset)


def test_engine_number_last_six() -> None:
    assert normalize_engine_last6(" 23 4567 ") == "234567"
    assert normalize_engine_last6("ａｂ１２３４") == "AB1234"  # full-width, lower case
    assert normalize_engine_last6("12345") is None and normalize_engine_last6("1234567") is None
    assert normalize_engine_last6("12345!") is None
    assert vehicle(TODAY).engine_number_matches("234567")
    assert not vehicle(TODAY).engine_number_matches("234568")


def test_person_names() -> None:
    assert normalize_person_name(" 王芳 ") == "王芳"
    assert normalize_person_name("Wang   Fang") == "Wang Fang"
    assert normalize_person_name("阿依古丽·买买提") == "阿依古丽·买买提"
    for bad in ("", "王芳1", "<b>x</b>", "a" * 31, "Anne--Marie", "王_芳"):
        assert normalize_person_name(bad) is None, bad


@given(start=dates, end=dates, today=dates)
def test_period_rules(start: date, end: date, today: date) -> None:
    error = check_period(start, end, today)
    if error is None:
        assert today <= start <= today + timedelta(days=MAX_START_AHEAD_DAYS)
        assert start <= end <= latest_end(start)
        assert (end - start).days < 366
    elif error == PeriodError.START_PAST:
        assert start < today
    elif error == PeriodError.START_TOO_LATE:
        assert start > today + timedelta(days=MAX_START_AHEAD_DAYS)
    elif error == PeriodError.END_BEFORE_START:
        assert end < start
    else:
        assert error == PeriodError.TOO_LONG and end > latest_end(start)


@given(
    start=dates,
    end=dates,
    today=dates,
    style=st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y.%m.%d}", "{0.year}年{0.month}月{0.day}日"]),
    joiner=st.sampled_from([" ", " to ", " 至 ", "—", ", "]),
)
def test_parse_period_round_trip(start: date, end: date, today: date, style: str, joiner: str) -> None:
    text = style.format(start) + joiner + style.format(end)
    result = parse_period(text, today)
    error = check_period(start, end, today)
    assert result == (error if error is not None else (start, end))


def test_parse_dates_rejects_unreal_dates_and_wrong_counts() -> None:
    assert parse_dates("2026-02-30 2026-03-01") is None
    assert parse_dates("next week") == []
    assert parse_period("2026-11-21", TODAY) == PeriodError.FORMAT
    assert parse_period("2026-11-21 2026-11-22 2026-11-23", TODAY) == PeriodError.FORMAT
    assert parse_period("２０２６－１１－２１ 2026-12-20", TODAY) == (TODAY, date(2026, 12, 20))  # full-width


@given(days=st.integers(min_value=1, max_value=400), today=dates)
def test_presets_are_always_valid(days: int, today: date) -> None:
    start, end = preset_period(days, today)
    assert check_period(start, end, today) is None
    assert start == today and (end - start).days == min(days - 1, (latest_end(today) - today).days)


def test_one_year_on_29_february() -> None:
    assert latest_end(date(2028, 2, 29)) == date(2029, 2, 27)
    assert latest_end(date(2026, 11, 21)) == date(2027, 11, 20)


def test_current_authorisations_hide_revoked_and_ended_ones() -> None:
    def auth(start: int, end: int, revoked: bool = False) -> VehicleAuthorisation:
        now = datetime(2026, 11, 1, tzinfo=UTC)
        return VehicleAuthorisation(
            grantee_id_number="x",
            grantee_name=f"P{start}{end}{revoked}",
            valid_from=TODAY + timedelta(days=start),
            valid_to=TODAY + timedelta(days=end),
            granted_at=now,
            revoked_at=now if revoked else None,
        )

    active, later, ended, revoked = auth(-5, 5), auth(3, 30), auth(-30, -1), auth(-5, 5, revoked=True)
    shown = current_authorisations(vehicle(TODAY, [later, ended, revoked, active]), TODAY)
    assert shown == [active, later]
    assert active.active_on(TODAY) and not later.active_on(TODAY)
