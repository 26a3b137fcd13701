"""Handle and pay from the Mini App: the decision, one gateway order per confirmation (its page
opened from the Mini App), the receipt in the chat, and someone else's violation answered as an
unknown one."""

from __future__ import annotations

import pytest

from sandbox.client import SandboxClient
from storage.models import ViolationStatus
from tests.conftest import RunningApp, services_of
from tests.e2e.helpers import citizen
from tests.e2e.test_payments import add_violation, payer
from tests.miniapp.helpers import MiniAppClient, launched

pytestmark = pytest.mark.e2e


@pytest.fixture
async def sb(bare_sandbox: SandboxClient) -> SandboxClient:
    return bare_sandbox


async def test_pay_a_violation_from_the_mini_app(bare_app: RunningApp, sb: SandboxClient) -> None:
    services = services_of(bare_app)
    person, plate = await payer(bare_app)
    violation = await add_violation(services, plate, fine_yuan=200, points=3)
    _, other_plate = await payer(bare_app)
    theirs = await add_violation(services, other_plate, fine_yuan=100, points=1)
    user = await citizen(sb, bare_app, person.id_number, "en")
    init = await launched(sb, bare_app, user, "violations")
    async with MiniAppClient(bare_app, init) as client:
        _, listed = await client.call("GET", "violations")
        mine = next(item for item in listed["items"] if item["id"] == violation.id)
        assert mine["payable"] is True
        status, decided = await client.call("POST", "payments/quote", {"violation_ids": [violation.id]})
        assert status == 200 and decided["total"] == "200.00"
        assert "pay ¥200.00" in decided["summary"] and "0 → 3 of 12" in decided["summary"]
        status, order = await client.call("POST", "payments", {"violation_ids": [violation.id], "key": "k" * 16})
        assert status == 200 and order["total"] == "200.00" and "/sandbox/gateway/pay/" in order["pay_url"]
        _, again = await client.call("POST", "payments", {"violation_ids": [violation.id], "key": "k" * 16})
        assert again["order_id"] == order["order_id"]  # the same confirmation: one order
        # Someone else's violation: the same answer as an unknown one.
        answers = []
        for ids in ([theirs.id], ["no-such-violation"]):
            status, refused = await client.call("POST", "payments/quote", {"violation_ids": ids})
            answers.append((status, refused["error"], refused["message"]))
        assert answers[0] == answers[1] and answers[0][:2] == (404, "not_found")
        status, bad = await client.call("POST", "payments", {"violation_ids": [violation.id], "key": "?"})
        assert (status, bad["error"]) == (400, "bad_key")
    gateway_id = order["pay_url"].rsplit("/", 1)[1]
    await sb.gateway_pay(gateway_id)
    receipt = await sb.wait_bot_message(user.id, contains="Receipt", timeout=30)
    assert order["order_id"] in receipt.plain_text and "Paid ¥200.00" in receipt.plain_text
    stored = await services.repos.violations.by_id(violation.id)
    assert stored is not None and stored.status == ViolationStatus.PAID
