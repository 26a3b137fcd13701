"""Deterministic synthetic demo data (``python bot.py seed``; ``make run`` on first start).

* Identities (names, ID numbers, phones, cities) and vehicles (plates, VINs, engine numbers) come
  from a fixed RNG seed and never depend on ``today``; every date is relative to ``today`` so the
  statuses stay meaningful whenever the data is loaded.
* Idempotent: a ``meta`` document records the version; a second call does nothing unless
  ``force=True``, which replaces the demo records (keeping Telegram bindings of demo citizens).
* Bulk inserts only: the whole seed takes well under a second on SecantusDB.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core.dates import add_years
from core.geo import normalize_place
from core.identifiers import id_check_digit, normalize_plate
from core.language import Language
from storage.data import CityInfo, batch_offsets_days, cities, demo_vocabulary, violation_codes
from storage.data.dispatch import default_departments, default_rules
from storage.models import (
    LOCAL_TZ,
    STAGES_BY_KIND,
    Accident,
    AccidentStatus,
    Appeal,
    AppealState,
    Bilingual,
    Citizen,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    ComplaintTopic,
    Courier,
    Delivery,
    DeliveryKind,
    DeliveryStage,
    Detention,
    DriverLicense,
    ELicenseCity,
    ELicenseReview,
    GeoPoint,
    LicenseClass,
    LicenseReason,
    Mortgage,
    OffenceKind,
    OffenceRecord,
    PointsReduction,
    RegistrationStatus,
    ReviewStatus,
    StageEntry,
    Suspension,
    Vehicle,
    VehicleAuthorisation,
    VehicleType,
    Violation,
    ViolationEvent,
    ViolationEventKind,
    ViolationSource,
    ViolationStatus,
)
from storage.repositories import Repositories

SEED_VERSION = 1
DEFAULT_RNG_SEED = 12123
META_COLLECTION = "meta"
META_ID = "demo-seed"
PEOPLE = 240
MIN_VEHICLES = 320
MIN_VIOLATIONS = 1100
DEMO_PREFIX = "demo-"
_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
# The states a seeded violation is drawn from (cancelled ones come from appeals, not the draw).
_SEEDED_STATUSES = (ViolationStatus.UNPROCESSED, ViolationStatus.PROCESSED, ViolationStatus.PAID)
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class DemoIdentity:
    """A hand-picked demo person the README lists (bind with name + ID number; the one-time
    code goes to ``phone``, shown in the sandbox's phone panel)."""

    name: str
    id_number: str
    phone: str
    city: str
    situation: Bilingual
    try_this: Bilingual


@dataclass(frozen=True)
class SeedReport:
    loaded: bool  # False when the data was already there and force was not given
    version: int
    citizens: int
    licenses: int
    vehicles: int
    violations: int
    deliveries: int
    complaints: int
    elicense_cities: int
    elicense_reviews: int
    appeals: int = 0


@dataclass
class _Person:
    index: int
    name: str
    id_number: str
    phone: str
    city: CityInfo
    birth: date
    scenario: str


@dataclass
class _VehicleIdentity:
    plate: str
    owner: int  # person index
    brand: dict[str, Any]
    model: str
    engine_number: str
    vin: str


@dataclass
class DemoData:
    citizens: list[Citizen] = field(default_factory=list)
    licenses: list[DriverLicense] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)  # ticket ids allocated when loading
    elicense_cities: list[ELicenseCity] = field(default_factory=list)
    elicense_reviews: list[ELicenseReview] = field(default_factory=list)
    appeals: list[Appeal] = field(default_factory=list)


# Hand-picked people: (name, female, city, scenario). Index i of this list is person i.
_DEMO_PEOPLE: tuple[tuple[str, bool, str, str], ...] = (
    ("张伟", False, "beijing", "demo_two_cars"),
    ("李娜", True, "shanghai", "demo_expired"),
    ("王强", False, "guangzhou", "demo_blockers"),
    ("刘洋", False, "lhasa", "demo_city_later"),
    ("陈静", True, "shenzhen", "demo_plates_out"),
    ("杨磊", False, "hangzhou", "demo_license_mailed"),
    ("赵敏", True, "nanjing", "demo_expiring"),
    ("黄涛", False, "chengdu", "demo_suspended"),
)

_DEMO_TEXTS: tuple[tuple[Bilingual, Bilingual], ...] = (
    (
        Bilingual(
            en="Valid C1 license, two cars, many violations (more than one page).",
            zh="C1驾驶证有效，名下两辆车，违法记录多（需翻页）。",
        ),
        Bilingual(
            en="Check license status, vehicle status, violations with paging, e-license apply.",
            zh="查询驾驶证、车辆状态、分页查看违法记录、申领电子驾驶证。",
        ),
    ),
    (
        Bilingual(
            en="License expired 20 days ago; a physical exam result is on file.", zh="驾驶证已过期20天，已有体检结果。"
        ),
        Bilingual(en="Ask about the license, then renew it by mail.", zh="查询驾驶证，然后办理邮寄换证。"),
    ),
    (
        Bilingual(
            en="License detained, physical exam and periodic examination overdue.",
            zh="驾驶证被扣押，体检和审验均已逾期。",
        ),
        Bilingual(
            en="Ask for an electronic license: every reason is listed; then ask for a review.",
            zh="申领电子驾驶证：列出全部原因；再申请车管所审核。",
        ),
    ),
    (
        Bilingual(
            en="Valid license, but e-licenses open in Lhasa later.", zh="驾驶证有效，但拉萨稍后才开通电子驾驶证。"
        ),
        Bilingual(en="Ask for an electronic license: you get the opening date.", zh="申领电子驾驶证：告知开通日期。"),
    ),
    (
        Bilingual(en="Replacement plates out for delivery (SF Express).", zh="补领号牌正在派送（顺丰）。"),
        Bilingual(en="Ask where your plates are.", zh="查询号牌派送进度。"),
    ),
    (
        Bilingual(en="Renewed license mailed, in transit (EMS).", zh="换领的驾驶证已寄出，运输中（EMS）。"),
        Bilingual(en="Ask where your license is.", zh="查询驾驶证邮寄进度。"),
    ),
    (
        Bilingual(
            en="License expires in 25 days; e-license already issued.", zh="驾驶证25天后到期，已领取电子驾驶证。"
        ),
        Bilingual(en="Renew by mail; show the e-license.", zh="邮寄换证；出示电子驾驶证。"),
    ),
    (
        Bilingual(en="License suspended after reaching 12 points.", zh="记满12分，驾驶证暂停使用。"),
        Bilingual(en="Check the license status: until when and why.", zh="查询驾驶证状态：暂停到何时、原因。"),
    ),
)

