"""Photos in the console (issue 17), only through these authenticated routes (never a public
URL): a photo a citizen sent in a conversation, and a complaint's photos (Telegram file ids from
the chat's form, or photos uploaded from the Mini App, stored in MongoDB).

Who may see: a conversation's photos, whoever may see the conversation (its holder, a
supervisor); a complaint's, any agent (complaints are a shared work queue). Only images are
served (the type is read from the bytes, `nosniff`): a document a citizen sent as "image" that is
really HTML is never rendered on the console's origin."""

from __future__ import annotations

import asyncio
import io

import structlog
from aiogram.exceptions import TelegramAPIError
from aiohttp import web

from staff.http import SECURITY_HEADERS, me, requires, runtime
from storage.models import PHOTO_REF_PREFIX, StaffRole

log = structlog.get_logger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # Telegram's own limit for bots' downloads
IMAGE_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(data: bytes) -> str | None:
    for magic, content_type in IMAGE_TYPES:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_response(data: bytes) -> web.Response:
    content_type = image_type(data)
    if content_type is None:
        raise web.HTTPUnsupportedMediaType(text="not an image")
    headers = {
        **SECURITY_HEADERS,
        "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
    }
    return web.Response(body=data, content_type=content_type, headers=headers)


async def telegram_file(request: web.Request, file_id: str) -> bytes:
    bot = runtime(request).bot_of()
    buffer = io.BytesIO()
    try:
        file = await bot.get_file(file_id)
        if file.file_size is not None and file.file_size > MAX_BYTES:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_BYTES, actual_size=file.file_size)
        if file.file_path is None:
            raise web.HTTPNotFound(text="no such file")
        await bot.download_file(file.file_path, destination=buffer)
    except TelegramAPIError:
        log.warning("a photo could not be fetched from Telegram")
        raise web.HTTPNotFound(text="no such file") from None
    return buffer.getvalue()


async def _file_in_chat(request: web.Request, chat_id: int, file_id: str) -> bool:
    """The file was sent in this chat (turns are written in the background: looked for again
    a moment later when the photo has only just arrived)."""
    services = runtime(request).services
    for attempt in range(4):
        if await services.repos.conversations.has_file(chat_id, file_id):
            return True
        await asyncio.sleep(0.25 * (attempt + 1))
    return False


@requires(StaffRole.AGENT)
async def conversation_file(request: web.Request) -> web.StreamResponse:
    from staff.conversation import visible_handoff

    handoff, _ = await visible_handoff(request)
    file_id = request.query.get("f", "")
    if not file_id or len(file_id) > 256 or not await _file_in_chat(request, handoff.chat_id, file_id):
        raise web.HTTPNotFound(text="no such file")
    return image_response(await telegram_file(request, file_id))


@requires(StaffRole.AGENT)
async def complaint_photo(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    complaint = await services.repos.complaints.by_ticket(request.match_info["ticket"])
    try:
        index = int(request.match_info["n"])
    except ValueError:
        raise web.HTTPNotFound(text="no such photo") from None
    if complaint is None or not 0 <= index < len(complaint.photos):
        raise web.HTTPNotFound(text="no such photo")
    ref = complaint.photos[index]
    log.info("complaint photo viewed", ticket=complaint.ticket_id, by=me(request).username)
    if ref.startswith(PHOTO_REF_PREFIX):
        photo = await services.repos.photos.by_id(ref[len(PHOTO_REF_PREFIX) :], complaint.citizen_id_number or "")
        if photo is None or photo.ticket_id not in (None, complaint.ticket_id):
            raise web.HTTPNotFound(text="no such photo")
        return image_response(photo.data)
    return image_response(await telegram_file(request, ref))


def setup(router: web.UrlDispatcher) -> None:
    router.add_get("/h/{id}/file", conversation_file)
    router.add_get("/complaints/{ticket}/photo/{n}", complaint_photo)
