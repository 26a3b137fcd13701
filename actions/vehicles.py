"""Vehicle status and vehicle e-license authorisations (channel independent).

Rules (issue 4, seeds 001/002):

* A citizen sees the vehicles registered in their name, plus any other vehicle they added with its
  plate and the last 6 characters of its engine number (as the 12123 app does). Added plates are
  remembered per citizen (a Redis set without expiry, at most ``MAX_ADDED_VEHICLES``). Wrong engine
  numbers are counted: ``ENGINE_ATTEMPTS`` wrong answers lock adding for ``ENGINE_LOCK_SECONDS``.
  A plate that does not exist answers exactly like a wrong engine number (nothing is revealed).
* Vehicle status: registration status, inspection (valid / due within ``INSPECTION_DUE_DAYS`` /
  overdue), mortgage, open (unpaid) violations, accidents not yet closed.
* Authorisation: the owner lets another person (ID number + name) use the vehicle's e-license from
  a start date (today up to ``MAX_START_AHEAD_DAYS`` ahead) to an end date, at most one year
  (``end <= start + 1 year - 1 day``); at most ``MAX_ACTIVE_AUTHORISATIONS`` current ones per
  vehicle and one current per grantee; revocable at any time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from actions.services import Services, today_of
from core.dates import add_years
from core.identifiers import fold_text, normalize_id_number
from storage.models import (
    Accident,
    AccidentStatus,
    Citizen,
    Vehicle,
    VehicleAuthorisation,
    ViolationStatus,
)

# Chinese names of the models the demo knows, as they are sold in China (issue 18: a card read
# "大众 Passat"); a model without one here (RAV4, Model 3, H6...) is called the same in Chinese.
MODEL_NAMES_ZH: dict[str, str] = {
    "Lavida": "朗逸",
    "Passat": "帕萨特",
    "Tiguan L": "途观L",
    "Corolla": "卡罗拉",
    "Camry": "凯美瑞",
    "Civic": "思域",
    "Accord": "雅阁",
    "Emgrand": "帝豪",
    "Boyue": "博越",
    "Eado": "逸动",
    "Jolion": "初恋",
    "3 Series": "3系",
    "C-Class": "C级",
    "Han EV": "汉EV",
    "Qin PLUS DM-i": "秦PLUS DM-i",
    "Seal": "海豹",
    "Dolphin": "海豚",
    "Hongguang MINI EV": "宏光MINIEV",
}


def vehicle_name(vehicle: Vehicle, lang: str) -> str:
    """Brand and model in ``lang``: "Volkswagen Passat", "大众帕萨特", "特斯拉 Model 3" (a space only
    between Chinese and Latin script)."""
    brand = vehicle.brand.get(lang)
    if lang != "zh":
        return f"{brand} {vehicle.model}"
    model = MODEL_NAMES_ZH.get(vehicle.model, vehicle.model)
    joined = "" if model[:1].isdigit() or "\u4e00" <= model[:1] <= "\u9fff" else " "
    return f"{brand}{joined}{model}"


INSPECTION_DUE_DAYS = 90  # an inspection may be done in the 3 months before it is due
MAX_ADDED_VEHICLES = 5
ENGINE_ATTEMPTS = 5
ENGINE_LOCK_SECONDS = 15 * 60
MAX_START_AHEAD_DAYS = 90
MAX_ACTIVE_AUTHORISATIONS = 5
NAME_MAX_LENGTH = 30

_ENGINE_LAST6 = re.compile(r"[A-Z0-9]{6}")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_NAME = re.compile(r"[^\W\d_]+(?:[ ·•・.'-][^\W\d_]+)*")


# --- status ----------------------------------------------------------------------------------------


class InspectionState(StrEnum):
    VALID = "valid"
    DUE = "due"  # due within INSPECTION_DUE_DAYS: may be inspected now
    OVERDUE = "overdue"


def inspection_state(vehicle: Vehicle, today: date) -> tuple[InspectionState, int]:
    """The inspection state and the days left (VALID, DUE) or overdue (OVERDUE)."""
    days = (vehicle.inspection_valid_until - today).days
    if days < 0:
        return InspectionState.OVERDUE, -days
    if days <= INSPECTION_DUE_DAYS:
        return InspectionState.DUE, days
    return InspectionState.VALID, days


@dataclass(frozen=True)
class VehicleStatus:
    vehicle: Vehicle
    owned: bool  # registered in the citizen's name (else added with the engine number)
    inspection: InspectionState
    inspection_days: int
    open_violations: int  # unprocessed + processed (not yet paid)
    open_accidents: list[Accident]  # pending or in progress
    unprocessed_violations: int = 0  # of the open ones, not yet processed (the rest: processed, unpaid)


@dataclass(frozen=True)
class AccessiblePlates:
    owned: list[str]
    added: list[str]

    @property
    def all(self) -> list[str]:
        return self.owned + [p for p in self.added if p not in self.owned]


def _added_key(services: Services, id_number: str) -> str:
    return services.keys.vehicles_added(id_number)


def _attempts_key(services: Services, id_number: str) -> str:
    return services.keys.vehicles_engine_attempts(id_number)


async def added_plates(services: Services, id_number: str) -> list[str]:
    members = await services.redis.smembers(_added_key(services, id_number))
    return sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members)


async def accessible_plates(services: Services, citizen: Citizen) -> AccessiblePlates:
    owned = [v.plate for v in await services.repos.vehicles.by_owner(citizen.id_number)]
    added = [p for p in await added_plates(services, citizen.id_number) if p not in owned]
    return AccessiblePlates(owned=owned, added=added)


async def can_access(services: Services, citizen: Citizen, plate: str) -> bool:
    return plate in (await accessible_plates(services, citizen)).all


async def vehicle_statuses(services: Services, citizen: Citizen, *, plate: str | None = None) -> list[VehicleStatus]:
    """The status of each vehicle the citizen may see (only ``plate`` when given and accessible)."""
    plates = await accessible_plates(services, citizen)
    wanted = plates.all if plate is None else [p for p in plates.all if p == plate]
    vehicles = [v for p in wanted if (v := await services.repos.vehicles.by_plate(p)) is not None]
    counts = await services.repos.violations.count_open_by_plate([v.plate for v in vehicles]) if vehicles else {}
    today = today_of(services)
    result: list[VehicleStatus] = []
    for v in vehicles:
        state, days = inspection_state(v, today)
        unprocessed = 0
        if counts.get(v.plate, 0):  # the card says how many are processed and unpaid (the violations list's terms)
            found = await services.repos.violations.page_by_plates(
                [v.plate], page_size=1, statuses=[ViolationStatus.UNPROCESSED]
            )
            unprocessed = found.total
        result.append(
            VehicleStatus(
                vehicle=v,
                owned=v.owner_id_number == citizen.id_number,
                inspection=state,
                inspection_days=days,
                open_violations=counts.get(v.plate, 0),
                unprocessed_violations=unprocessed,
                open_accidents=[a for a in v.accidents if a.status != AccidentStatus.CLOSED],
            )
        )
    return result


# --- adding another vehicle ------------------------------------------------------------------------


def normalize_engine_last6(raw: str) -> str | None:
    """The last 6 characters of an engine number (letters and digits), upper-case, or None."""
    text = "".join(fold_text(raw).split()).upper()
    return text if _ENGINE_LAST6.fullmatch(text) else None


class AddOutcome(StrEnum):
    ADDED = "added"
    ALREADY_OWNED = "already_owned"
    ALREADY_ADDED = "already_added"
    MISMATCH = "mismatch"  # wrong engine number, or no such plate (indistinguishable on purpose)
    LOCKED = "locked"
    LIMIT = "limit"


@dataclass(frozen=True)
class AddResult:
    outcome: AddOutcome
    attempts_left: int = ENGINE_ATTEMPTS
    retry_after_seconds: int = 0


async def add_vehicle(services: Services, citizen: Citizen, plate: str, engine_last6: str) -> AddResult:
    """Verify ``plate`` with the engine number's last 6 characters and remember it for the citizen."""
    plates = await accessible_plates(services, citizen)
    if plate in plates.owned:
        return AddResult(AddOutcome.ALREADY_OWNED)
    if plate in plates.added:
        return AddResult(AddOutcome.ALREADY_ADDED)
    attempts_key = _attempts_key(services, citizen.id_number)
    raw_attempts = await services.redis.get(attempts_key)
    attempts = int(raw_attempts) if raw_attempts else 0
    if attempts >= ENGINE_ATTEMPTS:
        ttl = await services.redis.ttl(attempts_key)
        return AddResult(AddOutcome.LOCKED, attempts_left=0, retry_after_seconds=max(int(ttl), 1))
    if len(plates.added) >= MAX_ADDED_VEHICLES:
        return AddResult(AddOutcome.LIMIT)
    vehicle = await services.repos.vehicles.verify_plate(plate, engine_last6)
    if vehicle is None:
        async with services.redis.pipeline(transaction=True) as pipe:
            pipe.incr(attempts_key)
            pipe.expire(attempts_key, ENGINE_LOCK_SECONDS)
            count, _ = await pipe.execute()
        left = max(ENGINE_ATTEMPTS - int(count), 0)
        if left == 0:
            return AddResult(AddOutcome.LOCKED, attempts_left=0, retry_after_seconds=ENGINE_LOCK_SECONDS)
        return AddResult(AddOutcome.MISMATCH, attempts_left=left)
    if vehicle.owner_id_number == citizen.id_number:
        return AddResult(AddOutcome.ALREADY_OWNED)
    await services.redis.sadd(_added_key(services, citizen.id_number), plate)
    await services.redis.delete(attempts_key)
    return AddResult(AddOutcome.ADDED)


