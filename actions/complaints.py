"""Complaints (the 12345 "swift response" practice): file, look up, answer, rate, cluster.

Channel-independent: the bot's form (bot/routers/complaints.py) and the staff console call these.

Rules (issue 4):
* A complaint has a topic (``ComplaintTopic``), a place (text and/or a shared location), a
  description of 10 to 2,000 characters, up to 5 photos and, when one was typed, a plate.
* It is written durably first; only then is its ticket number (C + YYMMDD + "-" + a daily
  sequence, the bureau's local date) given, with the promised response: acknowledged within
  24 hours, answered within 7 days.
* A citizen sees only their own complaints; someone else's ticket reads exactly like an unknown one.
* When staff resolve a complaint the citizen is asked to rate the resolution (1 to 5, once, with
  an optional comment).
* Complaints about the same topic near the same place within 30 days form a cluster (the
  "task of the month" overview for staff).

Notifications (outbox, rendered and delivered by the push pipeline), payload shape
``{"ticket_id": str, "status": str (ComplaintStatus value), "text": str | None}``:
* ``COMPLAINT_UPDATED``: staff changed the status (other than to resolved) or replied.
* ``COMPLAINT_RATING_REQUEST``: staff resolved it; ``text`` is the resolution. The citizen rates
  with the bot feature ``complaint_rate`` (arg = ticket id).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, Field

from actions.notify import notify
from actions.services import Services
from core.geo import normalize_place
from core.identifiers import PLATE_RE, fold_text, normalize_plate
from storage.models import (
    LOCAL_TZ,
    Citizen,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    ComplaintTopic,
    GeoPoint,
    Language,
    NotificationType,
)
from storage.repositories import ClusterSummary

DESCRIPTION_MIN: Final = 10
DESCRIPTION_MAX: Final = 2000
PLACE_MIN: Final = 2
PLACE_MAX: Final = 200
MAX_PHOTOS: Final = 5
RATING_COMMENT_MAX: Final = 1000
ACKNOWLEDGE_WITHIN: Final = timedelta(hours=24)
ANSWER_WITHIN: Final = timedelta(days=7)
RATEABLE: Final = (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)

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

FormField = Literal["topic", "place", "description", "photos"]
FORM_FIELDS: Final[tuple[FormField, ...]] = ("topic", "place", "description", "photos")


# --- the draft a citizen fills in -----------------------------------------------------------------


class ComplaintDraft(BaseModel):
    """What the form has gathered so far (kept in the FSM data as JSON)."""

    topic: ComplaintTopic | None = None
    place_text: str | None = None
    location: GeoPoint | None = None
    description: str | None = None
    photos: list[str] = Field(default_factory=list, max_length=MAX_PHOTOS)
    photos_done: bool = False
    plate: str | None = None
    editing: FormField | None = None  # the field being edited from the summary

    @property
    def has_place(self) -> bool:
        return bool(self.place_text) or self.location is not None

    def next_field(self) -> FormField | None:
        """The question to ask next: the field being edited, else the first one missing."""
        if self.editing is not None:
            return self.editing
        if self.topic is None:
            return "topic"
        if not self.has_place:
            return "place"
        if self.description is None:
            return "description"
        if not self.photos_done and len(self.photos) < MAX_PHOTOS:
            return "photos"
        return None

    def start_edit(self, field: FormField) -> None:
        """Ask ``field`` again, then return to the summary (photos are collected anew)."""
        self.editing = field
        if field == "photos":
            self.photos = []
            self.photos_done = False

    def add_photo(self, file_id: str) -> bool:
        """Keep a photo; False when 5 are already attached."""
        if len(self.photos) >= MAX_PHOTOS:
            return False
        self.photos.append(file_id)
        if len(self.photos) >= MAX_PHOTOS and self.editing == "photos":
            self.editing = None
        return True


def check_description(text: str) -> str | None:
    """None if acceptable, else the catalog id of the hint (too short / too long)."""
    length = len(text.strip())
    if length < DESCRIPTION_MIN:
        return "complaints-error-description-short"
    if length > DESCRIPTION_MAX:
        return "complaints-error-description-long"
    return None


def check_place(text: str) -> str | None:
    """None if acceptable, else the catalog id of the hint."""
    length = len(text.strip())
    if length < PLACE_MIN:
        return "complaints-error-place-short"
    if length > PLACE_MAX:
        return "complaints-error-place-long"
    return None


def find_plate(text: str) -> str | None:
    """The first valid plate typed in ``text`` (full-width input accepted), normalised."""
    for match in PLATE_RE.finditer(fold_text(text)):
        plate = normalize_plate(match.group(0))
        if plate is not None:
            return plate
    return None


def strip_plates(text: str) -> str:
    """``text`` without the plates in it (what is left of "京A12345 长安街" as a place)."""
    folded = fold_text(text)
    kept = PLATE_RE.sub(lambda m: "" if normalize_plate(m.group(0)) else m.group(0), folded)
    return " ".join(kept.split()).strip(" ,，.。;；:：")


_PLATE_FILLER = (
    r"(?<![a-z])(?:the|its|it's|plate|plates|number|is|was|car|vehicle|license|licence)(?![a-z])"
    r"|车牌号码|车牌号|车牌|是"
)
_PLATE_WORDS: Final = re.compile(f"(?i){_PLATE_FILLER}")
_PLATE_WORDS_AT_EDGES: Final = re.compile(
    f"(?i)^(?:{_PLATE_FILLER}|[\\s,，.。:：;；])+|(?:{_PLATE_FILLER}|[\\s,，.。:：;；])+$"
)


def place_beside_plate(text: str) -> str:
    """What names a place in a message that holds a plate: "the plate is 京A12345" -> "",
    "建国路口，车牌京A12345" -> "建国路口"."""
    place = strip_plates(text)
    if not " ".join(_PLATE_WORDS.sub(" ", place).split()).strip(" ,，.。;；:："):
        return ""
    return _PLATE_WORDS_AT_EDGES.sub("", place)


# Words a citizen uses for each topic, in English (whole words) and Chinese (substrings).
_TOPIC_WORDS: Final[dict[ComplaintTopic, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    ComplaintTopic.ROAD_FACILITIES: (
        (
            "signal",
            "signals",
            "traffic light",
            "traffic lights",
            "light",
            "sign",
            "signs",
            "road marking",
            "markings",
            "pothole",
            "potholes",
            "barrier",
            "guardrail",
            "crossing",
            "facilities",
            "facility",
        ),
        ("信号灯", "红绿灯", "标志", "标线", "护栏", "坑", "路面", "设施", "斑马线", "路灯"),
    ),
    ComplaintTopic.ILLEGAL_PARKING: (
        ("parking", "parked", "park", "parks", "double-parked", "blocking the lane"),
        ("违停", "乱停", "违章停车", "停车", "占道", "占用"),
    ),
    ComplaintTopic.CONGESTION: (
        ("congestion", "congested", "traffic jam", "jam", "jams", "gridlock", "backed up"),
        ("拥堵", "堵车", "堵", "塞车"),
    ),
    ComplaintTopic.OFFICER_CONDUCT: (
        ("officer", "officers", "police", "policeman", "policemen", "cop", "cops", "traffic police"),
        ("交警", "民警", "警察", "执法"),
    ),
    ComplaintTopic.WINDOW_SERVICE: (
        ("window", "counter", "vehicle office", "vehicle management office", "dmv", "queue", "queued", "clerk"),
        ("窗口", "车管所", "排队", "柜台", "办事大厅"),
    ),
    ComplaintTopic.APP_HOTLINE: (
        ("app", "hotline", "12123", "website", "phone line", "helpline"),
        ("热线", "软件", "客服电话", "网站", "12123"),
    ),
}


def guess_topic(text: str) -> ComplaintTopic | None:
    """The topic ``text`` clearly talks about (the most matching words; the first on a tie)."""
    folded = fold_text(text).casefold()
    best: tuple[int, ComplaintTopic | None] = (0, None)
    for topic, (english, chinese) in _TOPIC_WORDS.items():
        hits = sum(1 for w in english if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", folded))
        hits += sum(1 for w in chinese if w in folded)
        if hits > best[0]:
            best = (hits, topic)
    return best[1]


_ZH_PLACE = re.compile(
    r"(?:在|于|位于)([\u4e00-\u9fff0-9]{1,20}(?:交叉口|路口|大街|大道|胡同|高速|立交|广场|路|街|桥|站|门口|窗口|车管所))"
)
_EN_PLACE = re.compile(
    r"\b(?:at|near|on|by|outside)\s+(?:the\s+)?((?:[A-Z0-9][\w'.-]*\s+){0,4}"
    r"(?:Road|Rd|Street|St|Avenue|Ave|Bridge|Expressway|Highway|Square|Station|Crossing|Intersection|Junction|"
    r"Lane|Boulevard|Blvd|Gate|Hutong))\b"
)


def guess_place(text: str) -> str | None:
    """A place named in ``text`` ("... at Jianguo Road", "在东长安街南池子路口 ..."), or None."""
    folded = fold_text(text)
    for pattern in (_ZH_PLACE, _EN_PLACE):
        match = pattern.search(folded)
        if match is not None and check_place(match.group(1)) is None:
            return match.group(1).strip()
    return None


_DONE_WORDS: Final = frozenset(
    {
        "done",
        "skip",
        "finish",
        "finished",
        "no",
        "none",
        "no photo",
        "no photos",
        "nothing",
        "that's all",
        "ok",
        "完成",
        "跳过",
        "好了",
        "没有",
        "不用",
        "无",
        "没有照片",
        "就这些",
    }
)
_CONFIRM_WORDS: Final = frozenset({"yes", "ok", "okay", "submit", "confirm", "send", "是", "好", "确认", "提交", "对"})


def _word(text: str) -> str:
    return fold_text(text).casefold().strip(" .!。！,，")


def is_done_word(text: str) -> bool:
    """ "done" / "skip" (or the same in Chinese) typed at the photos step."""
    return _word(text) in _DONE_WORDS


def is_confirm_word(text: str) -> bool:
    """ "yes" / "submit" (or the same in Chinese) typed at the summary."""
    return _word(text) in _CONFIRM_WORDS


def draft_from_opening(text: str | None, entities: dict[str, list[str]]) -> ComplaintDraft:
    """What the citizen's opening message already says (topic, place, plate): not asked again."""
    draft = ComplaintDraft()
    plates = entities.get("plate_number") or []
    draft.plate = plates[0] if plates else (find_plate(text) if text else None)
    if text:
        draft.topic = guess_topic(text)
        draft.place_text = guess_place(text)
    return draft


