"""The one backoff rule (core/retry.py), places (core/geo.py) and the named Redis keys."""

from __future__ import annotations

import math
import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.geo import degrees_around, distance_m, normalize_place
from core.retry import backoff
from storage.models import GeoPoint
from storage.redis import Keys


@given(
    attempt=st.integers(min_value=1, max_value=5000),
    base=st.floats(min_value=0.001, max_value=100.0),
    cap=st.floats(min_value=0.001, max_value=10_000.0),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_backoff_doubles_up_to_the_cap_with_jitter(attempt: int, base: float, cap: float, seed: int) -> None:
    delay = backoff(attempt, base, cap, rng=random.Random(seed))
    expected = min(cap, base * 2.0 ** min(attempt - 1, 1023))
    assert 0.5 * expected <= delay < 1.5 * expected


def test_backoff_is_jittered_around_the_curve() -> None:
    rng = random.Random(1)
    delays = [backoff(3, 0.5, rng=rng) for _ in range(2000)]
    assert min(delays) >= 1.0 and max(delays) < 3.0
    assert 1.9 < sum(delays) / len(delays) < 2.1  # mean on the exponential curve: 0.5 * 2**2
    assert len(set(delays)) > 1900  # retries of many clients do not line up


def test_backoff_arguments() -> None:
    assert backoff(1, 2.0, rng=random.Random(0)) < 3.0
    assert math.isfinite(backoff(10_000, 0.2, 30.0))
    for bad in ((0, 1.0, 1.0), (1, 0.0, 1.0), (1, 1.0, 0.0)):
        with pytest.raises(ValueError):
            backoff(*bad)


def test_places_share_a_key_whatever_the_spacing_width_or_punctuation() -> None:
    assert normalize_place("东长安街 南池子路口") == normalize_place("东长安街南池子路口。") == "东长安街南池子路口"
    assert normalize_place("Ｊｉａｎｇｕｏ  Road, No.1") == "jianguoroadno1"


def test_distances() -> None:
    tiananmen = GeoPoint(lat=39.9087, lon=116.3975)
    assert distance_m(tiananmen, tiananmen) == 0.0
    north = GeoPoint(lat=tiananmen.lat + 0.0015, lon=tiananmen.lon + 0.0012)
    assert 190 < distance_m(tiananmen, north) < 200
    dlat, dlon = degrees_around(tiananmen, 500.0)
    assert distance_m(tiananmen, GeoPoint(lat=tiananmen.lat + dlat, lon=tiananmen.lon)) == pytest.approx(500.0)
    assert distance_m(tiananmen, GeoPoint(lat=tiananmen.lat, lon=tiananmen.lon + dlon)) >= 499.0


def test_named_redis_keys_are_the_keys_used_before() -> None:
    keys = Keys("app:")
    assert keys.push_stream(urgent=True) == "app:push:stream:urgent"
    assert keys.push_stream(urgent=False) == "app:push:stream:normal"
    assert keys.push_queued() == "app:push:queued"
    assert keys.send_window() == "app:send:window"
    assert keys.send_chat(-100123) == "app:send:chat:-100123"
    assert keys.send_pause() == "app:send:pause"
    assert (keys.push_relay_lock(), keys.push_sweep_lock()) == ("app:push:relay-lock", "app:push:sweep-lock")
    assert keys.push_reminders(date(2026, 11, 21)) == "app:push:reminders:2026-11-21"


def test_every_named_redis_key_is_distinct_and_prefixed() -> None:
    from storage.redis import Keys

    keys = Keys("p")
    made = [
        keys.update(1, 2),
        keys.throttle(1),
        keys.fsm_prefix(),
        keys.webhook(1),
        keys.language_chosen(1),
        keys.language_last(1),
        keys.form(1),
        keys.misunderstood(1),
        keys.otp("bind", "code", 1),
        keys.elicense_current("x"),
        keys.elicense_code("x"),
        keys.vehicles_added("x"),
        keys.vehicles_engine_attempts("x"),
        keys.handoff_events("h"),
        keys.handoff_chat(1),
        keys.handoff_memory(1),
        keys.handoff_offered("h"),
        keys.staff_session("d"),
        keys.staff_online(),
        keys.staff_failures("acct", "n"),
        keys.push_queued(),
        keys.send_pause(),
    ]
    assert len(made) == len(set(made)) and all(k.startswith("p:") for k in made)