async def remove_added_vehicle(services: Services, citizen: Citizen, plate: str) -> bool:
    """Forget an added (not owned) vehicle; False if it was not added."""
    removed = await services.redis.srem(_added_key(services, citizen.id_number), plate)
    return int(removed) == 1


# --- e-license authorisations ----------------------------------------------------------------------


def latest_end(start: date) -> date:
    """The last day an authorisation starting on ``start`` may run to (one year in all)."""
    return add_years(start, 1) - timedelta(days=1)


def parse_dates(text: str) -> list[date] | None:
    """Every date written as 2026-11-22, 2026/11/22, 2026.11.22 or 2026年11月22日; None if one of
    them is not a real date."""
    found: list[date] = []
    for y, m, d in _DATE.findall(fold_text(text)):
        try:
            found.append(date(int(y), int(m), int(d)))
        except ValueError:
            return None
    return found


class PeriodError(StrEnum):
    FORMAT = "format"
    START_PAST = "start_past"
    START_TOO_LATE = "start_too_late"
    END_BEFORE_START = "end_before_start"
    TOO_LONG = "too_long"


def check_period(start: date, end: date, today: date) -> PeriodError | None:
    """None when [start, end] is an acceptable authorisation period."""
    if start < today:
        return PeriodError.START_PAST
    if start > today + timedelta(days=MAX_START_AHEAD_DAYS):
        return PeriodError.START_TOO_LATE
    if end < start:
        return PeriodError.END_BEFORE_START
    if end > latest_end(start):
        return PeriodError.TOO_LONG
    return None


