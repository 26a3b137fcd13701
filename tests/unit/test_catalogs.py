"""Every user-facing text exists in English and Chinese, and every id the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

from core.i18n import Catalog

REPO = Path(__file__).resolve().parents[2]
# say("id") / t("id") / title="id" / ctx.say("id", ...) in the channel and action code
_USED = re.compile(
    r"""(?:\bt|\.say|title=|_t)\(\s*["']([a-z0-9]+(?:-[a-z0-9]+)+)["']|title="([a-z0-9]+(?:-[a-z0-9]+)+)\""""
)


def test_both_languages_define_the_same_messages() -> None:
    catalog = Catalog()
    assert catalog.ids["en"], "no English messages found"
    missing_zh = sorted(catalog.ids["en"] - catalog.ids["zh"])
    missing_en = sorted(catalog.ids["zh"] - catalog.ids["en"])
    assert not missing_zh, f"missing in Chinese: {missing_zh}"
    assert not missing_en, f"missing in English: {missing_en}"


def test_every_literal_message_id_in_the_code_exists() -> None:
    catalog = Catalog()
    unknown: set[tuple[str, str]] = set()
    for folder in ("bot", "actions", "push", "staff"):
        for path in (REPO / folder).rglob("*.py"):
            for match in _USED.finditer(path.read_text(encoding="utf-8")):
                msg_id = match.group(1) or match.group(2)
                if msg_id not in catalog.ids["en"]:
                    unknown.add((str(path.relative_to(REPO)), msg_id))
    assert not unknown, f"message ids used in code but missing from the catalogs: {sorted(unknown)}"


def test_messages_format_without_errors_in_both_languages() -> None:
    catalog = Catalog()
    for lang in ("en", "zh"):
        for msg_id in sorted(catalog.ids[lang]):
            text = catalog.text(lang, msg_id)  # missing variables render visibly, never raise
            assert text and text != msg_id