_CYCLE: tuple[str, ...] = (
    "valid",
    "valid",
    "expiring_30",
    "valid",
    "expiring_90",
    "expired",
    "valid",
    "suspended",
    "revoked",
    "detained",
    "temporarily_detained",
    "exam_overdue",
    "periodic_exam_overdue",
    "stop_use",
    "multi",
    "valid",
    "expired_with_exam",
    "valid",
)


# --- identities (independent of today) -----------------------------------------------------------


def _id_number(rng: random.Random, city: CityInfo, birth: date, used: set[str], female: bool | None) -> str:
    """The 17th digit is odd for men and even for women (GB 11643)."""
    while True:
        seq = rng.randrange(1, 1000)
        if female is not None and (seq % 2 == 0) != female:
            seq = seq - 1 if seq > 1 else seq + 1
        first17 = f"{rng.choice(city.region_codes)}{birth:%Y%m%d}{seq:03d}"
        number = first17 + id_check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        if phone not in used:
            used.add(phone)
            return phone


def _people(rng_seed: int) -> list[_Person]:
    rng = random.Random(f"{rng_seed}:people")
    vocab = demo_vocabulary()
    all_cities = cities()
    by_id = {c.id: c for c in all_cities}
    weights = [3 if c.batch == 1 else 1 for c in all_cities]
    used_ids: set[str] = set()
    used_phones: set[str] = set()
    people: list[_Person] = []
    for index in range(PEOPLE):
        female: bool | None = None
        if index < len(_DEMO_PEOPLE):
            name, female, city_id, scenario = _DEMO_PEOPLE[index]
            city = by_id[city_id]
        else:
            given = "".join(rng.choice(vocab["given_chars"]) for _ in range(rng.choice((1, 2, 2))))
            name = rng.choice(vocab["surnames"]) + given
            city = rng.choices(all_cities, weights=weights)[0]
            scenario = _CYCLE[(index - len(_DEMO_PEOPLE)) % len(_CYCLE)]
        birth = date(1955, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
        people.append(
            _Person(
                index=index,
                name=name,
                id_number=_id_number(rng, city, birth, used_ids, female),
                phone=_phone(rng, used_phones),
                city=city,
                birth=birth,
                scenario=scenario,
            )
        )
    return people


def _plate(rng: random.Random, city: CityInfo, new_energy: bool, used: set[str]) -> str:
    while True:
        head = city.province + rng.choice(city.plate_letters)
        if new_energy:
            serial = rng.choice("DF") + rng.choice(_PLATE_CHARS + "0123456789") + f"{rng.randrange(10_000):04d}"
        else:
            letters = rng.choice((0, 0, 1, 1, 2))
            chars = [rng.choice(_PLATE_CHARS) for _ in range(letters)]
            chars += [rng.choice("0123456789") for _ in range(5 - letters)]
            rng.shuffle(chars)
            serial = "".join(chars)
        plate = head + serial
        if plate not in used and normalize_plate(plate) == plate:
            used.add(plate)
            return plate


def _vehicle_identities(rng_seed: int, people: list[_Person]) -> list[_VehicleIdentity]:
    rng = random.Random(f"{rng_seed}:vehicles")
    brands: list[dict[str, Any]] = demo_vocabulary()["brands"]
    cars = [b for b in brands if b["type"] == "small_car"]
    used: set[str] = set()
    result: list[_VehicleIdentity] = []

    def add(owner: _Person, brand: dict[str, Any] | None = None) -> None:
        chosen = brand or (rng.choice(brands) if rng.random() < 0.08 else rng.choice(cars))
        result.append(
            _VehicleIdentity(
                plate=_plate(rng, owner.city, bool(chosen["new_energy"]), used),
                owner=owner.index,
                brand=chosen,
                model=rng.choice(chosen["models"]),
                engine_number=rng.choice(("EA", "LJ", "G4", "B4", "DK", "TZ")) + f"{rng.randrange(10**7):07d}",
                vin="L" + "".join(rng.choice(_VIN_CHARS) for _ in range(16)),
            )
        )

    for person in people:
        if person.scenario == "demo_two_cars":
            add(person, brands[0])
            add(person, next(b for b in brands if b["new_energy"]))
            continue
        count = 1 if person.scenario.startswith("demo_") else rng.choices((0, 1, 2, 3), weights=(10, 50, 28, 12))[0]
        for _ in range(count):
            add(person)
    while len(result) < MIN_VEHICLES:
        add(rng.choice(people[len(_DEMO_PEOPLE) :]))
    return result


DEMO_IDENTITIES: tuple[DemoIdentity, ...] = tuple(
    DemoIdentity(
        name=p.name,
        id_number=p.id_number,
        phone=p.phone,
        city=p.city.id,
        situation=_DEMO_TEXTS[p.index][0],
        try_this=_DEMO_TEXTS[p.index][1],
    )
    for p in _people(DEFAULT_RNG_SEED)[: len(_DEMO_PEOPLE)]
)


def _identity(person: _Person, situation: Bilingual, try_this: Bilingual) -> DemoIdentity:
    return DemoIdentity(
        name=person.name,
        id_number=person.id_number,
        phone=person.phone,
        city=person.city.id,
        situation=situation,
        try_this=try_this,
    )


# --- dated records (relative to today) -----------------------------------------------------------


def _local(d: date, rng: random.Random, first_hour: int = 7, last_hour: int = 21) -> datetime:
    moment = time(rng.randrange(first_hour, last_hour + 1), rng.randrange(60), rng.randrange(60))
    return datetime.combine(d, moment, LOCAL_TZ).astimezone(UTC)


def _license(person: _Person, today: date, rng: random.Random) -> DriverLicense:
    s = person.scenario
    days = rng.randrange
    license_class = rng.choices(
        (LicenseClass.C1, LicenseClass.C2, LicenseClass.B2, LicenseClass.A1, LicenseClass.A2, LicenseClass.C3),
        weights=(70, 15, 6, 3, 3, 3),
    )[0]
    if s == "periodic_exam_overdue" or s == "demo_blockers":
        license_class = LicenseClass.B2
    if s.startswith("demo_"):
        license_class = LicenseClass.B2 if s == "demo_blockers" else LicenseClass.C1
    valid_to = today + timedelta(days=days(91, 3000))
    if s in ("expiring_30",):
        valid_to = today + timedelta(days=days(1, 31))
    elif s == "expiring_90":
        valid_to = today + timedelta(days=days(31, 91))
    elif s in ("expired", "expired_with_exam"):
        valid_to = today - timedelta(days=days(1, 300))
    elif s == "demo_expired":
        valid_to = today - timedelta(days=20)
    elif s == "demo_expiring":
        valid_to = today + timedelta(days=25)
    valid_from = add_years(valid_to, -rng.choice((6, 10)))
    first_issued = add_years(valid_from, -rng.choice((0, 0, 6)))
    earliest = add_years(person.birth, 18)
    if first_issued < earliest:
        first_issued = min(earliest, valid_from)
    cycle_start = (
        first_issued.replace(year=today.year)
        if (first_issued.month, first_issued.day) != (2, 29)
        else date(today.year, 2, 28)
    )
    if cycle_start > today:
        cycle_start = add_years(cycle_start, -1)
    professional = license_class in (LicenseClass.A1, LicenseClass.A2, LicenseClass.B2)
    lic = DriverLicense(
        id_number=person.id_number,
        license_class=license_class,
        first_issued=first_issued,
        valid_from=valid_from,
        valid_to=valid_to,
        issuing_city=person.city.id,
        issuing_office=person.city.office.id,
        points=rng.choices((0, 1, 2, 3, 6, 9), weights=(50, 12, 10, 12, 10, 6))[0],
        cycle_start=cycle_start,
        next_physical_exam_due=today + timedelta(days=days(20, 365)) if professional else None,
        next_periodic_exam_due=today + timedelta(days=days(20, 365)) if professional else None,
    )
    since = today - timedelta(days=days(5, 90))
    blockers: list[str] = []
    if s == "multi":
        blockers = rng.sample(
            ["expired", "detained", "temporarily_detained", "exam_overdue", "periodic_exam_overdue", "stop_use"],
            k=rng.choice((2, 3)),
        )
    elif s == "demo_blockers":
        blockers = ["detained", "exam_overdue", "periodic_exam_overdue"]
    elif s in ("detained", "temporarily_detained", "exam_overdue", "periodic_exam_overdue", "stop_use"):
        blockers = [s]
    if "expired" in blockers:
        lic.valid_to = today - timedelta(days=days(1, 200))
    if "detained" in blockers:
        lic.detention = Detention(
            since=since,
            reason=rng.choice(
                (LicenseReason.ACCIDENT_INVESTIGATION, LicenseReason.COURT_ORDER, LicenseReason.UNPAID_FINES)
            ),
        )
    if "temporarily_detained" in blockers:
        lic.temporary_detention = Detention(
            since=since,
            reason=rng.choice(
                (LicenseReason.DRUNK_DRIVING, LicenseReason.ACCIDENT_INVESTIGATION, LicenseReason.SERIOUS_SPEEDING)
            ),
        )
    if "exam_overdue" in blockers:
        lic.next_physical_exam_due = today - timedelta(days=days(10, 300))
    if "periodic_exam_overdue" in blockers:
        lic.next_periodic_exam_due = today - timedelta(days=days(10, 200))
        if lic.license_class not in (LicenseClass.A1, LicenseClass.A2, LicenseClass.B2):
            lic.license_class = LicenseClass.B2
    if "stop_use" in blockers:
        lic.stop_use_announced_on = today - timedelta(days=days(5, 400))
        lic.stop_use_reason = rng.choice((LicenseReason.HEALTH_CONDITION, LicenseReason.LICENSE_LOST_REPLACED))
    if s in ("suspended", "demo_suspended"):
        reason = (
            LicenseReason.POINTS_LIMIT_REACHED
            if s == "demo_suspended"
            else rng.choice(
                (LicenseReason.POINTS_LIMIT_REACHED, LicenseReason.DRUNK_DRIVING, LicenseReason.SERIOUS_SPEEDING)
            )
        )
        lic.suspension = Suspension(since=since, until=today + timedelta(days=days(10, 170)), reason=reason)
        if reason == LicenseReason.POINTS_LIMIT_REACHED:
            lic.points = 12
    if s == "revoked":
        lic.revoked_on = today - timedelta(days=days(30, 600))
        lic.revoked_reason = rng.choice(
            (LicenseReason.DRUNK_DRIVING, LicenseReason.HIT_AND_RUN, LicenseReason.FRAUDULENT_APPLICATION)
        )
        lic.points = 0
    if s in ("expired_with_exam", "demo_expired") or (s in ("expiring_30", "expiring_90") and rng.random() < 0.5):
        lic.exam_result_on_file = today - timedelta(days=days(1, 30))
    if s == "demo_two_cars":
        lic.points = 3
    return lic


def _build(rng_seed: int, today: date) -> DemoData:
    people = _people(rng_seed)
    vehicle_ids = _vehicle_identities(rng_seed, people)
    rng = random.Random(f"{rng_seed}:dated")
    vocab = demo_vocabulary()
    roads: list[list[str]] = vocab["roads"]
    data = DemoData()
    offsets = batch_offsets_days()
    for info in cities():
        data.elicense_cities.append(
            ELicenseCity(
                city=info.id,
                name=info.name,
                province=info.province,
                batch=info.batch,
                opens_on=today + timedelta(days=offsets[info.batch]),
            )
        )
    city_open = {c.city: c.is_open(today) for c in data.elicense_cities}
    created = datetime.combine(today - timedelta(days=400), time(9), LOCAL_TZ).astimezone(UTC)

    for person in people:
        road = rng.choice(roads)
        data.citizens.append(
            Citizen(
                id_number=person.id_number,
                name=person.name,
                phone=person.phone,
                mailing_address=f"{person.city.name.zh}{road[0]}{rng.randrange(1, 300)}号"
                f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(101, 2600)}室",
                postal_code=f"{person.city.postal_prefix}0{rng.randrange(100):02d}",
                city=person.city.id,
                created_at=created,
            )
        )
        lic = _license(person, today, rng)
        if (city_open[person.city.id] and lic.elicense_blockers(today) == [] and rng.random() < 0.35) or (
            person.scenario == "demo_expiring"
        ):
            lic.elicense_issued_at = _local(today - timedelta(days=rng.randrange(1, 300)), rng)
        if person.scenario in ("demo_two_cars", "demo_city_later"):
            lic.elicense_issued_at = None
        data.licenses.append(lic)

    # Vehicles.
    lenders: list[list[str]] = vocab["lenders"]
    violation_weights = [v.weight for v in violation_codes()]
    person_by_index = {p.index: p for p in people}
    for n, ident in enumerate(vehicle_ids):
        owner = person_by_index[ident.owner]
        registered_on = today - timedelta(days=rng.randrange(100, 4000))
        state = rng.choices(("valid", "due_soon", "overdue"), weights=(70, 15, 15))[0]
        inspection = {
            "valid": today + timedelta(days=rng.randrange(31, 700)),
            "due_soon": today + timedelta(days=rng.randrange(0, 31)),
            "overdue": today - timedelta(days=rng.randrange(1, 200)),
        }[state]
        mortgage = None
        if rng.random() < 0.2 or (owner.scenario == "demo_two_cars" and ident.brand["new_energy"]):
            lender = rng.choice(lenders)
            mortgage = Mortgage(
                lender=Bilingual(zh=lender[0], en=lender[1]),
                registered_on=registered_on + timedelta(days=rng.randrange(0, 10)),
            )
        accidents: list[Accident] = []
        if rng.random() < 0.12:
            for k in range(rng.choice((1, 1, 2))):
                road_a, road_b = rng.sample(roads, 2)
                accidents.append(
                    Accident(
                        id=f"{DEMO_PREFIX}a-{n:04d}-{k}",
                        occurred_at=_local(today - timedelta(days=rng.randrange(1, 400)), rng),
                        place=Bilingual(
                            zh=f"{owner.city.name.zh}{road_a[0]}与{road_b[0]}交叉口",
                            en=f"{road_a[1]} & {road_b[1]}, {owner.city.name.en}",
                        ),
                        status=rng.choice(list(AccidentStatus)),
                    )
                )
        status = RegistrationStatus.NORMAL
        if not owner.scenario.startswith("demo_"):
            status = rng.choices(
                (RegistrationStatus.NORMAL, RegistrationStatus.SEIZED, RegistrationStatus.STOLEN),
                weights=(94, 4, 2),
            )[0]
        authorisations: list[VehicleAuthorisation] = []
        if rng.random() < 0.06:
            grantee = rng.choice(people)
            if grantee.index != owner.index:
                start = today - timedelta(days=rng.randrange(0, 60))
                authorisations.append(
                    VehicleAuthorisation(
                        id=f"{DEMO_PREFIX}auth-{n:04d}",
                        grantee_id_number=grantee.id_number,
                        grantee_name=grantee.name,
                        valid_from=start,
                        valid_to=start + timedelta(days=rng.choice((7, 30, 90))),
                        granted_at=_local(start, rng),
                    )
                )
        data.vehicles.append(
            Vehicle(
                plate=ident.plate,
                owner_id_number=owner.id_number,
                brand=Bilingual(zh=ident.brand["zh"], en=ident.brand["en"]),
                model=ident.model,
                vehicle_type=VehicleType(ident.brand["type"]),
                new_energy=len(ident.plate) == 8,
                engine_number=ident.engine_number,
                vin=ident.vin,
                registered_on=registered_on,
                registration_status=status,
                inspection_valid_until=inspection,
                mortgage=mortgage,
                accidents=accidents,
                authorisations=authorisations,
            )
        )

    # Violations: uneven (none for many, a lot for a few).
    counter = 0

    def add_violations(vehicle: Vehicle, count: int, city: CityInfo) -> None:
        nonlocal counter
        for _ in range(count):
            code = rng.choices(violation_codes(), weights=violation_weights)[0]
            age = rng.randrange(1, 720)
            road_a, road_b = rng.sample(roads, 2)
            if age > 120:
                status = rng.choices(_SEEDED_STATUSES, weights=(5, 10, 85))[0]
            else:
                status = rng.choices(_SEEDED_STATUSES, weights=(60, 20, 20))[0]
            occurred = _local(today - timedelta(days=age), rng, 0, 23)
            camera = rng.random() < 0.85
            data.violations.append(
                Violation(
                    _id=f"{DEMO_PREFIX}v-{counter:05d}",
                    plate=vehicle.plate,
                    occurred_at=occurred,
                    place=Bilingual(
                        zh=f"{city.name.zh}{road_a[0]}与{road_b[0]}交叉口",
                        en=f"{road_a[1]} & {road_b[1]}, {city.name.en}",
                    ),
                    code=code.code,
                    behaviour=code.behaviour,
                    fine_yuan=code.fine_yuan,
                    points=code.points,
                    status=status,
                    source=ViolationSource.CAMERA if camera else ViolationSource.OFFICER,
                    recorded_by=f"CAM-{city.id.upper()}-{rng.randrange(1, 400):03d}"
                    if camera
                    else f"{rng.randrange(10000, 99999)}",
                    processed_at=occurred + timedelta(days=rng.randrange(1, 20))
                    if status != ViolationStatus.UNPROCESSED
                    else None,
                    paid_at=occurred + timedelta(days=rng.randrange(20, 40))
                    if status == ViolationStatus.PAID
                    else None,
                )
            )
            counter += 1

    owner_city = {p.id_number: p.city for p in people}
    for vehicle in data.vehicles:
        person = next(p for p in people if p.id_number == vehicle.owner_id_number)
        if person.scenario == "demo_two_cars":
            count = 23 if not vehicle.new_energy else 7
        elif person.scenario.startswith("demo_"):
            count = rng.randrange(0, 4)
        else:
            bucket = rng.choices(("none", "few", "some", "many", "lots"), weights=(30, 38, 20, 9, 3))[0]
            count = {
                "none": 0,
                "few": rng.randrange(1, 4),
                "some": rng.randrange(4, 9),
                "many": rng.randrange(10, 26),
                "lots": rng.randrange(30, 61),
            }[bucket]
        add_violations(vehicle, count, owner_city[vehicle.owner_id_number])
    while len(data.violations) < MIN_VIOLATIONS:
        vehicle = rng.choice(data.vehicles)
        add_violations(vehicle, 5, owner_city[vehicle.owner_id_number])

    _add_deliveries(data, people, today, rng)
    _add_complaints(data, people, today, rng)
    _add_reviews(data, people, today, rng)
    _add_points_study_and_appeals(data, people, today)
    _add_payments(data, people, today)
    return data


