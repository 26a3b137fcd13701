"""The use cases the back-office events API calls (actions/deliveries.py `record_stage`,
actions/violations.py `record_violation`, actions/complaints `record_status`), against a real
SecantusDB and Redis: each applies once, notifies once, and keeps the staff rules."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from actions import complaints
from actions.complaints import ComplaintActionError, ComplaintDraft
from actions.deliveries import StageReport, record_stage
from actions.services import Services
from actions.violations import record_violation
from core.config import Settings
from core.language import Language
from storage.models import (
    Bilingual,
    Citizen,
    ComplaintStatus,
    ComplaintTopic,
    Courier,
    DeliveryKind,
    DeliveryStage,
    NotificationType,
    Vehicle,
    VehicleType,
    Violation,
    ViolationSource,
)
from tests.conftest import FixedClock, clocked_services

PERSON = "11010519491231002X"
PLATE = "京A12345"


@pytest.fixture
async def env(
    mongo_url: str, redis_url: str, make_settings: Callable[..., Settings]
) -> AsyncIterator[tuple[Services, FixedClock]]:
    settings = make_settings()
    async with clocked_services(
        mongo_url, redis_url, settings, prefix="unit_backoffice", now=datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
    ) as (services, clock):
        await services.repos.citizens.insert(
            Citizen(
                id_number=PERSON,
                name="张三",
                phone="13812345678",
                mailing_address="北京市东城区某路1号",
                postal_code="100000",
                city="beijing",
                created_at=clock.now,
            )
        )
        yield services, clock


async def notifications(services: Services) -> list[dict[str, Any]]:
    cursor = services.repos.notifications.collection.find({}).sort("created_at", 1)
    return [doc async for doc in cursor]


# --- deliveries ---------------------------------------------------------------------------------


async def test_a_mailed_license_starts_a_delivery_and_is_told_once(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    mailed = StageReport(
        kind=DeliveryKind.LICENSE_MAIL,
        citizen_id_number=PERSON,
        stage=DeliveryStage.MAILED,
        at=clock.now,
        tracking_number="EA123456789CN",
        courier=Courier.EMS,
    )
    first = await record_stage(services, mailed, ref="event:ems:m-1")
    again = await record_stage(services, mailed, ref="event:ems:m-1")  # the same report, repeated
    assert first.notified and not again.notified
    assert again.delivery.id == first.delivery.id
    assert [s.stage for s in again.delivery.stages] == [DeliveryStage.MAILED]
    assert first.delivery.address == "北京市东城区某路1号"
    delivered = await record_stage(
        services,
        StageReport(
            kind=DeliveryKind.LICENSE_MAIL,
            citizen_id_number=PERSON,
            stage=DeliveryStage.DELIVERED,
            at=clock.now + timedelta(days=2),
            tracking_number="EA123456789CN",
        ),
        ref="event:ems:d-1",
    )
    assert delivered.notified and delivered.delivery.id == first.delivery.id and delivered.delivery.delivered
    found = await notifications(services)
    assert [(n["type"], n["dedupe_key"]) for n in found] == [
        (NotificationType.LICENSE_MAILED.value, "event:ems:m-1"),
        (NotificationType.LICENSE_DELIVERED.value, "event:ems:d-1"),
    ]
    assert found[0]["payload"] == {
        "delivery_id": first.delivery.id,
        "courier": "EMS",
        "tracking_number": "EA123456789CN",
        "mailed_at": clock.now.isoformat(),
    }
    assert found[1]["payload"]["courier"] == "EMS"  # from the delivery: the report did not repeat it


async def test_plate_delivery_stages_are_told_once_each_and_out_for_delivery_is_urgent(
    env: tuple[Services, FixedClock],
) -> None:
    services, clock = env

    def report(stage: DeliveryStage, **extra: Any) -> StageReport:
        return StageReport(
            kind=DeliveryKind.PLATE_DELIVERY, citizen_id_number=PERSON, stage=stage, at=clock.now, plate=PLATE, **extra
        )

    made = await record_stage(services, report(DeliveryStage.PLATES_MADE), ref="event:a:1")
    same_stage = await record_stage(services, report(DeliveryStage.PLATES_MADE), ref="event:a:2")
    out = await record_stage(
        services,
        report(DeliveryStage.OUT_FOR_DELIVERY, courier=Courier.SF, tracking_number="SF1234567890123"),
        ref="event:a:3",
    )
    assert made.notified and not same_stage.notified and out.notified  # once per delivery and stage
    assert same_stage.delivery.id == made.delivery.id == out.delivery.id
    found = await notifications(services)
    assert [(n["payload"]["stage"], n["urgent"]) for n in found] == [
        ("plates_made", False),
        ("out_for_delivery", True),
    ]
    assert found[1]["payload"] == {
        "delivery_id": made.delivery.id,
        "plate": PLATE,
        "stage": "out_for_delivery",
        "courier": "SF",
        "tracking_number": "SF1234567890123",
    }


def test_a_report_names_a_stage_of_its_kind() -> None:
    at = datetime(2026, 11, 21, tzinfo=UTC)
    with pytest.raises(ValueError):
        StageReport(
            kind=DeliveryKind.PLATE_DELIVERY, citizen_id_number=PERSON, stage=DeliveryStage.MAILED, at=at, plate=PLATE
        )
    with pytest.raises(ValueError):  # a mailed license is reported when mailed or delivered
        StageReport(kind=DeliveryKind.LICENSE_MAIL, citizen_id_number=PERSON, stage=DeliveryStage.PRINTED, at=at)


# --- violations ---------------------------------------------------------------------------------


def violation(violation_id: str, plate: str = PLATE) -> Violation:
    return Violation(
        id=violation_id,
        plate=plate,
        occurred_at=datetime(2026, 11, 20, 0, 30, tzinfo=UTC),
        place=Bilingual(en="Chang'an Ave", zh="长安街"),
        code="1352",
        behaviour=Bilingual(en="Running a red light", zh="闯红灯"),
        fine_yuan=200,
        points=6,
        source=ViolationSource.CAMERA,
        recorded_by="CAM-7",
    )


async def test_a_violation_is_stored_once_and_its_owner_told_once(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    await services.repos.vehicles.insert_many(
        [
            Vehicle(
                plate=PLATE,
                owner_id_number=PERSON,
                brand=Bilingual(en="BYD", zh="比亚迪"),
                model="Qin",
                vehicle_type=VehicleType.SMALL_CAR,
                engine_number="EA1234500",
                vin="L" + "B" * 16,
                registered_on=date(2020, 1, 1),
                inspection_valid_until=date(2027, 1, 1),
            )
        ]
    )
    first = await record_violation(services, violation("v-1"), ref="event:cam:1", urgent=True)
    again = await record_violation(services, violation("v-1"), ref="event:cam:1")
    assert first.notified and not again.notified
    page = await services.repos.violations.page_by_plates([PLATE])
    assert [v.id for v in page.items] == ["v-1"]
    (told,) = await notifications(services)
    assert (told["type"], told["citizen_id_number"], told["urgent"]) == ("violation_recorded", PERSON, True)
    assert told["payload"] == {
        "violation_id": "v-1",
        "plate": PLATE,
        "occurred_at": "2026-11-20T00:30:00+00:00",
        "place": {"en": "Chang'an Ave", "zh": "长安街"},
        "behaviour": {"en": "Running a red light", "zh": "闯红灯"},
        "fine_yuan": 200,
        "points": 6,
    }


async def test_a_violation_of_an_unknown_plate_is_stored_and_nobody_told(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    recorded = await record_violation(services, violation("v-2", plate="京B54321"), ref="event:cam:2")
    assert not recorded.notified
    assert await services.repos.violations.by_id("v-2") is not None
    assert await notifications(services) == []


# --- complaints: the back office goes through the staff path -----------------------------------------


async def filed(services: Services) -> str:
    citizen = await services.repos.citizens.by_id_number(PERSON)
    assert citizen is not None
    draft = ComplaintDraft(
        topic=ComplaintTopic.ILLEGAL_PARKING,
        place_text="东长安街南池子路口",
        description="Cars park on the bike lane every evening.",
        photos_done=True,
    )
    complaint = await complaints.submit(services, citizen, draft, chat_id=1, language=Language.EN)
    return complaint.ticket_id


async def test_the_back_office_may_not_make_a_transition_staff_may_not(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    ticket = await filed(services)
    await complaints.record_status(services, ticket, ComplaintStatus.CLOSED, "backoffice:ems", ref="event:ems:c-1")
    with pytest.raises(ComplaintActionError) as refused:
        await complaints.record_status(
            services, ticket, ComplaintStatus.IN_PROGRESS, "backoffice:ems", ref="event:ems:c-2"
        )
    assert refused.value.code == "invalid_transition"
    stored = await services.repos.complaints.by_ticket(ticket)
    assert stored is not None and stored.status == ComplaintStatus.CLOSED
    assert [n["dedupe_key"] for n in await notifications(services)] == ["event:ems:c-1"]


async def test_a_repeated_event_changes_nothing_and_notifies_once(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    ticket = await filed(services)
    first = await complaints.record_status(
        services, ticket, ComplaintStatus.IN_PROGRESS, "backoffice:ems", "On it", ref="event:ems:c-3", urgent=True
    )
    clock.now += timedelta(minutes=5)
    # Applied again after an interruption: IN_PROGRESS -> IN_PROGRESS is not a transition, but the
    # complaint's history shows this event was applied, so it only completes (notifies once).
    again = await complaints.record_status(
        services, ticket, ComplaintStatus.IN_PROGRESS, "backoffice:ems", "On it", ref="event:ems:c-3"
    )
    assert first.notified and not again.notified
    assert len(again.complaint.history) == len(first.complaint.history) == 3  # created, dispatched, the event
    assert again.complaint.history[-1].ref == "event:ems:c-3"
    (told,) = await notifications(services)
    assert (told["type"], told["urgent"], told["payload"]) == (
        NotificationType.COMPLAINT_UPDATED.value,
        True,
        {"ticket_id": ticket, "status": "in_progress", "text": "On it"},
    )


async def test_resolving_asks_for_a_rating_only_until_the_citizen_rated(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    ticket = await filed(services)
    citizen = await services.repos.citizens.by_id_number(PERSON)
    assert citizen is not None
    await complaints.record_status(services, ticket, ComplaintStatus.RESOLVED, "backoffice:ems", ref="event:x:1")
    await complaints.rate(services, citizen, ticket, 4, None)
    await complaints.record_status(services, ticket, ComplaintStatus.IN_PROGRESS, "backoffice:ems", ref="event:x:2")
    await complaints.record_status(services, ticket, ComplaintStatus.RESOLVED, "backoffice:ems", ref="event:x:3")
    assert [n["type"] for n in await notifications(services)] == [
        NotificationType.COMPLAINT_RATING_REQUEST.value,
        NotificationType.COMPLAINT_UPDATED.value,
        NotificationType.COMPLAINT_UPDATED.value,  # resolved again: rated already, not asked twice
    ]


async def test_staff_change_status_is_the_same_path(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    ticket = await filed(services)
    changed = await complaints.change_status(services, ticket, ComplaintStatus.ACKNOWLEDGED, "agent.li")
    assert changed.status == ComplaintStatus.ACKNOWLEDGED and changed.history[-1].ref is None
    with pytest.raises(ComplaintActionError):
        await complaints.change_status(services, ticket, ComplaintStatus.ACKNOWLEDGED, "agent.li")
    (told,) = await notifications(services)
    assert told["dedupe_key"] == f"complaint_updated:{ticket}:3"  # created, dispatched, acknowledged
