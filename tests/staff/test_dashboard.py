"""The 12345 dashboard through the console over HTTP: the hand-computed fixture of
tests/unit/test_rates.py (March 2020) shown per department and district, exported as CSV in both
languages, the Task of the Month promoted once, and supervisors only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from yarl import URL

from staff.auth import LANG_COOKIE
from tests.conftest import RunningApp, services_of
from tests.staff.conftest import StaffClient
from tests.unit.test_rates import fixture

pytestmark = pytest.mark.e2e

MARCH = "from=2020-03-01&to=2020-03-31&by=month"


@pytest.fixture(scope="module")
async def march(staff_app: RunningApp) -> None:
    repos = services_of(staff_app).repos
    reports = fixture()
    for c in reports[:2]:
        c.cluster_id = reports[0].ticket_id  # the month's one cluster (two reports)
    for c in reports:
        # Routed already (as the service centre): the dispatch sweep would route them otherwise,
        # with deadlines of its own. Grouping by topic without a department: tests/unit/test_rates.py.
        c.department = c.department or "service"
    ids = [c.ticket_id for c in reports]
    await repos.complaints.collection.delete_many({"_id": {"$in": ids}})
    await repos.db["tracked_tasks"].delete_many({"month": "2020-03"})
    await repos.complaints.insert_many(reports)


def cell(body: str, kind: str, key: str, column: str) -> str:
    row = re.search(
        rf'<tr class="[^"]*" data-period="2020-03" data-kind="{kind}" data-key="{key}">(.*?)</tr>', body, re.DOTALL
    )
    assert row is not None, (kind, key)
    found = re.search(rf'class="{column}">([^<]*)<span class="meta">\(([^)]*)\)', row.group(1))
    assert found is not None, (kind, key, column)
    return f"{found.group(1).strip()} ({found.group(2)})"


async def signed_in(make_staff: Callable[[], StaffClient], username: str, lang: str = "en") -> StaffClient:
    client = make_staff()
    assert (await client.sign_in(username)).status == 200
    client.http.cookie_jar.update_cookies({LANG_COOKIE: lang}, response_url=URL(client.base + "/staff/"))
    return client


async def test_the_rates_per_department_and_district_are_the_hand_computed_ones(
    march: None, make_staff: Callable[[], StaffClient]
) -> None:
    sue = await signed_in(make_staff, "sue")
    page = await sue.get(f"/staff/dashboard?{MARCH}&group=department")
    assert page.status == 200
    body = await page.text()
    assert cell(body, "all", "", "response") == "57.1 % (4/7)"
    assert cell(body, "all", "", "resolution") == "42.9 % (3/7)"
    assert cell(body, "all", "", "satisfaction") == "66.7 % (2/3)"
    assert cell(body, "department", "signals", "response") == "33.3 % (1/3)"
    assert cell(body, "department", "parking", "resolution") == "50.0 % (1/2)"
    assert cell(body, "department", "service", "satisfaction") == "— (0/0)"
    assert "Citizen service centre" in body
    assert "<svg" in body and "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', "")
    page = await sue.get(f"/staff/dashboard?{MARCH}&group=district")
    body = await page.text()
    assert cell(body, "district", "chaoyang", "response") == "66.7 % (2/3)"
    assert cell(body, "district", "haidian", "resolution") == "0.0 % (0/2)"
    assert cell(body, "district", "", "response") == "50.0 % (1/2)"
    assert "Chaoyang" in body and "District unknown" in body


async def test_csv_export_in_both_languages(march: None, make_staff: Callable[[], StaffClient]) -> None:
    for lang, everyone, chaoyang in (("en", "All reports", "Chaoyang"), ("zh", "全部诉求", "朝阳")):
        sue = await signed_in(make_staff, "sue", lang)
        response = await sue.get(f"/staff/dashboard.csv?{MARCH}&group=district")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in response.headers["Content-Disposition"]
        text = (await response.read()).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:4] == ["period", "group_kind", "group", "reports"]
        by_group = {(r[0], r[2]): r for r in rows[1:]}
        assert by_group[("2020-03", everyone)][3:] == ["7", "7", "4", "57.1", "7", "3", "42.9", "3", "2", "66.7"]
        assert by_group[("2020-03", chaoyang)][3:] == ["3", "3", "2", "66.7", "3", "3", "100.0", "2", "1", "50.0"]
        assert len(rows) == 1 + 4  # the total and three districts (one unknown)


async def test_a_supervisor_promotes_the_task_of_the_month_once(
    march: None, make_staff: Callable[[], StaffClient]
) -> None:
    sue = await signed_in(make_staff, "sue")
    body = await (await sue.get(f"/staff/dashboard?{MARCH}")).text()
    cluster = fixture()[0].ticket_id
    assert f'data-cluster="{cluster}"' in body and "Promote to a task" in body
    done = await sue.post("/staff/dashboard/tasks", {"cluster": cluster, "month": "2020-03"})
    assert done.status == 303 and "Promoted" in URL(done.headers["Location"]).query["flash"]
    again = await sue.post("/staff/dashboard/tasks", {"cluster": cluster, "month": "2020-03"})
    assert "cannot be promoted" in URL(again.headers["Location"]).query["flash"]
    body = await (await sue.get(f"/staff/dashboard?{MARCH}")).text()
    assert 'id="tracked-tasks"' in body and "promoted by sue" in body
    unknown = await sue.post("/staff/dashboard/tasks", {"cluster": "C000000-0000", "month": "2020-03"})
    assert "cannot be promoted" in URL(unknown.headers["Location"]).query["flash"]


async def test_agents_cannot_see_the_dashboard(march: None, make_staff: Callable[[], StaffClient]) -> None:
    ann = await signed_in(make_staff, "ann")
    assert (await ann.get("/staff/dashboard")).status == 403
    assert (await ann.get("/staff/dashboard.csv")).status == 403
    assert (await ann.post("/staff/dashboard/tasks", {"cluster": "x", "month": "2020-03"})).status == 403
    anon = make_staff()
    assert (await anon.get("/staff/dashboard")).status == 302
    assert (await anon.get("/staff/dashboard.csv", html=False)).status == 401
