"""Routing rules and deadline computation (core/dispatch.py): property tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.config import Settings, parse_complaint_deadlines
from core.dispatch import (
    Deadlines,
    DeadlineState,
    District,
    choose,
    deadline_state,
    deadlines,
    district_of,
    rule_key,
    warning_window,
)
from storage.data.dispatch import default_rules, district_radius_m, districts
from storage.models import ComplaintTopic

TOPICS = [t.value for t in ComplaintTopic]
DISTRICTS = [d.id for d in districts()]
topic_or_any = st.one_of(st.none(), st.sampled_from(TOPICS))
district_or_any = st.one_of(st.none(), st.sampled_from(DISTRICTS))
rule_tables = st.dictionaries(
    st.builds(rule_key, topic_or_any, district_or_any), st.sampled_from(["a", "b", "c", "d"]), max_size=20
)


@given(rule_tables, st.sampled_from(TOPICS), district_or_any)
def test_the_most_specific_rule_wins(rules: dict[str, str], topic: str, district: str | None) -> None:
    chosen = choose(rules, topic, district)
    order = [rule_key(topic, district)] if district else []
    order += [rule_key(topic, None)] + ([rule_key(None, district)] if district else []) + [rule_key(None, None)]
    expected = next((rules[k] for k in order if k in rules), None)
    assert chosen == expected


@given(rule_tables, st.sampled_from(TOPICS), st.sampled_from(DISTRICTS), st.sampled_from(["x", "y"]))
def test_an_exact_rule_beats_every_other(rules: dict[str, str], topic: str, district: str, dept: str) -> None:
    assert choose({**rules, rule_key(topic, district): dept}, topic, district) == dept


@given(st.sampled_from(TOPICS), district_or_any)
def test_the_default_rules_route_everything(topic: str, district: str | None) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    table = {r.id: r.department for r in default_rules(now)}
    assert choose(table, topic, district) is not None


def test_default_rules_send_congestion_to_the_district_brigade() -> None:
    table = {r.id: r.department for r in default_rules(datetime(2026, 12, 1, tzinfo=UTC))}
    assert choose(table, "congestion", "chaoyang") == "brigade-chaoyang"
    assert choose(table, "congestion", None) == "service"
    assert choose(table, "road_facilities", "haidian") == "signals"
    assert choose(table, "illegal_parking", None) == "parking"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("朝阳区建国路与东三环路口", "chaoyang"),
        ("Chaoyang Road near Guomao", "chaoyang"),
        ("haidian  huangzhuang", "haidian"),
        ("石景山区鲁谷路", "shijingshan"),
        ("somewhere unknown", None),
    ],
)
def test_district_from_the_words(text: str, expected: str | None) -> None:
    assert district_of(text, None, districts(), district_radius_m()) == expected


@given(st.sampled_from(list(districts())), st.floats(-0.01, 0.01), st.floats(-0.01, 0.01))
def test_district_from_a_location_near_its_centre(d: District, dlat: float, dlon: float) -> None:
    class P:
        lat = d.lat + dlat
        lon = d.lon + dlon

    found = district_of(None, P(), districts(), district_radius_m())
    assert found is not None  # near a centre: some district (the nearest centre)


def test_a_location_far_away_has_no_district() -> None:
    class Shanghai:
        lat, lon = 31.23, 121.47

    assert district_of(None, Shanghai(), districts(), district_radius_m()) is None


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))


@given(moments, st.integers(1, 500), st.integers(1, 2000))
def test_deadlines_follow_the_hours(created: datetime, respond: int, resolve: int) -> None:
    due = deadlines(created, respond, resolve)
    assert due.respond_by == created + timedelta(hours=respond)
    assert due.resolve_by == max(due.respond_by, created + timedelta(hours=resolve))
    assert due.respond_by <= due.resolve_by


@given(moments, st.integers(1, 200), st.integers(1, 500), st.integers(-1000, 1000), st.booleans(), st.integers(0, 48))
def test_deadline_state(created: datetime, respond: int, resolve: int, hours: int, responded: bool, warn: int) -> None:
    due = deadlines(created, respond, resolve)
    now = created + timedelta(hours=hours)
    got = deadline_state(
        now, due, responded=responded, resolved=False, warn_before=timedelta(hours=warn), start=created
    )
    deadline = due.resolve_by if responded else due.respond_by
    window = warning_window(created, deadline, timedelta(hours=warn))
    assert window <= timedelta(hours=warn) and window <= (deadline - created) / 4
    if now > deadline:
        assert got == DeadlineState.OVERDUE
    elif now >= deadline - window:
        assert got == DeadlineState.NEARING
    else:
        assert got == DeadlineState.ON_TIME
    # Resolved: never flagged, however late.
    assert deadline_state(now, due, responded=True, resolved=True, warn_before=timedelta(0)) == DeadlineState.ON_TIME


def test_state_never_goes_back_as_time_passes() -> None:
    due = Deadlines(datetime(2026, 1, 1, 10, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC))
    rank = {DeadlineState.ON_TIME: 0, DeadlineState.NEARING: 1, DeadlineState.OVERDUE: 2}
    seen = [
        rank[
            deadline_state(
                due.respond_by + timedelta(hours=h),
                due,
                responded=False,
                resolved=False,
                warn_before=timedelta(hours=2),
            )
        ]
        for h in range(-5, 5)
    ]
    assert seen == sorted(seen)


def test_deadline_settings_parse_and_refuse_nonsense() -> None:
    assert parse_complaint_deadlines("congestion=2/24, other=24/168") == {"congestion": (2, 24), "other": (24, 168)}
    for bad in ("congestion=24/2", "congestion=x/2", "=1/2", "congestion=0/5"):
        with pytest.raises(ValueError):
            parse_complaint_deadlines(bad)
    assert Settings(complaint_deadlines="other=1/2").complaint_deadline_hours("congestion") == (24, 168)
