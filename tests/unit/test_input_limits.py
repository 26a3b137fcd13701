"""Typed text is measured as Telegram measures it and cleaned before anyone reads it."""

from __future__ import annotations

from actions.complaints import check_description
from actions.transcripts import TRANSCRIPT_MAX, transcript_text
from core.addresses import normalize_address


def test_a_description_of_2000_emoji_is_too_long_for_the_summary() -> None:
    """2,000 emoji are 2,000 code points but 4,000 UTF-16 units: the summary quoting them would
    exceed Telegram's 4,096 and never reach the citizen."""
    assert check_description("🚗" * 2000) == "complaints-error-description-long"
    assert check_description("🚗" * 1000) is None
    assert check_description("路" * 2000) is None  # one unit each


def test_invisible_characters_do_not_count_towards_a_description() -> None:
    assert check_description("\u200b" * 30 + "short") == "complaints-error-description-short"


def test_the_transcript_keeps_one_message_of_clean_text() -> None:
    assert transcript_text("ab\u202ecd\x00") == "abcd"
    huge = transcript_text("a" * 5_000_000)
    assert huge is not None and len(huge) == TRANSCRIPT_MAX + 1 and huge.endswith("…")
    assert transcript_text(None) is None


def test_an_address_loses_control_and_bidi_characters() -> None:
    assert normalize_address("北京市东城区\u202e东长安街1号\x1b") == "北京市东城区东长安街1号"
