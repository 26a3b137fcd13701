"""Complaints end to end, as citizens in the Telegram sandbox (English and Chinese): filing with a
shared location and photos, editing before submit, bad input kept in the form, /cancel, status by
ticket (someone else's reads like an unknown one), "my complaints", rating, and an expired form."""

from __future__ import annotations

import asyncio
import json
import random
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest

from actions import complaints as actions
from actions.complaints import ComplaintDraft
from core.config import Settings
from core.identifiers import id_check_digit
from core.language import Language
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import (
    Citizen,
    ComplaintTopic,
    GeoPoint,
    NotificationPreferences,
    NotificationType,
)
from storage.mongo import connect_mongo
from storage.repositories import Repositories
from tests.conftest import REPO, RunningApp, services_of

pytestmark = pytest.mark.e2e

TICKET = re.compile(r"C\d{6}-\d{4,}")
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")

TEXTS = {
    "en": {
        "section": "💬 Consultations & complaints",
        "menu_title": "service category",
        "section_title": "ask a question or file a complaint",
        "file": "📝 File a complaint",
        "mine": "📂 My complaints",
        "find": "🔎 Find by ticket number",
        "parking": "Illegal parking",
        "ask_topic": "Choose a topic",
        "ask_place": "Where did it happen?",
        "ask_description": "Please describe",
        "too_short": "too short",
        "too_long": "the limit is 2000",
        "long": "x" * 4096,
        "photos": "You may add up to 5 photos",
        "photo2": "Photo 2 of 5 received",
        "done": "✅ Done",
        "summary": "Please check your complaint",
        "edit": "✏️ Edit a field",
        "field": "Description",
        "edit_choose": "Which field",
        "submit": "✅ Submit",
        "filed": "Your complaint is registered",
        "within": "We will acknowledge it by",
        "sticker": "can't use a sticker",
        "voice": "can't use a voice message",
        "cancel": "Nothing was submitted",
        "not_found": "I found no complaint of yours",
        "ticket_hint": "A ticket number looks like",
        "rate": "⭐ Rate the resolution",
        "how": "How satisfied",
        "comment": "Add a comment",
        "thanks": "Thank you! Your rating",
        "expired": "has expired. Nothing was submitted",
        "restart": "🔄 Start again: 📝 File a complaint",
        "older": "Older ➡️",
        "list_title": "Your complaints",
        "page2": "page 2",
        "short": "bad",
        "ask": "{}",
        "fast": "Fast and polite.",
        "topic_text": "cars parked on the bike lane",
        "place": "Jianguo Road crossing",
        "plate_noted": "Plate noted",
        "plate_only": "the plate is 京A12345",
        "description": "Cars block the bike lane every evening near the school gate.",
        "edited": "Since Monday, cars block the bike lane near the gate, plate 京A12345.",
    },
    "zh": {
        "section": "💬 咨询投诉",
        "menu_title": "请选择服务类别",
        "section_title": "咨询问题或提交投诉",
        "file": "📝 我要投诉",
        "mine": "📂 我的投诉",
        "find": "🔎 按投诉编号查询",
        "parking": "违法停车",
        "ask_topic": "请选择类型",
        "ask_place": "事情发生在哪里",
        "ask_description": "请描述具体情况",
        "too_short": "内容太短",
        "too_long": "最多 2000 个字",
        "long": "长" * 4096,
        "photos": "您可以上传最多 5 张照片",
        "photo2": "已收到第 2 张照片",
        "done": "✅ 完成",
        "summary": "请核对您的投诉",
        "edit": "✏️ 修改内容",
        "field": "情况描述",
        "edit_choose": "您要修改哪一项",
        "submit": "✅ 提交",
        "filed": "您的投诉已登记",
        "within": "前受理",
        "sticker": "这里无法使用表情贴纸",
        "voice": "这里无法使用语音消息",
        "cancel": "未提交任何内容",
        "not_found": "没有找到您名下编号为",
        "ticket_hint": "C261121-0042",
        "rate": "⭐ 评价处理结果",
        "how": "满意吗",
        "comment": "如有意见",
        "thanks": "谢谢！您对投诉",
        "expired": "已过期，未提交任何内容",
        "restart": "🔄 重新开始：📝 我要投诉",
        "older": "较早 ➡️",
        "list_title": "我的投诉（第",
        "page2": "第 2 页",
        "short": "太短了",
        "ask": "查询 {}",
        "fast": "处理很快，态度很好。",
        "topic_text": "有车辆违停",
        "place": "建国路口",
        "plate_noted": "已记录车牌",
        "plate_only": "车牌是京A12345",
        "description": "学校门口每天晚上都有车辆占用非机动车道停车，很危险。",
        "edited": "从周一开始，门口一直有车牌京A12345的车辆占用非机动车道。",
    },
}
LANG_CODES = {"en": "en", "zh": "zh-hans"}


