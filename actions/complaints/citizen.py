"""Filing a complaint, and the citizen's own complaints: look-up, list, rating."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Final

from actions import dispatch
from actions.complaints.draft import ComplaintDraft, check_description
from actions.complaints.reporter import ContactMode, ReportContact
from actions.services import Services
from core.geo import normalize_place
from core.language import Language
from core.text import clean_text
from storage.models import LOCAL_TZ, Citizen, Complaint, ComplaintEvent, ComplaintStatus

RATING_COMMENT_MAX: Final = 1000
ACKNOWLEDGE_WITHIN: Final = timedelta(hours=24)
ANSWER_WITHIN: Final = timedelta(days=7)
RATEABLE: Final = (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)


# --- filing ---------------------------------------------------------------------------------------


class IncompleteDraft(ValueError):
    """The draft lacks a topic, a place or a valid description."""


async def submit(
    services: Services, citizen: Citizen, draft: ComplaintDraft, *, chat_id: int | None, language: Language
) -> Complaint:
    """Write the complaint durably (ticket allocated on the bureau's local date) and cluster it.

    Returns the stored complaint (with its ``cluster_id``); the caller shows the ticket only now.
    A draft without an idempotency key (imports, tests): the citizen's form uses ``submit_once``.
    """
    complaint, _ = await submit_once(services, citizen, draft, key=None, chat_id=chat_id, language=language)
    return complaint


async def submit_once(
    services: Services,
    citizen: Citizen | None,
    draft: ComplaintDraft,
    *,
    key: str | None,
    chat_id: int | None,
    language: Language,
    contact: ReportContact | None = None,
) -> tuple[Complaint, bool]:
    """``submit`` once per draft: ``key`` is the draft's idempotency key (unique on the stored
    complaint), so the same draft submitted again (a redelivered Submit after a crash, a double
    tap) returns the complaint it filed the first time. (complaint, True when filed now).

    ``citizen`` None: a report without a linked identity (issue 15), ``contact`` says how (a
    verified phone, answered in ``chat_id``; or anonymous: no chat and no answer are kept)."""
    if draft.topic is None or not draft.has_place or draft.description is None:
        raise IncompleteDraft("topic, place and description are required")
    if check_description(draft.description) is not None:
        raise IncompleteDraft("description length")
    if citizen is None and (contact is None or not contact.ready):
        raise IncompleteDraft("a report without a linked identity needs a verified phone or to be anonymous")
    if key is not None and (earlier := await submitted(services, citizen, key)) is not None:
        return await _clustered(services, earlier), False
    anonymous = citizen is None and contact is not None and contact.mode == ContactMode.ANONYMOUS
    now = services.clock()
    ticket_id = await services.repos.complaints.allocate_ticket_id(now.astimezone(LOCAL_TZ).date())
    place_text = clean_text(draft.place_text).strip() if draft.place_text else None
    place_key = (normalize_place(place_text) or None) if place_text else None
    complaint = Complaint(
        ticket_id=ticket_id,
        citizen_id_number=citizen.id_number if citizen is not None else None,
        contact_phone=contact.phone if citizen is None and contact is not None and not anonymous else None,
        anonymous=anonymous,
        chat_id=None if anonymous else chat_id,
        language=language,
        topic=draft.topic,
        place_text=place_text,
        place_key=place_key,
        location=draft.location,
        description=clean_text(draft.description).strip(),
        photos=list(draft.photos),
        plate=draft.plate,
        status=ComplaintStatus.NEW,
        history=[ComplaintEvent(at=now, actor="citizen", action="created", status=ComplaintStatus.NEW)],
        created_at=now,
        updated_at=now,
        acknowledge_by=now + ACKNOWLEDGE_WITHIN,
        answer_by=now + ANSWER_WITHIN,
        submission_key=key,
    )
    stored, created = await services.repos.complaints.insert_once(complaint)
    return await _clustered(services, stored), created


async def submitted(services: Services, citizen: Citizen | None, key: str) -> Complaint | None:
    """The complaint the citizen's draft ``key`` filed, if it is stored (``citizen`` None: the
    draft of someone without a linked identity; the key is the form's own, random and unshared)."""
    return await services.repos.complaints.by_submission_key(key, citizen.id_number if citizen is not None else None)


