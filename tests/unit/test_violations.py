"""Violation paging math (property-based) and totals/paging over a real database."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.services import Services
from actions.vehicles import AddOutcome, add_vehicle
from actions.violations import PAGE_SIZE, clamp_page, lookup_violations, page_count
from core.config import Settings
from core.i18n import default_catalog
from storage.models import Bilingual, Citizen, Vehicle, VehicleType, Violation, ViolationSource, ViolationStatus
from storage.mongo import connect_mongo, database
from storage.redis import Keys, connect_redis
from storage.repositories import Repositories

NOW = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)


@given(
    total=st.integers(min_value=0, max_value=10_000),
    size=st.integers(min_value=1, max_value=50),
    page=st.integers(min_value=-5, max_value=2_000),
)
def test_page_math(total: int, size: int, page: int) -> None:
    pages = page_count(total, size)
    assert pages >= 1 and (pages - 1) * size < max(total, 1) <= pages * size
    clamped = clamp_page(page, total, size)
    assert 0 <= clamped < pages
    if 0 <= page < pages:
        assert clamped == page


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        page_count(3, 0)


@pytest.fixture
async def services(make_settings: Callable[..., Settings], mongo_url: str, redis_url: str) -> AsyncIterator[Services]:
    settings = make_settings()
    client = connect_mongo(mongo_url)
    repos = Repositories.from_db(database(client, settings.mongo_db))
    await repos.ensure_indexes()
    redis = connect_redis(redis_url)
    yield Services(
        settings=settings,
        repos=repos,
        redis=redis,
        keys=Keys(settings.redis_prefix),
        catalog=default_catalog(),
        nlu=None,
        clock=lambda: NOW,
    )
    await client.drop_database(settings.mongo_db)
    await client.close()
    async for key in redis.scan_iter(match=f"{settings.redis_prefix}:*"):
        await redis.delete(key)
    await redis.aclose()


def make_vehicle(plate: str, owner: str) -> Vehicle:
    return Vehicle(
        plate=plate,
        owner_id_number=owner,
        brand=Bilingual(en="BYD", zh="比亚迪"),
        model="Qin",
        vehicle_type=VehicleType.SMALL_CAR,
        engine_number=f"EA{plate[-5:]}00",
        vin="L" + "B" * 16,
        registered_on=date(2020, 1, 1),
        inspection_valid_until=date(2027, 1, 1),
    )


def make_violations(plate: str, count: int, rng: random.Random) -> list[Violation]:
    return [
        Violation(
            plate=plate,
            occurred_at=NOW - timedelta(hours=rng.randrange(1, 20_000)),
            place=Bilingual(en="Road", zh="路"),
            code="1352",
            behaviour=Bilingual(en="Speeding", zh="超速"),
            fine_yuan=rng.choice((0, 50, 100, 200)),
            points=rng.choice((0, 1, 3, 6)),
            status=rng.choice(list(ViolationStatus)),
            source=ViolationSource.CAMERA,
            recorded_by="CAM-1",
        )
        for _ in range(count)
    ]


async def test_totals_and_paging_cover_every_violation_once(services: Services) -> None:
    rng = random.Random(7)
    owner = Citizen(
        id_number="110105199001011234",
        name="甲",
        phone="13800000000",
        mailing_address="北京市某路1号",
        postal_code="100000",
        city="beijing",
        created_at=NOW,
    )
    other = "110105199002021230"
    await services.repos.citizens.insert(owner)
    await services.repos.vehicles.insert_many(
        [
            make_vehicle("京A11111", owner.id_number),
            make_vehicle("京A22222", owner.id_number),
            make_vehicle("京B33333", other),
        ]
    )
    mine = make_violations("京A11111", 17, rng) + make_violations("京A22222", 6, rng)
    theirs = make_violations("京B33333", 4, rng)
    await services.repos.violations.insert_many(mine + theirs)

    first = await lookup_violations(services, owner)
    assert first is not None and first.plates == ["京A11111", "京A22222"]
    page = first.page
    assert page.total == 23 and first.pages == 5 == page_count(23, PAGE_SIZE)
    assert page.unprocessed == sum(v.status == ViolationStatus.UNPROCESSED for v in mine)
    # A paid fine is not due, nor a cancelled one (its appeal was accepted).
    due = (ViolationStatus.UNPROCESSED, ViolationStatus.PROCESSED)
    assert page.fine_due_yuan == sum(v.fine_yuan for v in mine if v.status in due)
    assert page.points_pending == sum(v.points for v in mine if v.status == ViolationStatus.UNPROCESSED)
    seen: list[str] = []
    for n in range(first.pages):
        lookup = await lookup_violations(services, owner, page=n)
        assert lookup is not None and lookup.page.page == n and lookup.has_previous == (n > 0)
        assert lookup.page.has_next == (n < first.pages - 1)
        seen += [v.id for v in lookup.page.items]
    expected = sorted(mine, key=lambda v: (v.occurred_at, v.id), reverse=True)
    assert seen == [v.id for v in expected]  # newest first, each once, none of someone else's
    beyond = await lookup_violations(services, owner, page=99)
    assert beyond is not None and beyond.page.page == 4 and len(beyond.page.items) == 3

    one = await lookup_violations(services, owner, plate="京A22222")
    assert one is not None and one.page.total == 6 and one.pages == 2
    assert await lookup_violations(services, owner, plate="京B33333") is None  # not theirs
    # Added with the engine number, it can be looked up too.
    assert (await add_vehicle(services, owner, "京B33333", "333300")).outcome == AddOutcome.ADDED
    added = await lookup_violations(services, owner, plate="京B33333")
    assert added is not None and added.page.total == 4
    everything = await lookup_violations(services, owner)
    assert everything is not None and everything.page.total == 27


async def test_no_vehicles_means_an_empty_lookup(services: Services) -> None:
    nobody = Citizen(
        id_number="110105199003031232",
        name="乙",
        phone="13900000000",
        mailing_address="北京市某路2号",
        postal_code="100000",
        city="beijing",
        created_at=NOW,
    )
    lookup = await lookup_violations(services, nobody)
    assert lookup is not None and lookup.plates == [] and lookup.page.total == 0 and lookup.pages == 1
