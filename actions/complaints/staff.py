"""Staff and the bureau's back office act on complaints: status changes (allowed transitions
only), replies to the citizen, and the clusters overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from actions import dispatch
from actions.complaints.reporter import tell_reporter
from actions.services import Services
from storage.models import Complaint, ComplaintStatus, NotificationType
from storage.repositories import ClusterSummary

# Which status staff may move a complaint to from each status (RESOLVED -> IN_PROGRESS reopens it).
TRANSITIONS: Final[dict[ComplaintStatus, tuple[ComplaintStatus, ...]]] = {
    ComplaintStatus.NEW: (
        ComplaintStatus.ACKNOWLEDGED,
        ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.RESOLVED,
        ComplaintStatus.CLOSED,
    ),
    ComplaintStatus.ACKNOWLEDGED: (ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED),
    ComplaintStatus.IN_PROGRESS: (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED),
    ComplaintStatus.RESOLVED: (ComplaintStatus.IN_PROGRESS, ComplaintStatus.CLOSED),
    ComplaintStatus.CLOSED: (),
}


# --- staff ----------------------------------------------------------------------------------------


class ComplaintActionError(Exception):
    """A staff action that cannot be done: ``code`` is "not_found", "invalid_transition" or "empty_text"."""

    def __init__(self, code: Literal["not_found", "invalid_transition", "empty_text"], detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def _payload(ticket_id: str, status: ComplaintStatus, text: str | None, late: bool = False) -> dict[str, object]:
    """``late``: answered after its promised date (the citizen is told so: actions/dispatch.py)."""
    return {"ticket_id": ticket_id, "status": status.value, "text": text, **({"late": True} if late else {})}


def _applied(complaint: Complaint, ref: str | None) -> bool:
    return ref is not None and any(event.ref == ref for event in complaint.history)


@dataclass(frozen=True)
class StatusChange:
    complaint: Complaint
    notified: bool  # a new notification was written (False: a repeat of ``ref``)


async def change_status(
    services: Services,
    ticket_id: str,
    status: ComplaintStatus,
    actor: str,
    text: str | None = None,
    *,
    ref: str | None = None,
    urgent: bool = False,
) -> Complaint:
    """Move a complaint to ``status`` (allowed transitions only) and tell the citizen; the
    complaint as changed. See ``record_status``."""
    return (await record_status(services, ticket_id, status, actor, text, ref=ref, urgent=urgent)).complaint


async def record_status(
    services: Services,
    ticket_id: str,
    status: ComplaintStatus,
    actor: str,
    text: str | None = None,
    *,
    ref: str | None = None,
    urgent: bool = False,
) -> StatusChange:
    """Move a complaint to ``status`` and tell the citizen: the one path for staff and for the
    bureau's back office (``ref`` = its event).

    Only the transitions in ``TRANSITIONS``, and only from the status just read (a concurrent
    change wins; this one raises). Resolving asks the citizen to rate the resolution
    (COMPLAINT_RATING_REQUEST) unless they rated it already; any other change sends
    COMPLAINT_UPDATED. With ``ref``, a repeat (after an interruption) changes nothing and
    notifies once. Raises ComplaintActionError.
    """
    text = text.strip() if text and text.strip() else None
    repos = services.repos.complaints
    current = await repos.by_ticket(ticket_id)
    if current is None:
        raise ComplaintActionError("not_found", ticket_id)
    late = dispatch.is_late(current, services.clock())
    if _applied(current, ref):
        updated = current
    else:
        allowed_from = [s for s, targets in TRANSITIONS.items() if status in targets]
        if current.status not in allowed_from:
            raise ComplaintActionError("invalid_transition", f"{current.status.value} -> {status.value}")
        changed = await repos.change_status(
            ticket_id, status, actor=actor, now=services.clock(), text=text, expected=allowed_from, ref=ref
        )
        if changed is None:  # changed by someone else in between (or this very request, just now)
            again = await repos.by_ticket(ticket_id)
            if again is None or not _applied(again, ref):
                raise ComplaintActionError("invalid_transition", f"{ticket_id} changed meanwhile")
            changed = again
        updated = changed
    kind = (
        NotificationType.COMPLAINT_RATING_REQUEST
        if status == ComplaintStatus.RESOLVED and updated.rating is None
        else NotificationType.COMPLAINT_UPDATED
    )
    created = await tell_reporter(
        services,
        updated,
        type=kind,
        payload=_payload(ticket_id, status, text, late),
        urgent=urgent,
        dedupe_key=ref or f"{kind.value}:{ticket_id}:{len(updated.history)}",
    )
    return StatusChange(complaint=updated, notified=created)


async def resolve(services: Services, ticket_id: str, actor: str, text: str) -> Complaint:
    """Resolve with an explanation for the citizen, who is then asked to rate it."""
    if not text or not text.strip():
        raise ComplaintActionError("empty_text", "a resolution needs an explanation")
    return await change_status(services, ticket_id, ComplaintStatus.RESOLVED, actor, text)


async def reply_to_citizen(services: Services, ticket_id: str, actor: str, text: str) -> Complaint:
    """A staff reply recorded in the complaint's history and sent to the citizen (COMPLAINT_UPDATED)."""
    if not text or not text.strip():
        raise ComplaintActionError("empty_text", "a reply needs text")
    before = await services.repos.complaints.by_ticket(ticket_id)
    late = before is not None and dispatch.is_late(before, services.clock())
    updated = await services.repos.complaints.add_event(
        ticket_id, actor=actor, action="reply", now=services.clock(), text=text.strip()
    )
    if updated is None:
        raise ComplaintActionError("not_found", ticket_id)
    await tell_reporter(
        services,
        updated,
        type=NotificationType.COMPLAINT_UPDATED,
        payload=_payload(ticket_id, updated.status, text.strip(), late),
        dedupe_key=f"{NotificationType.COMPLAINT_UPDATED.value}:{ticket_id}:{len(updated.history)}",
    )
    return updated


async def list_clusters(services: Services, since: datetime, *, min_size: int = 2) -> list[ClusterSummary]:
    """Groups of complaints on one topic near one place (largest first) with a member since ``since``."""
    return await services.repos.complaints.clusters(since=since, min_size=min_size)
