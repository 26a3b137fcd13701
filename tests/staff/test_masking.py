"""Nowhere in the console: a full ID number, a phone number, a one-time code, or an internal code
name (issue 17).

A citizen links their identity through the bot's own form (name, ID number, the code from the
sandbox's phone panel), types their ID and phone number in the chat, asks for a person, sends a
photo and a place; another leaves a call-back request with a number confirmed by a code; a
complaint and an e-license review carry identifiers in their free text. Then a supervisor's
browser session crawls every console page it can reach by following links (and the JSON APIs),
in English and in Chinese: no response holds an unmasked identifier or a typed code, and no page
shows `road_facilities`, `human_handoff`, `status_changed`, `hohhot-vmo`, `exam_overdue` or any
other stored code name to a person. The transcript itself is stored masked (checked in MongoDB)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest
from aiogram.fsm.storage.base import StorageKey
from yarl import URL

from actions import complaints
from actions import handoff as actions
from actions.staff_accounts import add_staff
from actions.transcripts import mask_turn_text
from app.keys import BOT, DISPATCHER
from bot.isolation import LeasedEventIsolation
from core.config import Settings
from core.identifiers import ID_NUMBER_RE, PHONE_RE, normalize_id_number
from sandbox.client import SandboxClient
from staff.auth import LANG_COOKIE
from storage.models import ComplaintStatus, StaffRole, TurnRole
from storage.repositories import StaffExists
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of
from tests.staff.conftest import PASSWORD, StaffClient
from tests.staff.helpers import (
    ask_for_person,
    callback_with_phone,
    closed_now,
    file_complaint,
    link_identity,
    png,
    press,
    request_review,
    say,
)

pytestmark = pytest.mark.e2e

ZHANG, _LI, WANG = DEMO_IDENTITIES[0], DEMO_IDENTITIES[1], DEMO_IDENTITIES[2]
CALLBACK_PHONE = "13698765432"
TYPED_PHONE = "13812345678"
# Stored names a person must never read: enum values, intents, office ids, history actions.
CODE_NAMES = re.compile(
    r"\b(?:road_facilities|illegal_parking|officer_conduct|window_service|app_hotline|human_handoff|"
    r"license_status|violation_lookup|complaint_file|status_changed|in_progress|with_agent|exam_overdue|"
    r"periodic_exam_overdue|information_given|citizen_cancelled|citizen_ended|idle_timeout|answered_in_chat|"
    r"called_back|plate_number|id_number|[a-z]+-vmo)\b"
)
SHOWN_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "data-label", "data-text")


class Page(HTMLParser):
    """What a page shows a person (text and shown attributes) and the links it has."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.shown.append(str(values[name]))
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(str(values[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.shown.append(data)


@pytest.fixture(scope="module")
async def masked_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:  # type: ignore[no-untyped-def]
    """An app of its own (a clean database: the crawl reaches every record in it)."""
    running = await start_app(
        make_settings(mongo_db=f"test_mask_{uuid.uuid4().hex[:8]}", staff_hours="00:00-24:00", handoff_max_wait=3600)
    )
    services = services_of(running)
    with contextlib.suppress(StaffExists):
        await add_staff(
            services.repos,
            username="sue",
            password=PASSWORD,
            role=StaffRole.SUPERVISOR,
            display_name="Sue Supervisor",
            now=datetime.now(UTC),
        )
    yield running
    await running.runner.cleanup()


def leaks(body: str, secrets: list[str]) -> list[str]:
    """Unmasked identifiers in ``body``: valid ID numbers, mobile numbers, the given secrets."""
    found = [m for m in ID_NUMBER_RE.findall(body) if normalize_id_number(m, today=datetime.now(UTC).date())]
    found += PHONE_RE.findall(body)
    found += [s for s in secrets if re.search(rf"(?<![0-9A-Za-z]){re.escape(s)}(?![0-9])", body)]
    return found


async def crawl(client: StaffClient, starts: list[str]) -> dict[str, tuple[str, str]]:
    """Every console URL reachable from ``starts`` by links (GET only): url -> (content type, body)."""
    seen: dict[str, tuple[str, str]] = {}
    todo = list(starts)
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        async with client.http.get(f"{client.base}{url}", headers={"Accept": "text/html"}) as response:
            kind = response.headers.get("Content-Type", "")
            raw = await response.read()
        assert response.status in (200, 404), (url, response.status)
        if kind.startswith("image/"):
            seen[url] = (kind, "")
            continue
        body = raw.decode("utf-8")
        seen[url] = (kind, body)
        if "html" not in kind:
            continue
        page = Page()
        page.feed(body)
        for link in page.links:
            target = urlsplit(urljoin(url, link))
            if target.netloc or not target.path.startswith("/staff/"):
                continue  # a map site, or outside the console
            if target.path.startswith(("/staff/static/", "/staff/lang", "/staff/logout", "/staff/events")):
                continue
            todo.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


def test_the_checks_find_what_they_look_for() -> None:
    assert leaks(f"<td>{ZHANG.id_number}</td>", []) == [ZHANG.id_number]
    assert leaks("call 13812345678.", []) == ["13812345678"]
    assert leaks("code: 482913", ["482913"]) == ["482913"] and leaks("#a482913", ["482913"]) == []
    assert leaks("110102********2939 · 138****5678", []) == []
    page = Page()
    page.feed('<td data-label="Topic">road_facilities</td><option value="in_progress">in progress</option>')
    assert CODE_NAMES.findall("\n".join(page.shown)) == ["road_facilities"]


async def test_no_identifier_code_or_code_name_anywhere_in_the_console(
    masked_app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, services = masked_app, services_of(masked_app)
    async with SandboxClient(app.base_url + "/sandbox") as sb:
        await sb.set_limits(per_chat_rate=20.0)
        # 1. Linking through the form: the name, the ID number and the code are typed in the chat.
        linked = await sb.create_user("Zhang", language_code="en")
        code = await link_identity(sb, linked, ZHANG)
        await sb.send_text(linked.id, f"my id is {ZHANG.id_number} and my phone {TYPED_PHONE}")
        await sb.wait_bot_message(linked.id)
        # 2. A person: what the citizen writes while waiting and with the agent, a photo, a place.
        await ask_for_person(sb, linked)
        await sb.send_text(linked.id, f"ID {ZHANG.id_number}, call 138 1234 5678")
        await sb.wait_bot_message(linked.id, contains="Still waiting")
        handoff = await services.repos.handoffs.active_for_chat(linked.id)
        assert handoff is not None
        sue = StaffClient(app.base_url, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)))
        try:
            await sue.sign_in("sue")
            assert (await sue.post(f"/staff/h/{handoff.id}/claim")).status == 303
            await sb.wait_bot_message(linked.id, contains="has joined")
            await sb.send_photo(linked.id, png(), caption=f"my license {ZHANG.id_number}", content_type="image/png")
            await sb.send_location(linked.id, 39.9087, 116.3975)
            await sb.send_text(linked.id, "123456")  # a code typed at the wrong moment
            ws = await sue.http.ws_connect(
                f"{app.base_url}/staff/h/{handoff.id}/ws?csrf={sue.csrf}", origin=app.base_url
            )
            await ws.send_json({"type": "send", "text": f"I have {ZHANG.id_number} and {TYPED_PHONE} on file"})
            await sb.wait_bot_message(linked.id, contains="on file")
            await ws.close()
            # 3. A call-back request from someone unlinked, with a number confirmed by a code.
            monkeypatch.setattr(app.settings, "staff_hours", closed_now())
            caller = await sb.create_user("Caller", language_code="en")
            offer = await ask_for_person(sb, caller)
            _, callback_code = await callback_with_phone(
                sb, caller, offer, f"About my license, my ID is {WANG.id_number}", CALLBACK_PHONE
            )
            monkeypatch.setattr(app.settings, "staff_hours", "00:00-24:00")
            # 4. A complaint and an e-license review with identifiers in their free text.
            photo = await services.repos.conversations.recent_turns(linked.id, limit=30)
            file_id = next(t.meta["file_id"] for t in reversed(photo) if t.meta.get("file_id"))
            complaint = await file_complaint(
                app,
                ZHANG,
                description=f"Broken light. Reach me at {TYPED_PHONE}, ID {ZHANG.id_number}.",
                photos=[file_id],
            )
            await complaints.change_status(services, complaint.ticket_id, ComplaintStatus.IN_PROGRESS, "sue", None)
            await request_review(app, ZHANG, f"I did the exam; my ID {ZHANG.id_number}")
            await services.repos.conversations.flush_turns()

            # Stored masked: what the citizen typed while linking, and everything since.
            turns = await services.repos.conversations.recent_turns(linked.id, limit=200)
            texts = "\n".join(t.text or "" for t in turns)
            assert leaks(texts, [code, "123456"]) == []
            citizen_texts = [t.text for t in turns if t.role == TurnRole.CITIZEN]
            assert "张*" in citizen_texts and "******" in citizen_texts  # the name and the code typed while linking
            assert str(mask_turn_text(ZHANG.id_number)) in texts

            secrets = [code, callback_code, "123456", ZHANG.id_number, WANG.id_number, ZHANG.phone, CALLBACK_PHONE]
            for lang in ("en", "zh"):
                sue.http.cookie_jar.update_cookies({LANG_COOKIE: lang}, response_url=URL(app.base_url + "/staff/"))
                starts = [
                    "/staff/queue",
                    "/staff/supervisor",
                    "/staff/complaints",
                    "/staff/reviews",
                    "/staff/accounts",
                    "/staff/canned",
                    f"/staff/h/{handoff.id}",
                    f"/staff/citizen/{linked.id}",
                    "/staff/api/queue",
                    "/staff/api/supervisor",
                ] + [f"/staff/complaints?status={s.value}" for s in ComplaintStatus]
                pages = await crawl(sue, starts)
                assert f"/staff/complaints/{complaint.ticket_id}" in pages
                assert any(url.startswith(f"/staff/h/{handoff.id}/file") for url in pages)
                assert any("callback" in url or url.startswith("/staff/h/") for url in pages)
                for url, (kind, body) in pages.items():
                    assert leaks(body, secrets) == [], f"{url} ({lang}) shows an identifier"
                    if "html" in kind:
                        page = Page()
                        page.feed(body)
                        shown = "\n".join(page.shown)
                        assert CODE_NAMES.findall(shown) == [], f"{url} ({lang}) shows code names"
            # The call-back's number is shown on request only (and that is logged).
            callback = next(h for h in await services.repos.handoffs.queue() if h.topic == actions.CALLBACK_TOPIC)
            assert (await sue.post(f"/staff/h/{callback.id}/claim")).status == 303
            revealed = await sue.http.post(
                f"{app.base_url}/staff/h/{callback.id}/phone", headers={"X-CSRF-Token": sue.csrf}
            )
            assert (await revealed.json()) == {"phone": CALLBACK_PHONE}
        finally:
            await sue.close()


async def test_a_name_typed_while_the_previous_update_still_holds_the_chat_is_stored_masked(
    masked_app: RunningApp,
) -> None:
    """The bot's "your name?" can be on screen before its update has released the chat (the state
    is written in the update's last round trip): the name typed at once is still the linking
    form's, and stored as initials (it was stored whole when the transcript read the state early)."""
    app, services = masked_app, services_of(masked_app)
    dispatcher, bot = app.app[DISPATCHER], app.app[BOT]
    async with SandboxClient(app.base_url + "/sandbox") as sb:
        await sb.set_limits(per_chat_rate=20.0)
        user = await sb.create_user("Quick", language_code="en")
        choose = await say(sb, user, "/language")
        await press(sb, user, choose, "English")
        menu = await say(sb, user, "/menu")
        section = await press(sb, user, menu, "✏️ Information changes")
        await press(sb, user, section, "🔐 Link my identity")
        isolation = dispatcher.fsm.events_isolation
        assert isinstance(isolation, LeasedEventIsolation)
        lock = isolation.key_builder.build(StorageKey(bot_id=bot.id, chat_id=user.id, user_id=user.id), "lock")
        await services.redis.set(lock, "an-update-still-finishing", px=5000)
        await sb.send_text(user.id, ZHANG.name)
        await asyncio.sleep(0.5)  # the update has started and waits for the chat
        await services.redis.delete(lock)
        await sb.wait_bot_message(user.id)
        await services.repos.conversations.flush_turns()
        turns = await services.repos.conversations.recent_turns(user.id, limit=20)
        said = [t.text for t in turns if t.role == TurnRole.CITIZEN]
        assert ZHANG.name not in said and mask_turn_text(ZHANG.name, form_step="BindForm:name") in said
