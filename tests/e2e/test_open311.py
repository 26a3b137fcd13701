"""Public status and open data over HTTP: the Open311 GeoReport v2 read API validated field by
field, free of personal data (a complaint full of it, and every seeded one), and the public
status page in both languages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from actions import public_status
from storage.models import Complaint, ComplaintEvent, ComplaintStatus, ComplaintTopic, GeoPoint
from tests.conftest import RunningApp, services_of

pytestmark = pytest.mark.e2e

ID_NUMBER = "110105198001011234"
PHONE = "13912345678"
NAME = "欧阳娜娜"
PLATE = "京A88K99"
TICKET = "C200105-0777"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
ID_LIKE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
PHONE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")

# GeoReport v2, GET Service Requests: every field, and what it may hold.
STRING_OR_NULL = (str, type(None))
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "service_request_id": (str,),
    "status": (str,),
    "status_notes": STRING_OR_NULL,
    "service_name": (str,),
    "service_code": (str,),
    "description": STRING_OR_NULL,
    "agency_responsible": STRING_OR_NULL,
    "service_notice": STRING_OR_NULL,
    "requested_datetime": (str,),
    "updated_datetime": STRING_OR_NULL,
    "expected_datetime": STRING_OR_NULL,
    "address": STRING_OR_NULL,
    "address_id": STRING_OR_NULL,
    "zipcode": STRING_OR_NULL,
    "lat": (float, int, type(None)),
    "long": (float, int, type(None)),
    "media_url": STRING_OR_NULL,
}


def valid_request(record: dict[str, Any]) -> None:
    assert set(record) == set(FIELD_TYPES), set(record) ^ set(FIELD_TYPES)
    for name, kinds in FIELD_TYPES.items():
        assert isinstance(record[name], kinds), (name, record[name])
    assert record["status"] in ("open", "closed")
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert record[name] is None or ISO.match(record[name]), (name, record[name])
    for name in ("lat", "long"):
        assert record[name] is None or round(record[name], 2) == record[name]
    assert record["description"] is None and record["media_url"] is None


def free_of_personal_data(text: str, *secrets: str) -> None:
    assert ID_LIKE.search(text) is None, ID_LIKE.search(text)
    assert PHONE_LIKE.search(text) is None, PHONE_LIKE.search(text)
    for secret in secrets:
        assert secret not in text, secret


@pytest.fixture(scope="module")
async def private_report(bare_app: RunningApp) -> Complaint:
    repos = services_of(bare_app).repos
    filed = datetime(2020, 1, 5, 9, 30, tzinfo=UTC)
    complaint = Complaint(
        ticket_id=TICKET,
        citizen_id_number=ID_NUMBER,
        chat_id=424242,
        topic=ComplaintTopic.ILLEGAL_PARKING,
        place_text=f"朝阳区建国路88号 {NAME}家门口",
        location=GeoPoint(lat=39.914567, lon=116.456789),
        description=f"我是{NAME}，电话{PHONE}，身份证{ID_NUMBER}，车牌{PLATE}的车天天堵门",
        plate=PLATE,
        status=ComplaintStatus.IN_PROGRESS,
        department="parking",
        district="chaoyang",
        history=[
            ComplaintEvent(at=filed, actor="citizen", action="created"),
            ComplaintEvent(at=filed, actor="sue", action="reply", text=f"{NAME}您好，我们会联系{PHONE}"),
        ],
        rating_comment=f"{NAME} {PHONE}",
        created_at=filed,
        updated_at=filed + timedelta(hours=2),
        acknowledge_by=filed + timedelta(days=1),
        answer_by=filed + timedelta(days=15),
    )
    await repos.complaints.collection.delete_many({"_id": TICKET})
    await repos.complaints.insert(complaint)
    return complaint


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get_json(http: aiohttp.ClientSession, url: str, status: int = 200) -> tuple[Any, str]:
    async with http.get(url) as response:
        text = await response.text()
        assert response.status == status, (url, response.status, text[:300])
        assert response.content_type == "application/json"
        return await response.json(), text


async def test_services_are_the_complaint_topics(bare_app: RunningApp, http: aiohttp.ClientSession) -> None:
    services, _ = await get_json(http, f"{bare_app.base_url}/open311/v2/services.json")
    assert [s["service_code"] for s in services] == [t.value for t in ComplaintTopic]
    for service in services:
        assert set(service) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
        assert service["metadata"] is False and service["type"] == "realtime"
    assert services[1]["service_name"] == "Illegal parking"
    chinese, _ = await get_json(http, f"{bare_app.base_url}/open311/v2/services.json?locale=zh_CN")
    assert chinese[1]["service_name"] == "违法停车"


async def test_one_request_is_public_fields_only(
    bare_app: RunningApp, http: aiohttp.ClientSession, private_report: Complaint
) -> None:
    body, text = await get_json(http, f"{bare_app.base_url}/open311/v2/requests/{TICKET}.json")
    assert len(body) == 1
    record = body[0]
    valid_request(record)
    assert record == {
        "service_request_id": TICKET,
        "status": "open",
        "status_notes": "Being handled by the department.",
        "service_name": "Illegal parking",
        "service_code": "illegal_parking",
        "description": None,
        "agency_responsible": "Parking enforcement",
        "service_notice": None,
        "requested_datetime": "2020-01-05T17:30:00+08:00",
        "updated_datetime": "2020-01-05T19:30:00+08:00",
        "expected_datetime": "2020-01-20T17:30:00+08:00",
        "address": "Chaoyang District, Beijing",
        "address_id": None,
        "zipcode": None,
        "lat": 39.91,
        "long": 116.46,
        "media_url": None,
    }
    free_of_personal_data(text, NAME, PLATE, "建国路", "88", "424242")
    body, text = await get_json(http, f"{bare_app.base_url}/open311/v2/requests/{TICKET.lower()}.json?locale=zh")
    assert body[0]["address"] == "北京市朝阳区" and body[0]["agency_responsible"] == "停车秩序执法大队"
    free_of_personal_data(text, NAME, PLATE, "建国路")
    missing, _ = await get_json(http, f"{bare_app.base_url}/open311/v2/requests/C200105-9999.json", status=404)
    assert missing == [{"code": 404, "description": "no such service request"}]


async def test_request_search_filters_and_stays_free_of_personal_data(
    bare_app: RunningApp, http: aiohttp.ClientSession, private_report: Complaint
) -> None:
    base = f"{bare_app.base_url}/open311/v2/requests.json"
    body, text = await get_json(http, f"{base}?start_date=2020-01-01&end_date=2020-01-31")
    assert [r["service_request_id"] for r in body] == [TICKET]
    free_of_personal_data(text, NAME, PLATE)
    body, _ = await get_json(http, f"{base}?start_date=2020-01-01&end_date=2020-01-31&status=closed")
    assert body == []
    body, _ = await get_json(http, f"{base}?start_date=2020-01-01&end_date=2020-01-05&service_code=illegal_parking")
    assert [r["service_request_id"] for r in body] == [TICKET]
    body, _ = await get_json(http, f"{base}?service_request_id={TICKET},C200105-9999&status=closed")
    assert [r["service_request_id"] for r in body] == [TICKET]
    for bad in (
        "status=pending",
        "service_code=potholes",
        "start_date=yesterday",
        "start_date=2020-02-01&end_date=2020-01-01",
    ):
        errors, _ = await get_json(http, f"{base}?{bad}", status=400)
        assert errors[0]["code"] == 400
    # The default: the last 90 days of every seeded complaint, none with anything personal.
    services = services_of(bare_app)
    recent, text = await get_json(http, base)
    assert recent, "the demo data has recent complaints"
    secrets: set[str] = set()
    for record in recent:
        valid_request(record)
        stored = await services.repos.complaints.by_ticket(record["service_request_id"])
        assert stored is not None
        if stored.citizen_id_number is not None:
            citizen = await services.repos.citizens.by_id_number(stored.citizen_id_number)
            secrets |= {stored.citizen_id_number, *([citizen.name] if citizen else [])}
        secrets |= {stored.plate} if stored.plate else set()
        if stored.place_text and len(stored.place_text) > 4:
            secrets.add(stored.place_text)
    free_of_personal_data(text, *secrets)
    assert len(recent) <= public_status.MAX_RESULTS


async def test_the_public_status_page_in_both_languages(
    bare_app: RunningApp, http: aiohttp.ClientSession, private_report: Complaint
) -> None:
    async with http.get(f"{bare_app.base_url}/status?ticket={TICKET}&lang=en") as page:
        assert page.status == 200
        body = await page.text()
    assert "Illegal parking" in body and "Being handled by the department." in body and "Parking enforcement" in body
    assert "2020-01-05 17:30" in body and "Chaoyang District, Beijing" in body
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    free_of_personal_data(body, NAME, PLATE, "建国路")
    async with http.get(
        f"{bare_app.base_url}/status?ticket= c200105-0777 ", headers={"Accept-Language": "zh-CN"}
    ) as page:
        body = await page.text()
    assert page.status == 200 and "违法停车" in body and "办理中" in body and "北京市朝阳区" in body
    free_of_personal_data(body, NAME, PLATE, "建国路")
    async with http.get(f"{bare_app.base_url}/status?ticket=C200105-9999&lang=zh") as page:
        assert page.status == 404
        assert "没有这个工单号的诉求" in await page.text()
    async with http.get(f"{bare_app.base_url}/status") as page:
        body = await page.text()
        assert page.status == 200 and 'name="ticket"' in body and "<script" not in body