def new_id_number(rng: random.Random) -> str:
    first17 = (
        f"110105{rng.randrange(1960, 2000)}0{rng.randrange(1, 10)}1{rng.randrange(0, 10)}{rng.randrange(100, 1000)}"
    )
    return first17 + id_check_digit(first17)


async def new_citizen(
    repos: Repositories, sb: SandboxClient, lang: str, name: str = "Ann"
) -> tuple[SandboxUser, Citizen]:
    """A fresh identity of its own (tests do not share complaints), bound to a new sandbox user."""
    rng = random.Random()
    while True:
        id_number = new_id_number(rng)
        if await repos.citizens.by_id_number(id_number) is None:
            break
    await repos.citizens.insert(
        Citizen(
            id_number=id_number,
            name=name,
            phone=f"139{rng.randrange(10**7, 10**8)}",
            mailing_address="北京市东城区",
            postal_code="100010",
            city="beijing",
            created_at=datetime.now(UTC),
        )
    )
    user = await sb.create_user(name, language_code=LANG_CODES[lang])
    result = await repos.citizens.bind(
        id_number, user_id=user.id, chat_id=user.id, language=Language(lang), now=datetime.now(UTC)
    )
    return user, result.citizen


async def open_section(sb: SandboxClient, user: SandboxUser, x: dict[str, str]) -> ChatMessage:
    """/menu, then the consultations and complaints section (push messages may arrive meanwhile)."""
    await sb.send_text(user.id, "/menu")
    menu = await sb.wait_bot_message(user.id, contains=x["menu_title"])
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of(x["section"]))
    return await sb.wait_bot_message(user.id, contains=x["section_title"])


async def open_mine(sb: SandboxClient, user: SandboxUser, x: dict[str, str]) -> ChatMessage:
    section = await open_section(sb, user, x)
    await sb.press_button(user.id, section.message_id, section.callback_data_of(x["mine"]))
    return await sb.wait_bot_message(user.id, contains=x["list_title"])


async def open_form(sb: SandboxClient, user: SandboxUser, x: dict[str, str]) -> ChatMessage:
    """From the menu to the topic question."""
    section = await open_section(sb, user, x)
    await sb.press_button(user.id, section.message_id, section.callback_data_of(x["file"]))
    return await sb.wait_bot_message(user.id, contains=x["ask_topic"])


async def to_description(sb: SandboxClient, user: SandboxUser, x: dict[str, str]) -> None:
    topics = await open_form(sb, user, x)
    await sb.press_button(user.id, topics.message_id, topics.callback_data_of(x["parking"]))
    await sb.wait_bot_message(user.id, contains=x["ask_place"])
    await sb.send_location(user.id, *fresh_spot())
    await sb.wait_bot_message(user.id, contains=x["ask_description"])


def fresh_spot() -> tuple[float, float]:
    """A place of its own for one test's report, far from every other (nothing is "already
    reported" there: the form would offer to follow that report first)."""
    return round(random.uniform(30.0, 45.0), 5), round(random.uniform(100.0, 120.0), 5)


