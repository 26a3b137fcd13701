"""A linked citizen's own data through the real dispatcher: license status, vehicles and violations
(paged by editing the message), in English and Chinese; nothing personal before linking."""

from __future__ import annotations

from actions.services import Services
from actions.violations import page_count
from storage.seed import DEMO_IDENTITIES
from tests.handlers.chat import Person, Replies, buttons
from tests.handlers.conftest import Bind, MakePerson

ZHANG, LI, HUANG = DEMO_IDENTITIES[0], DEMO_IDENTITIES[1], DEMO_IDENTITIES[7]
BIND_FIRST = "To see your personal information, please first link your identity"


async def open_inquiry(who: Person, title: str, *, chinese: bool = False) -> Replies:
    """/menu, the information-inquiry section, then the feature's ``title`` button."""
    menu = (await who.send("/menu")).last
    section = (await who.press(menu, "🔎 信息查询" if chinese else "🔎 Information inquiry")).last
    return await who.press(section, title)


async def zhangs_plates(services: Services) -> list[str]:
    return sorted(v.plate for v in await services.repos.vehicles.by_owner(ZHANG.id_number))


async def test_nothing_personal_before_linking(person: MakePerson) -> None:
    alice = person()
    for title in ("🪪 Driver's license", "🚗 My vehicles", "🚦 Violations"):
        replies = await open_inquiry(alice, title)
        assert replies.sent[-1].text is not None and replies.sent[-1].text.startswith(BIND_FIRST), title
        assert ZHANG.id_number not in replies.text
    asked = await alice.press(replies.sent[-1], "🔐 Link my identity")
    assert asked.sent[-1].text is not None and asked.sent[-1].text.startswith("Link your identity (step 1 of 3)")


async def test_a_valid_license_in_english(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, ZHANG)
    replies = await open_inquiry(alice, "🪪 Driver's license")
    text = replies.sent[-1].text or ""
    assert text.startswith("🪪 Your driver's license\nClass C1 · No. 110102********2939")
    assert ZHANG.id_number not in text
    assert "Status: valid" in text and "3 of 12 deducted" in text and "days left" in text
    assert "Beijing Vehicle Management Office" in text


async def test_an_expired_license_in_chinese(person: MakePerson, bind: Bind) -> None:
    wei = person(language_code="zh-hans")
    await bind(wei, LI)
    text = (await open_inquiry(wei, "🪪 驾驶证", chinese=True)).sent[-1].text or ""
    assert text.startswith("🪪 您的驾驶证")
    assert "已过期 20 天" in text and "状态：已过期" in text and "邮寄换证" in text


async def test_a_suspended_license_says_why(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, HUANG)
    text = (await open_inquiry(alice, "🪪 Driver's license")).sent[-1].text or ""
    assert "suspended" in text and "12 points reached" in text and "full-score education" in text


async def test_vehicles_list(person: MakePerson, bind: Bind, services: Services) -> None:
    alice = person()
    await bind(alice, ZHANG)
    plates = await zhangs_plates(services)
    assert len(plates) == 2
    replies = await open_inquiry(alice, "🚗 My vehicles")
    vehicles = replies.sent[-1]
    assert (vehicles.text or "").startswith("Your vehicles (2)")
    for plate in plates:
        assert f"🚗 {plate} · " in (vehicles.text or "")
        assert f"📋 Violations {plate}" in buttons(vehicles) and f"🔑 Authorise {plate}" in buttons(vehicles)
    zh = person(language_code="zh-hans")
    await bind(zh, ZHANG)
    zh_vehicles = (await open_inquiry(zh, "🚗 我的车辆", chinese=True)).sent[-1]
    assert (zh_vehicles.text or "").startswith("您的车辆（2 辆）")
    assert all(f"📋 {plate} 的违法" in buttons(zh_vehicles) for plate in plates)


async def test_violations_are_paged_by_editing_the_message(person: MakePerson, bind: Bind, services: Services) -> None:
    alice = person()
    await bind(alice, ZHANG)
    plates = await zhangs_plates(services)
    totals = await services.repos.violations.page_by_plates(plates, page_size=1000)
    pages = page_count(totals.total)
    assert pages >= 3
    first = (await open_inquiry(alice, "🚦 Violations")).sent[-1]
    text = first.text or ""
    assert text.startswith(f"🚦 Violations of {', '.join(plates)}\nTotal {totals.total} · unprocessed")
    assert f"Page 1 of {pages}, newest first" in text and "\n1. " in text and "\n5. " in text
    assert totals.items[0].behaviour.en in text
    assert "Next ▶" in buttons(first) and "◀ Previous" not in buttons(first)
    second = await alice.press(first, "Next ▶")
    assert not second.sent and len(second.answers) == 1
    assert second.last.message_id == first.message_id
    assert f"Page 2 of {pages}" in (second.last.text or "") and "\n6. " in (second.last.text or "")
    assert buttons(second.last)[:2] == ["◀ Previous", "Next ▶"]
    back = await alice.press(second.last, "◀ Previous")
    assert f"Page 1 of {pages}" in (back.last.text or "") and back.last.message_id == first.message_id
    # Pressing the filter already shown changes nothing: Telegram refuses the edit, the bot stays calm.
    same = await alice.press(back.last, "• All vehicles")
    assert not same.shown and len(same.answers) == 1
    one = await alice.press(back.last, plates[1])
    only = await services.repos.violations.page_by_plates([plates[1]], page_size=1000)
    assert f"Total {only.total} ·" in (one.last.text or "") and f"• {plates[1]}" in buttons(one.last)


async def test_violations_in_chinese(person: MakePerson, bind: Bind, services: Services) -> None:
    wei = person(language_code="zh-hans")
    await bind(wei, ZHANG)
    total = (await services.repos.violations.page_by_plates(await zhangs_plates(services))).total
    first = (await open_inquiry(wei, "🚦 违法查询", chinese=True)).sent[-1]
    assert f"共 {total} 条" in (first.text or "") and f"第 1 / {page_count(total)} 页" in (first.text or "")
    second = await wei.press(first, "下一页 ▶")
    assert f"第 2 / {page_count(total)} 页" in (second.last.text or "")
    assert buttons(second.last)[:2] == ["◀ 上一页", "下一页 ▶"]


async def test_a_page_button_after_unlinking_is_stale(person: MakePerson, bind: Bind, services: Services) -> None:
    alice = person()
    await bind(alice, ZHANG)
    first = (await open_inquiry(alice, "🚦 Violations")).sent[-1]
    await alice.press((await alice.send("/unbind")).last, "Yes, unlink")
    replies = await alice.press(first, "Next ▶")
    assert not replies.shown
    assert replies.answers[0].text == "This button is no longer active. Please use /menu."