def parse_period(text: str, today: date) -> tuple[date, date] | PeriodError:
    """Two dates (from, to) from free text, validated; or why not."""
    dates = parse_dates(text)
    if dates is None or len(dates) != 2:
        return PeriodError.FORMAT
    start, end = dates
    error = check_period(start, end, today)
    return error if error is not None else (start, end)


def preset_period(days: int, today: date) -> tuple[date, date]:
    """A period of ``days`` days starting today (capped at one year)."""
    return today, min(today + timedelta(days=days - 1), latest_end(today))


def normalize_person_name(raw: str) -> str | None:
    """A person's name: letters of any script, single spaces or · between parts, at most 30."""
    text = " ".join(fold_text(raw).split())
    if not text or len(text) > NAME_MAX_LENGTH or not _NAME.fullmatch(text):
        return None
    return text


def current_authorisations(vehicle: Vehicle, today: date) -> list[VehicleAuthorisation]:
    """Authorisations not revoked and not yet ended (active now or starting later)."""
    return sorted(
        (a for a in vehicle.authorisations if a.revoked_at is None and a.valid_to >= today),
        key=lambda a: (a.valid_from, a.grantee_name),
    )


class GrantOutcome(StrEnum):
    GRANTED = "granted"
    NOT_OWNER = "not_owner"
    SELF = "self"
    BAD_ID = "bad_id"
    NAME_MISMATCH = "name_mismatch"
    DUPLICATE = "duplicate"
    LIMIT = "limit"
    BAD_PERIOD = "bad_period"


