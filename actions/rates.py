"""The 12345 figures (issue 15): response, resolution and satisfaction rates of the complaints per
department (or topic) and district, by week and month, beside the handoff desk's figures.

A report counts in the period (ISO week or calendar month, in the bureau's local time) in which it
was **filed** (``created_at``). Every figure is computed as of ``now``:

- **response rate** = reports answered within the response deadline / reports due.
  A report is *answered* at its first response: the first history event that is a reply to the
  citizen (``reply``) or a status change away from ``new`` (acknowledged, in progress, resolved,
  closed). It is *due* once it is answered or its response deadline (``acknowledge_by``) has
  passed (``acknowledge_by <= now``); it is *answered in time* when the first response came at or
  before ``acknowledge_by``. A report neither answered nor past its deadline is not counted yet.
- **resolution rate** = reports resolved / reports closed-or-due.
  A report is *resolved* when it was ever set to ``resolved`` (a later ``closed`` keeps it
  resolved); it is *closed-or-due* when its status is ``resolved`` or ``closed``, or its
  resolution deadline (``answer_by``) has passed. A report closed without being resolved counts in
  the denominator only.
- **satisfaction rate** = reports rated 4 or 5 / reports rated (ratings are 1 to 5).

A rate with a zero denominator is ``None`` (shown as "—"), never 0 %.

Groups: the report's ``department`` when the report has one, else its topic; its ``district``
when it has one (dispatch sets it), else the district of its place (``core.dispatch.district_of``:
a district named in the place text, else the nearest district centre), else "unknown".

The desk's figures over the same periods (handoffs by ``created_at``): the number of conversations
answered by a person, the median and 90th percentile first response time (from the start of the
wait to the agent's first message), and **CSAT** = handoffs rated 4 or 5 / handoffs rated.

"Task of the Month" candidates: the month's largest complaint clusters
(``repos.complaints.clusters``, the staff overview's grouping) with their size the month before.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from statistics import median

from actions.services import Services
from core import dispatch as dispatch_rules
from core.dates import LOCAL_TZ
from storage.data import dispatch as dispatch_data
from storage.models import Complaint, ComplaintStatus, ComplaintTopic, Handoff, TrackedTask

UNKNOWN = ""  # the group of reports without a district (shown as "unknown")


class Granularity(StrEnum):
    WEEK = "week"
    MONTH = "month"


class GroupBy(StrEnum):
    DEPARTMENT = "department"  # the department, or the topic when the report has none
    DISTRICT = "district"


# --- one report ------------------------------------------------------------------------------------


def first_response_at(complaint: Complaint) -> datetime | None:
    """When the report was first answered: a reply, or a status change away from ``new``."""
    times = [
        e.at
        for e in complaint.history
        if e.action == "reply"
        or (e.action == "status_changed" and e.status is not None and e.status != ComplaintStatus.NEW)
    ]
    return min(times) if times else None


def was_resolved(complaint: Complaint) -> bool:
    return complaint.status == ComplaintStatus.RESOLVED or any(
        e.action == "status_changed" and e.status == ComplaintStatus.RESOLVED for e in complaint.history
    )


def district_of_place(complaint: Complaint) -> str:
    """The district a report's place is in (core.dispatch: a district named in the text, else the
    nearest district centre), or "" when it tells none."""
    return (
        dispatch_rules.district_of(
            complaint.place_text, complaint.location, dispatch_data.districts(), dispatch_data.district_radius_m()
        )
        or UNKNOWN
    )


def department_key(complaint: Complaint) -> tuple[str, str]:
    """("department", its id) when the report has a department, else ("topic", the topic)."""
    if complaint.department:
        return "department", complaint.department
    return "topic", complaint.topic.value


def district_key(complaint: Complaint) -> str:
    """The report's district (set by dispatch), else the district of its place, else ""."""
    return complaint.district or district_of_place(complaint)


