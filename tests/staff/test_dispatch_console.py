"""Dispatch end to end through the actions and the console over HTTP: a report lands in its
department's queue (an agent of another department does not see it), staff re-route it with a
reason kept in its history, a supervisor edits a routing rule, and a deadline passing (injected
clock) escalates it: red, marked "escalated", to the department's supervisor."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from actions import dispatch
from actions.staff_accounts import add_staff
from storage.models import ComplaintTopic, StaffRole
from storage.repositories import StaffExists
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of
from tests.staff.conftest import PASSWORD, StaffClient
from tests.staff.helpers import file_complaint


async def department_agents(app: RunningApp) -> None:
    services = services_of(app)
    await dispatch.ensure_defaults(services)
    for username, department in (("pat", "signals"), ("quinn", "parking")):
        with contextlib.suppress(StaffExists):
            await add_staff(
                services.repos,
                username=username,
                password=PASSWORD,
                role=StaffRole.AGENT,
                display_name=username.title(),
                now=datetime.now(UTC),
                department=department,
            )


def row(html: str, ticket: str) -> tuple[set[str], str]:
    """A complaint's row in the queue: its classes and its cells."""
    found = re.search(rf'<tr class="([^"]*)" data-ticket="{ticket}">(.*?)</tr>', html, re.DOTALL)
    assert found is not None, f"{ticket} not in the queue"
    return set(found.group(1).split()), found.group(2)


async def test_routing_rerouting_and_escalation_in_the_console(
    make_staff: Callable[..., StaffClient], staff_app: RunningApp
) -> None:
    services = services_of(staff_app)
    await department_agents(staff_app)
    complaint = await file_complaint(
        staff_app,
        DEMO_IDENTITIES[5],
        description="The signal at the crossing is dark.",
        topic=ComplaintTopic.ROAD_FACILITIES,
    )
    ticket = complaint.ticket_id
    assert complaint.department == "signals"
    pat, quinn, sue = make_staff(), make_staff(), make_staff()
    for client, name in ((pat, "pat"), (quinn, "quinn"), (sue, "sue")):
        assert (await client.sign_in(name)).status == 200

    # Each agent sees their department's queue only.
    mine = await (await pat.get("/staff/complaints")).text()
    assert ticket in mine and "Your department's queue: Signals and signage" in mine
    assert ticket not in await (await quinn.get("/staff/complaints")).text()
    assert ticket in await (await sue.get("/staff/complaints?department=signals")).text()
    assert ticket not in await (await sue.get("/staff/complaints?department=parking")).text()

    # Re-routing needs a reason; then it moves, and the history keeps who, where and why.
    refused = await pat.post(f"/staff/complaints/{ticket}/reroute", {"department": "parking", "reason": " "})
    assert refused.status == 303 and "re-routed" in (refused.headers["Location"] or "")
    moved = await pat.post(
        f"/staff/complaints/{ticket}/reroute", {"department": "parking", "reason": "Cars block the signal box"}
    )
    assert moved.status == 303
    assert ticket not in await (await pat.get("/staff/complaints")).text()
    assert ticket in await (await quinn.get("/staff/complaints")).text()
    page = await (await quinn.get(f"/staff/complaints/{ticket}")).text()
    assert "re-routed" in page and "Cars block the signal box" in page and "Parking enforcement" in page
    stored = await services.repos.complaints.by_ticket(ticket)
    assert stored is not None and stored.department == "parking" and stored.history[-1].actor == "pat"

    # Only a supervisor edits the rules.
    assert (await pat.get("/staff/departments")).status == 403
    rules = await (await sue.get("/staff/departments")).text()
    title = re.search(r"<title>(.*?)</title>", rules, re.DOTALL)
    assert title is not None and "<" not in title.group(1)  # the page's title is words, not the staff table
    assert rules.count('id="members"') == 1
    assert "Routing rules" in rules and "Xicheng traffic police brigade" in rules
    saved = await sue.post(
        "/staff/departments/rules", {"topic": "road_facilities", "district": "xicheng", "department": "roadworks"}
    )
    assert saved.status == 303 and "Routing%20rule%20saved" in saved.headers["Location"]
    assert {r.id: r.department for r in await services.repos.routing_rules.all()}[
        "road_facilities:xicheng"
    ] == "roadworks"
    # A supervisor puts an account in a department; the page shows who works where.
    assert 'id="member-pat"' in rules and "Signals and signage" in rules
    placed = await sue.post("/staff/departments/members/locky", {"department": "roadworks"})
    assert placed.status == 303 and "Department%20saved" in placed.headers["Location"]
    locky = await services.repos.staff.by_username("locky")
    assert locky is not None and locky.department == "roadworks"
    refused_member = await sue.post("/staff/departments/members/locky", {"department": "nowhere"})
    assert "Department%20saved" not in refused_member.headers["Location"]
    assert (await sue.post("/staff/departments/members/locky", {"department": ""})).status == 303
    assert (await pat.post("/staff/departments/members/pat", {"department": ""})).status == 403
    bad = await sue.post("/staff/departments/rules", {"topic": "", "district": "", "department": "nowhere"})
    assert bad.status == 303 and "Routing%20rule%20saved" not in bad.headers["Location"]

    # The deadline passes (injected clock): escalated to parking's supervisor, red in the queue.
    assert (await sue.post("/staff/departments/parking/supervisor", {"supervisor": "sue"})).status == 303
    late = stored.acknowledge_by + timedelta(minutes=1)
    report = await dispatch.check_deadlines(services, now=late)
    assert ticket in report.escalated
    escalated = await services.repos.complaints.by_ticket(ticket)
    assert escalated is not None and escalated.escalated_to == "sue"
    listing = await (await sue.get("/staff/complaints?department=parking")).text()
    classes, cells = row(listing, ticket)
    assert {"late", "escalated"} <= classes and '<span class="badge escalated">Escalated</span>' in cells
    detail = await (await sue.get(f"/staff/complaints/{ticket}")).text()
    assert "badge escalated" in detail and "escalated past its deadline" in detail
    # In Chinese too.
    zh = make_staff()
    await zh.sign_in("sue")
    await zh.get("/staff/lang?to=zh")
    assert "已升级" in await (await zh.get(f"/staff/complaints/{ticket}")).text()


async def test_a_report_without_an_identity_shows_who_can_be_answered_and_its_followers(
    make_staff: Callable[..., StaffClient], staff_app: RunningApp
) -> None:
    """Filed with a verified phone (no ID number): the console shows the phone masked, never whole;
    an anonymous one says so; the "+1"s are counted."""
    services = services_of(staff_app)
    phoned = await file_complaint(staff_app, DEMO_IDENTITIES[5], description="Signal dark at the crossing.")
    anonymous = await file_complaint(staff_app, DEMO_IDENTITIES[5], description="Van on the pavement.")
    collection = services.repos.complaints.collection
    follower = {"key": "u:abc", "chat_id": 5, "language": "en", "at": datetime.now(UTC)}
    await collection.update_one(
        {"_id": phoned.ticket_id},
        {"$set": {"citizen_id_number": None, "contact_phone": "13812345678", "followers": [follower]}},
    )
    await collection.update_one({"_id": anonymous.ticket_id}, {"$set": {"citizen_id_number": None, "anonymous": True}})
    sue = make_staff()
    assert (await sue.sign_in("sue")).status == 200
    page = await (await sue.get(f"/staff/complaints/{phoned.ticket_id}")).text()
    assert "13812345678" not in page and "138****5678" in page and "1 other person follows" in page
    page = await (await sue.get(f"/staff/complaints/{anonymous.ticket_id}")).text()
    assert "reported anonymously" in page