def sample_draft(place: str = "东长安街南池子路口") -> ComplaintDraft:
    return ComplaintDraft(
        topic=ComplaintTopic.ILLEGAL_PARKING,
        place_text=place,
        description="Cars park on the bike lane every evening.",
        photos_done=True,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_complaint_with_location_photos_and_an_edit_gets_a_ticket(
    bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str
) -> None:
    sb, x = bare_sandbox, TEXTS[lang]
    user, citizen = await new_citizen(services_of(bare_app).repos, sb, lang)
    topics = await open_form(sb, user, x)
    await sb.press_button(user.id, topics.message_id, topics.callback_data_of(x["parking"]))
    ask_place = await sb.wait_bot_message(user.id, contains=x["ask_place"])
    assert ask_place.reply_markup and ask_place.reply_markup["keyboard"][0][0]["request_location"] is True
    lat, lon = fresh_spot()
    await sb.send_location(user.id, lat, lon)
    await sb.wait_bot_message(user.id, contains=x["ask_description"])
    await sb.send_text(user.id, x["short"])
    hint = await sb.wait_bot_message(user.id)
    assert x["too_short"] in hint.plain_text and "10" in hint.plain_text
    await sb.send_text(user.id, x["description"])
    await sb.wait_bot_message(user.id, contains=x["photos"])
    await sb.send_photo(user.id, JPEG)
    await sb.wait_bot_message(user.id)
    await sb.send_photo(user.id, JPEG)
    second = await sb.wait_bot_message(user.id, contains=x["photo2"])
    await sb.press_button(user.id, second.message_id, second.callback_data_of(x["done"]))
    summary = await sb.wait_bot_message(user.id, contains=x["summary"])
    assert f"{lat:.5f}" in summary.plain_text and x["description"] in summary.plain_text
    # Edit the description before submitting: back to the summary afterwards.
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of(x["edit"]))
    fields = await sb.wait_bot_message(user.id, contains=x["edit_choose"])
    await sb.press_button(user.id, fields.message_id, fields.callback_data_of(x["field"]))
    await sb.wait_bot_message(user.id, contains=x["ask_description"])
    await sb.send_text(user.id, x["edited"])
    summary = await sb.wait_bot_message(user.id, contains=x["summary"])
    assert x["edited"] in summary.plain_text and "京A12345" in summary.plain_text
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of(x["submit"]))
    filed = await sb.wait_bot_message(user.id, contains=x["filed"])
    match = TICKET.search(filed.plain_text)
    assert match and x["within"] in filed.plain_text
    stored = await services_of(bare_app).repos.complaints.by_ticket(match.group(0))
    assert stored is not None and stored.citizen_id_number == citizen.id_number
    assert stored.location == GeoPoint(lat=lat, lon=lon) and len(stored.photos) == 2
    assert (stored.description, stored.plate, stored.topic) == (x["edited"], "京A12345", ComplaintTopic.ILLEGAL_PARKING)
    # "View it" shows the ticket.
    await sb.press_button(user.id, filed.message_id, filed.callback_data_of(filed.buttons[0][0]))
    view = await sb.wait_bot_message(user.id, contains=match.group(0))
    assert x["parking"] in view.plain_text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_free_text_answers_the_current_question_and_a_typed_plate_is_kept(
    bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str
) -> None:
    sb, x = bare_sandbox, TEXTS[lang]
    user, citizen = await new_citizen(services_of(bare_app).repos, sb, lang)
    await open_form(sb, user, x)
    await sb.send_text(user.id, x["topic_text"])  # instead of pressing a topic button
    asked = await sb.wait_bot_message(user.id, contains=x["ask_place"])
    assert x["parking"] in asked.plain_text
    await sb.send_text(user.id, x["plate_only"])  # a plate where the place was asked: kept, the place asked again
    again = await sb.wait_bot_message(user.id)
    assert x["plate_noted"] in again.plain_text and x["ask_place"].lower() in again.plain_text.lower()
    place = f"{x['place']} {random.randrange(10**6)}"  # a place of its own: nothing "already reported" there
    await sb.send_text(user.id, place)
    await sb.wait_bot_message(user.id, contains=x["ask_description"])
    await sb.send_text(user.id, x["description"])
    photos = await sb.wait_bot_message(user.id, contains=x["photos"])
    await sb.press_button(user.id, photos.message_id, photos.callback_data_of(photos.buttons[0][0]))
    summary = await sb.wait_bot_message(user.id, contains=x["summary"])
    assert "京A12345" in summary.plain_text and place in summary.plain_text
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of(x["submit"]))
    await sb.wait_bot_message(user.id, contains=x["filed"])
    [stored] = await services_of(bare_app).repos.complaints.by_citizen(citizen.id_number)
    assert (stored.plate, stored.place_text, stored.photos) == ("京A12345", place, [])


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_bad_input_a_sticker_a_voice_note_and_an_overlong_message_keep_the_form(
    bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str
) -> None:
    sb, x = bare_sandbox, TEXTS[lang]
    user, _ = await new_citizen(services_of(bare_app).repos, sb, lang)
    await to_description(sb, user, x)
    await sb.send_sticker(user.id)
    kept = await sb.wait_bot_message(user.id, contains=x["sticker"])
    assert x["ask_description"] in kept.plain_text  # the same question again
    await sb.send_voice(user.id)
    kept = await sb.wait_bot_message(user.id, contains=x["voice"])
    assert x["ask_description"] in kept.plain_text
    await sb.send_text(user.id, x["long"])  # as long as Telegram allows (a longer paste arrives split)
    long_hint = (await sb.wait_bot_message(user.id)).plain_text.replace(",", "")
    assert x["too_long"] in long_hint and "4096" in long_hint
    await sb.send_text(user.id, x["description"])
    await sb.wait_bot_message(user.id, contains=x["photos"])


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_cancel_mid_form(bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str) -> None:
    sb, x = bare_sandbox, TEXTS[lang]
    user, citizen = await new_citizen(services_of(bare_app).repos, sb, lang)
    await to_description(sb, user, x)
    await sb.send_text(user.id, "/cancel")
    done = await sb.wait_bot_message(user.id)
    assert x["cancel"] in done.plain_text
    await sb.send_text(user.id, x["description"])  # no longer an answer to the form, and no expiry notice
    after = await sb.wait_bot_message(user.id)
    assert x["expired"] not in after.plain_text and x["photos"] not in after.plain_text
    assert await services_of(bare_app).repos.complaints.by_citizen(citizen.id_number) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_someone_elses_ticket_answers_like_an_unknown_one(
    bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str
) -> None:
    sb, x = bare_sandbox, TEXTS[lang]
    services = services_of(bare_app)
    _, owner = await new_citizen(services_of(bare_app).repos, sb, lang, "Owner")
    theirs = await actions.submit(services, owner, sample_draft(), chat_id=None, language=Language(lang))
    user, _ = await new_citizen(services_of(bare_app).repos, sb, lang, "Other")
    unknown = theirs.ticket_id[:8] + "9999"

    async def ask(ticket: str) -> str:
        section = await open_section(sb, user, x)
        await sb.press_button(user.id, section.message_id, section.callback_data_of(x["mine"]))
        listing = await sb.wait_bot_message(user.id)  # none of their own: "no complaints yet"
        await sb.press_button(user.id, listing.message_id, listing.callback_data_of(x["find"]))
        await sb.wait_bot_message(user.id)
        await sb.send_text(user.id, x["ask"].format(ticket))
        return (await sb.wait_bot_message(user.id)).plain_text

    answer_theirs = await ask(theirs.ticket_id.lower())
    answer_unknown = await ask(unknown)
    assert x["not_found"] in answer_theirs
    assert answer_theirs.replace(theirs.ticket_id, "T") == answer_unknown.replace(unknown, "T")
    assert owner.name not in answer_theirs and "bike lane" not in answer_theirs
    # A malformed number gets the format hint and the question stays open.
    section = await open_section(sb, user, x)
    await sb.press_button(user.id, section.message_id, section.callback_data_of(x["mine"]))
    listing = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of(x["find"]))
    await sb.wait_bot_message(user.id)
    await sb.send_text(user.id, x["ask"].format("C2611-42"))
    assert x["ticket_hint"] in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, x["ask"].format(unknown))
    assert x["not_found"] in (await sb.wait_bot_message(user.id)).plain_text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_my_complaints_newest_first_with_paging(
    bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str
) -> None:
    sb, x = bare_sandbox, TEXTS[lang]
    services = services_of(bare_app)
    user, citizen = await new_citizen(services_of(bare_app).repos, sb, lang)
    tickets = [
        (
            await actions.submit(
                services, citizen, sample_draft(f"place {i}"), chat_id=user.id, language=Language(lang)
            )
        ).ticket_id
        for i in range(7)
    ]
    page1 = await open_mine(sb, user, x)
    shown = TICKET.findall(page1.plain_text)
    assert shown == tickets[::-1][:5]
    assert x["parking"] in page1.plain_text
    await sb.press_button(user.id, page1.message_id, page1.callback_data_of(x["older"]))
    page2 = await sb.wait_bot_message(user.id)
    assert page2.message_id == page1.message_id and page2.edited and x["page2"] in page2.plain_text
    assert TICKET.findall(page2.plain_text) == tickets[::-1][5:]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_resolved_complaint_is_rated_once(bare_app: RunningApp, bare_sandbox: SandboxClient, lang: str) -> None:
    sb, x = bare_sandbox, TEXTS[lang]
    services = services_of(bare_app)
    user, citizen = await new_citizen(services_of(bare_app).repos, sb, lang)
    # The push notifications that resolving sends would interleave with the messages this test reads
    # (and are held at night in Shanghai): this test is about rating from the complaint's own page.
    await services.repos.citizens.set_preferences(
        user.id,
        NotificationPreferences(
            disabled_types=[NotificationType.COMPLAINT_UPDATED, NotificationType.COMPLAINT_RATING_REQUEST]
        ),
    )
    complaint = await actions.submit(services, citizen, sample_draft(), chat_id=user.id, language=Language(lang))
    await actions.resolve(services, complaint.ticket_id, "agent.li", "Bollards were installed.")
    listing = await open_mine(sb, user, x)
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of(complaint.ticket_id))
    view = await sb.wait_bot_message(user.id, contains=complaint.ticket_id)
    assert "Bollards were installed." in view.plain_text
    await sb.press_button(user.id, view.message_id, view.callback_data_of(x["rate"]))
    stars = await sb.wait_bot_message(user.id, contains=x["how"])
    await sb.press_button(user.id, stars.message_id, stars.callback_data_of("4 ⭐"))
    await sb.wait_bot_message(user.id, contains=x["comment"])
    await sb.send_text(user.id, x["fast"])
    thanks = await sb.wait_bot_message(user.id, contains=x["thanks"])
    assert x["thanks"] in thanks.plain_text and "★★★★☆" in thanks.plain_text
    stored = await services.repos.complaints.by_ticket(complaint.ticket_id)
    assert stored is not None and (stored.rating, stored.rating_comment) == (4, x["fast"])
    # Rated once: the complaint shows the rating and offers no second one.
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of(complaint.ticket_id))
    again = await sb.wait_bot_message(user.id, contains=complaint.ticket_id)
    assert "★★★★☆" in again.plain_text
    assert not any(x["rate"] in b for row in again.buttons for b in row)


