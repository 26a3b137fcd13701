"""Electronic driver's license: eligibility, application, special-case review, presentation.

Rules (seed 003): the license must be within its validity period and not detained, not
temporarily detained, not overdue for the physical exam, not overdue for the periodic
examination and not announced stop-use (`DriverLicense.elicense_blockers`). Every reason that
applies is listed, each with its remedy. Cities open in batches: a city not yet open gets the
date it opens. A citizen whose case is special may ask the issuing vehicle management office to
review it; staff approve (the e-license is issued) or reject, and the citizen is notified.
"Show my e-license" presents it with its live status and a verification code valid 60 seconds
(ELICENSE_CODE_TTL), in the chat as digits and in the Mini App as a QR code too.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

import structlog

from actions.licenses import cycle_end, exam_places
from actions.notify import notify
from actions.services import Services, today_of
from core.identifiers import mask_id_number
from storage.data import office
from storage.models import (
    DriverLicense,
    ELicenseCity,
    ELicenseReview,
    LicenseStatus,
    NotificationType,
)
from storage.redis import as_text

log = structlog.get_logger(__name__)

CODE_SECONDS = 60  # the default of ELICENSE_CODE_TTL (`code_seconds`)
REVIEW_REASON_MIN = 10
REVIEW_REASON_MAX = 500


@dataclass(frozen=True)
class Remedy:
    """Why (`status`) and what to do (catalog `msg_id` with `args`; a button to `feature`)."""

    status: LicenseStatus
    msg_id: str
    args: dict[str, str | int] = field(default_factory=dict)
    feature: str | None = None


def remedy_for(status: LicenseStatus, lic: DriverLicense, lang: str = "en") -> Remedy:
    found = office(lic.issuing_office)
    office_name = found.name.get(lang) if found is not None else lic.issuing_office
    match status:
        case LicenseStatus.EXPIRED:
            return Remedy(status, "elicense-remedy-expired", {"valid_to": lic.valid_to.isoformat()}, "renewal")
        case LicenseStatus.REVOKED:
            return Remedy(status, "elicense-remedy-revoked", {"office": office_name})
        case LicenseStatus.DETAINED:
            return Remedy(status, "elicense-remedy-detained", {"office": office_name})
        case LicenseStatus.TEMPORARILY_DETAINED:
            return Remedy(status, "elicense-remedy-temporarily-detained", {"office": office_name})
        case LicenseStatus.EXAM_OVERDUE:
            due = lic.next_physical_exam_due.isoformat() if lic.next_physical_exam_due else ""
            return Remedy(
                status,
                "elicense-remedy-exam-overdue",
                {"due": due, **exam_places(lic.issuing_city, lang)},
                "faq_exam",
            )
        case LicenseStatus.PERIODIC_EXAM_OVERDUE:
            due = lic.next_periodic_exam_due.isoformat() if lic.next_periodic_exam_due else ""
            return Remedy(status, "elicense-remedy-periodic-overdue", {"due": due, "office": office_name})
        case LicenseStatus.STOP_USE_ANNOUNCED:
            return Remedy(status, "elicense-remedy-stop-use", {"office": office_name})
    raise ValueError(f"{status} does not block an electronic license")


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    ALREADY_ISSUED = "already_issued"
    NO_LICENSE = "no_license"
    CITY_NOT_OPEN = "city_not_open"  # the license itself may be fine: see `remedies`
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Eligibility:
    verdict: Verdict
    license: DriverLicense | None
    city: ELicenseCity | None
    remedies: list[Remedy] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.verdict == Verdict.ELIGIBLE

    @property
    def opens_on(self) -> date | None:
        return self.city.opens_on if self.city is not None else None

    @property
    def can_request_review(self) -> bool:
        """A special case the issuing office may review: blocked by the license's state (a
        review cannot open a city early, nor replace a license that is not there)."""
        return self.verdict == Verdict.BLOCKED or (self.verdict == Verdict.CITY_NOT_OPEN and bool(self.remedies))


def assess(lic: DriverLicense | None, city: ELicenseCity | None, today: date, lang: str = "en") -> Eligibility:
    """Eligibility of `lic` on `today` in the citizen's `city` (pure; every reason listed).

    A city missing from the schedule counts as not open (no date to give)."""
    if lic is None:
        return Eligibility(Verdict.NO_LICENSE, None, city)
    remedies = [remedy_for(s, lic, lang) for s in lic.elicense_blockers(today)]
    if lic.elicense_issued and not remedies:
        return Eligibility(Verdict.ALREADY_ISSUED, lic, city)
    if city is None or not city.is_open(today):
        return Eligibility(Verdict.CITY_NOT_OPEN, lic, city, remedies)
    if remedies:
        return Eligibility(Verdict.BLOCKED, lic, city, remedies)
    return Eligibility(Verdict.ELIGIBLE, lic, city)


async def check_eligibility(services: Services, id_number: str, lang: str = "en") -> Eligibility:
    citizen = await services.repos.citizens.by_id_number(id_number)
    lic = await services.repos.licenses.by_id_number(id_number)
    city = await services.repos.elicense.city(citizen.city) if citizen is not None else None
    return assess(lic, city, today_of(services), lang)


@dataclass(frozen=True)
class ApplyResult:
    eligibility: Eligibility
    issued: bool  # issued by this application
    license: DriverLicense | None = None


async def apply(services: Services, id_number: str, lang: str = "en") -> ApplyResult:
    """Issue the e-license at once when eligible; otherwise the reasons (nothing changes)."""
    found = await check_eligibility(services, id_number, lang)
    if not found.eligible:
        return ApplyResult(found, issued=False, license=found.license)
    lic = await services.repos.licenses.set_elicense_issued(id_number, services.clock())
    log.info("e-license issued", id_number=mask_id_number(id_number))
    return ApplyResult(found, issued=True, license=lic)


def explain_review_reason(text: str) -> str | None:
    """None when the citizen's explanation is usable, else the hint's message id."""
    length = len(text.strip())
    if length < REVIEW_REASON_MIN:
        return "elicense-review-error-short"
    if length > REVIEW_REASON_MAX:
        return "elicense-review-error-long"
    return None


class ReviewOutcome(StrEnum):
    CREATED = "created"
    ALREADY_PENDING = "already_pending"
    NOT_NEEDED = "not_needed"  # eligible or already issued: just apply / show
    NOT_POSSIBLE = "not_possible"  # no license, or only the city is not open yet


@dataclass(frozen=True)
class ReviewRequest:
    outcome: ReviewOutcome
    review: ELicenseReview | None = None
    office_name: str = ""
    repeated: bool = False  # CREATED by an earlier request of the same form (its key)


def _office_name(office_id: str, lang: str) -> str:
    where = office(office_id)
    return where.name.get(lang) if where is not None else office_id


async def request_review(
    services: Services, id_number: str, reason: str, lang: str = "en", *, key: str | None = None
) -> ReviewRequest:
    """Ask the issuing vehicle management office to review a special case (one pending at a time).

    ``key``: the citizen's form (idempotency key, unique on the stored review); the same form sent
    again (a redelivered update after a crash) answers CREATED with the first review, ``repeated``."""
    if key is not None and (earlier := await review_submitted(services, id_number, key, lang)) is not None:
        return earlier
    found = await check_eligibility(services, id_number, lang)
    if found.verdict in (Verdict.ELIGIBLE, Verdict.ALREADY_ISSUED):
        return ReviewRequest(ReviewOutcome.NOT_NEEDED)
    if not found.can_request_review or found.license is None:
        return ReviewRequest(ReviewOutcome.NOT_POSSIBLE)
    lic = found.license
    review = ELicenseReview(
        citizen_id_number=id_number,
        issuing_office=lic.issuing_office,
        reason=reason.strip()[:REVIEW_REASON_MAX],
        blockers=lic.elicense_blockers(today_of(services)),
        requested_at=services.clock(),
        submission_key=key,
    )
    stored, created = await services.repos.elicense.request_review(review)
    log.info("e-license review requested", id_number=mask_id_number(id_number), created=created)
    same_form = key is not None and stored.submission_key == key
    outcome = ReviewOutcome.CREATED if created or same_form else ReviewOutcome.ALREADY_PENDING
    return ReviewRequest(outcome, stored, _office_name(lic.issuing_office, lang), repeated=not created and same_form)


async def review_submitted(services: Services, id_number: str, key: str, lang: str = "en") -> ReviewRequest | None:
    """The review the citizen's form ``key`` requested (CREATED, ``repeated``), if it is stored."""
    earlier = await services.repos.elicense.by_submission_key(key, id_number)
    if earlier is None:
        return None
    return ReviewRequest(ReviewOutcome.CREATED, earlier, _office_name(earlier.issuing_office, lang), repeated=True)


