"""What a message typed on its own looks like, before anyone tries to read a meaning into it.

The NLU model picks an intent for anything, sometimes confidently: a bare ID number was read as
"goodbye", a keyboard mash ("asdfgh") as "yes". These rules run first (issue 18: "anything that
looks like an identifier is recognised and answered as such, never as small talk"):

* ``bare_identifier``: the whole message is one identifier (an ID number by its shape, even
  mistyped, a one-time code, a phone number, a plate, a complaint ticket, a tracking number).
* ``is_key_mash``: one word of Latin letters typed by running a finger along a keyboard row
  ("asdfgh", "qwerty", "jkl;") or with no vowel at all ("sdfghj").
* ``label_key``: a button's label as typed text, compared without emoji, punctuation, spaces or
  case ("常见问题" is the label "❓ 常见问题").

Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from typing import Final, Literal

from core.identifiers import fold_text, normalize_phone, normalize_plate, normalize_ticket_id, normalize_tracking_number

BareKind = Literal["id_number", "code", "phone", "plate", "ticket", "tracking"]

_ID_SHAPE: Final = re.compile(r"[0-9]{17}[0-9X]")
_CODE: Final = re.compile(r"[0-9]{6}")
_KEY_ROWS: Final = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS: Final = frozenset("aeiouy")


def _compact(text: str) -> str:
    """Width folded, spaces and the separators people put in numbers dropped, upper-case."""
    return "".join(ch for ch in fold_text(text) if not ch.isspace() and ch not in "-·.").upper()


def bare_identifier(text: str) -> BareKind | None:
    """The kind of identifier the whole of ``text`` is, or None (it says something else too)."""
    stripped = fold_text(text).strip()
    if not stripped or len(stripped) > 40:
        return None
    compact = _compact(stripped)
    if _ID_SHAPE.fullmatch(compact):
        return "id_number"
    if _CODE.fullmatch(compact):
        return "code"
    if normalize_phone(stripped) is not None:
        return "phone"
    if normalize_plate(stripped) is not None:
        return "plate"
    if normalize_ticket_id(stripped) is not None:
        return "ticket"
    if normalize_tracking_number(stripped) is not None:
        return "tracking"
    return None


def _adjacent(a: str, b: str) -> bool:
    return any(abs(row.find(a) - row.find(b)) == 1 for row in _KEY_ROWS if a in row and b in row)


def is_key_mash(text: str) -> bool:
    """One word of 4 or more Latin letters that no language has: typed along a keyboard row
    ("asdfgh", "lkjh") or without a vowel ("sdfghjk")."""
    word = fold_text(text).strip().casefold()
    if len(word) < 4 or not word.isascii() or not word.isalpha():
        return False
    if all(_adjacent(a, b) for a, b in pairwise(word)):
        return True
    return not any(ch in _VOWELS for ch in word)


def label_key(text: str) -> str:
    """``text`` as a button label is compared: letters, digits and CJK only, case-folded."""
    return "".join(ch for ch in fold_text(text).casefold() if unicodedata.category(ch)[0] in ("L", "N"))
