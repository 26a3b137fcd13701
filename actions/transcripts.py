"""The conversation transcript staff read: every citizen message and every bot message, in order.

Written in the background in batches (`ConversationRepository.start_writer`), so recording a turn
never waits on MongoDB; what goes in is cleaned and at most one Telegram message long.

Masked when it is written (issue 17): staff read transcripts, and a transcript is no place for a
full ID number, a phone number or a one-time code. `mask_turn_text` keeps the first 6 and last 4
characters of an ID number (or any long run of digits: a bank card), the first 3 and last 4
digits of a mobile number, and nothing of a one-time code; what a citizen types in the linking
form is masked whole (the name as ``张**``, the code as ``******``). The citizen's own chat is
not changed, only what is stored and shown to staff.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from core.identifiers import mask_id_number, mask_name, mask_phone
from core.text import MESSAGE_MAX, clean_text
from storage.models import TurnKind, TurnRole
from storage.repositories import Repositories

TRANSCRIPT_MAX = MESSAGE_MAX
CODE_MASK = "******"

# The form steps (aiogram FSM states) where what the citizen types is a secret: a one-time code;
# or a name (linking: stored as its initials). Other steps get the pattern masking below.
SECRET_STEPS = frozenset({"BindForm:code", "PhoneForm:code", "CallbackForm:code", "ComplaintForm:code"})
NAME_STEPS = frozenset({"BindForm:name"})

# `\d` matches full-width digits too (a Chinese input method); a single space or hyphen may
# separate digit groups ("138 1234 5678", "110102 19870818 2939").
_LONG_NUMBER = re.compile(r"(?<![\dA-Za-z])\d(?:[ -]?\d){13,}(?:[ -]?[Xx])?(?![\dA-Za-z])")
_PHONE = re.compile(r"(?<![\dA-Za-z])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)")
_BARE_CODE = re.compile(r"\s*\d{3}[ -]?\d{3}\s*")  # a whole message that is six digits
_CODE_AFTER_WORD = re.compile(
    r"((?:(?<![A-Za-z])(?<!post )(?<!postal )(?<!zip )code|验证码|校验码|短信码)\D{0,12})(\d{6})(?!\d)", re.IGNORECASE
)


def _digits(text: str) -> str:
    """The digits (and a final X) of a match, full-width ones as ASCII."""
    return "".join(unicodedata.normalize("NFKC", ch) for ch in text if ch.isdigit() or ch in "Xx")


def mask_identifiers(text: str) -> str:
    """Mask every ID number (any run of 14 or more digits), mobile number and one-time code
    named as such ("code 123456", "验证码123456") in ``text``."""
    text = _LONG_NUMBER.sub(lambda m: mask_id_number(_digits(m.group(0))), text)
    text = _PHONE.sub(lambda m: mask_phone(_digits(m.group(0))[-11:]), text)
    return _CODE_AFTER_WORD.sub(lambda m: m.group(1) + CODE_MASK, text)


def mask_turn_text(text: str | None, *, role: TurnRole = TurnRole.CITIZEN, form_step: str | None = None) -> str | None:
    """What a stored turn says: identifiers masked; for a citizen, a message that is nothing but
    six digits (a code typed after the form expired) and whatever is typed in a code step masked
    whole, a name typed while linking kept as initials."""
    if text is None:
        return None
    if role == TurnRole.CITIZEN:
        if form_step in SECRET_STEPS or _BARE_CODE.fullmatch(text):
            return CODE_MASK
        if form_step in NAME_STEPS:
            return mask_name(text)
    return mask_identifiers(text)


def transcript_text(text: str | None) -> str | None:
    """What staff will read: no control or bidi characters, and at most one Telegram message
    long (Telegram's own limit; a forged 5 MB update is not stored whole)."""
    if text is None:
        return None
    cleaned = clean_text(text)
    return cleaned if len(cleaned) <= TRANSCRIPT_MAX else cleaned[:TRANSCRIPT_MAX] + "…"


async def record_citizen_turn(
    repos: Repositories,
    *,
    chat_id: int,
    user_id: int,
    kind: TurnKind,
    text: str | None,
    meta: dict[str, Any],
    form_step: str | None = None,
) -> None:
    """``form_step``: the citizen's form state when known (the linking form is stored masked)."""
    await repos.conversations.append_turn(
        chat_id=chat_id,
        user_id=user_id,
        role=TurnRole.CITIZEN,
        kind=kind,
        text=mask_turn_text(transcript_text(text), form_step=form_step),
        meta=meta,
        at=datetime.now(UTC),
    )


async def record_bot_turn(
    repos: Repositories, *, chat_id: int, kind: TurnKind, text: str | None, meta: dict[str, Any]
) -> None:
    await repos.conversations.append_turn(
        chat_id=chat_id,
        user_id=None,
        role=TurnRole.BOT,
        kind=kind,
        text=mask_turn_text(text, role=TurnRole.BOT),
        meta=meta,
        at=datetime.now(UTC),
    )