def _tracking(rng: random.Random, courier: Courier) -> str:
    if courier == Courier.SF:
        return "SF" + "".join(rng.choice("0123456789") for _ in range(13))
    return "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + "".join(rng.choice("0123456789") for _ in range(9)) + "CN"


def _add_deliveries(data: DemoData, people: list[_Person], today: date, rng: random.Random) -> None:
    citizens = {c.id_number: c for c in data.citizens}
    plates_by_owner: dict[str, list[str]] = {}
    for v in data.vehicles:
        plates_by_owner.setdefault(v.owner_id_number, []).append(v.plate)
    ordinary = [p for p in people if not p.scenario.startswith("demo_") and p.id_number in plates_by_owner]
    plan: list[tuple[_Person, DeliveryKind, DeliveryStage]] = []
    by_scenario = {p.scenario: p for p in people}
    plan.append((by_scenario["demo_plates_out"], DeliveryKind.PLATE_DELIVERY, DeliveryStage.OUT_FOR_DELIVERY))
    plan.append((by_scenario["demo_license_mailed"], DeliveryKind.LICENSE_MAIL, DeliveryStage.IN_TRANSIT))
    for kind, stages in STAGES_BY_KIND.items():
        for stage in stages:
            for _ in range(2):
                plan.append((rng.choice(ordinary), kind, stage))
    for n, (person, kind, stage) in enumerate(plan):
        stages = STAGES_BY_KIND[kind]
        reached = stages[: stages.index(stage) + 1]
        start = today - timedelta(days=len(reached) + rng.randrange(0, 3))
        entries = [
            StageEntry(stage=st, at=_local(start + timedelta(days=i), rng, 8, 18)) for i, st in enumerate(reached)
        ]
        courier = Courier.EMS if kind == DeliveryKind.LICENSE_MAIL else Courier.SF
        shipped = DeliveryStage.MAILED if kind == DeliveryKind.LICENSE_MAIL else DeliveryStage.OUT_FOR_DELIVERY
        has_tracking = shipped in reached
        data.deliveries.append(
            Delivery(
                _id=f"{DEMO_PREFIX}d-{n:03d}",
                kind=kind,
                citizen_id_number=person.id_number,
                stage=stage,
                stages=entries,
                courier=courier if has_tracking else None,
                tracking_number=_tracking(rng, courier) if has_tracking else None,
                plate=rng.choice(plates_by_owner[person.id_number]) if kind == DeliveryKind.PLATE_DELIVERY else None,
                address=citizens[person.id_number].mailing_address,
                created_at=entries[0].at,
                updated_at=entries[-1].at,
            )
        )


