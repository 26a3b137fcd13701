"""Move my car (一键挪车): a citizen whose way is blocked gives the plate, the place, 1-3 photos
and a reason; the vehicle's owner and its authorised drivers are notified through the push
pipeline (``MOVE_CAR_REQUEST``) and answer "coming", "not my car" or "abuse"; the requester is
told the answer (``MOVE_CAR_ANSWER``).

Rules:
* Privacy: neither side learns the other's name or phone number; every message comes from the bot.
* A plate nobody can be reached for (unknown, or no linked owner or driver) is recorded and
  answered exactly like one whose owner is not reachable: the requester calls 122. So plates
  cannot be probed: the answer says nothing about whether the plate exists.
* At most ``MOVE_CAR_PER_MONTH`` requests per citizen per calendar month (LOCAL_TZ); a waiting
  request may be notified again after ``MOVE_CAR_RENOTIFY_AFTER`` seconds (not a new request).
* An owner's "abuse" report counts against the requester, once per request; at
  ``MOVE_CAR_BLOCK_AFTER`` reports the requester is blocked until staff lift it.
* Exactly once: a request is stored once per form (its key) and each round's notifications carry
  a dedupe key, so a replayed update never notifies twice; an answer is recorded once.

Notification payloads: ``MOVE_CAR_REQUEST`` ``{"request_id", "plate", "place", "lat", "lon",
"reason", "photos": int, "round": int}``; ``MOVE_CAR_ANSWER`` ``{"request_id", "plate", "answer"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import structlog

from actions.notify import notify
from actions.services import Services, today_of
from core.identifiers import normalize_plate
from storage.models import (
    LOCAL_TZ,
    Citizen,
    GeoPoint,
    MoveRequest,
    MoveState,
    NotificationType,
)

log = structlog.get_logger(__name__)

MIN_PHOTOS = 1
MAX_PHOTOS = 3
PLACE_MIN = 2
PLACE_MAX = 200
REASON_MIN = 2
REASON_MAX = 200
REPORT_PHONE = "122"  # the traffic police hotline, for a plate the service cannot reach

ANSWERS = {"coming": MoveState.COMING, "not_mine": MoveState.NOT_MINE, "abuse": MoveState.ABUSE}


class Refusal(StrEnum):
    """Why a request cannot be made now (catalog ``move-refused-<value>``)."""

    BLOCKED = "blocked"
    QUOTA = "quota"


# --- the rules, as pure functions ----------------------------------------------------------------


def month_start(now: datetime) -> datetime:
    """The first instant of ``now``'s calendar month in the bureau's time zone."""
    local = now.astimezone(LOCAL_TZ)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def quota_left(used: int, per_month: int) -> int:
    """Requests still allowed this month."""
    return max(0, per_month - max(0, used))


def is_blocked(abuse_reports: int, block_after: int) -> bool:
    return abuse_reports >= block_after


def renotify_wait(notified_at: datetime, now: datetime, after_seconds: int) -> int:
    """Seconds before the owner may be notified again (0: now)."""
    due = notified_at + timedelta(seconds=after_seconds)
    return max(0, int((due - now).total_seconds() + 0.999))


def explain_place(text: str) -> str | None:
    length = len(text.strip())
    if length < PLACE_MIN:
        return "move-error-place-short"
    if length > PLACE_MAX:
        return "move-error-place-long"
    return None


def explain_reason(text: str) -> str | None:
    length = len(text.strip())
    if length < REASON_MIN:
        return "move-error-reason-short"
    if length > REASON_MAX:
        return "move-error-reason-long"
    return None


# --- who may ask, and who is told ----------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    refusal: Refusal | None
    left: int  # requests left this month


async def standing(services: Services, citizen: Citizen) -> Standing:
    """Whether the citizen may file a request now, and how many are left this month."""
    settings = services.settings
    record = await services.repos.move_requesters.by_id_number(citizen.id_number)
    if record is not None and record.blocked:
        return Standing(Refusal.BLOCKED, 0)
    used = await services.repos.move_requests.count_since(citizen.id_number, month_start(services.clock()))
    left = quota_left(used, settings.move_car_per_month)
    return Standing(None if left else Refusal.QUOTA, left)


async def reachable_recipients(services: Services, plate: str, requester: Citizen) -> list[str]:
    """ID numbers of the vehicle's owner and its drivers authorised today who have a reachable
    chat (the requester excluded); empty for an unknown plate."""
    vehicle = await services.repos.vehicles.by_plate(plate)
    if vehicle is None:
        return []
    today = today_of(services)
    candidates = [vehicle.owner_id_number] + [a.grantee_id_number for a in vehicle.authorisations if a.active_on(today)]
    found: list[str] = []
    for id_number in dict.fromkeys(candidates):
        if id_number == requester.id_number:
            continue
        person = await services.repos.citizens.by_id_number(id_number)
        if person is not None and person.telegram is not None and not person.telegram.unreachable:
            found.append(id_number)
    return found


# --- filing, notifying, answering ----------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    request: MoveRequest | None
    refusal: Refusal | None = None
    repeated: bool = False  # filed by an earlier delivery of the same form


def _payload(request: MoveRequest) -> dict[str, object]:
    return {
        "request_id": request.id,
        "plate": request.plate,
        "place": request.place_text or "",
        "lat": request.location.lat if request.location else None,
        "lon": request.location.lon if request.location else None,
        "reason": request.reason,
        "photos": len(request.photos),
        "round": request.rounds,
    }


async def _notify_round(services: Services, request: MoveRequest) -> None:
    """Notify every recipient of the request's current round (once each: a dedupe key per round)."""
    for id_number in request.recipients:
        await notify(
            services,
            citizen_id_number=id_number,
            type=NotificationType.MOVE_CAR_REQUEST,
            payload=_payload(request),
            urgent=True,  # someone is waiting by the car: not held for quiet hours
            dedupe_key=f"move:{request.id}:{request.rounds}:{id_number}",
        )


