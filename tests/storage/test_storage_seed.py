"""The demo seed: deterministic, idempotent, fast, and covering every status."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, date, datetime

from core.identifiers import normalize_id_number, normalize_phone, normalize_plate
from core.language import Language
from storage.models import (
    STAGES_BY_KIND,
    Citizen,
    DriverLicense,
    LicenseStatus,
    Vehicle,
)
from storage.repositories import Repositories
from storage.seed import DEMO_IDENTITIES, build_demo_data, load_demo_data

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def test_build_is_deterministic_and_identities_ignore_today() -> None:
    a = build_demo_data(TODAY)
    b = build_demo_data(TODAY)
    later = build_demo_data(date(2027, 6, 1))
    assert [c.id_number for c in a.citizens] == [c.id_number for c in b.citizens]
    assert [c.model_dump() for c in a.citizens] == [c.model_dump() for c in b.citizens]
    assert [v.model_dump() for v in a.violations] == [v.model_dump() for v in b.violations]
    assert [c.id_number for c in a.citizens] == [c.id_number for c in later.citizens]
    assert [v.plate for v in a.vehicles] == [v.plate for v in later.vehicles]
    # Dates move with today, so statuses stay meaningful.
    assert a.licenses[1].valid_to != later.licenses[1].valid_to
    assert [lic.statuses(TODAY) for lic in a.licenses] == [lic.statuses(date(2027, 6, 1)) for lic in later.licenses]


def test_demo_data_meets_the_numbers() -> None:
    data = build_demo_data(TODAY)
    assert len(data.citizens) >= 200 and len(data.licenses) == len(data.citizens)
    assert len({c.id_number for c in data.citizens}) == len(data.citizens)
    for c in data.citizens:
        assert normalize_id_number(c.id_number, today=TODAY) == c.id_number
        assert normalize_phone(c.phone) == c.phone
    statuses = Counter(s for lic in data.licenses for s in lic.statuses(TODAY))
    assert set(statuses) == set(LicenseStatus)
    assert sum(1 for lic in data.licenses if len(lic.elicense_blockers(TODAY)) >= 2) >= 3
    assert any(0 < lic.days_left(TODAY) <= 30 for lic in data.licenses)
    assert any(30 < lic.days_left(TODAY) <= 90 for lic in data.licenses)
    assert any(lic.exam_result_on_file is not None for lic in data.licenses)

    assert len(data.vehicles) >= 300
    assert all(normalize_plate(v.plate) == v.plate for v in data.vehicles)
    assert len({v.plate[0] for v in data.vehicles}) >= 25
    assert sum(1 for v in data.vehicles if len(v.plate) == 8) >= 20
    assert any(v.inspection_overdue(TODAY) for v in data.vehicles)
    assert any(0 <= (v.inspection_valid_until - TODAY).days <= 30 for v in data.vehicles)
    assert any(v.mortgage for v in data.vehicles) and any(v.accidents for v in data.vehicles)

    assert len(data.violations) >= 1000
    per_plate = Counter(v.plate for v in data.violations)
    assert sum(1 for v in data.vehicles if v.plate not in per_plate) >= 30  # many have none
    assert max(per_plate.values()) >= 25  # some have many (paging)

    for kind, stages in STAGES_BY_KIND.items():
        assert {d.stage for d in data.deliveries if d.kind == kind} == set(stages)
    opens = [c.is_open(TODAY) for c in data.elicense_cities]
    assert any(opens) and not all(opens)
    assert {c.city for c in data.citizens} <= {c.city for c in data.elicense_cities}


def test_demo_identities() -> None:
    data = build_demo_data(TODAY)
    citizens = {c.id_number: c for c in data.citizens}
    licenses = {lic.id_number: lic for lic in data.licenses}
    cities = {c.city: c for c in data.elicense_cities}
    assert 5 <= len(DEMO_IDENTITIES) <= 8
    for demo in DEMO_IDENTITIES:
        assert citizens[demo.id_number].name == demo.name and citizens[demo.id_number].phone == demo.phone
        assert demo.situation.get(Language.ZH) and demo.try_this.get(Language.EN)
    two_cars, expired, blockers, later = (licenses[d.id_number] for d in DEMO_IDENTITIES[:4])
    assert two_cars.statuses(TODAY) == [LicenseStatus.VALID]
    assert sum(1 for v in data.vehicles if v.owner_id_number == DEMO_IDENTITIES[0].id_number) == 2
    assert LicenseStatus.EXPIRED in expired.statuses(TODAY) and expired.exam_result_on_file is not None
    assert len(blockers.elicense_blockers(TODAY)) >= 3
    assert not cities[citizens[DEMO_IDENTITIES[3].id_number].city].is_open(TODAY)
    assert later.statuses(TODAY) == [LicenseStatus.VALID]


async def test_load_is_idempotent_fast_and_forceable(repos: Repositories) -> None:
    started = time.monotonic()
    first = await load_demo_data(repos, today=TODAY)
    assert time.monotonic() - started < 10
    assert first.loaded and first.citizens >= 200 and first.vehicles >= 300 and first.violations >= 1000
    ids = sorted([doc["_id"] async for doc in repos.citizens.collection.find({}, {"_id": 1})])

    second = await load_demo_data(repos, today=TODAY)
    assert not second.loaded and second.violations == first.violations
    assert await repos.violations.collection.count_documents({}) == first.violations

    demo = DEMO_IDENTITIES[0]
    await repos.citizens.bind(demo.id_number, user_id=99, chat_id=99, language=Language.ZH, now=NOW)
    forced = await load_demo_data(repos, today=TODAY, force=True)
    assert forced.loaded
    assert sorted([doc["_id"] async for doc in repos.citizens.collection.find({}, {"_id": 1})]) == ids
    assert await repos.violations.collection.count_documents({}) == first.violations
    assert await repos.complaints.collection.count_documents({}) == first.complaints
    rebound = await repos.citizens.by_telegram_user(99)
    assert rebound is not None and rebound.id_number == demo.id_number  # bindings survive a re-seed

    lic = await repos.licenses.by_id_number(demo.id_number)
    assert isinstance(lic, DriverLicense)
    vehicles = await repos.vehicles.by_owner(demo.id_number)
    assert len(vehicles) == 2 and all(isinstance(v, Vehicle) for v in vehicles)
    page = await repos.violations.page_by_plates([v.plate for v in vehicles], page_size=5)
    assert page.total >= 25 and page.has_next
    assert (await repos.complaints.clusters(since=NOW.replace(year=2025)))[0].size == 3
    assert isinstance(await repos.citizens.by_id_number(DEMO_IDENTITIES[1].id_number), Citizen)
