"""The report form: a draft the server issues, photos uploaded into it one by one, a preview, and
Submit, which files the complaint once per draft (actions/complaints/app_reports.py) and tells
the citizen's chat too."""

from __future__ import annotations

import asyncio
import math

import structlog
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web

from actions.complaints import DESCRIPTION_MAX, DESCRIPTION_MIN, MAX_PHOTOS, PLACE_MAX, PLACE_MIN
from actions.complaints import app_reports as reports
from actions.complaints.app_reports import PhotoOutcome, ReportFields, ReportOutcome
from core.dates import local_time
from core.i18n import Catalog
from core.language import Language
from messenger.webapp import web_app_info
from miniapp.auth import Viewer, for_citizen
from miniapp.http import JSON, MiniAppRuntime, answer, fail, moment, runtime, say
from storage.models import Complaint, ComplaintTopic, GeoPoint

log = structlog.get_logger(__name__)

CHAT_SEND_WAIT = 5.0  # seconds the answer waits for the chat's copy before it goes on by itself
COMPLAINT_VIEW = "go:complaint_view:"  # bot/ui/callbacks.GoCb(feature="complaint_view", arg=...) packed
READ_CHUNK = 64 * 1024


def _topics(catalog: Catalog, lang: Language) -> list[JSON]:
    return [
        {"value": t.value, "label": say(catalog, lang, f"complaints-topic-{t.value.replace('_', '-')}")}
        for t in ComplaintTopic
    ]


def _key(request: web.Request, v: Viewer) -> str:
    key = request.match_info["key"]
    if not reports.DRAFT_KEY.fullmatch(key):
        fail(410, "draft_expired", _expired(request, v))
    return key


def _expired(request: web.Request, v: Viewer) -> str:
    minutes = max(1, math.ceil(runtime(request).settings.form_ttl / 60))
    return say(runtime(request).services.catalog, v.lang, "miniapp-report-draft-expired", minutes=minutes)


@for_citizen
async def open_draft(request: web.Request, v: Viewer) -> web.StreamResponse:
    """A new report draft, with the form's rules."""
    rt = runtime(request)
    draft = await reports.open_draft(rt.services, v.user.id)
    return answer(
        {
            "key": draft.key,
            "expires_in": draft.expires_in,
            "topics": _topics(rt.services.catalog, v.lang),
            "limits": {
                "max_photos": MAX_PHOTOS,
                "max_photo_bytes": rt.settings.miniapp_photo_max_bytes,
                "place_min": PLACE_MIN,
                "place_max": PLACE_MAX,
                "description_min": DESCRIPTION_MIN,
                "description_max": DESCRIPTION_MAX,
            },
        },
        status=201,
    )


@for_citizen
async def get_draft(request: web.Request, v: Viewer) -> web.StreamResponse:
    draft = await reports.load_draft(runtime(request).services, v.user.id, _key(request, v))
    if draft is None:
        fail(410, "draft_expired", _expired(request, v))
    return answer({"key": draft.key, "photos": [{"id": i} for i in draft.photo_ids]})