def _add_complaints(data: DemoData, people: list[_Person], today: date, rng: random.Random) -> None:
    """A few complaints (ticket ids are allocated when loading); three form a cluster."""
    ordinary = [p for p in people if not p.scenario.startswith("demo_")]
    base = GeoPoint(lat=39.9087, lon=116.3975)  # near Tian'anmen, Beijing
    specs: list[tuple[ComplaintTopic, str, GeoPoint | None, int, ComplaintStatus, str]] = [
        (
            ComplaintTopic.ILLEGAL_PARKING,
            "东长安街南池子路口",
            base,
            12,
            ComplaintStatus.IN_PROGRESS,
            "路口东侧每天晚上有车辆长时间违停，占用非机动车道，很危险。",
        ),
        (
            ComplaintTopic.ILLEGAL_PARKING,
            "南池子大街北口",
            GeoPoint(lat=base.lat + 0.0015, lon=base.lon + 0.0012),
            6,
            ComplaintStatus.ACKNOWLEDGED,
            "Cars park on the bike lane every evening near the north end of Nanchizi Street.",
        ),
        (
            ComplaintTopic.ILLEGAL_PARKING,
            "东长安街 南池子路口",
            None,
            2,
            ComplaintStatus.NEW,
            "又有车违停在南池子路口，自行车只能走机动车道。",
        ),
        (
            ComplaintTopic.ROAD_FACILITIES,
            "人民路与解放路交叉口",
            None,
            20,
            ComplaintStatus.RESOLVED,
            "The pedestrian signal at this crossing stays red for more than three minutes.",
        ),
        (
            ComplaintTopic.WINDOW_SERVICE,
            "车管所三号窗口",
            None,
            9,
            ComplaintStatus.CLOSED,
            "窗口工作人员午休时间提前离开，排队一个多小时没有办成。",
        ),
        (
            ComplaintTopic.CONGESTION,
            "中山路学校门口",
            None,
            3,
            ComplaintStatus.NEW,
            "School pick-up time blocks Zhongshan Road completely every weekday around 16:30.",
        ),
    ]
    for topic, place, location, age, status, text in specs:
        person = rng.choice(ordinary)
        created_at = _local(today - timedelta(days=age), rng, 8, 20)
        history = [ComplaintEvent(at=created_at, actor="citizen", action="created", status=ComplaintStatus.NEW)]
        step = created_at
        order = [
            ComplaintStatus.ACKNOWLEDGED,
            ComplaintStatus.IN_PROGRESS,
            ComplaintStatus.RESOLVED,
            ComplaintStatus.CLOSED,
        ]
        for st in order[: order.index(status) + 1] if status != ComplaintStatus.NEW else []:
            step = step + timedelta(hours=rng.randrange(2, 30))
            history.append(ComplaintEvent(at=step, actor="demo.agent", action="status_changed", status=st))
        rated = status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
        data.complaints.append(
            Complaint(
                ticket_id="pending",
                citizen_id_number=person.id_number,
                language=Language.EN if text.isascii() else Language.ZH,
                topic=topic,
                place_text=place,
                place_key=normalize_place(place),
                location=location,
                description=text,
                status=status,
                history=history,
                rating=rng.randrange(3, 6) if rated else None,
                created_at=created_at,
                updated_at=history[-1].at,
                acknowledge_by=created_at + timedelta(hours=24),
                answer_by=created_at + timedelta(days=7),
            )
        )


