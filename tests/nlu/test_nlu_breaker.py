"""CircuitBreaker state transitions, driven by a fake clock."""

from __future__ import annotations

import pytest

from nlu.client import BreakerState, CircuitBreaker


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make(threshold: int = 3, cooldown: float = 10.0) -> tuple[CircuitBreaker, FakeClock]:
    clock = FakeClock()
    return CircuitBreaker(failure_threshold=threshold, cooldown=cooldown, clock=clock), clock


def test_opens_after_n_consecutive_failures() -> None:
    breaker, _ = make(threshold=3)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
        assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()


def test_a_success_resets_the_failure_count() -> None:
    breaker, _ = make(threshold=3)
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    assert breaker.consecutive_failures == 0
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_half_open_after_cooldown_lets_one_probe_through() -> None:
    breaker, clock = make(threshold=1, cooldown=10)
    breaker.record_failure()
    clock.advance(9.99)
    assert not breaker.allow()
    assert breaker.state is BreakerState.OPEN
    clock.advance(0.01)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # others wait for its outcome
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow() and breaker.allow()


def test_failed_probe_reopens_for_a_full_cooldown() -> None:
    breaker, clock = make(threshold=2, cooldown=10)
    breaker.record_failure()
    breaker.record_failure()
    clock.advance(10)
    assert breaker.allow()
    breaker.record_failure()  # a single failure in half-open re-opens
    assert breaker.state is BreakerState.OPEN
    clock.advance(9)
    assert not breaker.allow()
    clock.advance(1)
    assert breaker.allow()


def test_a_lost_probe_stops_blocking_after_a_cooldown() -> None:
    breaker, clock = make(threshold=1, cooldown=5)
    breaker.record_failure()
    clock.advance(5)
    assert breaker.allow()  # the probe's caller is cancelled and never reports
    clock.advance(4)
    assert not breaker.allow()
    clock.advance(1)
    assert breaker.allow()


def test_release_frees_the_probe_slot() -> None:
    breaker, clock = make(threshold=1, cooldown=5)
    breaker.record_failure()
    clock.advance(5)
    assert breaker.allow()
    breaker.release()
    assert breaker.allow()
    assert breaker.state is BreakerState.HALF_OPEN


@pytest.mark.parametrize(("threshold", "cooldown"), [(0, 1.0), (1, 0.0), (3, -1.0)])
def test_rejects_bad_settings(threshold: int, cooldown: float) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=threshold, cooldown=cooldown)
