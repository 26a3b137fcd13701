"""Appeals (申诉): a citizen who disputes a violation files an appeal with a reason and up to 5
photos; staff accept it (the violation is cancelled) or reject it with a reason in the console's
work queue; the citizen is told either way through the push pipeline (``APPEAL_DECIDED``).

Rules:
* Only a violation of a vehicle the citizen may see (owned, or added with the engine number) can
  be appealed; someone else's reads exactly like an unknown one. Paid or cancelled ones cannot,
  and a violation has at most one appeal pending.
* While an appeal is pending the violation cannot be paid (``Violation.appeal_pending``) and the
  late-payment surcharge clock is paused (``Violation.surcharge_paused_days``); on the decision the
  days it stood still are kept on the violation, so a rejected appeal does not cost the citizen
  the surcharge of the days staff took.
* Exactly once: the citizen's form key is unique on the stored appeal (the same form submitted
  again returns the first appeal), and a decision is recorded once; a decision interrupted before
  the violation was updated or the citizen told is finished by the next attempt.

Notification ``APPEAL_DECIDED``, payload ``{"appeal_id", "violation_id", "plate", "accepted": bool,
"reason": str, "behaviour": {"en", "zh"}, "occurred_at": iso}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import structlog
from pymongo.errors import DuplicateKeyError

from actions.notify import notify
from actions.services import Services, today_of
from actions.vehicles import accessible_plates
from core.language import Language
from storage.models import (
    LOCAL_TZ,
    Appeal,
    AppealState,
    Citizen,
    NotificationType,
    Violation,
    ViolationStatus,
    appeal_pause,
)

log = structlog.get_logger(__name__)

REASON_MIN = 10
REASON_MAX = 1000
MAX_PHOTOS = 5
DECISION_REASON_MAX = 500
APPEALABLE = (ViolationStatus.UNPROCESSED, ViolationStatus.PROCESSED)
LIST_LIMIT = 8  # violations offered as buttons to choose from


class Refusal(StrEnum):
    """Why a violation cannot be appealed (catalog ``appeals-refused-<value>``)."""

    NOT_FOUND = "not_found"  # unknown, or not the citizen's to see
    PAID = "paid"
    CANCELLED = "cancelled"
    PENDING = "pending"  # an appeal is pending already


def explain_reason(text: str) -> str | None:
    """None when the citizen's reason is usable, else the hint's message id."""
    length = len(text.strip())
    if length < REASON_MIN:
        return "appeals-error-short"
    if length > REASON_MAX:
        return "appeals-error-long"
    return None


def refusal_of(violation: Violation) -> Refusal | None:
    """Why ``violation`` cannot be appealed now, or None."""
    if violation.status == ViolationStatus.PAID:
        return Refusal.PAID
    if violation.status == ViolationStatus.CANCELLED:
        return Refusal.CANCELLED
    if violation.appeal_pending:
        return Refusal.PENDING
    if violation.status not in APPEALABLE:
        return Refusal.NOT_FOUND
    return None


async def own_violation(services: Services, citizen: Citizen, violation_id: str) -> Violation | None:
    """The violation if it is on a vehicle the citizen may see (else None, as for an unknown one)."""
    violation = await services.repos.violations.by_id(violation_id)
    if violation is None:
        return None
    plates = (await accessible_plates(services, citizen)).all
    return violation if violation.plate in plates else None


@dataclass(frozen=True)
class Appealable:
    violation: Violation | None
    refusal: Refusal | None

    @property
    def ok(self) -> bool:
        return self.violation is not None and self.refusal is None


async def appealable(services: Services, citizen: Citizen, violation_id: str) -> Appealable:
    violation = await own_violation(services, citizen, violation_id)
    if violation is None:
        return Appealable(None, Refusal.NOT_FOUND)
    return Appealable(violation, refusal_of(violation))


async def candidates(services: Services, citizen: Citizen, limit: int = LIST_LIMIT) -> list[Violation]:
    """The citizen's violations that can be appealed now (newest first), and those pending an
    appeal (shown as such), at most ``limit``."""
    plates = (await accessible_plates(services, citizen)).all
    if not plates:
        return []
    page = await services.repos.violations.page_by_plates(plates, page=0, page_size=limit, statuses=list(APPEALABLE))
    return page.items


@dataclass(frozen=True)
class Filed:
    appeal: Appeal | None
    violation: Violation | None
    refusal: Refusal | None = None
    repeated: bool = False  # filed by an earlier delivery of the same form


async def _mark(services: Services, appeal: Appeal) -> Violation | None:
    """The violation marked as appealed by ``appeal`` (idempotent)."""
    return await services.repos.violations.open_appeal(appeal.violation_id, appeal.id, appeal.filed_at)


async def submitted(services: Services, citizen: Citizen, key: str) -> Filed | None:
    """The appeal the citizen's form ``key`` filed, if it is stored (the violation marked too)."""
    earlier = await services.repos.appeals.by_submission_key(key, citizen.id_number)
    if earlier is None:
        return None
    violation = (
        await _mark(services, earlier)
        if earlier.state == AppealState.PENDING
        else await services.repos.violations.by_id(earlier.violation_id)
    )
    return Filed(earlier, violation or await services.repos.violations.by_id(earlier.violation_id), repeated=True)


