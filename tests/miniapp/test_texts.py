"""The Mini App's texts: every id its page and its API use exists in English and Chinese, every
status it names has its words, and the page's catalog has no plural selectors (the page fills
in ``{$name}`` itself)."""

from __future__ import annotations

import re
from pathlib import Path

from actions.vehicles import InspectionState
from core.i18n import LOCALES_DIR, Catalog
from core.language import Language
from miniapp.http import TEXTS_FILE, page_texts
from storage.models import (
    AccidentStatus,
    ApplicationStatus,
    ComplaintTopic,
    PlateRequestReason,
    RegistrationStatus,
    VehicleType,
    ViolationStatus,
)

REPO = Path(__file__).resolve().parents[2]
JS_ID = re.compile(r"""\bt\(\s*"(miniapp-[a-z0-9_-]+)"(\s*\+)?""")
PY_ID = re.compile(r"""say\(\s*[\w.]+,\s*[\w.]+,\s*"([a-z0-9_-]+)\"""")
PY_IDS = re.compile(r"""["']((?:miniapp|complaints|deliveries|business|license|push)-[a-z0-9_-]+)["']""")


def test_every_id_the_page_uses_exists() -> None:
    texts = page_texts(Catalog(), Language.EN)
    missing: set[str] = set()
    for path in (REPO / "miniapp" / "static").glob("*.js"):
        for match in JS_ID.finditer(path.read_text(encoding="utf-8")):
            msg_id, concatenated = match.groups()
            found = any(k.startswith(msg_id) for k in texts) if concatenated else msg_id in texts
            if not found:
                missing.add(f"{path.name}: {msg_id}")
    assert not missing, f"used by the page but not in {TEXTS_FILE}: {sorted(missing)}"


def test_every_literal_id_of_the_api_exists() -> None:
    catalog = Catalog()
    unknown = set()
    for path in [*(REPO / "miniapp").glob("*.py"), REPO / "messenger" / "webapp.py"]:
        text = path.read_text(encoding="utf-8")
        for msg_id in PY_ID.findall(text) + PY_IDS.findall(text):
            if msg_id.endswith("-") or msg_id == "miniapp-":
                continue
            if msg_id not in catalog.ids["en"] or msg_id not in catalog.ids["zh"]:
                unknown.add(f"{path.name}: {msg_id}")
    assert not unknown, sorted(unknown)


def test_every_status_the_api_names_has_words() -> None:
    catalog = Catalog()
    wanted = (
        [f"miniapp-vehicle-type-{v.value}" for v in VehicleType]
        + [f"miniapp-registration-{v.value}" for v in RegistrationStatus]
        + [f"miniapp-inspection-{v.value}" for v in InspectionState]
        + [f"miniapp-accident-{v.value}" for v in AccidentStatus]
        + [f"miniapp-violation-status-{v.value}" for v in ViolationStatus]
        + [f"miniapp-violation-todo-{v.value}" for v in ViolationStatus]
        + [f"complaints-topic-{v.value.replace('_', '-')}" for v in ComplaintTopic]
        + [f"business-status-{v.value}" for v in ApplicationStatus]
        + [f"business-plate-reason-{v.value}" for v in PlateRequestReason]
        + [f"miniapp-error-{p}" for p in ("init_data_missing", "init_data_invalid", "init_data_expired")]
        + [
            f"miniapp-auth-period-{p}"
            for p in ("format", "start_past", "start_too_late", "end_before_start", "too_long")
        ]
    )
    for lang in ("en", "zh"):
        missing = [m for m in wanted if m not in catalog.ids[lang]]
        assert not missing, f"{lang}: {missing}"


def test_the_page_catalog_fills_in_placeholders_itself() -> None:
    for lang in ("en", "zh"):
        source = (LOCALES_DIR / lang / TEXTS_FILE).read_text(encoding="utf-8")
        assert "->" not in source, f"{lang}/{TEXTS_FILE}: a selector the page cannot evaluate"
    zh = page_texts(Catalog(), Language.ZH)
    assert zh["miniapp-elicense-refreshes"] == "{$seconds} 秒后更新"
    assert all("<" not in text for text in zh.values())  # plain text
