"""Dispatch: every complaint goes to the department that owns it, and its deadlines act.

* ``route``: a new complaint's district (from its place, ``core.dispatch.district_of``) and
  department (the routing rules, ``core.dispatch.choose``); its promised dates are set from the
  topic's deadlines (COMPLAINT_DEADLINES). Once per complaint: recorded in its history.
* ``reroute``: staff move a complaint to another department with a reason (kept in its history).
* ``set_rule`` / ``delete_rule``: a supervisor edits the routing rules in the console.
* ``check_deadlines``: the periodic job (push workers' housekeeping, every
  COMPLAINT_DEADLINE_CHECK_INTERVAL, once across workers): routes what is not routed yet, flags a
  complaint nearing its deadline (COMPLAINT_DEADLINE_WARNING before it) and escalates one past
  it to its department's supervisor. ``now`` is injectable (tests pass time).
* ``is_late``: answered after the deadline; the citizen's notification then says so
  (``actions.complaints.staff``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import structlog

from actions.services import Services
from core.dispatch import Deadlines, DeadlineState, choose, deadline_state, deadlines, district_of, rule_key
from storage.data.dispatch import default_departments, default_rules, district_radius_m, districts
from storage.models import Complaint, ComplaintEvent, ComplaintStatus, ComplaintTopic, Department, RoutingRule

log = structlog.get_logger(__name__)

FALLBACK_DEPARTMENT = "service"


class DispatchError(Exception):
    """``code``: "not_found", "no_department", "same_department" or "empty_reason"."""

    def __init__(self, code: Literal["not_found", "no_department", "same_department", "empty_reason"]) -> None:
        super().__init__(code)
        self.code = code


async def ensure_defaults(services: Services) -> None:
    """The default departments and routing rules, where none are stored yet (idempotent)."""
    now = services.clock()
    if not await services.repos.departments.all():
        await services.repos.departments.ensure(default_departments(now))
    if not await services.repos.routing_rules.all():
        await services.repos.routing_rules.ensure(default_rules(now))


def complaint_deadlines(services: Services, complaint: Complaint) -> Deadlines:
    respond, resolve = services.settings.complaint_deadline_hours(complaint.topic.value)
    return deadlines(complaint.created_at, respond, resolve)


def stored_deadlines(complaint: Complaint) -> Deadlines:
    return Deadlines(complaint.acknowledge_by, complaint.answer_by)


def responded(complaint: Complaint) -> bool:
    """Staff have acted on it: a status beyond "new", or a reply."""
    return complaint.status != ComplaintStatus.NEW or any(e.action == "reply" for e in complaint.history)


def state(services: Services, complaint: Complaint, now: datetime) -> DeadlineState:
    return deadline_state(
        now,
        stored_deadlines(complaint),
        responded=responded(complaint),
        resolved=complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED),
        warn_before=timedelta(seconds=services.settings.complaint_deadline_warning),
        start=complaint.created_at,
    )


def is_late(complaint: Complaint, now: datetime) -> bool:
    """Answered after the promised date (the response one while it was new, else the resolution)."""
    return now > (complaint.answer_by if responded(complaint) else complaint.acknowledge_by)


async def rule_table(services: Services) -> dict[str, str]:
    return {r.id: r.department for r in await services.repos.routing_rules.all()}


async def route(services: Services, complaint: Complaint) -> Complaint:
    """Dispatch a complaint that has no department yet (else it is returned as it is)."""
    if complaint.department is not None:
        return complaint
    table = await rule_table(services)
    if not table:  # a new installation: the default departments and rules first
        await ensure_defaults(services)
        table = await rule_table(services)
    district = district_of(complaint.place_text, complaint.location, districts(), district_radius_m())
    department = choose(table, complaint.topic.value, district) or FALLBACK_DEPARTMENT
    due = complaint_deadlines(services, complaint)
    event = ComplaintEvent(at=services.clock(), actor="system", action="dispatched", department=department)
    routed = await services.repos.dispatch.assign(
        complaint.ticket_id,
        department=department,
        district=district,
        acknowledge_by=due.respond_by,
        answer_by=due.resolve_by,
        event=event,
    )
    if routed is None:  # routed meanwhile (another process)
        return await services.repos.complaints.by_ticket(complaint.ticket_id) or complaint
    log.info("complaint dispatched", ticket=complaint.ticket_id, department=department, district=district)
    return routed


async def reroute(services: Services, ticket_id: str, department: str, actor: str, reason: str) -> Complaint:
    """Move a complaint to ``department`` with a reason (history: "rerouted", the reason)."""
    reason = reason.strip()
    if not reason:
        raise DispatchError("empty_reason")
    complaint = await services.repos.complaints.by_ticket(ticket_id)
    if complaint is None:
        raise DispatchError("not_found")
    if await services.repos.departments.by_id(department) is None:
        raise DispatchError("no_department")
    if complaint.department == department:
        raise DispatchError("same_department")
    event = ComplaintEvent(at=services.clock(), actor=actor, action="rerouted", text=reason, department=department)
    moved = await services.repos.dispatch.reroute(
        ticket_id, department=department, expected=complaint.department, event=event
    )
    if moved is None:
        raise DispatchError("same_department")  # re-routed by someone else just now
    return moved


async def set_rule(
    services: Services, topic: ComplaintTopic | None, district: str | None, department: str, actor: str
) -> RoutingRule:
    """Add or change the rule for (topic, district)."""
    if await services.repos.departments.by_id(department) is None:
        raise DispatchError("no_department")
    rule = RoutingRule(
        id=rule_key(topic.value if topic else None, district),
        topic=topic,
        district=district,
        department=department,
        updated_by=actor,
        updated_at=services.clock(),
    )
    await services.repos.routing_rules.put(rule)
    return rule


async def delete_rule(services: Services, rule_id: str) -> bool:
    return await services.repos.routing_rules.delete(rule_id)


async def set_supervisor(services: Services, department: str, username: str | None) -> bool:
    return await services.repos.departments.set_supervisor(department, username or None)


async def set_staff_department(services: Services, username: str, department: str | None) -> bool:
    """Put a staff account in a department (None: none; they then see every queue). False: no
    such account. Raises DispatchError("no_department") for an unknown department."""
    if department and await services.repos.departments.by_id(department) is None:
        raise DispatchError("no_department")
    return await services.repos.staff.set_department(username, department or None)


async def departments(services: Services) -> list[Department]:
    """Every department (the defaults are stored first on a new installation)."""
    found = await services.repos.departments.all()
    if not found:
        await ensure_defaults(services)
        found = await services.repos.departments.all()
    return found


@dataclass
class DeadlineReport:
    routed: int = 0
    warned: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)


async def check_deadlines(services: Services, now: datetime | None = None) -> DeadlineReport:
    """Route what is unrouted, flag what nears a deadline, escalate what is past one."""
    now = now or services.clock()
    report = DeadlineReport()
    for complaint in await services.repos.dispatch.unrouted():
        await route(services, complaint)
        report.routed += 1
    heads = {d.id: d.supervisor for d in await services.repos.departments.all()}
    for complaint in await services.repos.dispatch.open_complaints():
        where = state(services, complaint, now)
        if where == DeadlineState.OVERDUE:
            to = heads.get(complaint.department or "")
            event = ComplaintEvent(at=now, actor="system", action="escalated", text=to)
            if await services.repos.dispatch.mark_escalated(complaint.ticket_id, to, event) is not None:
                report.escalated.append(complaint.ticket_id)
                log.warning("complaint escalated", ticket=complaint.ticket_id, department=complaint.department, to=to)
        elif where == DeadlineState.NEARING and complaint.deadline_warned_at is None:
            event = ComplaintEvent(at=now, actor="system", action="deadline_near")
            if await services.repos.dispatch.mark_warned(complaint.ticket_id, event) is not None:
                report.warned.append(complaint.ticket_id)
    return report


async def check_deadlines_if_due(services: Services) -> DeadlineReport | None:
    """``check_deadlines`` at most once per COMPLAINT_DEADLINE_CHECK_INTERVAL across processes."""
    interval = services.settings.complaint_deadline_check_interval
    if not await services.redis.set(services.keys("dispatch", "deadlines"), "1", nx=True, ex=interval):
        return None
    return await check_deadlines(services)