async def submitted(services: Services, citizen: Citizen, key: str) -> Filed | None:
    """The request the citizen's form ``key`` filed, if stored (its notifications made sure of)."""
    earlier = await services.repos.move_requests.by_submission_key(key, citizen.id_number)
    if earlier is None:
        return None
    if earlier.state == MoveState.NOTIFIED:
        await _notify_round(services, earlier)
    return Filed(earlier, repeated=True)


async def file(
    services: Services,
    citizen: Citizen,
    *,
    plate: str,
    place_text: str | None,
    location: GeoPoint | None,
    photos: Sequence[str],
    reason: str,
    key: str | None = None,
) -> Filed:
    """File a request (once per form ``key``) and notify whoever can be reached."""
    if key is not None and (earlier := await submitted(services, citizen, key)) is not None:
        return earlier
    normalized = normalize_plate(plate)
    if normalized is None:
        raise ValueError("invalid plate")
    if not MIN_PHOTOS <= len(photos) <= MAX_PHOTOS:
        raise ValueError("1 to 3 photos")
    if explain_reason(reason) is not None or (location is None and explain_place(place_text or "") is not None):
        raise ValueError("a place and a reason are needed")
    now_standing = await standing(services, citizen)
    if now_standing.refusal is not None:
        return Filed(None, now_standing.refusal)
    recipients = await reachable_recipients(services, normalized, citizen)
    now = services.clock()
    request = MoveRequest(
        plate=normalized,
        requester_id_number=citizen.id_number,
        place_text=(place_text or "").strip() or None,
        location=location,
        photos=list(photos)[:MAX_PHOTOS],
        reason=reason.strip(),
        state=MoveState.NOTIFIED if recipients else MoveState.UNREACHABLE,
        recipients=recipients,
        filed_at=now,
        notified_at=now,
        submission_key=key,
    )
    stored, created = await services.repos.move_requests.insert_once(request)
    if stored.state == MoveState.NOTIFIED:
        await _notify_round(services, stored)
    log.info("move request filed", request_id=stored.id, plate=stored.plate, reachable=bool(recipients))
    return Filed(stored, repeated=not created)


async def own_request(services: Services, citizen: Citizen, request_id: str) -> MoveRequest | None:
    """The request if the citizen made it (else None, as for an unknown one)."""
    request = await services.repos.move_requests.by_id(request_id)
    return request if request is not None and request.requester_id_number == citizen.id_number else None


