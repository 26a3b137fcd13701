"""Announcements end to end: a supervisor drafts an announcement in the console over HTTP, sees
the count, sends it to one district, and exactly that district's citizens get it in their
language through the app's own push worker and the sandbox; a cancel withdraws what has not gone
(a draft, or messages held back by quiet hours), and a cancelled announcement is never sent."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from urllib.parse import unquote

import aiohttp
import pytest

import actions.outbox
from actions.staff_accounts import add_staff
from core.config import Settings
from sandbox.client import SandboxClient, SandboxUser
from storage.models import AnnouncementState, NotificationPreferences, StaffRole
from storage.repositories import StaffExists
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of
from tests.staff.conftest import PASSWORD, StaffClient

pytestmark = pytest.mark.e2e

# Where each demo identity lives for this test (their mailing address is set to it).
HOMES = {
    0: ("北京市海淀区中关村大街27号", "en"),
    1: ("北京市海淀区学院路5号", "zh"),
    2: ("北京市朝阳区建国路88号", "en"),
    3: ("上海市黄浦区南京东路1号", "zh"),
}


@pytest.fixture(scope="module")
async def ann_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    running = await start_app(make_settings(mongo_db="test_announcements", push_sweep_interval=0.5))
    with contextlib.suppress(StaffExists):
        await add_staff(
            services_of(running).repos,
            username="sue",
            password=PASSWORD,
            role=StaffRole.SUPERVISOR,
            display_name="Sue",
            now=datetime.now(UTC),
        )
    yield running
    await running.runner.cleanup()


@pytest.fixture(scope="module")
async def citizens(ann_app: RunningApp) -> list[SandboxUser]:
    services = services_of(ann_app)
    users: list[SandboxUser] = []
    async with SandboxClient(ann_app.base_url + "/sandbox") as sb:
        for index, (address, lang) in HOMES.items():
            person = DEMO_IDENTITIES[index]
            user = await sb.create_user(f"Resident {index}", language_code="en" if lang == "en" else "zh-hans")
            await bind_directly(ann_app, user, person.id_number, language=lang, notifications=True)
            await services.repos.citizens.set_preferences(user.id, NotificationPreferences(quiet_hours=False))
            await services.repos.citizens.collection.update_one(
                {"_id": person.id_number}, {"$set": {"mailing_address": address}}
            )
            users.append(user)
    return users


@pytest.fixture
async def sue(ann_app: RunningApp) -> AsyncIterator[StaffClient]:
    client = StaffClient(ann_app.base_url, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)))
    assert (await client.sign_in("sue")).status == 200
    yield client
    await client.close()


async def draft(sue: StaffClient, segment: str, en: str, zh: str) -> tuple[str, str]:
    made = await sue.post("/staff/announcements", {"segment": segment, "text_en": en, "text_zh": zh})
    assert made.status == 303, made.status
    path = made.headers["Location"]
    page = await sue.get(path)
    return path, await page.text()


def flash(response: aiohttp.ClientResponse) -> str:
    return unquote(response.headers["Location"])


async def announcements_in(sb: SandboxClient, user: SandboxUser, marker: str) -> list[str]:
    return [m.plain_text for m in await sb.messages(user.id) if m.from_bot and marker in m.plain_text]


async def test_a_district_announcement_reaches_exactly_that_district(
    ann_app: RunningApp, citizens: list[SandboxUser], sue: StaffClient
) -> None:
    en, zh = "Road closure tonight on Zhongguancun Street <23:00-05:00>", "今晚中关村大街封路（23:00-05:00）"
    path, page = await draft(sue, "district:haidian", en, zh)
    assert "It reaches 2 citizens" in page and "Send to 2 citizens" in page
    assert "Citizens living in Haidian" in page
    assert "Road closure tonight on Zhongguancun Street &lt;23:00-05:00&gt;" in page  # the English preview
    assert zh in page  # the Chinese preview
    sent = await sue.post(f"{path}/send")
    assert sent.status == 303 and "being sent" in flash(sent)
    again = await sue.post(f"{path}/send")
    assert "sent or cancelled already" in flash(again)
    async with SandboxClient(ann_app.base_url + "/sandbox") as sb:
        deadline = asyncio.get_running_loop().time() + 20
        while True:
            got = [await announcements_in(sb, u, "23:00") for u in citizens]
            if all(got[:2]) or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.3)
        assert got[0] == [f"📢 Traffic management bureau\n{en}"]
        assert got[1] == [f"📢 交通管理局公告\n{zh}"]
        await asyncio.sleep(1.5)  # what else the worker might still send
        assert [await announcements_in(sb, u, "23:00") for u in citizens[2:]] == [[], []]
    page = await (await sue.get(path)).text()
    assert "Delivered: 2" in page and 'id="cancel"' not in page
    services = services_of(ann_app)
    stored = await services.repos.announcements.by_id(path.rsplit("/", 1)[1])
    assert stored is not None and stored.state == AnnouncementState.SENDING and stored.recipients == 2


async def test_other_segments_are_counted(ann_app: RunningApp, citizens: list[SandboxUser], sue: StaffClient) -> None:
    _, page = await draft(sue, "district:chaoyang", "x", "x")
    assert "It reaches 1 citizen " in page
    _, page = await draft(sue, "everyone:", "x", "x")
    assert "It reaches 4 citizens" in page
    city = DEMO_IDENTITIES[0]
    services = services_of(ann_app)
    stored = await services.repos.citizens.by_id_number(city.id_number)
    assert stored is not None
    in_city = [
        p
        for p in list(HOMES)
        if (c := await services.repos.citizens.by_id_number(DEMO_IDENTITIES[p].id_number)) and c.city == stored.city
    ]
    _, page = await draft(sue, f"city:{stored.city}", "x", "x")
    assert re.search(rf"It reaches {len(in_city)} citizens?\b", page)
    ours = [DEMO_IDENTITIES[p].id_number for p in HOMES]
    for kind, collection, field, value in (
        ("license_class", "licenses", "license_class", "C1"),
        ("vehicle_type", "vehicles", "vehicle_type", "small_car"),
    ):
        owner = "_id" if collection == "licenses" else "owner_id_number"
        docs = services.repos.db[collection].find({field: value, owner: {"$in": ours}}, {owner: 1})
        expected = len({d[owner] async for d in docs})
        _, page = await draft(sue, f"{kind}:{value}", "x", "x")
        assert re.search(rf"It reaches {expected} citizens?\b", page), (kind, expected)
    refused = await sue.post("/staff/announcements", {"segment": "district:atlantis", "text_en": "x", "text_zh": "x"})
    assert refused.status == 400
    refused = await sue.post(
        "/staff/announcements", {"segment": "everyone:", "text_en": "only English", "text_zh": " "}
    )
    assert refused.status == 400


async def test_cancel_a_draft_and_a_send_held_by_quiet_hours(
    ann_app: RunningApp, citizens: list[SandboxUser], sue: StaffClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = await draft(sue, "district:chaoyang", "Draft never sent 7781", "草稿 7781")
    cancelled = await sue.post(f"{path}/cancel")
    assert "Cancelled" in flash(cancelled)
    assert "sent or cancelled already" in flash(await sue.post(f"{path}/send"))
    # Quiet hours hold the message in the outbox: a cancel then takes it back before it goes.
    services = services_of(ann_app)
    chaoyang = citizens[2]
    await services.repos.citizens.set_preferences(chaoyang.id, NotificationPreferences(quiet_hours=True))
    monkeypatch.setattr(actions.outbox, "in_quiet_hours", lambda _moment: True)
    path, _ = await draft(sue, "district:chaoyang", "Held back 7782", "暂缓 7782")
    await sue.post(f"{path}/send")
    announcement_id = path.rsplit("/", 1)[1]
    deadline = asyncio.get_running_loop().time() + 10
    while (await services.repos.announcements.progress(announcement_id)).get("pending", 0) < 1:
        assert asyncio.get_running_loop().time() < deadline, await services.repos.announcements.progress(
            announcement_id
        )
        await asyncio.sleep(0.2)
    page = await (await sue.get(path)).text()
    assert 'id="cancel"' in page
    cancelled = await sue.post(f"{path}/cancel")
    assert "1 message that had not gone yet" in flash(cancelled)
    monkeypatch.undo()
    await services.repos.citizens.set_preferences(chaoyang.id, NotificationPreferences(quiet_hours=False))
    async with SandboxClient(ann_app.base_url + "/sandbox") as sb:
        await asyncio.sleep(1.5)
        assert await announcements_in(sb, chaoyang, "778") == []
    stored = await services.repos.announcements.by_id(announcement_id)
    assert stored is not None and stored.state == AnnouncementState.CANCELLED and stored.withdrawn == 1


async def test_only_supervisors(ann_app: RunningApp) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{ann_app.base_url}/staff/announcements") as page:
        assert page.status == 401  # no session (a browser asking for a page is sent to sign in)