def _add_reviews(data: DemoData, people: list[_Person], today: date, rng: random.Random) -> None:
    blocked = [
        lic
        for lic in data.licenses
        if lic.elicense_blockers(today)
        and lic.revoked_on is None
        and not next(p for p in people if p.id_number == lic.id_number).scenario.startswith("demo_")
    ]
    for n, (lic, status) in enumerate(
        zip(rng.sample(blocked, 3), (ReviewStatus.PENDING, ReviewStatus.PENDING, ReviewStatus.REJECTED), strict=True)
    ):
        requested = _local(today - timedelta(days=rng.randrange(1, 10)), rng)
        decided = status != ReviewStatus.PENDING
        data.elicense_reviews.append(
            ELicenseReview(
                _id=f"{DEMO_PREFIX}r-{n}",
                citizen_id_number=lic.id_number,
                issuing_office=lic.issuing_office,
                reason="我在外地工作，无法按时回车管所办理，请求审核。",
                blockers=lic.elicense_blockers(today),
                status=status,
                requested_at=requested,
                decided_by="demo.supervisor" if decided else None,
                decided_at=requested + timedelta(hours=20) if decided else None,
                decision_reason="The license is still detained; apply again once it is returned." if decided else None,
            )
        )


# Study to reduce points (actions/points_study.py) and appeals (actions/appeals.py): one ordinary
# person per situation, the first in index order who fits (deterministic, independent of today).
# The README's demo table names them (``POINTS_STUDY_DEMO``, ``APPEAL_DEMO``).
POINTS_STUDY_SITUATIONS: tuple[str, ...] = (
    "eligible",
    "no_points",
    "points_limit",
    "probation",
    "drink_driving",
    "hit_and_run",
    "unhandled_violations",
    "cycle_limit",
)


