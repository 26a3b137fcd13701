"""Static reference data shipped with the code (JSON files next to this module).

``cities()``: the cities the demo knows (plate prefix, ID region codes, e-license batch) and
``office(office_id)``: the vehicle management office of a city, with its bilingual name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from storage.models import Bilingual, Office

DATA_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class CityInfo:
    id: str
    name: Bilingual
    province: str  # plate province character
    plate_letters: str  # issuing-authority letters used in this city
    region_codes: tuple[str, ...]  # 6-digit ID number region codes
    postal_prefix: str
    batch: int  # e-license batch
    office: Office


@dataclass(frozen=True)
class ViolationCode:
    code: str
    behaviour: Bilingual
    fine_yuan: int
    points: int
    weight: int


def _load(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def cities() -> tuple[CityInfo, ...]:
    data = _load("cities.json")
    return tuple(
        CityInfo(
            id=c["id"],
            name=Bilingual(**c["name"]),
            province=c["province"],
            plate_letters=c["plate_letters"],
            region_codes=tuple(c["region_codes"]),
            postal_prefix=c["postal_prefix"],
            batch=int(c["batch"]),
            office=Office(id=c["office"]["id"], city=c["id"], name=Bilingual(**c["office"]["name"])),
        )
        for c in data["cities"]
    )


@cache
def batch_offsets_days() -> dict[int, int]:
    """E-license batch -> opening day relative to the seed's ``today``."""
    return {int(k): int(v) for k, v in _load("cities.json")["batch_offsets_days"].items()}


def city(city_id: str) -> CityInfo | None:
    return next((c for c in cities() if c.id == city_id), None)


def office(office_id: str) -> Office | None:
    return next((c.office for c in cities() if c.office.id == office_id), None)


@cache
def violation_codes() -> tuple[ViolationCode, ...]:
    return tuple(
        ViolationCode(
            code=v["code"],
            behaviour=Bilingual(en=v["en"], zh=v["zh"]),
            fine_yuan=int(v["fine_yuan"]),
            points=int(v["points"]),
            weight=int(v["weight"]),
        )
        for v in _load("violation_codes.json")["violations"]
    )


@cache
def demo_vocabulary() -> dict[str, Any]:
    """Names, roads, brands and lenders the demo seed draws from."""
    data: dict[str, Any] = _load("demo_vocabulary.json")
    return data


@dataclass(frozen=True)
class StudyQuestion:
    """One question of the study-to-reduce-points exam: options, the right one, why."""

    id: str
    question: Bilingual
    options: tuple[Bilingual, ...]
    answer: int  # index into options
    explanation: Bilingual


@dataclass(frozen=True)
class StudyBank:
    """The study-to-reduce-points reading and its question bank (points_study_questions.json)."""

    title: Bilingual
    paragraphs: tuple[Bilingual, ...]
    source: Bilingual
    questions: tuple[StudyQuestion, ...]

    def question(self, question_id: str) -> StudyQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)


@cache
def points_study_bank() -> StudyBank:
    data = _load("points_study_questions.json")
    return StudyBank(
        title=Bilingual(**data["reading"]["title"]),
        paragraphs=tuple(Bilingual(**p) for p in data["reading"]["paragraphs"]),
        source=Bilingual(**data["source"]),
        questions=tuple(
            StudyQuestion(
                id=q["id"],
                question=Bilingual(**q["question"]),
                options=tuple(Bilingual(**o) for o in q["options"]),
                answer=int(q["answer"]),
                explanation=Bilingual(**q["explanation"]),
            )
            for q in data["questions"]
        ),
    )
