"""Chinese typography (issue 18): car models by their Chinese names, the family name first in the
greeting, no spaces around placeholders that hold Chinese text."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from actions.vehicles import vehicle_name
from bot.ui.format import full_name
from storage.models import Bilingual, Vehicle

LOCALES = Path(__file__).resolve().parents[2] / "locales" / "zh"
CJK = "\u4e00-\u9fff"
# The citizen's chat and its pushes (the staff console shows usernames; the pages have their own).
CHAT_CATALOGS: tuple[str, ...] = (
    "business",
    "common",
    "complaints",
    "deliveries",
    "elicense",
    "faq",
    "forms",
    "handoff",
    "identity",
    "license",
    "profile",
    "push",
    "vehicles",
    "violations",
)
# Placeholders that hold Chinese text in Chinese replies (names, places, statuses, offices...).
CHINESE_VALUES = "name|status|topic|lender|office|reason|place|city|stage|courier|title|behaviour"


def vehicle(brand_en: str, brand_zh: str, model: str) -> Vehicle:
    return Vehicle.model_validate(
        {
            "_id": "京A12345",
            "brand": Bilingual(en=brand_en, zh=brand_zh),
            "model": model,
            "vehicle_type": "small_car",
            "owner_id_number": "110102198708182939",
            "registered_on": date(2020, 1, 1),
            "inspection_valid_until": date(2027, 1, 1),
            "engine_number": "ABC123456",
            "vin": "LSVAA4182E2123456",
        }
    )


def test_car_models_are_named_in_chinese_where_known() -> None:
    assert vehicle_name(vehicle("Volkswagen", "大众", "Passat"), "zh") == "大众帕萨特"
    assert vehicle_name(vehicle("BMW", "宝马", "3 Series"), "zh") == "宝马3系"
    assert vehicle_name(vehicle("Tesla", "特斯拉", "Model 3"), "zh") == "特斯拉 Model 3"
    assert vehicle_name(vehicle("Volkswagen", "大众", "Passat"), "en") == "Volkswagen Passat"


def test_the_greeting_name_is_the_full_name_family_name_first_in_chinese() -> None:
    assert full_name("明", "王") == "王明"
    assert full_name("Alice", "Smith") == "Alice Smith"
    assert full_name("Alice", None) == "Alice"


def test_no_spaces_around_placeholders_with_chinese_text() -> None:
    spaced = []
    for path in sorted(LOCALES / f"{name}.ftl" for name in CHAT_CATALOGS):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("#"):
                continue
            for m in re.finditer(r"(.)(\s?)\{ \$(" + CHINESE_VALUES + r") \}(\s?)(.)", line):
                before, s1, _, s2, after = m.groups()
                if (s1 and re.match(f"[{CJK}，。（）：、“]", before)) or (
                    s2 and re.match(f"[{CJK}，。（）：、”]", after)
                ):
                    spaced.append(f"{path.name}:{n}: {line.strip()}")
    assert not spaced, spaced