@dataclass(frozen=True)
class ReviewDecision:
    review: ELicenseReview
    license: DriverLicense | None  # after the decision (e-license issued when approved)
    notified: bool


async def decide_review(
    services: Services, review_id: str, approve: bool, staff_username: str, reason: str | None
) -> ReviewDecision | None:
    """Staff decide a pending review (once): record it, issue the e-license when approved and
    notify the citizen (`NotificationType.ELICENSE_REVIEW_DECIDED`). None if the review is
    unknown or was already decided."""
    now = services.clock()
    decided = await services.repos.elicense.decide(
        review_id, approve=approve, decided_by=staff_username, reason=reason, now=now
    )
    if decided is None:
        return None
    lic = (
        await services.repos.licenses.set_elicense_issued(decided.citizen_id_number, now)
        if approve
        else await services.repos.licenses.by_id_number(decided.citizen_id_number)
    )
    where = office(decided.issuing_office)
    _, created = await notify(
        services,
        citizen_id_number=decided.citizen_id_number,
        type=NotificationType.ELICENSE_REVIEW_DECIDED,
        payload={
            "review_id": decided.id,
            "approved": approve,
            "reason": reason or "",
            "office_en": where.name.en if where else decided.issuing_office,
            "office_zh": where.name.zh if where else decided.issuing_office,
        },
        dedupe_key=f"elicense-review:{decided.id}",
    )
    log.info("e-license review decided", review_id=decided.id, approved=approve, staff=staff_username)
    return ReviewDecision(review=decided, license=lic, notified=created)