# --- filing ---------------------------------------------------------------------------------------


class IncompleteDraft(ValueError):
    """The draft lacks a topic, a place or a valid description."""


async def submit(
    services: Services, citizen: Citizen, draft: ComplaintDraft, *, chat_id: int | None, language: Language
) -> Complaint:
    """Write the complaint durably (ticket allocated on the bureau's local date) and cluster it.

    Returns the stored complaint (with its ``cluster_id``); the caller shows the ticket only now.
    """
    if draft.topic is None or not draft.has_place or draft.description is None:
        raise IncompleteDraft("topic, place and description are required")
    if check_description(draft.description) is not None:
        raise IncompleteDraft("description length")
    now = services.clock()
    ticket_id = await services.repos.complaints.allocate_ticket_id(now.astimezone(LOCAL_TZ).date())
    place_text = draft.place_text.strip() if draft.place_text else None
    place_key = (normalize_place(place_text) or None) if place_text else None
    complaint = Complaint(
        _id=ticket_id,
        citizen_id_number=citizen.id_number,
        chat_id=chat_id,
        language=language,
        topic=draft.topic,
        place_text=place_text,
        place_key=place_key,
        location=draft.location,
        description=draft.description.strip(),
        photos=list(draft.photos),
        plate=draft.plate,
        status=ComplaintStatus.NEW,
        history=[ComplaintEvent(at=now, actor="citizen", action="created", status=ComplaintStatus.NEW)],
        created_at=now,
        updated_at=now,
        acknowledge_by=now + ACKNOWLEDGE_WITHIN,
        answer_by=now + ANSWER_WITHIN,
    )
    await services.repos.complaints.insert(complaint)
    cluster_id = await services.repos.complaints.assign_cluster(complaint)
    return complaint.model_copy(update={"cluster_id": cluster_id})


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
    services: Services, citizen: Citizen, ticket_id: str, stars: int, comment: str | None
) -> tuple[RatingOutcome, Complaint | None]:
    """Store the citizen's rating (1 to 5, once) of a resolved complaint, with an optional comment."""
    if not 1 <= stars <= 5:
        raise ValueError("a rating is 1 to 5")
    comment = normalize_comment(comment) if comment else None
    if comment is not None and len(comment) > RATING_COMMENT_MAX:
        raise ValueError("rating comment too long")
    complaint = await own_complaint(services, citizen, ticket_id)
    if complaint is None:
        return RatingOutcome.NOT_FOUND, None
    if (reason := can_rate(complaint)) is not None:
        return reason, complaint
    stored = await services.repos.complaints.rate(
        ticket_id, citizen.id_number, stars, comment or None, services.clock()
    )
    if stored is None:  # rated (or reopened) at the same moment
        again = await own_complaint(services, citizen, ticket_id)
        return (can_rate(again) or RatingOutcome.ALREADY_RATED) if again else RatingOutcome.NOT_FOUND, again
    return RatingOutcome.RATED, stored


