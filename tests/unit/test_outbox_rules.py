"""What the push pipeline records about a notification (actions/outbox.py), against a real
SecantusDB: held, dead-lettered, retried with backoff, resent once after a crash, re-queued."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from actions import outbox
from actions.outbox import Settled
from actions.services import Services
from core.config import Settings
from core.language import Language
from storage.models import (
    LOCAL_TZ,
    Citizen,
    Notification,
    NotificationPreferences,
    NotificationState,
    NotificationType,
    TelegramBinding,
)
from tests.conftest import FixedClock, clocked_services

S = NotificationState
PERSON = "11010519491231002X"
DAYTIME = datetime(2026, 11, 21, 10, 0, tzinfo=LOCAL_TZ)
NIGHT = datetime(2026, 11, 21, 23, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
async def env(
    mongo_url: str, redis_url: str, make_settings: Callable[..., Settings]
) -> AsyncIterator[tuple[Services, FixedClock]]:
    settings = make_settings(push_max_attempts=3, push_backoff_base=2.0, push_backoff_cap=600.0)
    async with clocked_services(mongo_url, redis_url, settings, prefix="unit_outbox", now=DAYTIME.astimezone(UTC)) as (
        services,
        clock,
    ):
        yield services, clock


def person(binding: TelegramBinding | None = None) -> Citizen:
    return Citizen(
        id_number=PERSON,
        name="张三",
        phone="13812345678",
        mailing_address="北京市",
        postal_code="100000",
        city="beijing",
        created_at=DAYTIME,
        telegram=binding,
    )


def bound(**changes: object) -> TelegramBinding:
    return TelegramBinding(user_id=7, chat_id=7, language=Language.EN, bound_at=DAYTIME).model_copy(update=changes)


async def queued(
    services: Services, *, urgent: bool = False, expires_in: timedelta = timedelta(days=30)
) -> Notification:
    now = services.clock()
    n = Notification(
        type=NotificationType.LICENSE_MAILED,
        citizen_id_number=PERSON,
        dedupe_key=f"k-{uuid.uuid4().hex}",
        urgent=urgent,
        created_at=now,
        updated_at=now,
        expires_at=now + expires_in,
    )
    await services.repos.notifications.create(n)
    stored = await outbox.queue_now(services, n)
    assert stored is not None and stored.state == S.QUEUED
    return stored


async def state_of(services: Services, n: Notification) -> Notification:
    found = await services.repos.notifications.by_id(n.id)
    assert found is not None
    return found


async def test_an_unbound_citizens_notification_is_held_then_dead_when_expired(
    env: tuple[Services, FixedClock],
) -> None:
    services, clock = env
    n = await queued(services)
    assert await outbox.settle_unsendable(services, n, None, clock.now) == Settled.HELD
    held = await state_of(services, n)
    assert (held.state, held.not_before) == (S.PENDING, n.expires_at)
    old = await queued(services, expires_in=timedelta(seconds=-1))
    assert await outbox.settle_unsendable(services, old, person(), clock.now) == Settled.HELD
    dead = await state_of(services, old)
    assert dead.state == S.DEAD and dead.last_error is not None and dead.last_error.startswith("expired")


@pytest.mark.parametrize(
    ("binding", "reason"),
    [
        (bound(unreachable=True, unreachable_reason="blocked"), "unreachable: blocked"),
        (bound(preferences=NotificationPreferences(disabled_types=[NotificationType.LICENSE_MAILED])), "opted_out"),
    ],
)
async def test_unreachable_and_opted_out_are_dead(
    env: tuple[Services, FixedClock], binding: TelegramBinding, reason: str
) -> None:
    services, clock = env
    n = await queued(services)
    assert await outbox.settle_unsendable(services, n, person(binding), clock.now) == Settled.DEAD
    dead = await state_of(services, n)
    assert (dead.state, dead.last_error) == (S.DEAD, reason)


async def test_quiet_hours_hold_all_but_urgent(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    clock.now = NIGHT.astimezone(UTC)
    normal, urgent = await queued(services), await queued(services, urgent=True)
    assert await outbox.settle_unsendable(services, urgent, person(bound()), clock.now) is None
    assert await outbox.settle_unsendable(services, normal, person(bound()), clock.now) == Settled.HELD
    held = await state_of(services, normal)
    assert held.not_before == datetime(2026, 11, 22, 7, 0, tzinfo=LOCAL_TZ)
    no_quiet = bound(preferences=NotificationPreferences(quiet_hours=False))
    assert await outbox.settle_unsendable(services, await queued(services), person(no_quiet), clock.now) is None


async def test_failed_attempts_back_off_then_give_up(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    n = await queued(services)
    assert await outbox.attempt_failed(services, n, "502 Bad Gateway") == Settled.RETRY
    retried = await state_of(services, n)
    assert retried.state == S.FAILED and retried.attempts == 1 and retried.not_before is not None
    assert timedelta(seconds=1) <= retried.not_before - clock.now < timedelta(seconds=3)  # 2 s, jittered
    await services.repos.notifications.mark_queued(n.id, clock.now)
    last = (await state_of(services, n)).model_copy(update={"attempts": 2})
    assert await outbox.attempt_failed(services, last, "502 Bad Gateway") == Settled.DEAD
    dead = await state_of(services, n)
    assert dead.state == S.DEAD and dead.last_error == "gave up after 3 attempts: 502 Bad Gateway"


async def test_a_429_refusal_is_not_an_attempt(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    n = await queued(services)
    await outbox.refused(services, n.id, 90.0)
    later = await state_of(services, n)
    assert (later.state, later.attempts, later.not_before) == (S.FAILED, 0, clock.now + timedelta(seconds=90))


async def test_a_crashed_workers_notification_is_resent_once(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    n = await queued(services)
    assert await outbox.take_over(services, n.id, "w2", clock.now)
    assert not await outbox.take_over(services, n.id, "w3", clock.now)
    dead = await state_of(services, n)
    assert dead.state == S.DEAD and dead.last_error is not None and dead.last_error.startswith("outcome unknown")


async def test_unreachable_marks_the_binding_and_the_notification(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    await services.repos.citizens.insert(person(bound()))
    n = await queued(services)
    await outbox.unreachable(services, n.id, 7, "blocked", "403 Forbidden")
    citizen = await services.repos.citizens.by_id_number(PERSON)
    assert citizen is not None and citizen.telegram is not None and citizen.telegram.unreachable
    dead = await state_of(services, n)
    assert (dead.state, dead.attempts, dead.last_error) == (S.DEAD, 1, "unreachable: 403 Forbidden")


async def test_requeue_skips_what_the_citizen_chose(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    opted, failed = await queued(services), await queued(services)
    await services.repos.notifications.mark_dead(opted.id, "opted_out", clock.now)
    await outbox.rejected(services, failed.id, "400 Bad Request: message is too long")
    assert await outbox.requeue_dead(services) == 1
    assert (await state_of(services, failed)).state == S.PENDING
    assert (await state_of(services, opted)).state == S.DEAD
    assert await outbox.requeue_dead(services, [opted.id]) == 1  # named ids: as asked


async def test_held_for_an_unbound_citizen_is_released_once_they_bind(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    await services.repos.citizens.insert(person())
    n = await queued(services)
    await outbox.settle_unsendable(services, n, None, clock.now)
    assert await outbox.release_bound(services) == 0  # not bound yet
    await services.repos.citizens.bind(PERSON, user_id=7, chat_id=7, language=Language.EN, now=clock.now)
    assert await outbox.release_bound(services) == 1
    assert (await state_of(services, n)).not_before == clock.now
    assert [nid for nid, _ in await outbox.queue_due(services, 10)] == [n.id]