def period_key(at: datetime, granularity: Granularity) -> str:
    """ "2026-W48" (ISO week) or "2026-11", of the bureau's local date of ``at``."""
    day = at.astimezone(LOCAL_TZ).date()
    if granularity == Granularity.MONTH:
        return f"{day:%Y-%m}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Counts:
    """The counts behind the three rates (see the module's docstring)."""

    reports: int = 0
    due: int = 0
    answered_in_time: int = 0
    closed_or_due: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0

    def add(self, complaint: Complaint, now: datetime) -> None:
        self.reports += 1
        answered = first_response_at(complaint)
        if answered is not None or complaint.acknowledge_by <= now:
            self.due += 1
            if answered is not None and answered <= complaint.acknowledge_by:
                self.answered_in_time += 1
        done = complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
        if done or complaint.answer_by <= now:
            self.closed_or_due += 1
            if was_resolved(complaint):
                self.resolved += 1
        if complaint.rating is not None:
            self.rated += 1
            if complaint.rating >= 4:
                self.satisfied += 1

    @property
    def response_rate(self) -> float | None:
        return self.answered_in_time / self.due if self.due else None

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved / self.closed_or_due if self.closed_or_due else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


@dataclass(frozen=True)
class Row:
    period: str
    kind: str  # "all", "department", "topic" or "district"
    key: str  # the department id, topic or district ("" for all, or an unknown district)
    counts: Counts


def tabulate(complaints: Iterable[Complaint], now: datetime, granularity: Granularity, group_by: GroupBy) -> list[Row]:
    """Rows per period (oldest first): the period's total, then each group (most reports first)."""
    totals: dict[str, Counts] = {}
    groups: dict[tuple[str, str, str], Counts] = {}
    for complaint in complaints:
        period = period_key(complaint.created_at, granularity)
        if group_by == GroupBy.DEPARTMENT:
            kind, key = department_key(complaint)
        else:
            kind, key = "district", district_key(complaint)
        totals.setdefault(period, Counts()).add(complaint, now)
        groups.setdefault((period, kind, key), Counts()).add(complaint, now)
    rows: list[Row] = []
    for period in sorted(totals):
        rows.append(Row(period, "all", "", totals[period]))
        mine = [(k, c) for k, c in groups.items() if k[0] == period]
        mine.sort(key=lambda item: (-item[1].reports, item[0][1], item[0][2]))
        rows.extend(Row(period, kind, key, counts) for (_, kind, key), counts in mine)
    return rows


# --- the desk ------------------------------------------------------------------------------------------