async def _read_photo(request: web.Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than ``limit`` (read no further than that)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    data = bytearray()
    while chunk := await request.content.read(READ_CHUNK):
        data += chunk
        if len(data) > limit:
            return None
    return bytes(data)


@for_citizen
async def add_photo(request: web.Request, v: Viewer) -> web.StreamResponse:
    """One photo, as the request's body (``Content-Type`` image/jpeg, image/png or image/webp;
    the bytes decide)."""
    rt = runtime(request)
    catalog = rt.services.catalog
    key = _key(request, v)
    limit = rt.settings.miniapp_photo_max_bytes
    megabytes = f"{limit / (1024 * 1024):g}"
    data = await _read_photo(request, limit)
    if data is None:
        fail(413, "too_large", say(catalog, v.lang, "miniapp-photo-too-large", mb=megabytes))
    if not data:
        fail(415, "not_an_image", say(catalog, v.lang, "miniapp-photo-not-image"))
    result = await reports.attach_photo(rt.services, v.citizen, v.user.id, key, data)
    match result.outcome:
        case PhotoOutcome.DRAFT_EXPIRED:
            fail(410, "draft_expired", _expired(request, v))
        case PhotoOutcome.TOO_LARGE:
            fail(413, "too_large", say(catalog, v.lang, "miniapp-photo-too-large", mb=megabytes))
        case PhotoOutcome.NOT_AN_IMAGE:
            fail(415, "not_an_image", say(catalog, v.lang, "miniapp-photo-not-image"))
        case PhotoOutcome.TOO_MANY:
            fail(409, "too_many_photos", say(catalog, v.lang, "miniapp-photo-too-many", max=MAX_PHOTOS))
    assert result.photo is not None
    photo = result.photo
    return answer(
        {
            "photo": {
                "id": photo.id,
                "content_type": photo.content_type,
                "width": photo.width,
                "height": photo.height,
                "size": photo.size,
            }
        },
        status=201,
    )


@for_citizen
async def remove_photo(request: web.Request, v: Viewer) -> web.StreamResponse:
    services = runtime(request).services
    removed = await reports.detach_photo(services, v.citizen, v.user.id, _key(request, v), request.match_info["id"])
    if not removed:
        fail(404, "not_found", say(services.catalog, v.lang, "miniapp-photo-not-found"))
    return answer({"removed": True})


@for_citizen
async def photo(request: web.Request, v: Viewer) -> web.StreamResponse:
    """One of the citizen's own photos (someone else's answers as an unknown one)."""
    services = runtime(request).services
    found = await reports.filed_photo(services, v.citizen, request.match_info["id"])
    if found is None:
        fail(404, "not_found", say(services.catalog, v.lang, "miniapp-photo-not-found"))
    return web.Response(
        body=found.data,
        content_type=found.content_type,
        headers={"Cache-Control": "private, max-age=3600", "Content-Security-Policy": "default-src 'none'; sandbox"},
    )


async def _fields(request: web.Request, v: Viewer) -> ReportFields:
    catalog = runtime(request).services.catalog
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        fail(400, "bad_body", say(catalog, v.lang, "miniapp-error-bad-body"))
    location = None
    raw = body.get("location")
    if raw is not None:
        try:
            location = GeoPoint(lat=float(raw["lat"]), lon=float(raw["lon"]))
        except (TypeError, KeyError, ValueError):
            fail(
                422,
                "invalid",
                say(catalog, v.lang, "miniapp-form-fix"),
                fields={"place": say(catalog, v.lang, "miniapp-report-error-location")},
            )
    return ReportFields(
        topic=str(body.get("topic") or ""),
        place_text=str(body.get("place") or "")[: PLACE_MAX * 4],
        location=location,
        description=str(body.get("description") or "")[: DESCRIPTION_MAX * 4],
    )


def _problems(catalog: Catalog, lang: Language, problems: dict[str, reports.Problem]) -> dict[str, str]:
    return {name: say(catalog, lang, p.msg_id, **p.args) for name, p in problems.items()}


@for_citizen
async def preview(request: web.Request, v: Viewer) -> web.StreamResponse:
    """The report as it will be filed, or what to fix (422 with ``fields``)."""
    services = runtime(request).services
    catalog = services.catalog
    key = _key(request, v)
    fields = await _fields(request, v)
    draft_found = await reports.load_draft(services, v.user.id, key)
    if draft_found is None:
        fail(410, "draft_expired", _expired(request, v))
    draft, problems = reports.check_report(fields, draft_found.photo_ids)
    if draft is None:
        fail(422, "invalid", say(catalog, v.lang, "miniapp-form-fix"), fields=_problems(catalog, v.lang, problems))
    assert draft.topic is not None
    return answer(
        {
            "topic": say(catalog, v.lang, f"complaints-topic-{draft.topic.value.replace('_', '-')}"),
            "place": draft.place_text,
            "location": draft.location.model_dump() if draft.location is not None else None,
            "description": draft.description,
            "photos": len(draft.photos),
            "plate": draft.plate,
        }
    )


@for_citizen
async def submit(request: web.Request, v: Viewer) -> web.StreamResponse:
    """File the draft (once: the same draft again answers with the same ticket, ``repeated``)."""
    rt = runtime(request)
    services = rt.services
    catalog = services.catalog
    key = _key(request, v)
    fields = await _fields(request, v)
    chat_id = v.citizen.telegram.chat_id if v.citizen.telegram is not None else None
    result = await reports.submit_report(services, v.citizen, v.user.id, key, fields, chat_id=chat_id, language=v.lang)
    if result.outcome == ReportOutcome.DRAFT_EXPIRED:
        fail(410, "draft_expired", _expired(request, v))
    if result.outcome == ReportOutcome.INVALID:
        fail(
            422, "invalid", say(catalog, v.lang, "miniapp-form-fix"), fields=_problems(catalog, v.lang, result.problems)
        )
    complaint = result.complaint
    assert complaint is not None
    if not result.repeated and chat_id is not None:
        await _tell_chat(rt, chat_id, v.lang, complaint)
    return answer(
        {
            "ticket": complaint.ticket_id,
            "repeated": result.repeated,
            "acknowledge_by": moment(complaint.acknowledge_by),
            "answer_by": moment(complaint.answer_by),
            "photos": len(complaint.photos),
            "message": say(
                catalog,
                v.lang,
                "miniapp-report-filed",
                ticket=complaint.ticket_id,
                acknowledge_by=local_time(complaint.acknowledge_by),
                answer_by=local_time(complaint.answer_by),
            ),
        },
        status=200 if result.repeated else 201,
    )


async def _tell_chat(rt: MiniAppRuntime, chat_id: int, lang: Language, complaint: Complaint) -> None:
    """The ticket in the citizen's chat too (as the chat's own form tells it), with a button to its
    page. Waits a little for it; a send that takes longer goes on by itself, and one that fails is
    logged (the page already showed the ticket)."""
    bot = rt.bot_of()
    if bot is None:
        return
    catalog = rt.services.catalog
    text = (
        catalog.text(lang, "miniapp-report-filed-chat", photos=len(complaint.photos))
        + "\n"
        + catalog.text(
            lang,
            "complaints-filed",
            ticket=complaint.ticket_id,
            acknowledge_by=local_time(complaint.acknowledge_by),
            answer_by=local_time(complaint.answer_by),
        )
    )
    row = [
        InlineKeyboardButton(
            text=say(catalog, lang, "complaints-button-view"), callback_data=COMPLAINT_VIEW + complaint.ticket_id
        )
    ]
    page = web_app_info(rt.settings, "complaint", complaint.ticket_id)
    if page is not None:
        row.append(InlineKeyboardButton(text=say(catalog, lang, "miniapp-button-open-page"), web_app=page))
    markup = InlineKeyboardMarkup(inline_keyboard=[row])

    async def send() -> None:
        try:
            await bot.send_message(chat_id, text, reply_markup=markup)
        except TelegramAPIError as exc:
            log.warning("the chat's copy of a Mini App report was not sent", error=str(exc))

    task = asyncio.create_task(send(), name="mini app: report told in the chat")
    rt.background.add(task)
    task.add_done_callback(rt.background.discard)
    try:
        await asyncio.wait_for(asyncio.shield(task), CHAT_SEND_WAIT)
    except TimeoutError:
        pass  # still sending to the chat: it finishes in the background (shielded)
