"""Reports filed from the Mini App: the same complaint, the same rules as the chat's form.

* A report starts as a draft the server issues (``open_draft``): its key is the idempotency key
  the complaint is filed under, so Submit pressed twice, or sent again after a lost answer, files
  one complaint and answers with its ticket both times (``submit_report``). A draft abandoned for
  FORM_TTL expires, as the chat's form does; its photos go some time after.
* Photos are uploaded to the server one by one (``attach_photo``): at most ``MAX_PHOTOS`` per
  draft, each at most MINIAPP_PHOTO_MAX_BYTES and really a JPEG, PNG or WebP picture (read from
  the bytes), stored in MongoDB and filed with the complaint (``photo:<id>`` in its photos).
* The fields are checked as the chat checks them (``check_report``): a topic, a place (typed, 2
  to 200 characters, and/or a location), a description of 10 to 2,000 characters; a plate typed
  in the place or the description is kept with the complaint.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from actions.complaints.citizen import submit_once, submitted
from actions.complaints.draft import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_PHOTOS,
    PLACE_MAX,
    PLACE_MIN,
    ComplaintDraft,
    check_description,
    check_place,
    find_plate,
)
from actions.services import Services
from core.images import sniff_image
from core.language import Language
from core.text import clean_text, utf16_len
from storage.models import Citizen, Complaint, ComplaintTopic, GeoPoint, Photo, photo_ref
from storage.redis import as_text

DRAFT_KEY = re.compile(r"[A-Za-z0-9_-]{16}")
_OPENED = ""  # the first entry of a draft's list: the draft exists, with no photo yet
PHOTOS_KEPT_AFTER = timedelta(days=1)  # an unfiled draft's photos outlive it by this much


@dataclass(frozen=True)
class AppDraft:
    key: str
    photo_ids: list[str]
    expires_in: int  # seconds of silence before it expires


def _redis_key(services: Services, user_id: int, key: str) -> str:
    return services.keys.miniapp_draft(user_id, key)


async def open_draft(services: Services, user_id: int) -> AppDraft:
    """A new, empty report draft of this Telegram user."""
    key = secrets.token_urlsafe(12)
    ttl = services.settings.form_ttl
    async with services.redis.pipeline(transaction=True) as pipe:
        pipe.rpush(_redis_key(services, user_id, key), _OPENED)
        pipe.expire(_redis_key(services, user_id, key), ttl)
        await pipe.execute()
    return AppDraft(key=key, photo_ids=[], expires_in=ttl)


async def load_draft(services: Services, user_id: int, key: str) -> AppDraft | None:
    """The draft ``key`` of this user with its photos, its life renewed; None when it expired,
    was filed, or was never theirs."""
    if not DRAFT_KEY.fullmatch(key):
        return None
    redis_key = _redis_key(services, user_id, key)
    async with services.redis.pipeline(transaction=True) as pipe:
        pipe.lrange(redis_key, 0, -1)
        pipe.expire(redis_key, services.settings.form_ttl)
        entries, _ = await pipe.execute()
    if not entries:
        return None
    ids = [text for raw in entries if (text := as_text(raw))]
    return AppDraft(key=key, photo_ids=ids, expires_in=services.settings.form_ttl)


class PhotoOutcome(StrEnum):
    ADDED = "added"
    DRAFT_EXPIRED = "draft_expired"
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class PhotoResult:
    outcome: PhotoOutcome
    photo: Photo | None = None


async def attach_photo(services: Services, citizen: Citizen, user_id: int, key: str, data: bytes) -> PhotoResult:
    """Check a photo and keep it with the draft (``TOO_MANY`` past ``MAX_PHOTOS``, also when two
    arrive at once)."""
    draft = await load_draft(services, user_id, key)
    if draft is None:
        return PhotoResult(PhotoOutcome.DRAFT_EXPIRED)
    if len(data) > services.settings.miniapp_photo_max_bytes:
        return PhotoResult(PhotoOutcome.TOO_LARGE)
    info = sniff_image(data)
    if info is None:
        return PhotoResult(PhotoOutcome.NOT_AN_IMAGE)
    if len(draft.photo_ids) >= MAX_PHOTOS:
        return PhotoResult(PhotoOutcome.TOO_MANY)
    now = services.clock()
    photo = Photo(
        owner_id_number=citizen.id_number,
        draft_key=key,
        content_type=info.content_type,
        width=info.width,
        height=info.height,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_at=now,
        expires_at=now + timedelta(seconds=services.settings.form_ttl) + PHOTOS_KEPT_AFTER,
    )
    await services.repos.photos.insert(photo)
    redis_key = _redis_key(services, user_id, key)
    length = int(await services.redis.rpushx(redis_key, photo.id))  # type: ignore[arg-type]
    if length == 0 or length - 1 > MAX_PHOTOS:  # expired meanwhile, or another upload took the last place
        await services.redis.lrem(redis_key, 1, photo.id)
        await services.repos.photos.delete_from_draft(photo.id, citizen.id_number, key)
        return PhotoResult(PhotoOutcome.DRAFT_EXPIRED if length == 0 else PhotoOutcome.TOO_MANY)
    await services.repos.photos.extend(citizen.id_number, key, photo.expires_at or now)
    return PhotoResult(PhotoOutcome.ADDED, photo.model_copy(update={"data": b""}))


async def detach_photo(services: Services, citizen: Citizen, user_id: int, key: str, photo_id: str) -> bool:
    """Take a photo off the draft (False when the draft or the photo is not there)."""
    if not DRAFT_KEY.fullmatch(key):
        return False
    removed = int(await services.redis.lrem(_redis_key(services, user_id, key), 1, photo_id))
    if removed == 0:
        return False
    await services.repos.photos.delete_from_draft(photo_id, citizen.id_number, key)
    return True


# --- the fields ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a field cannot be used: the catalog id of the hint and its arguments."""

    msg_id: str
    args: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportFields:
    topic: str = ""
    place_text: str = ""
    location: GeoPoint | None = None
    description: str = ""


