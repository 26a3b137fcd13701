"""Dispatch in the console: departments and their routing rules (a supervisor edits them), the
department a complaint is in (staff re-route it with a reason), which queue a staff member sees
(their department's; a supervisor every one), and escalations (red, marked "escalated").

The changes are actions/dispatch.py's; names come from the departments' records (both languages)
and the districts' reference data; every other word from locales/*/dispatch.ftl.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from actions import dispatch
from core.dispatch import DeadlineState
from staff.http import me, redirect, render, requires, runtime, translator, ui_lang
from storage.data.dispatch import district_names
from storage.models import Complaint, ComplaintTopic, StaffRole, StaffUser


def queue_department(user: StaffUser, asked: str | None) -> str | None:
    """The department whose complaints ``user`` sees: an agent with a department, theirs; a
    supervisor (or an agent without one) the one asked for, or every one (None)."""
    if user.role == StaffRole.AGENT and user.department:
        return user.department
    return asked or None


async def context(request: web.Request, complaints: list[Complaint]) -> dict[str, Any]:
    """What the complaint pages show about dispatch: department and district names, each
    complaint's deadline state ("escalated", "nearing", "overdue" or "")."""
    services = runtime(request).services
    lang = ui_lang(request)
    depts = {d.id: d for d in await dispatch.departments(services)}
    districts = district_names()
    now = services.clock()
    t = translator(request)

    def dept_name(department_id: str | None) -> str:
        found = depts.get(department_id or "")
        return found.name.get(lang) if found is not None else str(t("dispatch-unassigned"))

    def district_name(district_id: str | None) -> str:
        found = districts.get(district_id or "")
        return found.get(lang) if found is not None else str(t("dispatch-any-district"))

    def flag(c: Complaint) -> str:
        if c.escalated_at is not None and c.status.value not in ("resolved", "closed"):
            return "escalated"
        where = dispatch.state(services, c, now)
        return "nearing" if where == DeadlineState.NEARING else ("overdue" if where == DeadlineState.OVERDUE else "")

    return {
        "departments": list(depts.values()),
        "dept_name": dept_name,
        "district_name": district_name,
        "dispatch_flag": {c.ticket_id: flag(c) for c in complaints},
    }


def _topic(value: str) -> ComplaintTopic | None:
    return ComplaintTopic(value) if value in {t.value for t in ComplaintTopic} else None


def setup(router: web.UrlDispatcher) -> None:
    """Register the dispatch pages on the staff app."""

    @requires(StaffRole.SUPERVISOR)
    async def departments_page(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        rules = await services.repos.routing_rules.all()
        staff = await services.repos.staff.list_all()
        members: dict[str, list[StaffUser]] = {}
        for user in staff:
            if user.department:
                members.setdefault(user.department, []).append(user)
        extra = await context(request, [])
        return render(
            request,
            "departments.html",
            rules=rules,
            members=members,
            staff=[u for u in staff if not u.disabled],
            topics=list(ComplaintTopic),
            districts=district_names(),
            **extra,
        )

    @requires(StaffRole.SUPERVISOR)
    async def save_rule(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        form = await request.post()
        t = translator(request)
        topic = _topic(str(form.get("topic", "")))
        district = str(form.get("district", "")) or None
        if district is not None and district not in district_names():
            raise redirect("/staff/departments", t("dispatch-error-no-department"))
        try:
            await dispatch.set_rule(services, topic, district, str(form.get("department", "")), me(request).username)
        except dispatch.DispatchError as exc:
            raise redirect("/staff/departments", t(f"dispatch-error-{exc.code.replace('_', '-')}")) from None
        raise redirect("/staff/departments", t("dispatch-rule-saved"))

    @requires(StaffRole.SUPERVISOR)
    async def delete_rule(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        await dispatch.delete_rule(services, request.match_info["id"])
        raise redirect("/staff/departments", translator(request)("dispatch-rule-deleted"))

    @requires(StaffRole.SUPERVISOR)
    async def save_supervisor(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        form = await request.post()
        username = str(form.get("supervisor", "")) or None
        t = translator(request)
        if username is not None and await services.repos.staff.by_username(username) is None:
            raise redirect("/staff/departments", t("dispatch-error-no-staff"))
        if not await dispatch.set_supervisor(services, request.match_info["id"], username):
            raise redirect("/staff/departments", t("dispatch-error-no-department"))
        raise redirect("/staff/departments", t("dispatch-supervisor-saved"))

    @requires(StaffRole.SUPERVISOR)
    async def save_member(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        form = await request.post()
        t = translator(request)
        try:
            found = await dispatch.set_staff_department(
                services, request.match_info["username"], str(form.get("department", "")) or None
            )
        except dispatch.DispatchError:
            raise redirect("/staff/departments", t("dispatch-error-no-department")) from None
        raise redirect("/staff/departments", t("dispatch-member-saved" if found else "dispatch-error-no-staff"))

    @requires(StaffRole.AGENT)
    async def reroute(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        ticket = request.match_info["ticket"]
        form = await request.post()
        t = translator(request)
        back = f"/staff/complaints/{ticket}"
        try:
            await dispatch.reroute(
                services, ticket, str(form.get("department", "")), me(request).username, str(form.get("reason", ""))
            )
        except dispatch.DispatchError as exc:
            if exc.code == "not_found":
                raise web.HTTPNotFound(text="no such complaint") from None
            raise redirect(back, t(f"dispatch-error-{exc.code.replace('_', '-')}")) from None
        raise redirect(back, t("dispatch-rerouted"))

    router.add_get("/departments", departments_page)
    router.add_post("/departments/rules", save_rule)
    router.add_post("/departments/rules/{id}/delete", delete_rule)
    router.add_post("/departments/{id}/supervisor", save_supervisor)
    router.add_post("/departments/members/{username}", save_member)
    router.add_post("/complaints/{ticket}/reroute", reroute)


__all__ = ["context", "queue_department", "setup"]