async def _clustered(services: Services, complaint: Complaint) -> Complaint:
    """The stored complaint with its cluster (assigned now when it has none: filed just now, or
    the process died between storing and clustering it)."""
    if complaint.cluster_id is None:
        cluster_id = await services.repos.complaints.assign_cluster(complaint)
        complaint = complaint.model_copy(update={"cluster_id": cluster_id})
    # Dispatched to its department's queue, with the topic's deadlines (actions/dispatch.py).
    return await dispatch.route(services, complaint)


# --- the citizen's own complaints -----------------------------------------------------------------


async def own_complaint(services: Services, citizen: Citizen, ticket_id: str) -> Complaint | None:
    """The complaint if it is this citizen's; None for unknown and for someone else's alike."""
    return await services.repos.complaints.by_ticket_for_citizen(ticket_id, citizen.id_number)


@dataclass(frozen=True)
class ComplaintPage:
    items: list[Complaint]
    page: int  # 1-based
    has_more: bool


async def list_own(services: Services, citizen: Citizen, *, page: int = 1, page_size: int = 5) -> ComplaintPage:
    """The citizen's complaints, newest first, one page at a time."""
    page = max(1, page)
    found = await services.repos.complaints.by_citizen(
        citizen.id_number, limit=page_size + 1, skip=(page - 1) * page_size
    )
    return ComplaintPage(items=found[:page_size], page=page, has_more=len(found) > page_size)


class RatingOutcome(StrEnum):
    RATED = "rated"
    REPEATED = "repeated"  # this same rating (the form's key) was stored before: nothing changed now
    NOT_FOUND = "not_found"  # unknown or someone else's
    NOT_RESOLVED = "not_resolved"
    ALREADY_RATED = "already_rated"


def can_rate(complaint: Complaint) -> RatingOutcome | None:
    """None if the citizen may rate it now, else why not."""
    if complaint.rating is not None:
        return RatingOutcome.ALREADY_RATED
    if complaint.status not in RATEABLE:
        return RatingOutcome.NOT_RESOLVED
    return None


async def rate(
    services: Services,
    citizen: Citizen,
    ticket_id: str,
    stars: int,
    comment: str | None,
    *,
    key: str | None = None,
) -> tuple[RatingOutcome, Complaint | None]:
    """Store the citizen's rating (1 to 5, once) of a resolved complaint, with an optional comment.

    ``key``: the rating form's idempotency key; the same form rated again (a redelivered update
    after a crash) answers ``REPEATED`` with the stored rating."""
    if not 1 <= stars <= 5:
        raise ValueError("a rating is 1 to 5")
    comment = normalize_comment(comment) if comment else None
    if comment is not None and len(comment) > RATING_COMMENT_MAX:
        raise ValueError("rating comment too long")
    complaint = await own_complaint(services, citizen, ticket_id)
    if complaint is None:
        return RatingOutcome.NOT_FOUND, None
    if key is not None and complaint.rating_key == key:
        return RatingOutcome.REPEATED, complaint
    if (reason := can_rate(complaint)) is not None:
        return reason, complaint
    stored = await services.repos.complaints.rate(
        ticket_id, citizen.id_number, stars, comment or None, services.clock(), key=key
    )
    if stored is None:  # rated (or reopened) at the same moment
        again = await own_complaint(services, citizen, ticket_id)
        if again is not None and key is not None and again.rating_key == key:
            return RatingOutcome.REPEATED, again
        return (can_rate(again) or RatingOutcome.ALREADY_RATED) if again else RatingOutcome.NOT_FOUND, again
    return RatingOutcome.RATED, stored


def normalize_comment(text: str) -> str:
    """A rating comment as stored: NFC, trimmed."""
    return unicodedata.normalize("NFC", text).strip()
