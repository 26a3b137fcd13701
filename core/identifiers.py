"""Validators, normalisers and maskers for the identifiers citizens type.

Pure functions, no I/O. Every ``normalize_*`` function accepts what a person plausibly types
(full-width characters from a Chinese input method, any case, spaces) and returns the canonical
form, or ``None`` when the input is not a valid identifier. Every ``explain_*`` function returns
``None`` for valid input, otherwise the id of a message (in the Fluent catalogs) that tells the
citizen what is wrong, with an example.

Decisions (documented because services and the NLU depend on them):

* Plates: province character + issuing-authority letter + serial. Conventional plates have a
  5-character serial of letters and digits; new-energy plates have 6: either ``D``/``F`` + a
  letter or digit + 4 digits (small vehicles, e.g. 京AD12345) or 5 digits + ``D``/``F`` (large
  vehicles, e.g. 粤B12345D). The letters ``I`` and ``O`` are not used on plates (they read as 1
  and 0), neither as authority letter nor in the serial: a plate containing them is rejected,
  not silently corrected. Special-purpose suffixes (学, 警, 挂, 领 ...) are not supported.
* ID numbers: GB 11643-1999, 18 characters, the check digit per ISO 7064 MOD 11-2. The region
  code is only checked for shape (6 digits, not starting with 0); the birth date must be a real
  date between 1900-01-01 and ``today``.
* Masking keeps the first 6 and last 4 characters of an ID number (region and check, never the
  birth date), the first 3 and last 4 digits of a phone number, and the first character of each
  part of a name.
* The ``*_RE`` patterns find candidates in free text (English or Chinese, where there are no word
  boundaries). They match ASCII forms: apply ``fold_text`` (NFKC) to the text first so full-width
  input is found too, then pass each match to the ``normalize_*`` function.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

__all__ = [
    "ENTITY_KINDS",
    "ID_NUMBER_RE",
    "PHONE_RE",
    "PLATE_RE",
    "PROVINCES",
    "TICKET_RE",
    "TRACKING_RE",
    "birth_date_of",
    "courier_of",
    "explain_id_number",
    "explain_phone",
    "explain_plate",
    "explain_ticket_id",
    "explain_tracking_number",
    "fold_text",
    "format_ticket_id",
    "id_check_digit",
    "is_new_energy_plate",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_text",
    "normalize_id_number",
    "normalize_phone",
    "normalize_plate",
    "normalize_ticket_id",
    "normalize_tracking_number",
    "ticket_date",
]

PROVINCES: Final = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

_PLATE_LETTERS: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O
_PLATE_SEPARATORS: Final = "·.•・ -"
_L = f"[{_PLATE_LETTERS}]"
_LD = f"[{_PLATE_LETTERS}0-9]"

_CONVENTIONAL_SERIAL = re.compile(f"{_LD}{{5}}")
_NEW_ENERGY_SERIAL = re.compile(f"[DF]{_LD}[0-9]{{4}}|[0-9]{{5}}[DF]")

PLATE_RE: Final = re.compile(f"[{PROVINCES}][A-Za-z][{re.escape(_PLATE_SEPARATORS)}]?[A-Za-z0-9]{{5,6}}(?![A-Za-z0-9])")
"""Finds plate candidates (any case, optional separator); validate each with ``normalize_plate``."""

ID_NUMBER_RE: Final = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
"""Finds 18-character ID number candidates; validate with ``normalize_id_number``."""

TICKET_RE: Final = re.compile(r"(?<![0-9A-Za-z])[Cc][0-9]{6}-[0-9]{4,}(?![0-9])")
"""Finds complaint ticket candidates (C261121-0042); validate with ``normalize_ticket_id``."""

TRACKING_RE: Final = re.compile(
    r"(?<![0-9A-Za-z])(?:[Ss][Ff][0-9]{12,13}|[A-Za-z]{2}[0-9]{9}[A-Za-z]{2})(?![0-9A-Za-z])"
)
"""Finds EMS/China Post (EA123456789CN) and SF Express (SF1234567890123) tracking numbers."""

PHONE_RE: Final = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
"""Finds mainland mobile phone numbers (11 digits, 1[3-9]...)."""

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS: Final = "10X98765432"
_MIN_BIRTH_DATE: Final = date(1900, 1, 1)

_TICKET_FULL = re.compile(r"C([0-9]{2})([0-9]{2})([0-9]{2})-([0-9]{4,})")
_EMS_FULL = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")
_SF_FULL = re.compile(r"SF[0-9]{12,13}")
_PHONE_FULL = re.compile(r"1[3-9][0-9]{9}")


def fold_text(text: str) -> str:
    """NFKC-normalise text: full-width letters, digits and punctuation become ASCII."""
    return unicodedata.normalize("NFKC", text)


def _compact(raw: str) -> str:
    """Fold width, drop all whitespace, upper-case."""
    return "".join(fold_text(raw).split()).upper()


# --- plates ------------------------------------------------------------------------------------


def _plate_body(raw: str) -> str:
    text = fold_text(raw).strip().upper()
    if len(text) >= 3 and text[2] in _PLATE_SEPARATORS:
        text = text[:2] + text[3:]
    return text


def normalize_plate(raw: str) -> str | None:
    """Return the canonical plate (``京A12345``, ``京AD12345``) or None.

    Accepts any case and one optional separator (``·``, ``.``, ``•``, ``・``, space, ``-``) after
    the authority letter; surrounding whitespace is ignored.
    """
    text = _plate_body(raw)
    if len(text) not in (7, 8) or text[0] not in PROVINCES or text[1] not in _PLATE_LETTERS:
        return None
    serial = text[2:]
    if len(serial) == 5 and _CONVENTIONAL_SERIAL.fullmatch(serial):
        return text
    if len(serial) == 6 and _NEW_ENERGY_SERIAL.fullmatch(serial):
        return text
    return None


def explain_plate(raw: str) -> str | None:
    """None if valid, else ``plate-error-province`` or ``plate-error-format``."""
    if normalize_plate(raw) is not None:
        return None
    text = _plate_body(raw)
    if not text or text[0] not in PROVINCES:
        return "plate-error-province"
    return "plate-error-format"


def is_new_energy_plate(plate: str) -> bool:
    """True for a valid 8-character (new-energy) plate."""
    normalized = normalize_plate(plate)
    return normalized is not None and len(normalized) == 8


# --- ID numbers ----------------------------------------------------------------------------------


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected exactly 17 ASCII digits")
    total = sum(int(ch) * weight for ch, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _parse_birth_date(digits: str) -> date | None:
    try:
        return date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def explain_id_number(raw: str, *, today: date | None = None) -> str | None:
    """None if valid, else ``id-error-length``, ``id-error-chars``, ``id-error-birthdate`` or
    ``id-error-checksum`` (checked in that order)."""
    text = _compact(raw)
    if len(text) != 18:
        return "id-error-length"
    body, check = text[:17], text[17]
    if not (body.isascii() and body.isdigit()) or not (check.isdigit() or check == "X"):
        return "id-error-chars"
    if body[0] == "0":
        return "id-error-chars"
    birth = _parse_birth_date(body[6:14])
    limit = today if today is not None else date.today()
    if birth is None or not (_MIN_BIRTH_DATE <= birth <= limit):
        return "id-error-birthdate"
    if id_check_digit(body) != check:
        return "id-error-checksum"
    return None


def normalize_id_number(raw: str, *, today: date | None = None) -> str | None:
    """Return the 18-character ID number (spaces removed, ``x`` upper-cased) or None."""
    if explain_id_number(raw, today=today) is not None:
        return None
    return _compact(raw)


def birth_date_of(id_number: str) -> date:
    """The birth date encoded in a valid ID number (raises ValueError otherwise)."""
    birth = _parse_birth_date(id_number[6:14])
    if birth is None:
        raise ValueError("not a valid ID number")
    return birth


# --- complaint tickets ---------------------------------------------------------------------------


def _ticket_parts(raw: str) -> tuple[date, int] | None:
    match = _TICKET_FULL.fullmatch(_compact(raw))
    if match is None:
        return None
    yy, mm, dd, seq = match.groups()
    try:
        day = date(2000 + int(yy), int(mm), int(dd))
    except ValueError:
        return None
    if int(seq) == 0:
        return None
    return day, int(seq)


def normalize_ticket_id(raw: str) -> str | None:
    """Return the canonical ticket id (``C261121-0042``) or None.

    ``C`` + YYMMDD (a real date, 20YY) + ``-`` + a sequence of at least 4 digits (not all zero).
    Leading zeros beyond 4 digits are dropped (``C261121-00042`` -> ``C261121-0042``).
    """
    parts = _ticket_parts(raw)
    if parts is None:
        return None
    return format_ticket_id(*parts)


def format_ticket_id(day: date, seq: int) -> str:
    """``format_ticket_id(date(2026, 11, 21), 42) == "C261121-0042"`` (sequence starts at 1)."""
    if seq < 1:
        raise ValueError("ticket sequence starts at 1")
    if not 2000 <= day.year <= 2099:
        raise ValueError("ticket ids cover the years 2000-2099")
    return f"C{day:%y%m%d}-{seq:04d}"


def ticket_date(ticket_id: str) -> date:
    """The filing date encoded in a valid ticket id (raises ValueError otherwise)."""
    parts = _ticket_parts(ticket_id)
    if parts is None:
        raise ValueError("not a valid ticket id")
    return parts[0]


def explain_ticket_id(raw: str) -> str | None:
    """None if valid, else ``ticket-error-format``."""
    return None if normalize_ticket_id(raw) is not None else "ticket-error-format"


# --- tracking numbers ----------------------------------------------------------------------------


def normalize_tracking_number(raw: str) -> str | None:
    """EMS/China Post (2 letters + 9 digits + 2 letters) or SF Express (SF + 12 or 13 digits),
    upper-case without spaces; None otherwise. The UPU S10 check digit is not verified."""
    text = _compact(raw).replace("-", "")
    if _EMS_FULL.fullmatch(text) or _SF_FULL.fullmatch(text):
        return text
    return None


def courier_of(tracking: str) -> Literal["EMS", "SF"]:
    """The courier of a valid tracking number (raises ValueError otherwise)."""
    text = normalize_tracking_number(tracking)
    if text is None:
        raise ValueError("not a valid tracking number")
    return "SF" if _SF_FULL.fullmatch(text) else "EMS"


def explain_tracking_number(raw: str) -> str | None:
    """None if valid, else ``tracking-error-format``."""
    return None if normalize_tracking_number(raw) is not None else "tracking-error-format"


# --- phone numbers -------------------------------------------------------------------------------


def normalize_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits; accepts spaces, dashes and a +86/86 prefix."""
    text = _compact(raw).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text if _PHONE_FULL.fullmatch(text) else None