@dataclass(frozen=True)
class GrantResult:
    outcome: GrantOutcome
    authorisation: VehicleAuthorisation | None = None
    period_error: PeriodError | None = None
    existing: VehicleAuthorisation | None = None
    repeated: bool = False  # GRANTED by an earlier submission of the same form (its key)
    plate: str = ""


async def owned_vehicle(services: Services, citizen: Citizen, plate: str) -> Vehicle | None:
    vehicle = await services.repos.vehicles.by_plate(plate)
    return vehicle if vehicle is not None and vehicle.owner_id_number == citizen.id_number else None


async def grant_authorisation(
    services: Services,
    citizen: Citizen,
    plate: str,
    *,
    grantee_id_number: str,
    grantee_name: str,
    valid_from: date,
    valid_to: date,
    key: str | None = None,
) -> GrantResult:
    """Let another person use the e-license of the citizen's vehicle ``plate`` for a period.

    ``key``: the owner's form (idempotency key, kept on the authorisation; added once per form,
    atomically on the vehicle's document); the same form confirmed again (a redelivered update
    after a crash) answers GRANTED with the first authorisation, ``repeated``."""
    if key is not None and (earlier := await authorisation_submitted(services, citizen, key)) is not None:
        return earlier
    today = today_of(services)
    vehicle = await owned_vehicle(services, citizen, plate)
    if vehicle is None:
        return GrantResult(GrantOutcome.NOT_OWNER)
    grantee = normalize_id_number(grantee_id_number, today=today)
    if grantee is None:
        return GrantResult(GrantOutcome.BAD_ID)
    if grantee == citizen.id_number:
        return GrantResult(GrantOutcome.SELF)
    name = normalize_person_name(grantee_name)
    known = await services.repos.citizens.by_id_number(grantee)
    if name is None or (known is not None and known.name != name):
        return GrantResult(GrantOutcome.NAME_MISMATCH)
    error = check_period(valid_from, valid_to, today)
    if error is not None:
        return GrantResult(GrantOutcome.BAD_PERIOD, period_error=error)
    current = current_authorisations(vehicle, today)
    existing = next((a for a in current if a.grantee_id_number == grantee), None)
    if existing is not None:
        return GrantResult(GrantOutcome.DUPLICATE, existing=existing)
    if len(current) >= MAX_ACTIVE_AUTHORISATIONS:
        return GrantResult(GrantOutcome.LIMIT)
    auth = VehicleAuthorisation(
        grantee_id_number=grantee,
        grantee_name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        granted_at=services.clock(),
        submission_key=key,
    )
    updated = await services.repos.vehicles.add_authorisation(plate, citizen.id_number, auth)
    if updated is None:
        if key is not None and (earlier := await authorisation_submitted(services, citizen, key)) is not None:
            return earlier  # the same form, at the same moment
        return GrantResult(GrantOutcome.NOT_OWNER)
    return GrantResult(GrantOutcome.GRANTED, authorisation=auth, plate=plate)


async def authorisation_submitted(services: Services, citizen: Citizen, key: str) -> GrantResult | None:
    """The authorisation the owner's form ``key`` granted (GRANTED, ``repeated``), if stored."""
    found = await services.repos.vehicles.authorisation_by_submission_key(key, citizen.id_number)
    if found is None:
        return None
    vehicle, auth = found
    return GrantResult(GrantOutcome.GRANTED, authorisation=auth, repeated=True, plate=vehicle.plate)


async def revoke_authorisation(services: Services, citizen: Citizen, plate: str, authorisation_id: str) -> bool:
    """Revoke one authorisation of the citizen's own vehicle (False if unknown or already revoked)."""
    return await services.repos.vehicles.revoke_authorisation(
        plate, citizen.id_number, authorisation_id, services.clock()
    )
