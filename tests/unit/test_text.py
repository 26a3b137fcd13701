"""The text-safety rules: what a citizen types is stored without controls or bidi tricks, and
lengths are counted in Telegram's unit."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from core.text import MESSAGE_MAX, clean_text, fits_message, utf16_len


def test_controls_and_bidi_overrides_are_removed() -> None:
    assert clean_text("abc\x00def\x1b[31m") == "abcdef[31m"
    assert clean_text("invoice\u202egnp.exe") == "invoicegnp.exe"
    assert clean_text("zero\u200bwidth\ufeff") == "zerowidth"
    assert clean_text("line one\r\nline two\tend") == "line one\nline two\tend"


def test_chinese_and_emoji_sequences_are_kept() -> None:
    family = "👨\u200d👩\u200d👧"
    assert clean_text(f"东长安街1号 {family} ❤️") == f"东长安街1号 {family} ❤️"


@given(st.text())
def test_clean_text_leaves_no_control_or_bidi_character(raw: str) -> None:
    cleaned = clean_text(raw)
    for ch in cleaned:
        assert ch in "\n\t\u200d\ufe0e\ufe0f" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    assert clean_text(cleaned) == cleaned  # idempotent


def test_length_is_counted_in_utf16_units() -> None:
    assert utf16_len("abc") == 3 and utf16_len("北京") == 2
    assert utf16_len("🚗") == 2  # outside the Basic Multilingual Plane: a surrogate pair
    assert fits_message("🚗" * (MESSAGE_MAX // 2)) and not fits_message("🚗" * (MESSAGE_MAX // 2 + 1))
    assert len("🚗" * 2000) == 2000 and utf16_len("🚗" * 2000) == 4000


@given(st.text())
def test_utf16_length_is_at_least_the_code_points(text: str) -> None:
    assert len(text) <= utf16_len(text) <= 2 * len(text)
