"""What the staff desk's tests (tests/staff, tests/browser) share: a real PNG, linking an identity
through the bot's own form (the code read from the sandbox's phone panel), a call-back request
with a number confirmed by a code, a complaint with photos and a place, an e-license review."""

from __future__ import annotations

import asyncio
import re
import struct
import zlib
from datetime import UTC, datetime

from actions import complaints
from actions.complaints.draft import ComplaintDraft
from core.language import Language
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import LOCAL_TZ, Complaint, ComplaintTopic, ELicenseReview, GeoPoint, LicenseStatus, TurnKind
from storage.seed import DemoIdentity
from tests.conftest import RunningApp, services_of


def png(width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A valid PNG of one colour (no imaging library needed)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


async def say(sb: SandboxClient, user: SandboxUser, text: str) -> ChatMessage:
    await sb.send_text(user.id, text)
    return await sb.wait_bot_message(user.id)


async def press(sb: SandboxClient, user: SandboxUser, message: ChatMessage, button: str) -> ChatMessage:
    await sb.press_button(user.id, message.message_id, message.callback_data_of(button))
    return await sb.wait_bot_message(user.id)


async def new_code(sb: SandboxClient, phone: str, seen: int, timeout: float = 10.0) -> str:
    """The code of the first SMS to ``phone`` after the ``seen`` ones already there."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        messages = await sb.sms(phone)
        if len(messages) > seen:
            match = re.search(r"\b(\d{6})\b", str(messages[0]["text"]))
            assert match, messages[0]
            return match.group(1)
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"no new SMS within {timeout}s")
        await asyncio.sleep(0.1)


async def link_identity(sb: SandboxClient, user: SandboxUser, person: DemoIdentity) -> str:
    """Link ``user`` to ``person`` through the bot's form, in English: returns the code typed."""
    choose = await say(sb, user, "/language")
    await press(sb, user, choose, "English")
    menu = await say(sb, user, "/menu")
    section = await press(sb, user, menu, "✏️ Information changes")
    await press(sb, user, section, "🔐 Link my identity")
    await say(sb, user, person.name)
    seen = len(await sb.sms(person.phone))
    await say(sb, user, person.id_number)
    code = await new_code(sb, person.phone, seen)
    done = await say(sb, user, code)
    assert "Done" in done.plain_text, done.plain_text
    return code


async def ask_for_person(sb: SandboxClient, user: SandboxUser) -> ChatMessage:
    """The citizen presses "talk to a person" in the menu: the bot's answer."""
    await sb.send_text(user.id, "/menu")
    menu = await sb.wait_bot_message(user.id)
    title = next(b for row in menu.buttons for b in row if b.startswith("👤"))
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of(title))
    return await sb.wait_bot_message(user.id)


def closed_now() -> str:
    """Staff hours that do not include the present local time."""
    hour = (datetime.now(LOCAL_TZ).hour + 2) % 24
    return f"{hour:02d}:00-{hour:02d}:30"


async def callback_with_phone(
    sb: SandboxClient, user: SandboxUser, offer: ChatMessage, message: str, phone: str
) -> tuple[str, str]:
    """An unlinked English citizen presses "Ask for a call back" under ``offer`` (the bot's
    answer outside staff hours), writes ``message`` and confirms ``phone`` with the code texted
    to it: (the reference they were given, the code typed)."""
    await sb.press_button(user.id, offer.message_id, offer.callback_data_of("📞 Ask for a call back"))
    await sb.wait_bot_message(user.id, contains="Write your message")
    await sb.send_text(user.id, message)
    await sb.wait_bot_message(user.id, contains="Which mobile number")
    seen = len(await sb.sms(phone))
    await sb.send_text(user.id, phone)
    await sb.wait_bot_message(user.id, contains="6-digit code")
    code = await new_code(sb, phone, seen)
    await sb.send_text(user.id, code)
    done = await sb.wait_bot_message(user.id, contains="Your request is in our queue")
    ref = re.search(r"reference (\w+)", done.plain_text)
    assert ref is not None and "will call you back" in done.plain_text, done.plain_text
    return ref.group(1), code


async def photo_file_id(app: RunningApp, chat_id: int) -> str:
    """The file id of the last photo the citizen sent in ``chat_id`` (from the transcript)."""
    services = services_of(app)
    await services.repos.conversations.flush_turns()
    turns = await services.repos.conversations.recent_turns(chat_id, limit=50)
    photos = [t for t in turns if t.kind == TurnKind.PHOTO and t.meta.get("file_id")]
    assert photos, "no photo in the transcript"
    return str(photos[-1].meta["file_id"])


async def file_complaint(
    app: RunningApp,
    person: DemoIdentity,
    *,
    description: str,
    photos: list[str] | None = None,
    language: Language = Language.EN,
    topic: ComplaintTopic = ComplaintTopic.ROAD_FACILITIES,
) -> Complaint:
    """A complaint filed as the citizen's form files it: a place by name and on the map, photos."""
    services = services_of(app)
    citizen = await services.repos.citizens.by_id_number(person.id_number)
    assert citizen is not None
    draft = ComplaintDraft(
        topic=topic,
        place_text="Renmin Road and 3rd Ring",
        location=GeoPoint(lat=39.9087, lon=116.3975),
        description=description,
        photos=photos or [],
    )
    complaint, _ = await complaints.submit_once(services, citizen, draft, key=None, chat_id=None, language=language)
    return complaint


async def request_review(app: RunningApp, person: DemoIdentity, reason: str) -> ELicenseReview:
    """A pending e-license review at the Hohhot office, blocked by an overdue physical exam."""
    services = services_of(app)
    existing = await services.repos.elicense.pending_for(person.id_number)
    if existing is not None:
        return existing
    review = ELicenseReview(
        citizen_id_number=person.id_number,
        issuing_office="hohhot-vmo",
        reason=reason,
        blockers=[LicenseStatus.EXAM_OVERDUE, LicenseStatus.PERIODIC_EXAM_OVERDUE],
        requested_at=datetime.now(UTC),
    )
    stored, _ = await services.repos.elicense.request_review(review)
    return stored
