"""Already reported (issue 15): before a report is filed, an open one on the same topic near the
same place (the staff clusters' rule: ``ComplaintRepository.similar``) is offered to follow
instead ("+1": its notifications reach the follower as they reach its reporter), or to file anyway.

A "+1" is kept once per person (``follower_key``), however often it is pressed or redelivered.
"""

from __future__ import annotations

import hashlib
from typing import Final

from actions.complaints.draft import ComplaintDraft
from actions.complaints.reporter import ContactMode, ReportContact
from actions.services import Services
from core.geo import normalize_place
from core.language import Language
from core.text import clean_text
from storage.models import Citizen, Complaint, ComplaintFollower, ComplaintStatus

OPEN_STATUSES: Final = frozenset({ComplaintStatus.NEW, ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.IN_PROGRESS})
_PROBE = "probe"


def follower_key(citizen: Citizen | None, user_id: int) -> str:
    """One "+1" per person: the linked identity, else the Telegram account (hashed)."""
    if citizen is not None:
        return f"c:{citizen.id_number}"
    return "u:" + hashlib.sha256(f"follower:{user_id}".encode()).hexdigest()[:24]


def pick_open(found: list[Complaint]) -> Complaint | None:
    """The report to offer: the open one followed by most people, then the oldest."""
    candidates = [c for c in found if c.status in OPEN_STATUSES]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (-len(c.followers), c.created_at, c.ticket_id))


async def open_nearby(services: Services, draft: ComplaintDraft) -> Complaint | None:
    """An open report on the draft's topic near its place (None when there is none, or the draft
    has no topic or place yet)."""
    if draft.topic is None or not draft.has_place:
        return None
    now = services.clock()
    place_text = clean_text(draft.place_text).strip() if draft.place_text else None
    probe = Complaint(
        ticket_id=_PROBE,
        topic=draft.topic,
        place_text=place_text,
        place_key=(normalize_place(place_text) or None) if place_text else None,
        location=draft.location,
        description=_PROBE,
        created_at=now,
        updated_at=now,
        acknowledge_by=now,
        answer_by=now,
    )
    return pick_open(await services.repos.complaints.similar(probe))


async def follow(
    services: Services,
    ticket_id: str,
    *,
    citizen: Citizen | None,
    contact: ReportContact | None,
    user_id: int,
    chat_id: int,
    language: Language,
) -> tuple[Complaint | None, bool]:
    """Add the "+1" of this person (once): (the complaint, True when added now). Told of its
    updates when linked or when their phone was verified; an anonymous "+1" is only counted."""
    answerable = citizen is None and contact is not None and contact.mode == ContactMode.PHONE and contact.ready
    follower = ComplaintFollower(
        key=follower_key(citizen, user_id),
        citizen_id_number=citizen.id_number if citizen is not None else None,
        chat_id=chat_id if answerable else None,
        language=language,
        at=services.clock(),
    )
    return await services.repos.complaints.add_follower(ticket_id, follower)
