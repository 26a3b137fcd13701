"""Quiet hours, rendering, preference toggles and the daily reminders' idempotence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

import push.render as render_module
from actions.outbox import in_quiet_hours, quiet_hours_end
from bot.routers.notifications import toggled
from bot.ui.callbacks import GoCb
from core.config import Settings
from core.i18n import default_catalog
from core.language import Language
from push.reminders import run_reminders
from push.render import go_callback, render
from storage.models import LOCAL_TZ, Notification, NotificationPreferences, NotificationType
from tests.conftest import RunningApp, services_of


def test_quiet_hours_are_22_to_7_shanghai_time() -> None:
    assert in_quiet_hours(datetime(2026, 11, 21, 14, 30, tzinfo=UTC))  # 22:30 local
    assert in_quiet_hours(datetime(2026, 11, 21, 22, 59, tzinfo=UTC))  # 06:59 local
    assert not in_quiet_hours(datetime(2026, 11, 21, 23, 0, tzinfo=UTC))  # 07:00 local
    assert quiet_hours_end(datetime(2026, 11, 21, 14, 30, tzinfo=UTC)) == datetime(2026, 11, 22, 7, tzinfo=LOCAL_TZ)
    assert quiet_hours_end(datetime(2026, 11, 21, 18, 0, tzinfo=UTC)) == datetime(2026, 11, 22, 7, tzinfo=LOCAL_TZ)


def test_buttons_are_the_features_callbacks() -> None:
    assert go_callback("delivery_view", "abc") == GoCb(feature="delivery_view", arg="abc").pack()
    assert go_callback("deliveries") == GoCb(feature="deliveries").pack()
    now = datetime(2026, 11, 21, 3, tzinfo=UTC)
    n = Notification(
        type=NotificationType.LICENSE_MAILED,
        citizen_id_number="x",
        dedupe_key="k",
        created_at=now,
        updated_at=now,
        payload={"courier": "EMS", "tracking_number": "EA1<2>", "mailed_at": "2026-11-19"},
    )
    out = render(n, Language.EN, default_catalog(), today=date(2026, 11, 21))
    assert out.text == "📮 Your new driver's license was mailed on 2026-11-19, EMS <code>EA1&lt;2&gt;</code>."
    assert out.markup is not None and out.markup["inline_keyboard"][0][0]["callback_data"] == "go:deliveries:"


PAYLOAD_VARIANTS: list[dict[str, object]] = [
    {},
    {
        "delivery_id": "d1",
        "tracking_number": "EA123456789CN",
        "courier": "EMS",
        "stage": "out_for_delivery",
        "plate": "京A12345",
    },
    {
        "approved": True,
        "ticket_id": "C261121-0001",
        "status": "resolved",
        "valid_to": "2027-01-01",
        "due": "2027-01-01",
    },
    {"approved": False, "reason": "blurred photo", "ticket_id": "C261121-0002"},
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_button_target_is_a_registered_feature(lang: Language) -> None:
    """push/render.py names features by string (the worker does not import aiogram): each one
    must be registered with @feature once the bot's routers are imported."""
    import bot.factory  # noqa: F401  (registers every feature)
    from bot.context import FEATURES

    constants = {name: value for name, value in vars(render_module).items() if name.startswith("F_")}
    assert constants and {n: v for n, v in constants.items() if v not in FEATURES} == {}
    now = datetime(2026, 11, 21, 3, tzinfo=UTC)
    used: set[str] = set()
    for kind in NotificationType:
        for payload in PAYLOAD_VARIANTS:
            n = Notification(
                type=kind, citizen_id_number="x", dedupe_key="k", created_at=now, updated_at=now, payload=payload
            )
            out = render(n, lang, default_catalog(), today=date(2026, 11, 21))
            for row in (out.markup or {"inline_keyboard": []})["inline_keyboard"]:
                for button in row:
                    data = button["callback_data"]
                    assert len(data.encode()) <= 64
                    parsed = GoCb.unpack(data)
                    assert parsed.pack() == data
                    used.add(parsed.feature)
    assert used == set(constants.values())  # every target is reachable, and no other is used
    assert used - set(FEATURES) == set()


def test_preference_toggles() -> None:
    prefs = NotificationPreferences()
    off = toggled(prefs, "type", "license_mailed")
    assert not off.wants(NotificationType.LICENSE_MAILED)
    assert toggled(off, "type", "license_mailed").wants(NotificationType.LICENSE_MAILED)
    assert toggled(prefs, "quiet", "").quiet_hours is False
    assert toggled(prefs, "type", "account_rebound") == prefs  # always sent


async def test_reminders_are_not_repeated_on_a_second_daily_run(
    make_settings: Callable[..., Settings], start_app: Callable[[Settings], Awaitable[RunningApp]]
) -> None:
    running = await start_app(make_settings(push_inprocess_worker=False))
    try:
        services = services_of(running)
        today = datetime.now(LOCAL_TZ).date()
        first = await run_reminders(services, today)
        assert sum(first.created.values()) > 0 and {"license_expiry", "inspection"} <= set(first.created)
        second = await run_reminders(services, today)
        assert second.created == {} and second.existing == sum(first.created.values())
        later = replace(services, clock=lambda: datetime.now(UTC))
        third = await run_reminders(later, today)
        assert third.created == {}
    finally:
        await running.runner.cleanup()
