"""The Mini App's API through the real app (sandbox mode, real SecantusDB and Redis): launches
signed by the sandbox as Telegram signs them; 401 for missing, forged or stale initData, 403 for
an unlinked user; each citizen sees only their own records, through the chat's own use cases."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest

from actions import elicense
from actions.violations import lookup_violations
from sandbox.client import SandboxClient
from storage.models import ComplaintStatus, ViolationStatus
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of
from tests.miniapp.helpers import MiniAppClient, init_data, launched, png

pytestmark = pytest.mark.e2e


def person(name: str) -> str:
    return next(p.id_number for p in DEMO_IDENTITIES if p.name == name)


@pytest.fixture
async def sb(bare_sandbox: SandboxClient) -> SandboxClient:
    return bare_sandbox


async def linked(sb: SandboxClient, app: RunningApp, name: str, lang: str = "en") -> tuple[int, str]:
    """A sandbox user linked to the demo identity ``name``, and the initData of their launch."""
    user = await sb.create_user("Tester", language_code="zh-hans" if lang == "zh" else "en")
    await bind_directly(app, user, person(name), language=lang)
    return user.id, await launched(sb, app, user)


async def test_the_launch_decides_who_is_asking(bare_app: RunningApp, sb: SandboxClient) -> None:
    user_id, init = await linked(sb, bare_app, "张伟")
    async with MiniAppClient(bare_app, None) as anonymous:
        status, body = await anonymous.call("GET", "me")
        assert (status, body["error"]) == (401, "init_data_missing")
        assert "Telegram" in body["message"]
    forged = dict(parse_qsl(init))
    forged["user"] = forged["user"].replace(str(user_id), str(user_id + 1))
    async with MiniAppClient(bare_app, urlencode(forged)) as tampered:
        status, body = await tampered.call("GET", "me")
        assert (status, body["error"]) == (401, "init_data_invalid")
    stale = init_data(user_id, age=bare_app.settings.miniapp_init_data_ttl + 30)
    async with MiniAppClient(bare_app, stale, lang="zh") as late:
        status, body = await late.call("GET", "me")
        assert (status, body["error"]) == (401, "init_data_expired")
        assert "重新打开" in body["message"]  # in the page's language
    stranger = await sb.create_user("Stranger", language_code="en")
    async with MiniAppClient(bare_app, await launched(sb, bare_app, stranger)) as unlinked:
        status, body = await unlinked.call("GET", "session")
        assert (status, body["linked"]) == (200, False)
        status, body = await unlinked.call("GET", "me")
        assert (status, body["error"]) == (403, "not_linked")
        assert "link your identity" in body["message"]
    async with MiniAppClient(bare_app, init) as client:
        status, body = await client.call("GET", "me")
        assert status == 200
        citizen = body["citizen"]
        assert citizen["name"] == "张伟"
        assert citizen["id_number"] == "110102********2939"  # masked
        assert re.fullmatch(r"\d{3}\*+\d{4}", citizen["phone"])
        assert body["summary"]["vehicles"] >= 2
        status, body = await client.call("GET", "no-such-endpoint")
        assert (status, body["error"]) == (404, "not_found")


async def test_e_license_card_and_a_fresh_code_with_its_qr(bare_app: RunningApp, sb: SandboxClient) -> None:
    _, init = await linked(sb, bare_app, "赵敏")  # e-license already issued
    services = services_of(bare_app)
    async with MiniAppClient(bare_app, init) as client:
        status, body = await client.call("GET", "elicense")
        assert status == 200 and body["issued"] is True
        card = body["card"]
        assert card["number"].count("*") == 8 and card["statuses"]
        status, first = await client.call("POST", "elicense/code")
        assert status == 200 and re.fullmatch(r"\d{8}", first["code"])
        assert first["qr"].startswith("data:image/svg+xml")
        assert 0 < first["expires_in"] <= first["seconds"] == bare_app.settings.elicense_code_ttl
        assert await elicense.verify_code(services, first["code"]) == person("赵敏")
        _, second = await client.call("POST", "elicense/code")
        assert second["code"] != first["code"]
        assert await elicense.verify_code(services, first["code"]) is None  # the previous one stops working
    _, init = await linked(sb, bare_app, "王强")  # blocked: every reason listed
    async with MiniAppClient(bare_app, init) as client:
        status, body = await client.call("GET", "elicense")
        assert status == 200 and body["issued"] is False and len(body["reasons"]) >= 2
        status, body = await client.call("POST", "elicense/code")
        assert (status, body["error"]) == (404, "not_issued")


async def test_violations_match_the_chat_and_filter(bare_app: RunningApp, sb: SandboxClient) -> None:
    _, init = await linked(sb, bare_app, "张伟")
    services = services_of(bare_app)
    citizen = await services.repos.citizens.by_id_number(person("张伟"))
    assert citizen is not None
    chat = await lookup_violations(services, citizen)  # what the chat shows
    assert chat is not None
    async with MiniAppClient(bare_app, init) as client:
        status, body = await client.call("GET", "violations")
        assert status == 200
        assert body["totals"] == {
            "total": chat.page.total,
            "unprocessed": chat.page.unprocessed,
            "fine_due_yuan": chat.page.fine_due_yuan,
            "points_pending": chat.page.points_pending,
        }
        assert len(body["items"]) == min(20, chat.page.total) and body["has_next"] == (chat.page.total > 20)
        assert all(item["status_label"] and item["todo"] for item in body["items"])
        _, paid = await client.call("GET", "violations?status=paid")
        assert paid["items"] and all(item["status"] == ViolationStatus.PAID.value for item in paid["items"])
        assert paid["totals"]["unprocessed"] == 0
        plate = body["plates"][0]
        _, one = await client.call("GET", f"violations?plate={plate}")
        assert one["filter"]["plate"] == plate and all(item["plate"] == plate for item in one["items"])
        status, refused = await client.call("GET", "violations?status=secret")
        assert (status, refused["error"]) == (400, "bad_filter")
        someone_else = (await services.repos.vehicles.by_owner(person("陈静")))[0].plate
        for query in (f"plate={someone_else}", "plate=nonsense"):
            status, refused = await client.call("GET", f"violations?{query}")
            assert (status, refused["error"]) == (404, "plate_unknown")


async def test_authorisations_granted_once_and_revoked(bare_app: RunningApp, sb: SandboxClient) -> None:
    _, init = await linked(sb, bare_app, "张伟")
    async with MiniAppClient(bare_app, init) as client:
        _, body = await client.call("GET", "vehicles")
        owned = next(v for v in body["vehicles"] if v["owned"])
        plate, today = owned["plate"], body["today"]
        grantee = next(p for p in DEMO_IDENTITIES if p.name == "李娜")
        form = {"key": "form-one-12345", "id_number": grantee.id_number, "name": grantee.name}
        period = {"valid_from": today, "valid_to": today}
        status, granted = await client.call("POST", f"vehicles/{plate}/authorisations", {**form, **period})
        assert status == 201 and granted["authorisation"]["id_number"].count("*") == 8
        status, again = await client.call("POST", f"vehicles/{plate}/authorisations", {**form, **period})
        assert status == 200 and again["repeated"] and again["authorisation"]["id"] == granted["authorisation"]["id"]
        status, refused = await client.call(
            "POST", f"vehicles/{plate}/authorisations", {**form, "key": "form-two-12345", **period}
        )
        assert status == 422 and "id_number" in refused["fields"]  # already authorised
        status, refused = await client.call(
            "POST", f"vehicles/{plate}/authorisations", {**form, "key": "form-3-12345", "id_number": "123", **period}
        )
        assert status == 422 and refused["fields"]["id_number"]
        status, refused = await client.call(
            "POST",
            f"vehicles/{plate}/authorisations",
            {**form, "key": "form-4-12345", "valid_from": "2001-01-01", "valid_to": today},
        )
        assert status == 422 and "past" in refused["fields"]["period"]
        _, listed = await client.call("GET", "vehicles")
        auths = next(v for v in listed["vehicles"] if v["plate"] == plate)["authorisations"]
        assert [a["name"] for a in auths].count(grantee.name) == 1
        auth_id = granted["authorisation"]["id"]
        status, _ = await client.call("DELETE", f"vehicles/{plate}/authorisations/{auth_id}")
        assert status == 200
        status, refused = await client.call("DELETE", f"vehicles/{plate}/authorisations/{auth_id}")
        assert status == 404
    _, other = await linked(sb, bare_app, "陈静")
    async with MiniAppClient(bare_app, other) as client:  # not the owner
        status, refused = await client.call("POST", f"vehicles/{plate}/authorisations", {**form, **period})
        assert status == 404 and refused["error"] == "not_owner"


async def test_a_report_with_photos_is_filed_once_and_told_in_the_chat(
    bare_app: RunningApp, sb: SandboxClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id, init = await linked(sb, bare_app, "杨磊")
    async with MiniAppClient(bare_app, init) as client:
        status, draft = await client.call("POST", "report/drafts")
        assert status == 201 and draft["limits"]["max_photos"] == 5 and len(draft["topics"]) == 7
        key = draft["key"]
        status, photo = await client.call("POST", f"report/drafts/{key}/photos", raw=png(), content_type="image/png")
        assert status == 201 and (photo["photo"]["width"], photo["photo"]["height"]) == (4, 3)
        status, refused = await client.call(
            "POST", f"report/drafts/{key}/photos", raw=b"%PDF-1.4 not a photo", content_type="image/jpeg"
        )
        assert (status, refused["error"]) == (415, "not_an_image")
        monkeypatch.setattr(bare_app.settings, "miniapp_photo_max_bytes", 16 * 1024)
        status, refused = await client.call(
            "POST", f"report/drafts/{key}/photos", raw=png(200, 200) + bytes(20_000), content_type="image/png"
        )
        assert (status, refused["error"]) == (413, "too_large")
        monkeypatch.undo()
        for _ in range(4):
            status, _ = await client.call("POST", f"report/drafts/{key}/photos", raw=png(), content_type="image/png")
            assert status == 201
        status, refused = await client.call("POST", f"report/drafts/{key}/photos", raw=png(), content_type="image/png")
        assert (status, refused["error"]) == (409, "too_many_photos")
        _, listed = await client.call("GET", f"report/drafts/{key}")
        removed = listed["photos"][-1]["id"]
        status, _ = await client.call("DELETE", f"report/drafts/{key}/photos/{removed}")
        assert status == 200

        status, refused = await client.call(
            "POST", f"report/drafts/{key}/preview", {"topic": "x", "description": "short"}
        )
        assert status == 422 and set(refused["fields"]) == {"topic", "place", "description"}
        fields = {
            "topic": "illegal_parking",
            "place": "Jianguo Road, near 京A12345",
            "location": {"lat": 39.9087, "lon": 116.4605},
            "description": "Cars park on the bike lane every evening from 18:00.",
        }
        status, preview = await client.call("POST", f"report/drafts/{key}/preview", fields)
        assert status == 200 and preview["photos"] == 4 and preview["plate"] == "京A12345"
        status, filed = await client.call("POST", f"report/drafts/{key}/submit", fields)
        assert status == 201 and filed["photos"] == 4 and not filed["repeated"]
        ticket = filed["ticket"]
        status, again = await client.call("POST", f"report/drafts/{key}/submit", fields)  # a double tap
        assert status == 200 and again["repeated"] and again["ticket"] == ticket

        told = await sb.wait_bot_message(user_id, contains=ticket)
        assert "Mini App" in told.plain_text
        status, body = await client.call("GET", f"complaints/{ticket}")
        assert status == 200
        complaint = body["complaint"]
        assert complaint["status"] and len(complaint["app_photos"]) == 4 and complaint["location"]["lat"] == 39.9087
        status, image = await client.call("GET", f"photos/{complaint['app_photos'][0]}")
        assert status == 200 and image == png()
        _, mine = await client.call("GET", "complaints")
        assert ticket in [c["ticket"] for c in mine["complaints"]]
    stored = await services_of(bare_app).repos.complaints.by_ticket(ticket)
    assert stored is not None and stored.status == ComplaintStatus.NEW and len(stored.photos) == 4

    _, other = await linked(sb, bare_app, "黄涛")  # another citizen: as unknown
    async with MiniAppClient(bare_app, other) as client:
        status, body = await client.call("GET", f"complaints/{ticket}")
        assert (status, body["error"]) == (404, "not_found")
        status, body = await client.call("GET", f"photos/{complaint['app_photos'][0]}")
        assert (status, body["error"]) == (404, "not_found")
        status, body = await client.call("POST", f"report/drafts/{key}/submit", fields)
        assert (status, body["error"]) == (410, "draft_expired")  # not theirs: nothing to file


async def test_timelines_and_notification_preferences(bare_app: RunningApp, sb: SandboxClient) -> None:
    _, init = await linked(sb, bare_app, "陈静", lang="zh")
    async with MiniAppClient(bare_app, init, lang="zh") as client:
        status, body = await client.call("GET", "deliveries")
        assert status == 200 and body["deliveries"]
        delivery = body["deliveries"][0]
        assert any(step["current"] for step in delivery["steps"]) and delivery["courier"]
        status, one = await client.call("GET", f"deliveries/{delivery['id']}")
        assert status == 200 and one["delivery"]["id"] == delivery["id"]
        status, _ = await client.call("GET", "applications")
        assert status == 200
        status, prefs = await client.call("GET", "notifications")
        assert status == 200 and prefs["types"] and "account_rebound" not in [t["value"] for t in prefs["types"]]
        status, saved = await client.call("PUT", "notifications", {"off": ["violation_recorded"], "quiet_hours": False})
        assert status == 200 and saved["message"] == "已保存。"
        _, prefs = await client.call("GET", "notifications")
        assert not prefs["quiet_hours"]
        assert [t["value"] for t in prefs["types"] if not t["on"]] == ["violation_recorded"]
        status, _ = await client.call("PUT", "notifications", {"off": ["account_rebound"], "quiet_hours": True})
        assert status == 400
    _, other = await linked(sb, bare_app, "杨磊")
    async with MiniAppClient(bare_app, other) as client:
        status, body = await client.call("GET", f"deliveries/{delivery['id']}")
        assert (status, body["error"]) == (404, "not_found")


async def test_the_page_and_its_texts(bare_app: RunningApp) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{bare_app.base_url}/app/") as response:
            assert response.status == 200
            page = await response.text()
            policy = response.headers["Content-Security-Policy"]
        assert 'src="/sandbox/static/telegram-web-app.js"' in page  # the sandbox's stand-in
        assert "frame-ancestors" in policy and "connect-src 'self'" in policy
        for script in re.findall(r'src="(static/[^"?]+)', page):
            async with http.get(f"{bare_app.base_url}/app/{script}") as response:
                assert response.status == 200, script
        async with http.get(f"{bare_app.base_url}/app/api/texts?lang=zh") as response:
            texts = (await response.json())["texts"]
        assert texts["miniapp-report-submit"] == "提交"
        assert texts["miniapp-home-hello"] == "您好，{$name}"
