"""Applying one event through its use case (the event -> use case mapping).

Applying is idempotent: delivery records are keyed by tracking number or event, a complaint's
history records the event, notifications have dedupe keys (``event:<stored id>``). An event whose
change the rules do not allow now (a complaint moved along a transition staff may not make either,
e.g. a closed one reopened) raises ``Refused``: it is stored but refused, with the reason.
"""

from __future__ import annotations

from typing import Any

from actions.complaints import ComplaintActionError, record_status
from actions.deliveries import StageReport, record_stage
from actions.elicense import decide_review
from actions.services import Services
from actions.violations import record_violation
from core.identifiers import normalize_id_number, normalize_plate
from push.events.validation import parse_time
from storage.models import Bilingual, ComplaintStatus, Courier, DeliveryKind, DeliveryStage, Violation, ViolationSource
from storage.repositories import event_key


class Refused(Exception):
    """The change the event asks for is not allowed now (answered with 409): ``errors`` say why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.errors = [{"path": path, "message": message}]


def _stage_report(services: Services, event: dict[str, Any]) -> StageReport:
    kind = event["type"]
    if kind == "plate_delivery":
        delivery_kind, stage = DeliveryKind.PLATE_DELIVERY, DeliveryStage(event["stage"])
        at = parse_time(event["occurred_at"]) if event.get("occurred_at") else services.clock()
    else:
        mailed = kind == "license_mailed"
        delivery_kind = DeliveryKind.LICENSE_MAIL
        stage = DeliveryStage.MAILED if mailed else DeliveryStage.DELIVERED
        at = parse_time(event["mailed_at"] if mailed else event["delivered_at"])
    return StageReport(
        kind=delivery_kind,
        citizen_id_number=normalize_id_number(event["id_number"]) or event["id_number"],
        stage=stage,
        at=at,
        delivery_id=event.get("delivery_id"),
        tracking_number=event.get("tracking_number"),
        courier=Courier(event["courier"]) if event.get("courier") else None,
        plate=normalize_plate(event["plate"]) if "plate" in event else None,
    )


def _violation(key_id: str, event: dict[str, Any]) -> Violation:
    return Violation(
        id=event.get("violation_id") or event_key(key_id, event["event_id"]),
        plate=normalize_plate(event["plate"]) or event["plate"],
        occurred_at=parse_time(event["occurred_at"]),
        place=Bilingual(**event["place"]),
        code=event["code"],
        behaviour=Bilingual(**event["behaviour"]),
        fine_yuan=event["fine_yuan"],
        points=event["points"],
        source=ViolationSource(event["source"]),
        recorded_by=event.get("recorded_by") or key_id,
    )


async def apply_event(services: Services, key_id: str, event: dict[str, Any]) -> int:
    """Apply the event through its use case; returns how many notifications were created.
    Raises Refused when the change is not allowed (e.g. a closed complaint cannot be reopened)."""
    kind = event["type"]
    ref = f"event:{event_key(key_id, event['event_id'])}"  # the notification's dedupe key
    urgent = bool(event.get("urgent", False))
    actor = f"backoffice:{key_id}"
    if kind in ("license_mailed", "license_delivered", "plate_delivery"):
        recorded = await record_stage(services, _stage_report(services, event), ref=ref, urgent=urgent)
        return int(recorded.notified)
    if kind == "elicense_review_decided":
        decision = await decide_review(
            services, event["review_id"], bool(event["approved"]), event.get("decided_by") or actor, event.get("reason")
        )
        return int(decision is not None and decision.notified)
    if kind == "complaint_updated":
        status = ComplaintStatus(event["status"])
        try:
            change = await record_status(
                services,
                event["ticket_id"],
                status,
                event.get("updated_by") or actor,
                event.get("text"),
                ref=ref,
                urgent=urgent,
            )
        except ComplaintActionError as exc:
            if exc.code == "not_found":
                raise Refused("/ticket_id", "no such complaint") from exc
            current = await services.repos.complaints.by_ticket(event["ticket_id"])
            now = current.status.value if current else "unknown"
            raise Refused("/status", f"the complaint is {now}: it cannot move to {status.value}") from exc
        return int(change.notified)
    if kind == "violation_recorded":
        recorded_violation = await record_violation(services, _violation(key_id, event), ref=ref, urgent=urgent)
        return int(recorded_violation.notified)
    raise AssertionError(kind)