@dataclass
class DeskFigures:
    period: str
    conversations: int = 0  # answered by a person
    first_response_seconds: list[float] = field(default_factory=list)
    rated: int = 0
    satisfied: int = 0

    @property
    def median_first_response(self) -> float | None:
        return median(self.first_response_seconds) if self.first_response_seconds else None

    @property
    def p90_first_response(self) -> float | None:
        values = sorted(self.first_response_seconds)
        if not values:
            return None
        return values[min(len(values) - 1, max(0, -(-len(values) * 9 // 10) - 1))]

    @property
    def csat(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def desk_figures(handoffs: Iterable[Handoff], granularity: Granularity) -> list[DeskFigures]:
    by_period: dict[str, DeskFigures] = {}
    for handoff in handoffs:
        period = period_key(handoff.created_at, granularity)
        figures = by_period.setdefault(period, DeskFigures(period))
        if handoff.first_response_at is not None:
            figures.conversations += 1
            start = handoff.waiting_since or handoff.created_at
            figures.first_response_seconds.append(max(0.0, (handoff.first_response_at - start).total_seconds()))
        if handoff.rating is not None:
            figures.rated += 1
            if handoff.rating >= 4:
                figures.satisfied += 1
    return [by_period[p] for p in sorted(by_period)]


# --- Task of the Month ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    cluster_id: str
    topic: ComplaintTopic
    place_text: str | None
    size: int  # reports this month
    previous: int  # reports of the same cluster the month before

    @property
    def trend(self) -> int:
        return self.size - self.previous


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first moment of ``month`` and of the next one, in the bureau's local time."""
    start = datetime.combine(month.replace(day=1), time(), LOCAL_TZ)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, datetime.combine(following, time(), LOCAL_TZ)


def candidates_from(complaints: Iterable[Complaint], month: date, *, limit: int = 5) -> list[Candidate]:
    """The month's largest clusters (2+ reports that month), with the count of the month before."""
    start, end = month_bounds(month)
    previous_start, _ = month_bounds(start.date() - timedelta(days=1))
    now_count: dict[str, int] = {}
    before_count: dict[str, int] = {}
    first: dict[str, Complaint] = {}
    for c in complaints:
        if not c.cluster_id:
            continue
        if start <= c.created_at < end:
            now_count[c.cluster_id] = now_count.get(c.cluster_id, 0) + 1
            first.setdefault(c.cluster_id, c)
        elif previous_start <= c.created_at < start:
            before_count[c.cluster_id] = before_count.get(c.cluster_id, 0) + 1
    ranked = sorted((cid for cid, n in now_count.items() if n >= 2), key=lambda cid: (-now_count[cid], cid))
    return [
        Candidate(cid, first[cid].topic, first[cid].place_text, now_count[cid], before_count.get(cid, 0))
        for cid in ranked[:limit]
    ]


async def promote(services: Services, cluster_id: str, month: date, actor: str) -> TrackedTask | None:
    """A supervisor makes a cluster of ``month`` a tracked "Task of the Month" (once per month);
    None when it is not one of that month's clusters or was promoted already."""
    previous_start, _ = month_bounds(month - timedelta(days=1))
    _, month_end = month_bounds(month)
    clustered = await services.repos.rates.clustered_between(previous_start, month_end)
    found = next((c for c in candidates_from(clustered, month, limit=1000) if c.cluster_id == cluster_id), None)
    if found is None:
        return None
    task = TrackedTask(
        id=f"{month:%Y-%m}:{cluster_id}",
        month=f"{month:%Y-%m}",
        cluster_id=cluster_id,
        topic=found.topic,
        place_text=found.place_text,
        size=found.size,
        previous=found.previous,
        promoted_by=actor,
        promoted_at=services.clock(),
    )
    return task if await services.repos.rates.add_task(task) else None


# --- the dashboard ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    start: date
    end: date  # inclusive
    granularity: Granularity
    group_by: GroupBy
    rows: list[Row]
    desk: list[DeskFigures]
    candidates: list[Candidate]
    month: date  # the month of the candidates (the last month of the range)


def local_start(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL_TZ)


async def dashboard(
    services: Services, start: date, end: date, granularity: Granularity, group_by: GroupBy
) -> Dashboard:
    """The figures of the reports and conversations started from ``start`` to ``end`` (local dates,
    inclusive), and the Task of the Month candidates of ``end``'s month."""
    now = services.clock()
    since, until = local_start(start), local_start(end + timedelta(days=1))
    complaints = await services.repos.rates.complaints_between(since, until)
    handoffs = await services.repos.rates.handoffs_between(since, until)
    month = end.replace(day=1)
    previous_start, _ = month_bounds(month - timedelta(days=1))
    _, month_end = month_bounds(month)
    clustered = await services.repos.rates.clustered_between(previous_start, month_end)
    return Dashboard(
        start=start,
        end=end,
        granularity=granularity,
        group_by=group_by,
        rows=tabulate(complaints, now, granularity, group_by),
        desk=desk_figures(handoffs, granularity),
        candidates=candidates_from(clustered, month),
        month=month,
    )


def percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}"


CSV_COLUMNS = (
    "period",
    "group_kind",
    "group",
    "reports",
    "due",
    "answered_in_time",
    "response_rate_pct",
    "closed_or_due",
    "resolved",
    "resolution_rate_pct",
    "rated",
    "satisfied",
    "satisfaction_rate_pct",
)


def to_csv(rows: list[Row], label: dict[tuple[str, str], str]) -> str:
    """The rows as CSV (UTF-8, a header line; rates in percent with one decimal, empty when there
    is nothing to divide by). ``label``: (kind, key) -> the group's name as the reader sees it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        c = row.counts
        writer.writerow(
            [
                row.period,
                row.kind,
                label.get((row.kind, row.key), row.key),
                c.reports,
                c.due,
                c.answered_in_time,
                percent(c.response_rate),
                c.closed_or_due,
                c.resolved,
                percent(c.resolution_rate),
                c.rated,
                c.satisfied,
                percent(c.satisfaction_rate),
            ]
        )
    return out.getvalue()
