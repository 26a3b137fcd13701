"""Text that citizens type, made safe to store and to show, and measured as Telegram measures it.

- `clean_text`: control characters (NUL, ESC, ...) and invisible format characters (bidi
  overrides such as U+202E, zero-width spaces and joiners, BOM) are removed, so nothing a citizen
  types can reorder or hide what staff read; line breaks and tabs stay.
- `utf16_len`: Telegram counts message and caption lengths in UTF-16 code units (an emoji outside
  the Basic Multilingual Plane is 2), not in code points.
"""

from __future__ import annotations

import unicodedata

MESSAGE_MAX = 4096  # a text message, in UTF-16 units after entities are parsed
CAPTION_MAX = 1024
CALLBACK_DATA_MAX = 64  # bytes

_KEEP = {"\n", "\t"}
# Emoji sequences need the zero-width joiner and variation selectors; they are not bidi controls.
_EMOJI_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def clean_text(raw: str) -> str:
    """`raw` in NFC without control or invisible format characters (see the module's notes)."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch
        for ch in text
        if ch in _KEEP or ch in _EMOJI_JOINERS or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le")) // 2


def fits_message(text: str) -> bool:
    return utf16_len(text) <= MESSAGE_MAX


NLU_TEXT_MAX = 1000  # longer messages are not classified: no intent is meant by a page of text


def is_noise(text: str) -> bool:
    """Text that means nothing to classify: a key held down ("aaaa..."), a single repeated
    symbol, or a page of text. The NLU model would still pick an intent, sometimes confidently."""
    stripped = "".join(text.split())
    if not stripped or utf16_len(text) > NLU_TEXT_MAX:
        return True
    distinct = set(stripped.casefold())
    return len(stripped) >= 8 and len(distinct) <= 2
