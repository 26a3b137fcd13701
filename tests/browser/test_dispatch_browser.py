"""A real browser (Playwright with Debian's Chromium): a supervisor edits a routing rule in the
console (the next report goes where the rule says), and the complaints queue shows an escalated
report (its deadline passed with an injected clock) in red with its "escalated" marker."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from actions import dispatch
from actions.staff_accounts import add_staff
from storage.models import ComplaintTopic, StaffRole
from storage.repositories import StaffExists
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of
from tests.staff.helpers import file_complaint

pytestmark = pytest.mark.browser

PASSWORD = "browser test password"


async def test_supervisor_edits_a_rule_and_sees_an_escalation_in_red(
    bare_app: RunningApp, chromium: Browser, screenshots: Path
) -> None:
    base = bare_app.base_url
    services = services_of(bare_app)
    await dispatch.ensure_defaults(services)
    with contextlib.suppress(StaffExists):
        await add_staff(
            services.repos,
            username="rita",
            password=PASSWORD,
            role=StaffRole.SUPERVISOR,
            display_name="Rita Routing",
            now=datetime.now(UTC),
        )
    context = await chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = await context.new_page()
    await page.goto(f"{base}/staff/departments")
    await page.fill("input[name=username]", "rita")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form#login button[type=submit]")
    await expect(page.get_by_role("heading", name="Routing rules")).to_be_visible()

    # Window service complaints go to the vehicle management office by default: send them to the
    # citizen service centre instead, from the rule's own row.
    rule = page.locator("tr[data-rule='window_service:*']")
    await expect(rule.locator("select")).to_have_value("vmo")
    await rule.locator("select").select_option(label="Citizen service centre")
    await rule.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Routing rule saved.")).to_be_visible()
    await expect(page.locator("tr[data-rule='window_service:*'] select")).to_have_value("service")

    complaint = await file_complaint(
        bare_app,
        DEMO_IDENTITIES[4],
        description="The window clerk left for an hour at noon.",
        topic=ComplaintTopic.WINDOW_SERVICE,
    )
    assert complaint.department == "service"
    report = await dispatch.check_deadlines(services, now=complaint.acknowledge_by + timedelta(minutes=5))
    assert complaint.ticket_id in report.escalated

    await page.goto(f"{base}/staff/complaints?department=service")
    row = page.locator(f"tr[data-ticket='{complaint.ticket_id}']")
    await expect(row).to_be_visible()
    await expect(row).to_have_class("late escalated")
    await expect(row.locator(".badge.escalated")).to_have_text("Escalated")
    background = await row.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")
    red, green, blue = (int(v) for v in background.removeprefix("rgb(").rstrip(")").split(",")[:3])
    assert red > 200 and red > green + 20 and red > blue + 20, background  # red
    await page.screenshot(path=str(screenshots / "staff-dispatch-escalated.png"), full_page=True)
    # Put the rule back for the other tests of the session.
    await dispatch.set_rule(services, ComplaintTopic.WINDOW_SERVICE, None, "vmo", "rita")
    await context.close()
