"""Dispatch rules and complaint deadlines: pure functions, no I/O (actions/dispatch.py applies them).

* ``district_of``: the district a place is in, from its words (a district's name in English or
  Chinese, e.g. "Chaoyang Road" or "朝阳区") or else from its location (the nearest district centre
  within a radius).
* ``choose``: the department for a topic and district; the most specific rule wins (topic and
  district, then topic alone, then district alone, then the catch-all).
* ``deadlines`` and ``deadline_state``: when a complaint must be responded to and resolved, and
  whether it is on time, nearing a deadline or past one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from core.geo import LatLon, distance_m

ANY: Final = "*"


@dataclass(frozen=True)
class District:
    id: str
    names: tuple[str, ...]  # how citizens write it (English and Chinese), folded by ``_fold``
    lat: float
    lon: float


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if not ch.isspace())


def district_of(
    place_text: str | None, location: LatLon | None, districts: Iterable[District], radius_m: float
) -> str | None:
    """The district of a place: a district named in the text first (the longest name found), else
    the nearest district centre within ``radius_m`` of the location; None when neither tells."""
    known = list(districts)
    if place_text:
        folded = _fold(place_text)
        named = [(len(n), d.id) for d in known for n in d.names if n and _fold(n) in folded]
        if named:
            return max(named)[1]
    if location is not None:
        near = [(distance_m(location, _Point(d.lat, d.lon)), d.id) for d in known]
        near = [pair for pair in near if pair[0] <= radius_m]
        if near:
            return min(near)[1]
    return None


@dataclass(frozen=True)
class _Point:
    lat: float
    lon: float


def rule_key(topic: str | None, district: str | None) -> str:
    """A rule's identity: one rule per (topic or any, district or any)."""
    return f"{topic or ANY}:{district or ANY}"


def choose(rules: Mapping[str, str], topic: str, district: str | None) -> str | None:
    """The department for ``topic`` in ``district`` from ``rules`` (``rule_key`` -> department):
    topic and district, topic in any district, any topic in the district, then any/any."""
    candidates = [rule_key(topic, district)] if district else []
    candidates += [rule_key(topic, None)]
    candidates += [rule_key(None, district)] if district else []
    candidates += [rule_key(None, None)]
    return next((rules[key] for key in candidates if key in rules), None)


@dataclass(frozen=True)
class Deadlines:
    respond_by: datetime
    resolve_by: datetime


def deadlines(created_at: datetime, respond_hours: int, resolve_hours: int) -> Deadlines:
    """The response and resolution deadlines of a complaint filed at ``created_at`` (the
    resolution never before the response)."""
    respond_by = created_at + timedelta(hours=respond_hours)
    return Deadlines(respond_by, max(respond_by, created_at + timedelta(hours=resolve_hours)))


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    NEARING = "nearing"
    OVERDUE = "overdue"


def warning_window(start: datetime | None, deadline: datetime, warn_before: timedelta) -> timedelta:
    """How long before ``deadline`` it is "nearing": ``warn_before``, but never more than a quarter
    of the time allowed since ``start`` (a 4-hour deadline is not flagged from its first minute)."""
    if start is None or deadline <= start:
        return warn_before
    return min(warn_before, (deadline - start) / 4)


def deadline_state(
    now: datetime,
    due: Deadlines,
    *,
    responded: bool,
    resolved: bool,
    warn_before: timedelta,
    start: datetime | None = None,
) -> DeadlineState:
    """Where a complaint stands against the deadline that still applies (the response until it is
    responded to, then the resolution; none once resolved). ``start``: when it was filed."""
    if resolved:
        return DeadlineState.ON_TIME
    deadline = due.resolve_by if responded else due.respond_by
    if now > deadline:
        return DeadlineState.OVERDUE
    if now >= deadline - warning_window(start, deadline, warn_before):
        return DeadlineState.NEARING
    return DeadlineState.ON_TIME