# The app with forms that expire after 2 seconds runs in a process of its own: aiogram routers are
# module-level objects that attach to one dispatcher per process, and the session's app holds them.
_SHORT_FORM_APP = """
import asyncio, json, sys
from core.config import Settings
from app.factory import create_app, start_server

async def main() -> None:
    settings = Settings(_env_file=None, **json.loads(sys.argv[1]))
    await start_server(create_app(settings), settings.http_host, settings.http_port)
    await asyncio.Event().wait()

asyncio.run(main())
"""


@dataclass
class ShortFormApp:
    base_url: str
    repos: Repositories


@pytest.fixture(scope="module")
async def short_form_app(
    make_settings: Callable[..., Settings], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ShortFormApp]:
    settings = make_settings(form_ttl=2)
    values = {
        "telegram_token": None,
        "nlu_url": None,
        "public_url": None,
        "demo_data": False,
        "log_format": "json",
        "mongo_url": settings.mongo_url.get_secret_value() if settings.mongo_url else None,
        "redis_url": settings.redis_url.get_secret_value() if settings.redis_url else None,
        "mongo_db": settings.mongo_db,
        "redis_prefix": settings.redis_prefix,
        "http_host": settings.http_host,
        "http_port": settings.http_port,
        "form_ttl": 2,
    }
    log = (tmp_path_factory.mktemp("short-form-app") / "app.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _SHORT_FORM_APP, json.dumps(values), cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT
    )
    mongo = connect_mongo(str(values["mongo_url"]))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                with suppress(aiohttp.ClientError):  # not listening yet
                    async with http.get(settings.base_url + "/healthz") as response:
                        if response.status == 200:
                            break
                assert proc.returncode is None, "the app exited"
                await asyncio.sleep(0.1)
        yield ShortFormApp(base_url=settings.base_url, repos=Repositories.from_db(mongo[settings.mongo_db]))
    finally:
        proc.terminate()
        await proc.wait()
        log.close()
        await mongo.drop_database(settings.mongo_db)
        await mongo.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_an_expired_form_is_announced(short_form_app: ShortFormApp, lang: str) -> None:
    x = TEXTS[lang]
    async with SandboxClient(short_form_app.base_url + "/sandbox") as sb:
        user, citizen = await new_citizen(short_form_app.repos, sb, lang)
        await to_description(sb, user, x)
        await asyncio.sleep(3.5)
        await sb.send_text(user.id, x["description"])
        gone = await sb.wait_bot_message(user.id)
        assert x["expired"] in gone.plain_text  # with the place question's reply keyboard taken away
        notice = await sb.wait_bot_message(user.id)
        assert any(x["restart"] in b for row in notice.buttons for b in row)
        # Said once: the next message is ordinary free text again.
        await sb.send_text(user.id, x["description"])
        assert x["expired"] not in (await sb.wait_bot_message(user.id)).plain_text
        # The restart button opens the form anew.
        await sb.press_button(
            user.id,
            notice.message_id,
            notice.callback_data_of(next(b for row in notice.buttons for b in row if x["restart"] in b)),
        )
        assert x["ask_topic"] in (await sb.wait_bot_message(user.id, contains=x["ask_topic"])).plain_text
        assert await short_form_app.repos.complaints.by_citizen(citizen.id_number) == []
