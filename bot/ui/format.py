"""How values look in the citizen's chat: moments in the bureau's local time, days, stars, and
HTML escaping of every stored or typed value (the bot sends HTML)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

from core.dates import LOCAL_TZ, local_time

__all__ = ["dashed", "day", "full_name", "local_day", "local_time", "shown_text", "stars"]

_TAG = re.compile(r"<[^>]+>")


def local_day(moment: datetime) -> str:
    """The local day of a moment, e.g. 2026-11-21."""
    return day(moment.astimezone(LOCAL_TZ).date())


def day(value: date) -> str:
    return value.isoformat()


def stars(count: int) -> str:
    """A 1-5 rating as five stars, e.g. ★★★☆☆."""
    return "★" * count + "☆" * (5 - count)


def dashed(value: str) -> str:
    """An enum value as a catalog id part: "in_progress" -> "in-progress"."""
    return value.replace("_", "-")


def shown_text(text: str) -> str:
    """What the chat shows for a message sent as HTML: tags dropped, entities decoded, and the
    surrounding whitespace trimmed (as Telegram does); to tell whether an edit changes anything."""
    return html.unescape(_TAG.sub("", text)).strip()


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def full_name(first: str, last: str | None) -> str:
    """A Telegram user's full name as it is said: family name first and no space in Chinese
    (王 + 明 -> 王明: the greeting said "明，您好"), given name first otherwise (Alice Smith)."""
    if not last:
        return first
    if _chinese(first) and _chinese(last):
        return f"{last}{first}"
    return f"{first} {last}"
