"""Violation appeals decided in the staff console by a real browser: a citizen files two appeals in
the sandbox chat (one with a photo), an agent sees them in the Appeals work queue with the reason
and the photo, accepts one (the violation is cancelled) and rejects the other with a reason; the
citizen is told each decision in the chat, and a rejection without a reason is refused."""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from actions.staff_accounts import add_staff
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import (
    AppealState,
    Bilingual,
    NotificationPreferences,
    StaffRole,
    Violation,
    ViolationSource,
    ViolationStatus,
)
from storage.repositories import StaffExists
from storage.seed import study_and_appeal_demo
from tests.conftest import RunningApp, bind_directly, services_of
from tests.staff.helpers import png

pytestmark = pytest.mark.browser

PASSWORD = "appeals browser password"


@pytest.fixture(scope="module")
async def console_app(bare_app: RunningApp) -> RunningApp:
    with contextlib.suppress(StaffExists):
        await add_staff(
            services_of(bare_app).repos,
            username="ling",
            password=PASSWORD,
            role=StaffRole.AGENT,
            display_name="Ling Zhou",
            now=datetime.now(UTC),
        )
    return bare_app


async def _violation(app: RunningApp, plate: str, street: str) -> Violation:
    v = Violation(
        plate=plate,
        occurred_at=datetime.now(UTC) - timedelta(minutes=30),
        place=Bilingual(en=f"{street} Harbour Rd", zh=f"港湾路{street}号"),
        code="1039",
        behaviour=Bilingual(en="Parking where it is not allowed", zh="违反规定停放"),
        fine_yuan=200,
        points=0,
        source=ViolationSource.CAMERA,
        recorded_by="CAM-BROWSER-1",
    )
    await services_of(app).repos.violations.insert(v)
    return v


async def _appeal_in_chat(
    sb: SandboxClient, user: SandboxUser, v: Violation, reason: str, *, photo: bool
) -> ChatMessage:
    """File an appeal of ``v`` through the chat's buttons: the "submitted" message."""
    await sb.send_text(user.id, "/menu")
    menu = await sb.wait_bot_message(user.id, contains="What can I help")
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of("📝 Business handling"))
    section = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, section.message_id, section.callback_data_of("⚖️ Appeal a violation"))
    listing = await sb.wait_bot_message(user.id, contains="Choose the violation")
    line = next(line for line in listing.plain_text.splitlines() if v.place.en in line)
    n = line.split(".", 1)[0].strip()
    label = next(b for row in listing.buttons for b in row if f"Appeal no. {n} " in b)
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of(label))
    await sb.wait_bot_message(user.id, contains="You are appealing")
    await sb.send_text(user.id, reason)
    ask = await sb.wait_bot_message(user.id, contains="photos")
    if photo:
        await sb.send_photo(user.id, png(96, 64, (200, 120, 40)), filename="ticket.png", content_type="image/png")
        ask = await sb.wait_bot_message(user.id, contains="Photo 1 of 5 kept")
    await sb.press_button(user.id, ask.message_id, ask.callback_data_of("✅ Done" if photo else "⏭ No photos"))
    summary = await sb.wait_bot_message(user.id, contains="Submit it?")
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of("📨 Submit the appeal"))
    return await sb.wait_bot_message(user.id, contains="Your appeal was submitted")


async def test_appeals_accepted_and_rejected_from_the_console(
    console_app: RunningApp, chromium: Browser, screenshots: Path
) -> None:
    base = console_app.base_url
    services = services_of(console_app)
    _, person = study_and_appeal_demo()  # the demo's appellant: no other test pays his fines
    plate = (await services.repos.vehicles.by_owner(person.id_number))[0].plate
    accepted_v = await _violation(console_app, plate, str(secrets.randbelow(9000) + 1000))
    rejected_v = await _violation(console_app, plate, str(secrets.randbelow(9000) + 1000))
    async with SandboxClient(base + "/sandbox") as sb:
        await sb.set_limits(per_chat_rate=20.0)
        user = await sb.create_user("Wei", language_code="en")
        await bind_directly(console_app, user, person.id_number, "en", notifications=True)
        # Decisions are not urgent: without this, a run in the bureau's night would hold them till 07:00.
        await services.repos.citizens.set_preferences(user.id, NotificationPreferences(quiet_hours=False))
        await _appeal_in_chat(
            sb, user, accepted_v, "I was in Shanghai on business that day; here is my train ticket.", photo=True
        )
        await _appeal_in_chat(sb, user, rejected_v, "The no-parking sign was hidden behind a tree branch.", photo=False)
        first = await services.repos.appeals.pending_for_violation(accepted_v.id)
        second = await services.repos.appeals.pending_for_violation(rejected_v.id)
        assert first is not None and second is not None and len(first.photos) == 1

        context = await chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        page = await context.new_page()
        await page.goto(f"{base}/staff/appeals")
        await page.fill("input[name=username]", "ling")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("form#login button[type=submit]")
        await expect(page).to_have_url(f"{base}/staff/appeals")
        row = page.locator(f"#appeal-{first.id}")
        await expect(row).to_contain_text("train ticket")
        await expect(row).to_contain_text(plate)
        await expect(row).to_contain_text(accepted_v.place.en)
        assert person.id_number not in await row.inner_text()  # masked
        photo = row.locator("img")
        await expect(photo).to_have_count(1)
        await expect(photo).to_have_js_property("naturalWidth", 96)  # the photo itself, through the console
        await page.screenshot(path=str(screenshots / "staff-appeals.png"), full_page=True)

        # Accept the first: the violation is cancelled and the citizen told.
        await row.locator("button[value=accept]").click()
        await expect(page.locator(".flash")).to_contain_text("Decision recorded")
        told = await sb.wait_bot_message(user.id, contains="Your appeal was accepted", timeout=20)
        assert plate in told.plain_text and "cancelled" in told.plain_text
        cancelled = await services.repos.violations.by_id(accepted_v.id)
        assert cancelled is not None and cancelled.status == ViolationStatus.CANCELLED and not cancelled.appeal_pending

        # Reject the second: without a reason it is refused; with one, the citizen reads it.
        other = page.locator(f"#appeal-{second.id}")
        await other.locator("button[value=reject]").click()
        await expect(page.locator(".flash")).to_contain_text("A rejection needs a reason")
        still = await services.repos.appeals.by_id(second.id)
        assert still is not None and still.state == AppealState.PENDING
        other = page.locator(f"#appeal-{second.id}")
        await other.locator("input[name=reason]").fill("The sign is clearly visible in the camera photo.")
        await other.locator("button[value=reject]").click()
        await expect(page.locator(".flash")).to_contain_text("Decision recorded")
        await expect(page.locator(f"#appeal-{second.id}")).to_have_count(0)
        told = await sb.wait_bot_message(user.id, contains="was not accepted", timeout=20)
        assert "The sign is clearly visible in the camera photo." in told.plain_text
        stands = await services.repos.violations.by_id(rejected_v.id)
        assert stands is not None and stands.status == ViolationStatus.UNPROCESSED
        assert stands.appeal_state == AppealState.REJECTED
        await context.close()
        await sb.set_limits(per_chat_rate=console_app.settings.sandbox_chat_rate)