def _study_and_appeal_people(people: list[_Person], owners: set[str]) -> tuple[dict[str, _Person], _Person]:
    """Who plays each study situation and who has an appealed violation: valid-license ordinary
    people, first fit first (the one with unhandled violations and the appellant own a vehicle)."""
    plain = [p for p in people if p.scenario == "valid"]
    with_car = [p for p in plain if p.id_number in owners]
    chosen = {"unhandled_violations": with_car[0]}
    rest = iter(p for p in plain if p is not with_car[0])
    for situation in POINTS_STUDY_SITUATIONS:
        if situation != "unhandled_violations":
            chosen[situation] = next(rest)
    taken = {p.id_number for p in chosen.values()}
    appellant = next(p for p in with_car if p.id_number not in taken)
    return chosen, appellant


def _add_points_study_and_appeals(data: DemoData, people: list[_Person], today: date) -> None:
    owners = {v.owner_id_number for v in data.vehicles}
    chosen, appellant = _study_and_appeal_people(people, owners)
    licenses = {lic.id_number: lic for lic in data.licenses}
    moment = datetime.combine(today - timedelta(days=3), time(10), LOCAL_TZ).astimezone(UTC)
    for situation, person in chosen.items():
        lic = licenses[person.id_number]
        lic.points, lic.offences, lic.points_reductions = 3, [], []
        lic.suspension = None
        lic.elicense_issued_at = None
        if lic.first_issued > add_years(today, -2):  # licensed long enough: past the probation period
            lic.first_issued = min(lic.valid_from, add_years(today, -3) - timedelta(days=40))
            years = today.year - lic.first_issued.year
            lic.cycle_start = add_years(lic.first_issued, years)
            if lic.cycle_start > today:
                lic.cycle_start = add_years(lic.first_issued, years - 1)
        in_cycle = max(lic.cycle_start, today - timedelta(days=20))
        match situation:
            case "no_points":
                lic.points = 0
            case "points_limit":
                lic.points = 12
                lic.suspension = Suspension(
                    since=today - timedelta(days=5),
                    until=today + timedelta(days=60),
                    reason=LicenseReason.POINTS_LIMIT_REACHED,
                )
            case "probation":
                lic.first_issued = lic.valid_from = lic.cycle_start = today - timedelta(days=100)
                lic.valid_to = add_years(lic.valid_from, 6)
                lic.points = 2
            case "drink_driving":
                lic.points = 6  # 饮酒后驾驶: 12 points from 2022 for a first offence elsewhere; here the record
                lic.offences = [OffenceRecord(kind=OffenceKind.DRINK_DRIVING, on=in_cycle)]
            case "hit_and_run":
                lic.offences = [OffenceRecord(kind=OffenceKind.HIT_AND_RUN, on=in_cycle)]
            case "cycle_limit":
                lic.points = 2
                lic.points_reductions = [
                    PointsReduction(quiz_id=f"{DEMO_PREFIX}study-{n}", points=1, on=in_cycle, at=moment)
                    for n in range(6)
                ]
    # Violations: none unhandled for the study people, two for the one with unhandled violations.
    study_ids = {p.id_number for p in chosen.values()}
    plates = {v.plate: v.owner_id_number for v in data.vehicles if v.owner_id_number in study_ids}
    for v in data.violations:
        if v.plate in plates and v.status != ViolationStatus.PAID:
            v.status, v.processed_at, v.paid_at = ViolationStatus.PAID, v.occurred_at, v.occurred_at
    unhandled_plate = next(p for p, owner in plates.items() if owner == chosen["unhandled_violations"].id_number)
    code = violation_codes()[0]
    city = chosen["unhandled_violations"].city
    for n in range(2):
        occurred = datetime.combine(today - timedelta(days=8 + n), time(9 + n, 15), LOCAL_TZ).astimezone(UTC)
        data.violations.append(
            Violation(
                _id=f"{DEMO_PREFIX}v-study-{n}",
                plate=unhandled_plate,
                occurred_at=occurred,
                place=Bilingual(zh=f"{city.name.zh}人民路与解放路交叉口", en=f"Renmin Rd & Jiefang Rd, {city.name.en}"),
                code=code.code,
                behaviour=code.behaviour,
                fine_yuan=code.fine_yuan,
                points=code.points,
                source=ViolationSource.CAMERA,
                recorded_by=f"CAM-{city.id.upper()}-007",
            )
        )
    # An appealed violation, pending in the staff console's work queue.
    appeal_plate = next(v.plate for v in data.vehicles if v.owner_id_number == appellant.id_number)
    occurred = datetime.combine(today - timedelta(days=12), time(18, 40), LOCAL_TZ).astimezone(UTC)
    filed = datetime.combine(today - timedelta(days=2), time(20, 5), LOCAL_TZ).astimezone(UTC)
    parking = next((c for c in violation_codes() if "park" in c.behaviour.en.lower()), violation_codes()[0])
    appealed = Violation(
        _id=f"{DEMO_PREFIX}v-appealed",
        plate=appeal_plate,
        occurred_at=occurred,
        place=Bilingual(zh=f"{appellant.city.name.zh}中山路88号", en=f"88 Zhongshan Rd, {appellant.city.name.en}"),
        code=parking.code,
        behaviour=parking.behaviour,
        fine_yuan=parking.fine_yuan,
        points=parking.points,
        source=ViolationSource.CAMERA,
        recorded_by=f"CAM-{appellant.city.id.upper()}-021",
        appeal_id=f"{DEMO_PREFIX}appeal-0",
        appeal_state=AppealState.PENDING,
        appeal_filed_at=filed,
    )
    data.violations.append(appealed)
    data.appeals.append(
        Appeal(
            _id=f"{DEMO_PREFIX}appeal-0",
            violation_id=appealed.id,
            plate=appeal_plate,
            citizen_id_number=appellant.id_number,
            language=Language.ZH,
            reason="当天晚上我的车一直停在小区地下车库，有物业的出入记录，照片里的车不是我的。",
            filed_at=filed,
        )
    )


