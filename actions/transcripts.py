"""The conversation transcript staff read: every citizen message and every bot message, in order.

Written in the background in batches (`ConversationRepository.start_writer`), so recording a turn
never waits on MongoDB; what goes in is cleaned and at most one Telegram message long.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.text import MESSAGE_MAX, clean_text
from storage.models import TurnKind, TurnRole
from storage.repositories import Repositories

TRANSCRIPT_MAX = MESSAGE_MAX


def transcript_text(text: str | None) -> str | None:
    """What staff will read: no control or bidi characters, and at most one Telegram message
    long (Telegram's own limit; a forged 5 MB update is not stored whole)."""
    if text is None:
        return None
    cleaned = clean_text(text)
    return cleaned if len(cleaned) <= TRANSCRIPT_MAX else cleaned[:TRANSCRIPT_MAX] + "…"


async def record_citizen_turn(
    repos: Repositories, *, chat_id: int, user_id: int, kind: TurnKind, text: str | None, meta: dict[str, Any]
) -> None:
    await repos.conversations.append_turn(
        chat_id=chat_id,
        user_id=user_id,
        role=TurnRole.CITIZEN,
        kind=kind,
        text=transcript_text(text),
        meta=meta,
        at=datetime.now(UTC),
    )


async def record_bot_turn(
    repos: Repositories, *, chat_id: int, kind: TurnKind, text: str | None, meta: dict[str, Any]
) -> None:
    await repos.conversations.append_turn(
        chat_id=chat_id, user_id=None, role=TurnRole.BOT, kind=kind, text=text, meta=meta, at=datetime.now(UTC)
    )
