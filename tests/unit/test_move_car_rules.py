"""Move my car's rules as pure functions (actions/move_car.py): the monthly quota, the block after
abuse reports, the wait before notifying the owner again, the month's start in the bureau's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from actions.move_car import explain_place, explain_reason, is_blocked, month_start, quota_left, renotify_wait
from storage.models import LOCAL_TZ

moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))


@given(used=st.integers(min_value=-3, max_value=200), per_month=st.integers(min_value=1, max_value=100))
def test_quota_never_negative_and_reaches_zero_at_the_limit(used: int, per_month: int) -> None:
    left = quota_left(used, per_month)
    assert 0 <= left <= per_month
    assert (left == 0) == (used >= per_month)
    if 0 <= used < per_month:
        assert left == per_month - used


@given(reports=st.integers(min_value=0, max_value=50), block_after=st.integers(min_value=1, max_value=20))
def test_blocked_exactly_from_the_threshold(reports: int, block_after: int) -> None:
    assert is_blocked(reports, block_after) == (reports >= block_after)
    assert not is_blocked(block_after - 1, block_after) and is_blocked(block_after, block_after)


@given(now=moments, elapsed=st.integers(min_value=0, max_value=7200), after=st.integers(min_value=10, max_value=3600))
def test_renotify_wait(now: datetime, elapsed: int, after: int) -> None:
    wait = renotify_wait(now - timedelta(seconds=elapsed), now, after)
    assert wait == max(0, after - elapsed)
    assert (wait == 0) == (elapsed >= after)


@given(now=moments)
def test_month_start_is_the_first_local_midnight(now: datetime) -> None:
    start = month_start(now)
    local = now.astimezone(LOCAL_TZ)
    assert start <= now and start.astimezone(LOCAL_TZ).day == 1 and start.astimezone(LOCAL_TZ).hour == 0
    assert (start.year, start.month) == (local.year, local.month)


def test_place_and_reason_lengths() -> None:
    assert explain_place("B2") is None and explain_place(" x ") == "move-error-place-short"
    assert explain_place("x" * 201) == "move-error-place-long"
    assert explain_reason("堵路") is None and explain_reason("a") == "move-error-reason-short"


def test_the_readme_demo_plates_are_the_demo_owners() -> None:
    """The README's move-my-car demo names 张伟's plates: they are his in the seeded data."""
    from datetime import date

    from storage.seed import DEMO_IDENTITIES, build_demo_data

    zhang = DEMO_IDENTITIES[0]
    assert zhang.name == "张伟"
    plates = {v.plate for v in build_demo_data(date(2026, 12, 1)).vehicles if v.owner_id_number == zhang.id_number}
    assert plates == {"京CND217", "京QDE6167"}
