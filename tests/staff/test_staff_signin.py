"""Staff sign-in lock-out against the running console (issue 11, finding 4): the failure counter is
taken before the password is checked, so concurrent attempts never check more than the limit;
lock-outs are per (account, source address) with a higher per-account ceiling and a spraying limit
per source address; a supervisor sees the locks and lifts them, an agent cannot.

Each test signs in from loopback addresses of its own (127.0.0.x), so its lock-outs stay its own."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
import structlog

from actions.staff_accounts import add_staff
from staff import auth
from staff.http import source_address
from storage.models import StaffRole
from storage.repositories import StaffExists
from tests.conftest import RunningApp, services_of
from tests.staff.conftest import CSRF_RE, PASSWORD, StaffClient

pytestmark = pytest.mark.e2e

MakeStaff = Callable[..., StaffClient]


async def make_account(staff_app: RunningApp, username: str, role: StaffRole = StaffRole.AGENT) -> None:
    with contextlib.suppress(StaffExists):
        await add_staff(
            services_of(staff_app).repos,
            username=username,
            password=PASSWORD,
            role=role,
            display_name=username.title(),
            now=datetime.now(UTC),
        )


async def login_token(client: StaffClient) -> str:
    async with client.http.get(f"{client.base}/staff/login") as page:
        match = CSRF_RE.search(await page.text())
    assert match is not None
    return match.group(1)


async def attempt(client: StaffClient, token: str, username: str, password: str) -> int:
    """One sign-in POST with an already fetched form token: the status (303 = signed in)."""
    async with client.http.post(
        f"{client.base}/staff/login",
        data={"username": username, "password": password, "csrf": token, "next": "/staff/queue"},
        allow_redirects=False,
    ) as response:
        await response.read()
        return response.status


async def fail(client: StaffClient, username: str, times: int) -> list[int]:
    token = await login_token(client)
    return [await attempt(client, token, username, f"wrong-{n}") for n in range(times)]


async def test_24_wrong_passwords_and_the_right_one_at_once_check_at_most_the_limit(
    staff_app: RunningApp, make_staff: MakeStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_account(staff_app, "racer")
    limit = staff_app.settings.staff_max_failures  # 3 in these tests
    checked: list[str] = []
    all_in_flight = asyncio.Event()
    real_verify = auth.verify_password

    async def slow_verify(password_hash: str, password: str) -> bool:
        """The real check, held long enough for every request to arrive while the first run."""
        checked.append(password)
        if len(checked) >= limit:
            all_in_flight.set()
        await asyncio.sleep(0.5)
        return await real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    client = make_staff("127.0.0.21")
    token = await login_token(client)

    async def right_one_while_the_wrong_ones_are_checked() -> int:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in_flight.wait(), timeout=5)
        return await attempt(client, token, "racer", PASSWORD)

    *wrong, right = await asyncio.gather(
        *(attempt(client, token, "racer", f"wrong-{n}") for n in range(24)),
        right_one_while_the_wrong_ones_are_checked(),
    )
    print(f"checked {len(checked)} passwords (limit {limit}); wrong: {sorted(wrong)}; right: {right}")
    assert len(checked) <= limit
    assert PASSWORD not in checked
    assert right == 429 and "staff_session" not in {c.key for c in client.http.cookie_jar}
    assert sorted(wrong) == [401] * (limit - 1) + [429] * (24 - limit + 1)
    # Still locked afterwards, right password or not.
    assert await attempt(client, token, "racer", PASSWORD) == 429


async def test_a_lock_from_one_address_does_not_lock_the_account_elsewhere(
    staff_app: RunningApp, make_staff: MakeStaff
) -> None:
    await make_account(staff_app, "pairy")
    outsider, owner = make_staff("127.0.0.31"), make_staff("127.0.0.32")
    assert await fail(outsider, "pairy", 4) == [401, 401, 429, 429]
    assert await attempt(outsider, await login_token(outsider), "pairy", PASSWORD) == 429
    assert (await owner.sign_in("pairy")).status == 200  # followed the 303 to the queue
    assert (await owner.get("/staff/api/queue", html=False)).status == 200


async def test_failures_from_many_addresses_reach_the_account_ceiling(
    staff_app: RunningApp, make_staff: MakeStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_app.settings, "staff_account_max_failures", 5)
    await make_account(staff_app, "ceily")
    assert await fail(make_staff("127.0.0.41"), "ceily", 3) == [401, 401, 429]
    assert await fail(make_staff("127.0.0.42"), "ceily", 3) == [401, 429, 429]
    elsewhere = make_staff("127.0.0.43")
    assert await attempt(elsewhere, await login_token(elsewhere), "ceily", PASSWORD) == 429


async def test_spraying_many_accounts_from_one_address_is_refused(
    staff_app: RunningApp, make_staff: MakeStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_app.settings, "staff_address_max_failures", 6)
    checked: list[str] = []
    real_verify = auth.verify_password

    async def counting_verify(password_hash: str, password: str) -> bool:
        checked.append(password)
        return await real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting_verify)
    sprayer = make_staff("127.0.0.51")
    token = await login_token(sprayer)
    names = ["ann", "bo", "sue", *(f"guess{n}" for n in range(9))]
    statuses = [await attempt(sprayer, token, name, "Spring2026!") for name in names]
    assert statuses == [401] * 5 + [429] * 7
    assert len(checked) == 6
    assert await attempt(sprayer, token, "ann", PASSWORD) == 429  # the address, not the account
    neighbour = make_staff("127.0.0.52")
    assert await attempt(neighbour, await login_token(neighbour), "ann", PASSWORD) == 303


async def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(
    staff_app: RunningApp, make_staff: MakeStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_account(staff_app, "proxied")
    client = make_staff("127.0.0.61")
    token = await login_token(client)

    async def from_(forwarded: str, password: str) -> int:
        async with client.http.post(
            f"{client.base}/staff/login",
            data={"username": "proxied", "password": password, "csrf": token, "next": "/staff/queue"},
            headers={"X-Forwarded-For": forwarded},
            allow_redirects=False,
        ) as response:
            return response.status

    # Untrusted: the header is ignored, all three count against 127.0.0.61.
    assert [await from_(f"198.51.100.{n}", "wrong") for n in range(3)] == [401, 401, 429]
    assert await from_("198.51.100.99", PASSWORD) == 429
    monkeypatch.setattr(staff_app.settings, "staff_trusted_proxies", [ipaddress.ip_network("127.0.0.61/32")])
    assert [await from_("203.0.113.5", "wrong") for _ in range(3)] == [401, 401, 429]
    assert await from_("203.0.113.5", PASSWORD) == 429
    # A forged hop to the left of what the proxy appended changes nothing.
    assert await from_("198.51.100.7, 203.0.113.5", PASSWORD) == 429
    assert await from_("203.0.113.6", PASSWORD) == 303


async def test_a_supervisor_sees_a_locked_account_and_unlocks_it(
    staff_app: RunningApp, make_staff: MakeStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_account(staff_app, "unlocky")
    outsider = make_staff("127.0.0.71")
    assert await fail(outsider, "unlocky", 3) == [401, 401, 429]
    sue = make_staff("127.0.0.72")
    await sue.sign_in("sue")
    page = await sue.get("/staff/accounts")
    html = await page.text()
    assert page.status == 200
    row = re.search(r'<tr id="account-unlocky".*?</tr>', html, re.DOTALL)
    assert row is not None and "127.0.0.71" in row.group(0) and "/staff/accounts/unlocky/unlock" in row.group(0)
    assert 'id="account-ann"' in html and "/staff/accounts/ann/unlock" not in html
    assert (await sue.post("/staff/accounts/unlocky/unlock", csrf=False)).status == 403
    with structlog.testing.capture_logs() as logs:
        done = await sue.post("/staff/accounts/unlocky/unlock")
    assert done.status == 303 and done.headers["Location"].startswith("/staff/accounts?flash=")
    assert "unlocky" in unquote(done.headers["Location"])
    audit = [e for e in logs if e["event"] == "staff sign-in unlocked"]
    assert audit == [
        {"event": "staff sign-in unlocked", "log_level": "info", "account": "unlocky", "by": "sue", "failures": 3}
    ]
    assert PASSWORD not in repr(logs) and "wrong-" not in repr(logs)
    assert await attempt(outsider, await login_token(outsider), "unlocky", PASSWORD) == 303
    after = await (await sue.get("/staff/accounts")).text()
    assert "/staff/accounts/unlocky/unlock" not in after


async def test_a_supervisor_releases_a_spraying_address(
    staff_app: RunningApp, make_staff: MakeStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_app.settings, "staff_address_max_failures", 4)
    office = make_staff("127.0.0.81")
    token = await login_token(office)
    assert [await attempt(office, token, f"nobody{n}", "x") for n in range(5)] == [401, 401, 401, 429, 429]
    sue = make_staff("127.0.0.82")
    await sue.sign_in("sue")
    html = await (await sue.get("/staff/accounts")).text()
    assert 'id="address-127.0.0.81"' in html
    released = await sue.post("/staff/addresses/unlock", {"address": "127.0.0.81"})
    assert released.status == 303 and "127.0.0.81" in unquote(released.headers["Location"])
    assert (await sue.post("/staff/addresses/unlock", {"address": "not an address"})).status == 400
    assert await attempt(office, token, "ann", PASSWORD) == 303


async def test_an_agent_can_neither_see_nor_lift_locks(staff_app: RunningApp, make_staff: MakeStaff) -> None:
    await make_account(staff_app, "stuck")
    assert await fail(make_staff("127.0.0.91"), "stuck", 3) == [401, 401, 429]
    ann = make_staff("127.0.0.92")
    await ann.sign_in("ann")
    assert (await ann.get("/staff/accounts")).status == 403
    assert (await ann.post("/staff/accounts/stuck/unlock")).status == 403
    assert (await ann.post("/staff/addresses/unlock", {"address": "127.0.0.91"})).status == 403
    again = make_staff("127.0.0.91")
    assert await attempt(again, await login_token(again), "stuck", PASSWORD) == 429


async def test_the_accounts_page_in_chinese(staff_app: RunningApp, make_staff: MakeStaff) -> None:
    sue = make_staff("127.0.0.93")
    await sue.sign_in("sue")
    async with sue.http.get(f"{sue.base}/staff/accounts", headers={"Accept-Language": "zh-CN"}) as page:
        assert page.status == 200 and "登录锁定" in await page.text()


PROXY = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8")]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("192.0.2.1", [], "192.0.2.1"),
        ("192.0.2.1", ["203.0.113.5"], "192.0.2.1"),  # not a trusted proxy: the header is ignored
        ("10.0.0.2", ["203.0.113.5"], "203.0.113.5"),
        ("10.0.0.2", ["198.51.100.1, 203.0.113.5"], "203.0.113.5"),  # the client's own claim is left of it
        ("10.0.0.2", ["203.0.113.5, 10.0.0.9"], "203.0.113.5"),  # two trusted proxies in a row
        ("10.0.0.2", ["203.0.113.5", "10.0.0.9"], "203.0.113.5"),  # the header twice
        ("10.0.0.2", ["bogus"], "10.0.0.2"),
        ("10.0.0.2", [], "10.0.0.2"),
        ("::ffff:192.0.2.7", [], "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", [], "2001:db8:1:2::/64"),  # one subscriber's IPv6 network
        ("fd00::1", ["2001:db8:1:2::9"], "2001:db8:1:2::/64"),
        (None, [], "local"),
    ],
)
def test_the_source_address_of_a_sign_in(remote: str | None, forwarded: list[str], expected: str) -> None:
    assert source_address(remote, forwarded, PROXY) == expected


@pytest.mark.parametrize(
    ("typed", "counted_as"),
    [
        ("Ann", "ann"),
        ("mei.wang-2", "mei.wang-2"),
        ("王芳", "王芳"),
        ("a:b", "*"),
        ("a b", "*"),
        ("", "*"),
        ("x" * 65, "*"),
    ],
)
def test_failures_are_counted_per_lower_cased_username(typed: str, counted_as: str) -> None:
    assert auth.account_name(typed) == counted_as
