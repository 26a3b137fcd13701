"""A real browser (Playwright with Debian's Chromium) on the 12345 dashboard and the public status
page, at desktop and phone size: the hand-computed March 2020 fixture (tests/unit/test_rates.py)
in the table and the SVG charts, the filters, the CSV download, Task of the Month; the public
status of a ticket in English and Chinese. Nothing may load from outside the app."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Request, ViewportSize, expect

from actions.staff_accounts import add_staff
from storage.models import StaffRole
from storage.repositories import StaffExists
from tests.conftest import RunningApp, services_of
from tests.unit.test_rates import fixture

pytestmark = pytest.mark.browser

PASSWORD = "dashboard browser password"
MARCH = "from=2020-03-01&to=2020-03-31&by=month"


@pytest.fixture(scope="module")
async def dashboard_app(bare_app: RunningApp) -> RunningApp:
    repos = services_of(bare_app).repos
    with contextlib.suppress(StaffExists):
        await add_staff(
            repos,
            username="dana",
            password=PASSWORD,
            role=StaffRole.SUPERVISOR,
            display_name="Dana",
            now=datetime.now(UTC),
        )
    reports = fixture()
    for c in reports[:2]:
        c.cluster_id = reports[0].ticket_id
    for c in reports:
        c.department = c.department or "service"
    await repos.complaints.collection.delete_many({"_id": {"$in": [c.ticket_id for c in reports]}})
    await repos.db["tracked_tasks"].delete_many({"month": "2020-03"})
    await repos.complaints.insert_many(reports)
    return bare_app


def only_local(page: Page, base: str) -> list[str]:
    outside: list[str] = []

    def check(request: Request) -> None:
        if not request.url.startswith((base, "data:", "about:")):
            outside.append(request.url)

    page.on("request", check)
    return outside


async def sign_in(page: Page, base: str, next_path: str) -> None:
    await page.goto(f"{base}/staff/login?next={next_path}")
    await page.fill("input[name=username]", "dana")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form#login button[type=submit]")


async def no_horizontal_scroll(page: Page) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


async def test_dashboard_on_a_desktop(dashboard_app: RunningApp, chromium: Browser, screenshots: Path) -> None:
    base = dashboard_app.base_url
    context = await chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-US", accept_downloads=True)
    page = await context.new_page()
    outside = only_local(page, base)
    await sign_in(page, base, "/staff/dashboard")
    await expect(page.locator("h1")).to_have_text("Response, resolution and satisfaction")
    await page.fill("input[name=from]", "2020-03-01")
    await page.fill("input[name=to]", "2020-03-31")
    await page.select_option("select[name=group]", "district")
    await page.click("form.dash-filters button[type=submit]")
    total = page.locator('#rates tr[data-period="2020-03"][data-kind="all"]')
    await expect(total.locator("td.response")).to_contain_text("57.1 % (4/7)")
    await expect(total.locator("td.resolution")).to_contain_text("42.9 % (3/7)")
    await expect(total.locator("td.satisfaction")).to_contain_text("66.7 % (2/3)")
    chaoyang = page.locator('#rates tr[data-kind="district"][data-key="chaoyang"]')
    await expect(chaoyang).to_contain_text("Chaoyang")
    await expect(chaoyang.locator("td.resolution")).to_contain_text("100.0 % (3/3)")
    charts = page.locator("figure.chart-box svg")
    await expect(charts).to_have_count(2)
    assert await charts.nth(0).locator("rect").count() >= 3
    async with page.expect_download() as info:
        await page.click("#csv-export")
    download = await info.value
    assert download.suggested_filename == "rates-month-district-20200301-20200331.csv"
    text = Path(await download.path()).read_text(encoding="utf-8-sig")
    assert "2020-03,all,All reports,7,7,4,57.1,7,3,42.9,3,2,66.7" in text
    # Task of the Month: the March cluster, promoted once.
    row = page.locator(f'#task-of-the-month tr[data-cluster="{fixture()[0].ticket_id}"]')
    await expect(row).to_contain_text("2")
    await row.locator("button").click()
    await expect(page.locator(".flash")).to_contain_text("Promoted to a tracked task.")
    await expect(page.locator("#tracked-tasks")).to_contain_text("promoted by dana")
    await page.screenshot(path=str(screenshots / "staff-dashboard.png"), full_page=True)
    await no_horizontal_scroll(page)
    assert outside == []
    await context.close()


async def test_dashboard_on_a_phone_in_chinese(dashboard_app: RunningApp, chromium: Browser, screenshots: Path) -> None:
    base = dashboard_app.base_url
    context = await chromium.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    page = await context.new_page()
    outside = only_local(page, base)
    await sign_in(page, base, f"/staff/dashboard?{MARCH}".replace("&", "%26"))
    await expect(page.locator("h1")).to_have_text("响应率、解决率与满意率")
    signals = page.locator('#rates tr[data-kind="department"][data-key="signals"]')
    await expect(signals).to_contain_text("信号与标志标线科")
    await expect(signals.locator("td.response")).to_contain_text("33.3 % (1/3)")
    await expect(page.locator("#desk-figures h2")).to_have_text("人工客服")
    await no_horizontal_scroll(page)
    box = await page.locator("form.dash-filters button[type=submit]").bounding_box()
    assert box is not None and box["height"] >= 44
    await page.screenshot(path=str(screenshots / "staff-dashboard-phone-zh.png"), full_page=True)
    assert outside == []
    await context.close()


@pytest.mark.parametrize(
    ("size", "lang", "expected"),
    [
        (ViewportSize(width=1280, height=800), "en-US", ("Report status", "Open", "Parking enforcement")),
        (ViewportSize(width=390, height=844), "zh-CN", ("诉求办理状态查询", "办理中", "停车秩序执法大队")),
    ],
)
async def test_public_status_page(
    dashboard_app: RunningApp,
    chromium: Browser,
    screenshots: Path,
    size: ViewportSize,
    lang: str,
    expected: tuple[str, str, str],
) -> None:
    base = dashboard_app.base_url
    context = await chromium.new_context(
        viewport=size, is_mobile=size["width"] < 700, locale=lang, extra_http_headers={"Accept-Language": lang}
    )
    page = await context.new_page()
    outside = only_local(page, base)
    await page.goto(f"{base}/status")
    await expect(page.locator("h1")).to_contain_text(expected[0])
    await page.fill("#ticket", fixture()[3].ticket_id.lower())  # #4: parking, closed
    await page.click("button[type=submit]")
    await expect(page.locator("#result h2")).to_have_text(fixture()[3].ticket_id)
    await expect(page.locator("#result")).to_contain_text(expected[2])
    await page.fill("#ticket", "C200301-9999")
    await page.click("button[type=submit]")
    await expect(page.locator("#not-found")).to_be_visible()
    await page.fill("#ticket", fixture()[5].ticket_id)  # #6: in progress
    await page.click("button[type=submit]")
    await expect(page.locator("#result .badge")).to_have_text(expected[1])
    await no_horizontal_scroll(page)
    name = "public-status-phone-zh.png" if size["width"] < 700 else "public-status.png"
    await page.screenshot(path=str(screenshots / name), full_page=True)
    assert outside == []
    await context.close()