def check_report(fields: ReportFields, photo_ids: list[str]) -> tuple[ComplaintDraft | None, dict[str, Problem]]:
    """The complaint draft these fields make, or the problem of each field that cannot be used."""
    problems: dict[str, Problem] = {}
    topic = next((t for t in ComplaintTopic if t.value == fields.topic), None)
    if topic is None:
        problems["topic"] = Problem("miniapp-report-error-topic")
    place = clean_text(fields.place_text).strip()
    if place and (hint := check_place(place)) is not None:
        problems["place"] = Problem(hint, {"min": PLACE_MIN, "max": PLACE_MAX, "length": utf16_len(place)})
    elif not place and fields.location is None:
        problems["place"] = Problem("miniapp-report-error-place")
    description = clean_text(fields.description).strip()
    if (hint := check_description(description)) is not None:
        problems["description"] = Problem(
            hint, {"min": DESCRIPTION_MIN, "max": DESCRIPTION_MAX, "length": utf16_len(description)}
        )
    if len(photo_ids) > MAX_PHOTOS:
        problems["photos"] = Problem("complaints-error-photos-max", {"max": MAX_PHOTOS})
    if problems:
        return None, problems
    draft = ComplaintDraft(
        topic=topic,
        place_text=place or None,
        location=fields.location,
        description=description,
        photos=[photo_ref(i) for i in photo_ids],
        photos_done=True,
        plate=find_plate(place) or find_plate(description),
    )
    return draft, {}


class ReportOutcome(StrEnum):
    FILED = "filed"  # now, or by an earlier Submit of the same draft (``repeated``)
    INVALID = "invalid"
    DRAFT_EXPIRED = "draft_expired"


@dataclass(frozen=True)
class ReportResult:
    outcome: ReportOutcome
    complaint: Complaint | None = None
    repeated: bool = False
    problems: dict[str, Problem] = field(default_factory=dict)


async def submit_report(
    services: Services,
    citizen: Citizen,
    user_id: int,
    key: str,
    fields: ReportFields,
    *,
    chat_id: int | None,
    language: Language,
) -> ReportResult:
    """File the draft ``key`` as a complaint, once: the same draft submitted again answers with the
    complaint it filed (``repeated``), also after the draft itself is gone."""
    if DRAFT_KEY.fullmatch(key) and (earlier := await submitted(services, citizen, key)) is not None:
        return ReportResult(ReportOutcome.FILED, earlier, repeated=True)
    draft_found = await load_draft(services, user_id, key)
    if draft_found is None:
        return ReportResult(ReportOutcome.DRAFT_EXPIRED)
    draft, problems = check_report(fields, draft_found.photo_ids)
    if draft is None:
        return ReportResult(ReportOutcome.INVALID, problems=problems)
    complaint, created = await submit_once(services, citizen, draft, key=key, chat_id=chat_id, language=language)
    # Durable first; then the photos stop expiring and the draft goes (a crash in between: the
    # same Submit again finds the complaint by its key and does this part again).
    await services.repos.photos.file_with(draft_found.photo_ids, citizen.id_number, complaint.ticket_id)
    await services.redis.delete(_redis_key(services, user_id, key))
    return ReportResult(ReportOutcome.FILED, complaint, repeated=not created)


async def filed_photo(services: Services, citizen: Citizen, photo_id: str) -> Photo | None:
    """A photo the citizen uploaded (with its bytes), or None (unknown, or someone else's)."""
    return await services.repos.photos.by_id(photo_id, citizen.id_number)
