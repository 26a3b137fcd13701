"""Deliveries of mailed licenses and replacement plates: the citizen's own only.

Someone else's delivery id or tracking number answers exactly like an unknown one (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from actions.services import Services
from storage.models import (
    OPEN_APPLICATION_STATUSES,
    STAGES_BY_KIND,
    Citizen,
    Delivery,
    DeliveryStage,
    PlateDeliveryRequest,
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
