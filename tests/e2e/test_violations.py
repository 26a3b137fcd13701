"""Violations with paging (the message is edited in place), per vehicle, and "no violations"."""

from __future__ import annotations

import pytest

from actions.vehicles import AddOutcome, add_vehicle
from actions.violations import lookup_violations, page_count
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import Citizen
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of
from tests.e2e.helpers import citizen, open_feature
from tests.e2e.helpers import press as press_and_wait

pytestmark = pytest.mark.e2e

ZHANG_WEI = DEMO_IDENTITIES[0]


async def press(sb: SandboxClient, user: SandboxUser, message: ChatMessage, text: str) -> ChatMessage:
    edited = await press_and_wait(sb, user, message, text)
    assert edited.message_id == message.message_id and edited.edited  # edited in place
    return edited


def numbers_of(message: ChatMessage) -> list[int]:
    """The item numbers shown ("1." ... "5.")."""
    found = []
    for line in message.plain_text.splitlines():
        head = line.split(".", 1)[0]
        if head.isdigit():
            found.append(int(head))
    return found


async def test_paging_zhang_weis_thirty_violations_in_english(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, ZHANG_WEI.id_number, "en")
    services = services_of(app)
    plates = [v.plate for v in await services.repos.vehicles.by_owner(ZHANG_WEI.id_number)]
    totals = await services.repos.violations.page_by_plates(plates, page_size=1000)
    assert totals.total >= 30  # the seed gives him 30 (other tests may record more)
    pages = page_count(totals.total)
    first = await open_feature(sb, user, "🔎 Information inquiry", "🚦 Violations")
    text = first.plain_text
    assert f"Total {totals.total}" in text and f"unprocessed {totals.unprocessed}" in text
    assert f"fines due ¥{totals.fine_due_yuan:,}" in text and f"points pending {totals.points_pending}" in text
    assert f"Page 1 of {pages}" in text and numbers_of(first) == [1, 2, 3, 4, 5]
    newest = totals.items[0]
    assert newest.behaviour.en in text and newest.place.en in text
    flat = [b for row in first.buttons for b in row]
    assert "Next ▶" in flat and "◀ Previous" not in flat
    assert "All vehicles" in " ".join(flat) and all(p in flat for p in plates)
    second = await press(sb, user, first, "Next ▶")
    assert f"Page 2 of {pages}" in second.plain_text and numbers_of(second) == [6, 7, 8, 9, 10]
    assert totals.items[5].behaviour.en in second.plain_text
    seen = second
    for page in range(3, pages + 1):
        seen = await press(sb, user, seen, "Next ▶")
        assert f"Page {page} of {pages}" in seen.plain_text
    assert numbers_of(seen) == list(range((pages - 1) * 5 + 1, totals.total + 1))
    assert "Next ▶" not in [b for row in seen.buttons for b in row]
    back = await press(sb, user, seen, "◀ Previous")
    assert f"Page {pages - 1} of {pages}" in back.plain_text
    assert numbers_of(back) == list(range((pages - 2) * 5 + 1, (pages - 1) * 5 + 1))
    # One vehicle only.
    one = await press(sb, user, back, plates[1])
    only = await services.repos.violations.page_by_plates([plates[1]], page_size=1000)
    assert f"Total {only.total}" in one.plain_text and "Page 1 of" in one.plain_text
    assert plates[0] not in one.plain_text.split("\n", 1)[1]


async def test_paging_in_chinese_and_status_words(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, ZHANG_WEI.id_number, "zh")
    plates = [v.plate for v in await services_of(app).repos.vehicles.by_owner(ZHANG_WEI.id_number)]
    total = (await services_of(app).repos.violations.page_by_plates(plates)).total
    first = await open_feature(sb, user, "🔎 信息查询", "🚦 违法查询")
    assert f"共 {total} 条" in first.plain_text and f"第 1 / {page_count(total)} 页" in first.plain_text
    assert any(word in first.plain_text for word in ("未处理", "已处理，未缴款", "已缴款"))
    second = await press(sb, user, first, "下一页 ▶")
    assert f"第 2 / {page_count(total)} 页" in second.plain_text
    again = await press(sb, user, second, "◀ 上一页")
    assert f"第 1 / {page_count(total)} 页" in again.plain_text


