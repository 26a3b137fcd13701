"""The bureau's clock and calendar: its time zone, how a moment is shown, calendar arithmetic."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_time(moment: datetime, *, seconds: bool = False) -> str:
    """A moment in the bureau's local time, e.g. 2026-11-21 14:05 (the one formatter of the chat,
    the pushes and the staff console; the console shows seconds)."""
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def add_years(d: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes 28 February in other years."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)