async def file(
    services: Services,
    citizen: Citizen,
    violation_id: str,
    reason: str,
    photos: Sequence[str] = (),
    *,
    key: str | None = None,
    chat_id: int | None = None,
    language: Language = Language.ZH,
) -> Filed:
    """File an appeal against one of the citizen's violations (once per form ``key``)."""
    if key is not None and (earlier := await submitted(services, citizen, key)) is not None:
        return earlier
    found = await appealable(services, citizen, violation_id)
    if not found.ok or found.violation is None:
        return Filed(None, found.violation, found.refusal)
    if explain_reason(reason) is not None:
        raise ValueError("the reason must be 10 to 1000 characters")
    appeal = Appeal(
        violation_id=violation_id,
        plate=found.violation.plate,
        citizen_id_number=citizen.id_number,
        chat_id=chat_id,
        language=language,
        reason=reason.strip(),
        photos=list(photos)[:MAX_PHOTOS],
        filed_at=services.clock(),
        submission_key=key,
    )
    try:
        stored, created = await services.repos.appeals.insert_once(appeal)
    except DuplicateKeyError:  # another appeal of this violation is pending
        return Filed(None, found.violation, Refusal.PENDING)
    violation = await _mark(services, stored)
    if violation is None:  # paid or cancelled in the meantime: the appeal does not stand
        await services.repos.appeals.collection.delete_one({"_id": stored.id, "state": AppealState.PENDING.value})
        current = await services.repos.violations.by_id(violation_id)
        return Filed(None, current, refusal_of(current) if current else Refusal.NOT_FOUND)
    log.info("appeal filed", appeal_id=stored.id, violation_id=violation_id, photos=len(stored.photos))
    return Filed(stored, violation, repeated=not created)


class AppealError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "reason_needed", "reason_long", "not_found"


@dataclass(frozen=True)
class Decision:
    appeal: Appeal
    violation: Violation | None
    already: bool  # decided before this call (the call finished what was left, if anything)
    notified: bool


def paused_days(appeal: Appeal, violation: Violation | None, today_local: date) -> int:
    """Days the surcharge clock stood still for ``appeal`` decided on ``today_local`` (its filing day
    counts; none before the penalty decision, when the clock had not started)."""
    decided_on = violation.decision_day() if violation is not None else None
    return appeal_pause(appeal.filed_at.astimezone(LOCAL_TZ).date(), decided_on, today_local)


async def decide(services: Services, appeal_id: str, *, accept: bool, staff: str, reason: str | None) -> Decision:
    """Staff accept (the violation is cancelled) or reject (a reason is required) a pending
    appeal; the citizen is notified. Deciding again finishes an interrupted decision and says
    ``already``. Raises AppealError("not_found") for an unknown appeal."""
    text = (reason or "").strip() or None
    if not accept and text is None:
        raise AppealError("reason_needed")
    if text is not None and len(text) > DECISION_REASON_MAX:
        raise AppealError("reason_long")
    now = services.clock()
    decided = await services.repos.appeals.decide(appeal_id, accept=accept, decided_by=staff, reason=text, now=now)
    already = decided is None
    if decided is None:
        decided = await services.repos.appeals.by_id(appeal_id)
        if decided is None or decided.state == AppealState.PENDING:
            raise AppealError("not_found")
    accepted = decided.state == AppealState.ACCEPTED
    before = await services.repos.violations.by_id(decided.violation_id)
    violation = await services.repos.violations.close_appeal(
        decided.violation_id,
        decided.id,
        accepted=accepted,
        paused_days=paused_days(decided, before, today_of(services)),
        now=now,
    )
    violation = violation or await services.repos.violations.by_id(decided.violation_id)
    owner = decided.citizen_id_number
    _, created = await notify(
        services,
        citizen_id_number=owner,
        type=NotificationType.APPEAL_DECIDED,
        payload={
            "appeal_id": decided.id,
            "violation_id": decided.violation_id,
            "plate": decided.plate,
            "accepted": accepted,
            "reason": decided.decision_reason or "",
            "behaviour": violation.behaviour.model_dump() if violation else {"en": "", "zh": ""},
            "occurred_at": violation.occurred_at.isoformat() if violation else "",
        },
        dedupe_key=f"appeal:{decided.id}",
    )
    log.info("appeal decided", appeal_id=decided.id, accepted=accepted, staff=staff, already=already)
    return Decision(appeal=decided, violation=violation, already=already, notified=created)