# --- staff ----------------------------------------------------------------------------------------


class ComplaintActionError(Exception):
    """A staff action that cannot be done: ``code`` is "not_found", "invalid_transition" or "empty_text"."""

    def __init__(self, code: Literal["not_found", "invalid_transition", "empty_text"], detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def _payload(complaint: Complaint, text: str | None) -> dict[str, str | None]:
    return {"ticket_id": complaint.ticket_id, "status": complaint.status.value, "text": text}


async def change_status(
    services: Services, ticket_id: str, status: ComplaintStatus, actor: str, text: str | None = None
) -> Complaint:
    """Move a complaint to ``status`` (allowed transitions only) and tell the citizen.

    Resolving asks the citizen to rate the resolution (COMPLAINT_RATING_REQUEST); any other
    change sends COMPLAINT_UPDATED. Raises ComplaintActionError.
    """
    text = text.strip() if text and text.strip() else None
    current = await services.repos.complaints.by_ticket(ticket_id)
    if current is None:
        raise ComplaintActionError("not_found", ticket_id)
    allowed_from = [s for s, targets in TRANSITIONS.items() if status in targets]
    if current.status not in allowed_from:
        raise ComplaintActionError("invalid_transition", f"{current.status.value} -> {status.value}")
    updated = await services.repos.complaints.change_status(
        ticket_id, status, actor=actor, now=services.clock(), text=text, expected=allowed_from
    )
    if updated is None:  # changed by someone else in between
        raise ComplaintActionError("invalid_transition", f"{ticket_id} changed meanwhile")
    kind = (
        NotificationType.COMPLAINT_RATING_REQUEST
        if status == ComplaintStatus.RESOLVED and updated.rating is None
        else NotificationType.COMPLAINT_UPDATED
    )
    await notify(
        services,
        citizen_id_number=updated.citizen_id_number,
        type=kind,
        payload=_payload(updated, text),
        dedupe_key=f"{kind.value}:{ticket_id}:{len(updated.history)}",
    )
    return updated


async def resolve(services: Services, ticket_id: str, actor: str, text: str) -> Complaint:
    """Resolve with an explanation for the citizen, who is then asked to rate it."""
    if not text or not text.strip():
        raise ComplaintActionError("empty_text", "a resolution needs an explanation")
    return await change_status(services, ticket_id, ComplaintStatus.RESOLVED, actor, text)


async def reply_to_citizen(services: Services, ticket_id: str, actor: str, text: str) -> Complaint:
    """A staff reply recorded in the complaint's history and sent to the citizen (COMPLAINT_UPDATED)."""
    if not text or not text.strip():
        raise ComplaintActionError("empty_text", "a reply needs text")
    updated = await services.repos.complaints.add_event(
        ticket_id, actor=actor, action="reply", now=services.clock(), text=text.strip()
    )
    if updated is None:
        raise ComplaintActionError("not_found", ticket_id)
    await notify(
        services,
        citizen_id_number=updated.citizen_id_number,
        type=NotificationType.COMPLAINT_UPDATED,
        payload=_payload(updated, text.strip()),
        dedupe_key=f"{NotificationType.COMPLAINT_UPDATED.value}:{ticket_id}:{len(updated.history)}",
    )
    return updated


async def list_clusters(services: Services, since: datetime, *, min_size: int = 2) -> list[ClusterSummary]:
    """Groups of complaints on one topic near one place (largest first) with a member since ``since``."""
    return await services.repos.complaints.clusters(since=since, min_size=min_size)


def normalize_comment(text: str) -> str:
    """A rating comment as stored: NFC, trimmed."""
    return unicodedata.normalize("NFC", text).strip()
