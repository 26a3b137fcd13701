"""Mailing addresses and postal codes: the one rule for every form that asks for them
(renewal and plate delivery by mail, changing the address on file)."""

from __future__ import annotations

import re

from core.identifiers import fold_text
from core.text import clean_text

ADDRESS_MIN, ADDRESS_MAX = 6, 120
_POSTAL_CODE = re.compile(r"[0-9]{6}")


def clean_address(raw: str) -> str:
    """Full-width forms folded, whitespace runs collapsed to one space."""
    return " ".join(clean_text(fold_text(raw)).split())


def explain_address(raw: str) -> str | None:
    """None when the address is usable, else the message id of the hint (args: min, max)."""
    text = clean_address(raw)
    if len(text) > ADDRESS_MAX:
        return "profile-error-address-long"
    if len(text) < ADDRESS_MIN or not any(ch.isalpha() for ch in text):
        return "profile-error-address-short"
    return None


def normalize_address(raw: str) -> str | None:
    """A mailing address: 6 to 120 characters with at least one letter or Chinese character."""
    return clean_address(raw) if explain_address(raw) is None else None


def normalize_postal_code(raw: str) -> str | None:
    """Six digits (full-width digits and spaces allowed when typed), else None."""
    text = "".join(fold_text(raw).split())
    return text if _POSTAL_CODE.fullmatch(text) else None


def explain_postal_code(raw: str) -> str | None:
    return None if normalize_postal_code(raw) is not None else "profile-error-postal"


_DIGITS = re.compile(r"[0-9]+")


def mask_address(address: str) -> str:
    """An address as a message shows it beside masked phone and ID numbers: the city, district
    and street stay, every number in it (house, building, unit, room) becomes ``*``s, as the 12123
    app shows a delivery's address. E.g. 北京市朝阳区建国路88号 -> 北京市朝阳区建国路**号."""
    return _DIGITS.sub(lambda m: "*" * len(m.group(0)), fold_text(address))
