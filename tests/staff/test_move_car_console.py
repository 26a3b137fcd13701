"""Move my car in the staff console (staff/move_car.py): a requester blocked after owners' abuse
reports is listed (masked), staff lift the block over HTTP, and the citizen can ask again."""

from __future__ import annotations

from collections.abc import Callable

from actions import move_car
from core.identifiers import mask_id_number
from sandbox.client import SandboxClient
from storage.models import Citizen
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of
from tests.e2e.helpers import open_feature
from tests.staff.conftest import StaffClient

DEMO_IDS = {d.id_number for d in DEMO_IDENTITIES}


async def _unbound(app: RunningApp, n: int) -> list[Citizen]:
    services = services_of(app)
    found: list[Citizen] = []
    async for doc in services.repos.vehicles.collection.find({}, projection={"owner_id_number": 1}).sort("_id", -1):
        person = await services.repos.citizens.by_id_number(doc["owner_id_number"])
        fresh = person is not None and person.telegram is None and person.id_number not in DEMO_IDS
        if person is not None and fresh and all(p.id_number != person.id_number for p in found):
            found.append(person)
        if len(found) == n:
            return found
    raise AssertionError("not enough unbound people")


async def test_staff_see_and_lift_a_block(
    staff_app: RunningApp, make_staff: Callable[..., StaffClient], sb: SandboxClient
) -> None:
    services = services_of(staff_app)
    owner, requester = await _unbound(staff_app, 2)
    owner_user = await sb.create_user("Owner", language_code="en")
    requester_user = await sb.create_user("Req", language_code="en")
    await bind_directly(staff_app, owner_user, owner.id_number)
    await bind_directly(staff_app, requester_user, requester.id_number)
    owner = await services.repos.citizens.by_id_number(owner.id_number) or owner
    plate = (await services.repos.vehicles.by_owner(owner.id_number))[0].plate
    for _ in range(staff_app.settings.move_car_block_after):
        filed = await move_car.file(
            services, requester, plate=plate, place_text="Gate 3", location=None, photos=["f"], reason="preset:lane"
        )
        assert filed.request is not None
        answered = await move_car.answer(services, owner, filed.request.id, "abuse")
        assert answered.outcome == move_car.AnswerOutcome.RECORDED
    assert (await move_car.standing(services, requester)).refusal == move_car.Refusal.BLOCKED

    agent = make_staff()
    await agent.sign_in("ann")
    page = await agent.get("/staff/move-car")
    body = await page.text()
    assert page.status == 200 and mask_id_number(requester.id_number) in body
    assert requester.id_number not in body  # never the whole ID number
    ref = move_car_ref(requester.id_number)
    refused = await agent.post(f"/staff/move-car/{ref}/lift", csrf=False)
    assert refused.status in (400, 403)  # a change without the session's CSRF token
    lifted = await agent.post(f"/staff/move-car/{ref}/lift")
    assert lifted.status == 303 and "flash=" in lifted.headers["Location"]
    assert (await services.repos.move_requesters.by_id_number(requester.id_number)).blocked is False  # type: ignore[union-attr]
    after = await (await agent.get("/staff/move-car")).text()
    assert mask_id_number(requester.id_number) not in after

    asked = await open_feature(sb, requester_user, "📝 Business handling", "🚗 Move my car")
    assert "What is the plate" in asked.plain_text


def move_car_ref(id_number: str) -> str:
    from staff.move_car import reference

    return reference(id_number)