async def _someone(app: RunningApp, *, with_vehicles: bool) -> Citizen:
    """A demo citizen with vehicles but no violations (or with no vehicle at all)."""
    repos = services_of(app).repos
    async for doc in repos.citizens.collection.find({}).sort("_id", 1):
        person = Citizen.from_doc(doc)
        plates = [v.plate for v in await repos.vehicles.by_owner(person.id_number)]
        if not with_vehicles and not plates:
            return person
        if with_vehicles and plates and (await repos.violations.page_by_plates(plates)).total == 0:
            return person
    raise AssertionError("the demo data has no such citizen")


async def test_no_violations_is_said_plainly(sb: SandboxClient, app: RunningApp) -> None:
    clean = await _someone(app, with_vehicles=True)
    user = await citizen(sb, app, clean.id_number, "en")
    reply = await open_feature(sb, user, "🔎 Information inquiry", "🚦 Violations")
    assert reply.plain_text.startswith("✅ No violations on record for")
    assert "Next ▶" not in [b for row in reply.buttons for b in row]
    zh_user = await citizen(sb, app, clean.id_number, "zh")
    reply = await open_feature(sb, zh_user, "🔎 信息查询", "🚦 违法查询")
    assert "没有交通违法记录" in reply.plain_text
    nobody = await _someone(app, with_vehicles=False)
    user = await citizen(sb, app, nobody.id_number, "en")
    reply = await open_feature(sb, user, "🔎 Information inquiry", "🚦 Violations")
    assert "no vehicles registered in your name" in reply.plain_text


async def test_violations_of_an_added_vehicle_and_never_of_someone_elses(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    clean = await _someone(app, with_vehicles=True)
    user = await citizen(sb, app, clean.id_number, "en")
    zhang_plate = (await services.repos.vehicles.by_owner(ZHANG_WEI.id_number))[0]
    citizen_record = await services.repos.citizens.by_id_number(clean.id_number)
    assert citizen_record is not None
    assert await lookup_violations(services, citizen_record, plate=zhang_plate.plate) is None
    result = await add_vehicle(services, citizen_record, zhang_plate.plate, zhang_plate.engine_number[-6:])
    assert result.outcome == AddOutcome.ADDED
    reply = await open_feature(sb, user, "🔎 Information inquiry", "🚦 Violations")
    own = await services.repos.violations.page_by_plates([zhang_plate.plate])
    assert f"Total {own.total}" in reply.plain_text and zhang_plate.plate in reply.plain_text


# --- free text (the real Rasa model) ---------------------------------------------------------------


@pytest.mark.nlu
async def test_free_text_with_someone_elses_plate_asks_for_the_engine_number(
    sandbox: SandboxClient, running_app: RunningApp
) -> None:
    services = services_of(running_app)
    stranger_car = (await services.repos.vehicles.by_owner(DEMO_IDENTITIES[1].id_number))[0]
    user = await sandbox.create_user("Tester", language_code="zh-hans")
    await bind_directly(running_app, user, DEMO_IDENTITIES[7].id_number, language="zh")
    await sandbox.send_text(user.id, f"查一下{stranger_car.plate}的违章")
    ask = await sandbox.wait_bot_message(user.id, timeout=20)
    assert f"{stranger_car.plate} 不在您的名下" in ask.plain_text and "发动机号后6位" in ask.plain_text
    await sandbox.send_text(user.id, stranger_car.engine_number[-6:])
    assert f"已将 {stranger_car.plate} 添加" in (await sandbox.wait_bot_message(user.id)).plain_text
    listing = await sandbox.wait_bot_message(user.id)
    total = (await services.repos.violations.page_by_plates([stranger_car.plate])).total
    expected = f"共 {total} 条" if total else "没有交通违法记录"
    assert expected in listing.plain_text and stranger_car.plate in listing.plain_text


@pytest.mark.nlu
async def test_free_text_my_violations_in_english(sandbox: SandboxClient, running_app: RunningApp) -> None:
    user = await sandbox.create_user("Tester", language_code="en")
    await bind_directly(running_app, user, ZHANG_WEI.id_number)
    await sandbox.send_text(user.id, "do I have any traffic violations?")
    reply = await sandbox.wait_bot_message(user.id, timeout=20)
    assert "Violations" in reply.plain_text and "Page 1 of" in reply.plain_text