@dataclass(frozen=True)
class Renotified:
    request: MoveRequest | None  # None: not the citizen's request
    sent: bool  # a new round went out now
    wait_seconds: int = 0  # when not: seconds before it may


async def renotify(services: Services, citizen: Citizen, request_id: str) -> Renotified:
    """Notify the recipients of a waiting request again, if ``MOVE_CAR_RENOTIFY_AFTER`` has passed."""
    request = await own_request(services, citizen, request_id)
    if request is None:
        return Renotified(None, sent=False)
    if request.state != MoveState.NOTIFIED:
        return Renotified(request, sent=False)
    now = services.clock()
    after = services.settings.move_car_renotify_after
    moved = await services.repos.move_requests.next_round(
        request.id, notified_before=now - timedelta(seconds=after), now=now
    )
    if moved is None:  # not yet due (or a replay of the press that just sent it): finish that round
        current = await services.repos.move_requests.by_id(request.id) or request
        if current.state == MoveState.NOTIFIED:
            await _notify_round(services, current)
        return Renotified(current, sent=False, wait_seconds=renotify_wait(current.notified_at, now, after))
    await _notify_round(services, moved)
    log.info("move request notified again", request_id=moved.id, round=moved.rounds)
    return Renotified(moved, sent=True)


class AnswerOutcome(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # answered before (by this recipient or another)
    NOT_FOUND = "not_found"  # unknown, or not a recipient's


@dataclass(frozen=True)
class Answered:
    outcome: AnswerOutcome
    request: MoveRequest | None = None


async def answer(services: Services, citizen: Citizen, request_id: str, answer_code: str) -> Answered:
    """A recipient answers: ``coming``, ``not_mine`` or ``abuse`` (counted against the requester,
    once). The requester is told through the push pipeline (once per request)."""
    state = ANSWERS.get(answer_code)
    request = await services.repos.move_requests.by_id(request_id)
    if state is None or request is None or citizen.id_number not in request.recipients:
        return Answered(AnswerOutcome.NOT_FOUND)
    now = services.clock()
    answered = await services.repos.move_requests.answer(request.id, state, now)
    if answered is None:
        current = await services.repos.move_requests.by_id(request.id) or request
        await _tell_requester(services, current)  # finish a crashed answer (deduped)
        return Answered(AnswerOutcome.ALREADY, current)
    if state == MoveState.ABUSE:
        record = await services.repos.move_requesters.report_abuse(
            answered.requester_id_number, block_after=services.settings.move_car_block_after, now=now
        )
        log.info(
            "move requester reported", request_id=answered.id, reports=record.abuse_reports, blocked=record.blocked
        )
    await _tell_requester(services, answered)
    log.info("move request answered", request_id=answered.id, answer=state.value)
    return Answered(AnswerOutcome.RECORDED, answered)


async def _tell_requester(services: Services, request: MoveRequest) -> None:
    if request.state not in (MoveState.COMING, MoveState.NOT_MINE, MoveState.ABUSE):
        return
    await notify(
        services,
        citizen_id_number=request.requester_id_number,
        type=NotificationType.MOVE_CAR_ANSWER,
        # The requester is not told of an abuse report: to them it reads as "not my car".
        payload={
            "request_id": request.id,
            "plate": request.plate,
            "answer": "coming" if request.state == MoveState.COMING else "not_mine",
        },
        urgent=True,
        dedupe_key=f"move-answer:{request.id}",
    )


async def photos_for(services: Services, citizen: Citizen, request_id: str) -> list[str]:
    """The request's photos, for its requester or a recipient (else none)."""
    request = await services.repos.move_requests.by_id(request_id)
    if request is None:
        return []
    if citizen.id_number != request.requester_id_number and citizen.id_number not in request.recipients:
        return []
    return list(request.photos)


# --- staff -----------------------------------------------------------------------------------------


async def lift_block(services: Services, id_number: str, *, staff: str) -> bool:
    """Staff lift a requester's block (False: not blocked)."""
    lifted = await services.repos.move_requesters.lift(id_number, staff=staff, now=services.clock())
    log.info("move requester block lifted", staff=staff, lifted=lifted)
    return lifted
