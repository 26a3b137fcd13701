"""Dispatch reference data: the demo city's districts (storage/data/districts.json) and the
departments and routing rules a new installation starts with (a supervisor edits the rules in
the console afterwards; seeding never overwrites them)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path

from core.dispatch import District, rule_key
from storage.models import Bilingual, ComplaintTopic, Department, RoutingRule

_FILE = Path(__file__).resolve().parent / "districts.json"


@cache
def _data() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def districts() -> tuple[District, ...]:
    raw = _data()["districts"]
    assert isinstance(raw, list)
    return tuple(
        District(
            id=d["id"],
            names=(d["name"]["en"], d["name"]["zh"]),
            lat=float(d["lat"]),
            lon=float(d["lon"]),
        )
        for d in raw
    )


@cache
def district_names() -> dict[str, Bilingual]:
    raw = _data()["districts"]
    assert isinstance(raw, list)
    return {d["id"]: Bilingual(**d["name"]) for d in raw}


def district_radius_m() -> float:
    radius = _data()["radius_m"]
    assert isinstance(radius, int | float)
    return float(radius)


CENTRAL: tuple[tuple[str, str, str], ...] = (
    ("service", "Citizen service centre", "市民服务中心"),
    ("signals", "Signals and signage", "信号与标志标线科"),
    ("parking", "Parking enforcement", "停车秩序执法大队"),
    ("roadworks", "Road works", "道路施工管理科"),
    ("vmo", "Vehicle management office", "车辆管理所"),
)


def brigade_id(district: str) -> str:
    return f"brigade-{district}"


def default_departments(now: datetime) -> list[Department]:
    """The central departments and one traffic police brigade per district."""
    made = [Department(id=i, name=Bilingual(en=en, zh=zh), created_at=now) for i, en, zh in CENTRAL]
    for district, name in district_names().items():
        made.append(
            Department(
                id=brigade_id(district),
                name=Bilingual(en=f"{name.en} traffic police brigade", zh=f"{name.zh}交通支队"),
                district=district,
                created_at=now,
            )
        )
    return made


def default_rules(now: datetime) -> list[RoutingRule]:
    """Signals and signage for road facilities, parking enforcement for parking, the district's
    brigade for congestion and officers' conduct, the vehicle management office for its windows,
    the citizen service centre for the rest."""
    pairs: list[tuple[ComplaintTopic | None, str | None, str]] = [
        (ComplaintTopic.ROAD_FACILITIES, None, "signals"),
        (ComplaintTopic.ILLEGAL_PARKING, None, "parking"),
        (ComplaintTopic.WINDOW_SERVICE, None, "vmo"),
        (ComplaintTopic.CONGESTION, None, "service"),
        (None, None, "service"),
    ]
    for district in district_names():
        pairs.append((ComplaintTopic.CONGESTION, district, brigade_id(district)))
        pairs.append((ComplaintTopic.OFFICER_CONDUCT, district, brigade_id(district)))
    return [
        RoutingRule(id=rule_key(topic, district), topic=topic, district=district, department=dept, updated_at=now)
        for topic, district, dept in pairs
    ]