# --- handle and pay (actions/payments/) ------------------------------------------------------------

PAYMENT_SITUATIONS = ("several", "near_limit")


def _payment_people(people: list[_Person], owners: set[str]) -> dict[str, _Person]:
    """Who plays each payment situation: valid-license ordinary people with a vehicle, after
    the study and appeal people."""
    chosen, appellant = _study_and_appeal_people(people, owners)
    taken = {p.id_number for p in chosen.values()} | {appellant.id_number}
    free = (p for p in people if p.scenario == "valid" and p.id_number in owners and p.id_number not in taken)
    return {situation: next(free) for situation in PAYMENT_SITUATIONS}


def payment_demo_people(rng_seed: int = DEFAULT_RNG_SEED) -> dict[str, tuple[str, str]]:
    """(name, ID number) of each payment situation's person (the README lists them)."""
    people = _people(rng_seed)
    owners = {next(p.id_number for p in people if p.index == v.owner) for v in _vehicle_identities(rng_seed, people)}
    return {k: (p.name, p.id_number) for k, p in _payment_people(people, owners).items()}


def _add_payments(data: DemoData, people: list[_Person], today: date) -> None:
    """Violations to handle and pay, for two linked demo citizens (ids ``demo-v-pay-...``):

    - "several": 2 points; unhandled without a surcharge (a camera's, decided when handled), an
      officer's ticket unpaid for 40 days (decided on the spot: 25 days late, a surcharge), handled
      and unpaid 20 days ago (5 days late) and 3 days ago (none), and one paid with its receipt;
    - "near_limit": 9 points and an unhandled 3-point violation: accepting it reaches 12 and
      suspends the license; plus one handled and unpaid.
    """
    owners = {v.owner_id_number for v in data.vehicles}
    chosen = _payment_people(people, owners)
    licenses = {lic.id_number: lic for lic in data.licenses}
    codes = {c.code: c for c in violation_codes()}
    for situation, person in chosen.items():
        lic = licenses[person.id_number]
        lic.points, lic.suspension, lic.offences, lic.points_reductions = (
            2 if situation == "several" else 9,
            None,
            [],
            [],
        )
        plate = next(v.plate for v in data.vehicles if v.owner_id_number == person.id_number)
        mine = {v.plate for v in data.vehicles if v.owner_id_number == person.id_number}
        for v in data.violations:  # only the violations below are open
            if v.plate in mine and v.status != ViolationStatus.PAID:
                v.status, v.processed_at, v.paid_at = ViolationStatus.PAID, v.occurred_at, v.occurred_at
        city = person.city
        # (code, days ago it occurred, source, days ago handled or None, paid)
        plan: list[tuple[str, int, ViolationSource, int | None, bool]]
        if situation == "several":
            plan = [
                ("1352", 5, ViolationSource.CAMERA, None, False),
                ("1039", 40, ViolationSource.OFFICER, None, False),
                ("1208", 24, ViolationSource.CAMERA, 20, False),
                ("6011", 6, ViolationSource.CAMERA, 3, False),
                ("1345", 60, ViolationSource.CAMERA, 50, True),
            ]
        else:
            plan = [("1357", 4, ViolationSource.CAMERA, None, False), ("1019", 10, ViolationSource.CAMERA, 8, False)]
        for n, (code_id, days_ago, source, handled_ago, paid) in enumerate(plan):
            code = codes[code_id]
            occurred = datetime.combine(today - timedelta(days=days_ago), time(8 + n, 20), LOCAL_TZ).astimezone(UTC)
            handled_at = (
                datetime.combine(today - timedelta(days=handled_ago), time(12), LOCAL_TZ).astimezone(UTC)
                if handled_ago is not None
                else None
            )
            violation = Violation(
                _id=f"{DEMO_PREFIX}v-pay-{situation}-{n}",
                plate=plate,
                occurred_at=occurred,
                place=Bilingual(zh=f"{city.name.zh}建设路与和平路交叉口", en=f"Jianshe Rd & Heping Rd, {city.name.en}"),
                code=code.code,
                behaviour=code.behaviour,
                fine_yuan=code.fine_yuan,
                points=code.points,
                source=source,
                recorded_by=f"CAM-{city.id.upper()}-031" if source == ViolationSource.CAMERA else "31017",
                status=ViolationStatus.PAID
                if paid
                else ViolationStatus.PROCESSED
                if handled_at
                else ViolationStatus.UNPROCESSED,
                processed_at=handled_at,
                handled_by=person.id_number if handled_at else None,
                decided_on=handled_at.astimezone(LOCAL_TZ).date() if handled_at else None,
            )
            if handled_at is not None:
                violation.history.append(
                    ViolationEvent(at=handled_at, kind=ViolationEventKind.HANDLED, points=code.points)
                )
            if paid and handled_at is not None:
                paid_at = handled_at + timedelta(days=2)
                violation.paid_at, violation.paid_fine_fen, violation.paid_surcharge_fen = (
                    paid_at,
                    code.fine_yuan * 100,
                    0,
                )
                violation.history.append(
                    ViolationEvent(
                        at=paid_at,
                        kind=ViolationEventKind.PAID,
                        order_id=f"{DEMO_PREFIX}order-{situation}",
                        provider="gateway",
                        fine_fen=code.fine_yuan * 100,
                        surcharge_fen=0,
                        charge_id=f"{DEMO_PREFIX}T0001",
                    )
                )
            data.violations.append(violation)


