"""Deliveries of mailed licenses and replacement plates: the citizen's own only, and the stages
the bureau's systems report (``record_stage``, called by the back-office events API).

Someone else's delivery id or tracking number answers exactly like an unknown one (None).

Notifications (outbox), payload ``{"delivery_id", "courier", "tracking_number", ...}``:
* ``LICENSE_MAILED`` (+ ``mailed_at``) / ``LICENSE_DELIVERED`` (+ ``delivered_at``): once per report.
* ``PLATE_DELIVERY`` (+ ``plate``, ``stage``): once per delivery and stage; urgent when out for
  delivery (the citizen must be at home).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from actions.notify import notify
from actions.services import Services
from storage.models import (
    OPEN_APPLICATION_STATUSES,
    STAGES_BY_KIND,
    Citizen,
    Courier,
    Delivery,
    DeliveryKind,
    DeliveryStage,
    NotificationType,
    PlateDeliveryRequest,
    StageEntry,
)

MAX_LISTED = 10


@dataclass(frozen=True)
class TimelineStep:
    stage: DeliveryStage
    at: datetime | None  # when it was reached (None: not yet)
    current: bool


def timeline(delivery: Delivery) -> list[TimelineStep]:
    """Every stage of the delivery's kind in order, with the time each was reached."""
    reached = {entry.stage: entry.at for entry in delivery.stages}
    return [
        TimelineStep(stage=stage, at=reached.get(stage), current=stage == delivery.stage)
        for stage in STAGES_BY_KIND[delivery.kind]
    ]


async def my_deliveries(services: Services, citizen: Citizen) -> list[Delivery]:
    """The citizen's deliveries, not yet delivered first, then newest first."""
    found = await services.repos.deliveries.by_citizen(citizen.id_number, limit=MAX_LISTED)
    return sorted(found, key=lambda d: (d.delivered, -d.created_at.timestamp()))


async def my_delivery(services: Services, citizen: Citizen, delivery_id: str) -> Delivery | None:
    delivery = await services.repos.deliveries.by_id(delivery_id)
    return delivery if delivery is not None and delivery.citizen_id_number == citizen.id_number else None


async def my_delivery_by_tracking(services: Services, citizen: Citizen, tracking_number: str) -> Delivery | None:
    delivery = await services.repos.deliveries.by_tracking_number(tracking_number)
    return delivery if delivery is not None and delivery.citizen_id_number == citizen.id_number else None


async def awaiting_collection(services: Services, citizen: Citizen) -> list[PlateDeliveryRequest]:
    """Open plate delivery requests whose materials the courier has not collected yet (no
    delivery record until then)."""
    requests = await services.repos.applications.plate_requests_for(citizen.id_number)
    return [r for r in requests if r.status in OPEN_APPLICATION_STATUSES and r.delivery_id is None]


# --- stages reported by the bureau's systems ------------------------------------------------------

LICENSE_NOTIFICATIONS: Final = {
    DeliveryStage.MAILED: NotificationType.LICENSE_MAILED,
    DeliveryStage.DELIVERED: NotificationType.LICENSE_DELIVERED,
}
_BEFORE_MAILING: Final = (DeliveryStage.ACCEPTED, DeliveryStage.PRINTED)


@dataclass(frozen=True)
class StageReport:
    """A delivery reached ``stage`` at ``at``. The delivery is found by id, else by tracking
    number, else as the citizen's open one of this kind (and plate); none: a new one starts."""

    kind: DeliveryKind
    citizen_id_number: str
    stage: DeliveryStage
    at: datetime
    delivery_id: str | None = None
    tracking_number: str | None = None
    courier: Courier | None = None
    plate: str | None = None  # normalised; plate deliveries

    def __post_init__(self) -> None:
        if self.stage not in STAGES_BY_KIND[self.kind]:
            raise ValueError(f"{self.stage.value} is not a stage of {self.kind.value}")
        if self.kind == DeliveryKind.LICENSE_MAIL and self.stage not in LICENSE_NOTIFICATIONS:
            raise ValueError("a mailed license is reported when mailed or delivered")


@dataclass(frozen=True)
class StageRecorded:
    delivery: Delivery
    notified: bool  # a new notification was written (False: this one was told already)


def _new_delivery_id(ref: str) -> str:
    """The id of a delivery the report ``ref`` starts: derived from the report, so that applying it
    twice (a replay, a retry after a crash, two at once) writes one record (an upsert on the id)."""
    return hashlib.sha256(f"delivery:{ref}".encode()).hexdigest()[:24]


async def _find_or_start(services: Services, report: StageReport, ref: str) -> Delivery:
    repos = services.repos.deliveries
    found: Delivery | None = None
    if report.delivery_id:
        found = await repos.by_id(report.delivery_id)
    if found is None and report.tracking_number:
        found = await repos.by_tracking_number(report.tracking_number)
    if found is None:
        found = await repos.open_for(report.kind, report.citizen_id_number, plate=report.plate)
        if found is not None and report.kind == DeliveryKind.LICENSE_MAIL and found.stage not in _BEFORE_MAILING:
            found = None  # that one was mailed already (under another number): this is a new mailing
    if found is not None:
        return found
    citizen = await services.repos.citizens.by_id_number(report.citizen_id_number)
    delivery = Delivery(
        id=_new_delivery_id(ref),
        kind=report.kind,
        citizen_id_number=report.citizen_id_number,
        stage=report.stage,
        stages=[StageEntry(stage=report.stage, at=report.at)],
        plate=report.plate,
        courier=report.courier,
        tracking_number=report.tracking_number,
        address=citizen.mailing_address if citizen else "",
        created_at=report.at,
        updated_at=report.at,
    )
    return await repos.insert_once(delivery)


async def record_stage(services: Services, report: StageReport, *, ref: str, urgent: bool = False) -> StageRecorded:
    """Record the stage (once: a stage already recorded is not added again) and tell the citizen.

    ``ref`` names the report (e.g. the back-office event): a mailed license is notified once per
    ``ref``, a plate delivery once per delivery and stage. Safe to repeat after an interruption.
    """
    found = await _find_or_start(services, report, ref)
    delivery = (
        await services.repos.deliveries.advance(
            found.id, report.stage, at=report.at, courier=report.courier, tracking_number=report.tracking_number
        )
        or found
    )
    courier = report.courier or delivery.courier
    payload: dict[str, Any] = {
        "delivery_id": delivery.id,
        "courier": courier.value if courier else None,
        "tracking_number": report.tracking_number or delivery.tracking_number,
    }
    if report.kind == DeliveryKind.LICENSE_MAIL:
        mailed = report.stage == DeliveryStage.MAILED
        payload["mailed_at" if mailed else "delivered_at"] = report.at.isoformat()
        _, created = await notify(
            services,
            citizen_id_number=report.citizen_id_number,
            type=LICENSE_NOTIFICATIONS[report.stage],
            payload=payload,
            urgent=urgent,
            dedupe_key=ref,
        )
    else:
        payload = {
            "delivery_id": delivery.id,
            "plate": delivery.plate or report.plate,
            "stage": report.stage.value,
            "courier": payload["courier"],
            "tracking_number": payload["tracking_number"],
        }
        _, created = await notify(
            services,
            citizen_id_number=report.citizen_id_number,
            type=NotificationType.PLATE_DELIVERY,
            payload=payload,
            urgent=urgent or report.stage == DeliveryStage.OUT_FOR_DELIVERY,
            dedupe_key=f"plate_delivery:{delivery.id}:{report.stage.value}",
        )
    return StageRecorded(delivery=delivery, notified=created)
