"""Violation look-up by the citizen's vehicles (owned or added with the engine number), paged;
and violations the bureau's systems record (``record_violation``, the back-office events API).

Notification ``VIOLATION_RECORDED`` to the vehicle's owner, payload ``{"violation_id", "plate",
"occurred_at", "place": {"en", "zh"}, "behaviour": {"en", "zh"}, "fine_yuan", "points"}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from actions.notify import notify
from actions.services import Services
from actions.vehicles import AccessiblePlates, accessible_plates
from storage.models import Citizen, NotificationType, Violation, ViolationStatus
from storage.repositories import ViolationPage

PAGE_SIZE = 5


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """Pages needed for ``total`` items (at least 1, so "page 1 of 1" shows for none)."""
    if page_size < 1:
        raise ValueError("page_size must be >= 1")
    return max(1, -(-total // page_size))


def clamp_page(page: int, total: int, page_size: int = PAGE_SIZE) -> int:
    """A 0-based page inside [0, pages - 1] (an old button may point past the end)."""
    return min(max(page, 0), page_count(total, page_size) - 1)


@dataclass(frozen=True)
class ViolationLookup:
    plates: list[str]  # the plates looked up
    page: ViolationPage

    @property
    def pages(self) -> int:
        return page_count(self.page.total, self.page.page_size)

    @property
    def has_previous(self) -> bool:
        return self.page.page > 0


async def lookup_violations(
    services: Services,
    citizen: Citizen,
    *,
    plate: str | None = None,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    accessible: AccessiblePlates | None = None,
    statuses: list[ViolationStatus] | None = None,
) -> ViolationLookup | None:
    """One page of the violations of the citizen's vehicles (or of ``plate`` only), newest first;
    None when ``plate`` is not one the citizen may see. ``accessible``: the citizen's plates when
    the caller already has them (``accessible_plates``), so they are not looked up twice.
    ``statuses``: only violations in these states (the totals count those only)."""
    plates = (accessible or await accessible_plates(services, citizen)).all
    if plate is not None:
        if plate not in plates:
            return None
        plates = [plate]
    if not plates:
        empty = ViolationPage(
            items=[], page=0, page_size=page_size, total=0, unprocessed=0, fine_due_yuan=0, points_pending=0
        )
        return ViolationLookup(plates=[], page=empty)
    repo = services.repos.violations
    result = await repo.page_by_plates(plates, page=max(page, 0), page_size=page_size, statuses=statuses)
    wanted = clamp_page(page, result.total, page_size)
    if wanted != result.page:
        result = await repo.page_by_plates(plates, page=wanted, page_size=page_size, statuses=statuses)
    return ViolationLookup(plates=plates, page=result)


@dataclass(frozen=True)
class ViolationRecorded:
    violation: Violation
    notified: bool  # a new notification was written to the owner


async def record_violation(
    services: Services, violation: Violation, *, ref: str, urgent: bool = False
) -> ViolationRecorded:
    """Store a violation (once per id: a repeat changes nothing) and tell the vehicle's owner
    (once per ``ref``, e.g. the back-office event); nobody is told when the plate is unknown."""
    try:
        await services.repos.violations.insert(violation)
    except DuplicateKeyError:
        pass  # recorded by an earlier, interrupted call with this id
    vehicle = await services.repos.vehicles.by_plate(violation.plate)
    if vehicle is None:
        return ViolationRecorded(violation=violation, notified=False)
    _, created = await notify(
        services,
        citizen_id_number=vehicle.owner_id_number,
        type=NotificationType.VIOLATION_RECORDED,
        payload={
            "violation_id": violation.id,
            "plate": violation.plate,
            "occurred_at": violation.occurred_at.isoformat(),
            "place": violation.place.model_dump(),
            "behaviour": violation.behaviour.model_dump(),
            "fine_yuan": violation.fine_yuan,
            "points": violation.points,
        },
        urgent=urgent,
        dedupe_key=ref,
    )
    return ViolationRecorded(violation=violation, notified=created)