def explain_phone(raw: str) -> str | None:
    """None if valid, else ``phone-error-format``."""
    return None if normalize_phone(raw) is not None else "phone-error-format"


# --- masking -------------------------------------------------------------------------------------


def mask_id_number(s: str) -> str:
    """Keep the first 6 and last 4 characters: ``110105********002X``.

    Anything shorter than 11 characters is masked completely (same length).
    """
    if len(s) < 11:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_phone(s: str) -> str:
    """Keep the first 3 and last 4 digits: ``138****5678`` (short input is masked completely)."""
    if len(s) < 8:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


def mask_name(s: str) -> str:
    """Keep the first character of each space-separated part: ``张**``, ``J*** D**``.

    A two-character Chinese name keeps its surname (``王*``); a single character is kept as is.
    """
    parts = s.split()
    if not parts:
        return s
    return " ".join(part[0] + "*" * (len(part) - 1) for part in parts)


def mask_text(text: str) -> str:
    """Mask every ID number and mobile phone number found in free text (for logs)."""
    masked = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return PHONE_RE.sub(lambda m: mask_phone(m.group(0)), masked)


# --------------------------------------------------------------------------------------------
# The identifier entities the NLU extracts: one table for the client, the evaluation and the bot
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityKind:
    """An identifier entity: its normaliser (None = not valid), the explanation of what is wrong
    (a catalog message id, or None), and the hint used when the explanation says nothing."""

    name: str
    normalize: Callable[[str], str | None]
    explain: Callable[[str], str | None]
    format_hint: str


ENTITY_KINDS: Mapping[str, EntityKind] = {
    kind.name: kind
    for kind in (
        EntityKind("plate_number", normalize_plate, explain_plate, "plate-error-format"),
        EntityKind("id_number", normalize_id_number, explain_id_number, "id-error-length"),
        EntityKind("ticket_id", normalize_ticket_id, explain_ticket_id, "ticket-error-format"),
        EntityKind("tracking_number", normalize_tracking_number, explain_tracking_number, "tracking-error-format"),
    )
}