# --- presenting the e-license --------------------------------------------------------------------


@dataclass(frozen=True)
class ELicenseCard:
    license: DriverLicense
    today: date
    statuses: list[LicenseStatus]
    blockers: list[LicenseStatus]  # now: the e-license shows them and is not usable while any apply
    points: int
    cycle_end: date
    code: str
    code_expires_at: datetime
    code_seconds: int = CODE_SECONDS


def code_seconds(services: Services) -> int:
    """How long a verification code is valid (ELICENSE_CODE_TTL, 60 s by default)."""
    return services.settings.elicense_code_ttl


async def _new_code(services: Services, id_number: str) -> tuple[str, datetime]:
    """A fresh 8-digit verification code for `id_number`, valid `code_seconds`; the previous one
    stops working."""
    seconds = code_seconds(services)
    redis = services.redis
    current_key = services.keys.elicense_current(id_number)
    previous = as_text(await redis.get(current_key))
    if previous:
        await redis.delete(services.keys.elicense_code(previous))
    while True:
        code = f"{secrets.randbelow(100_000_000):08d}"
        if await redis.set(services.keys.elicense_code(code), id_number, ex=seconds, nx=True):
            break
    await redis.set(current_key, code, ex=seconds)
    return code, services.clock() + timedelta(seconds=seconds)


async def verify_code(services: Services, code: str) -> str | None:
    """The ID number whose e-license showed `code` while it was valid (for verifiers), or None."""
    return as_text(await services.redis.get(services.keys.elicense_code(code.strip())))


async def show(services: Services, id_number: str) -> ELicenseCard | None:
    """The issued e-license with its live status and a new verification code; None if not issued."""
    lic = await services.repos.licenses.by_id_number(id_number)
    if lic is None or not lic.elicense_issued:
        return None
    today = today_of(services)
    code, expires = await _new_code(services, id_number)
    return ELicenseCard(
        license=lic,
        today=today,
        statuses=lic.statuses(today),
        blockers=lic.elicense_blockers(today),
        points=lic.points,
        cycle_end=cycle_end(lic),
        code=code,
        code_expires_at=expires,
        code_seconds=code_seconds(services),
    )