def _demo_people_of(rng_seed: int = DEFAULT_RNG_SEED) -> tuple[dict[str, _Person], _Person]:
    people = _people(rng_seed)
    owners = {next(p.id_number for p in people if p.index == v.owner) for v in _vehicle_identities(rng_seed, people)}
    return _study_and_appeal_people(people, owners)


def build_demo_data(today: date, rng_seed: int = DEFAULT_RNG_SEED) -> DemoData:
    """The demo data set in memory (no I/O); complaints still carry a placeholder ticket id."""
    return _build(rng_seed, today)


# --- loading -------------------------------------------------------------------------------------


async def _remove_demo_data(repos: Repositories, meta: dict[str, Any] | None, rng_seed: int) -> dict[str, Any]:
    """Delete the demo records; returns the Telegram bindings of demo citizens to keep."""
    people = _people(rng_seed)
    ids = [p.id_number for p in people]
    plates = [v.plate for v in _vehicle_identities(rng_seed, people)]
    bindings = {
        doc["_id"]: doc["telegram"]
        async for doc in repos.citizens.collection.find({"_id": {"$in": ids}, "telegram": {"$exists": True}})
    }
    demo_ids = {"$regex": f"^{DEMO_PREFIX}"}
    await repos.citizens.collection.delete_many({"_id": {"$in": ids}})
    await repos.licenses.collection.delete_many({"_id": {"$in": ids}})
    await repos.vehicles.collection.delete_many({"_id": {"$in": plates}})
    await repos.violations.collection.delete_many({"_id": demo_ids})
    await repos.deliveries.collection.delete_many({"_id": demo_ids})
    await repos.elicense.collection.delete_many({"_id": demo_ids})
    await repos.appeals.collection.delete_many({"_id": demo_ids})
    if meta is not None and meta.get("complaint_ids"):
        await repos.complaints.collection.delete_many({"_id": {"$in": meta["complaint_ids"]}})
    return bindings


async def load_demo_data(
    repos: Repositories, *, today: date, rng_seed: int = DEFAULT_RNG_SEED, force: bool = False
) -> SeedReport:
    """Load the demo data set once (see the module docstring). ``today`` is the bureau's
    local date; pass ``datetime.now(LOCAL_TZ).date()``."""
    meta_coll = repos.db[META_COLLECTION]
    meta = await meta_coll.find_one({"_id": META_ID})
    if meta is not None and not force:
        counts = meta.get("counts", {})
        return SeedReport(
            loaded=False, version=int(meta.get("version", 0)), **{k: int(counts.get(k, 0)) for k in _COUNT_KEYS}
        )

    data = build_demo_data(today, rng_seed)
    # Also clears what an interrupted earlier load left behind (no meta document yet).
    bindings = await _remove_demo_data(repos, meta, rng_seed)
    await repos.citizens.insert_many(data.citizens)
    for id_number, binding in bindings.items():
        await repos.citizens.collection.update_one({"_id": id_number}, {"$set": {"telegram": binding}})
    await repos.licenses.insert_many(data.licenses)
    await repos.vehicles.insert_many(data.vehicles)
    await repos.violations.insert_many(data.violations)
    await repos.deliveries.insert_many(data.deliveries)
    await repos.elicense.replace_cities(data.elicense_cities)
    if data.elicense_reviews:
        await repos.elicense.collection.insert_many([r.to_doc() for r in data.elicense_reviews])
    if data.appeals:
        await repos.appeals.collection.insert_many([a.to_doc() for a in data.appeals])

    # Dispatch: the departments and routing rules (the push workers route the complaints).
    seeded_at = datetime.now(UTC)
    await repos.departments.ensure(default_departments(seeded_at))
    if not await repos.routing_rules.all():
        await repos.routing_rules.ensure(default_rules(seeded_at))
    complaint_ids: list[str] = []
    for complaint in sorted(data.complaints, key=lambda c: c.created_at):
        ticket = await repos.complaints.allocate_ticket_id(complaint.created_at.astimezone(LOCAL_TZ).date())
        stored = complaint.model_copy(update={"ticket_id": ticket})
        await repos.complaints.insert(stored)
        await repos.complaints.assign_cluster(stored)
        complaint_ids.append(ticket)

    counts = {
        "citizens": len(data.citizens),
        "licenses": len(data.licenses),
        "vehicles": len(data.vehicles),
        "violations": len(data.violations),
        "deliveries": len(data.deliveries),
        "complaints": len(complaint_ids),
        "elicense_cities": len(data.elicense_cities),
        "elicense_reviews": len(data.elicense_reviews),
        "appeals": len(data.appeals),
    }
    await meta_coll.replace_one(
        {"_id": META_ID},
        {
            "_id": META_ID,
            "version": SEED_VERSION,
            "rng_seed": rng_seed,
            "today": today.isoformat(),
            "loaded_at": datetime.now(UTC),
            "counts": counts,
            "complaint_ids": complaint_ids,
        },
        upsert=True,
    )
    return SeedReport(loaded=True, version=SEED_VERSION, **counts)


_COUNT_KEYS = (
    "citizens",
    "licenses",
    "vehicles",
    "violations",
    "deliveries",
    "complaints",
    "elicense_cities",
    "elicense_reviews",
    "appeals",
)

__all__ = [
    "DEFAULT_RNG_SEED",
    "DEMO_IDENTITIES",
    "SEED_VERSION",
    "DemoData",
    "DemoIdentity",
    "SeedReport",
    "build_demo_data",
    "load_demo_data",
]


def study_and_appeal_demo(rng_seed: int = DEFAULT_RNG_SEED) -> tuple[dict[str, DemoIdentity], DemoIdentity]:
    """Who to try study to reduce points with, per situation (``POINTS_STUDY_SITUATIONS``), and who
    has a violation under appeal (the README's demo table names them)."""
    chosen, appellant = _demo_people_of(rng_seed)
    none = Bilingual(en="", zh="")
    return {s: _identity(p, none, none) for s, p in chosen.items()}, _identity(appellant, none, none)
