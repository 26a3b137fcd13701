"""A conversation in the console: claim it, read the transcript (photos as thumbnails, places
with a map link, identifiers masked), chat live over a websocket with canned replies, notes,
transfer with a note for the colleague, close with a resolution code; a supervisor watches or
takes over. A call-back request is answered by phone (the number shown on request, logged) or
in the chat."""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import structlog
from aiohttp import WSMsgType, web

from actions import handoff as actions
from actions.handoff import canned
from staff import auth
from staff.http import (
    SESSION,
    citizen_link,
    json_response,
    me,
    redirect,
    relay,
    render,
    requires,
    runtime,
    translator,
)
from staff.labels import Labels, Place, masked, place, place_in, plain
from storage.models import ConversationTurn, Handoff, StaffRole, TurnKind, TurnRole

log = structlog.get_logger(__name__)
TYPING_INTERVAL = 4.0


async def visible_handoff(request: web.Request) -> tuple[Handoff, bool]:
    """(handoff, holder): the holder chats; a supervisor may watch any; others get 403."""
    handoff = await runtime(request).services.repos.handoffs.by_id(request.match_info["id"])
    if handoff is None:
        raise web.HTTPNotFound(text="no such conversation")
    user = me(request)
    holder = actions.holds(handoff, user)
    if not holder and not auth.allowed(user, StaffRole.SUPERVISOR):
        raise web.HTTPForbidden(text="this conversation is not yours")
    return handoff, holder


@dataclass(frozen=True)
class TurnView:
    """A transcript turn as the console shows it."""

    id: str
    role: str
    author: str
    at: datetime
    kind: TurnKind
    text: str
    photo_url: str | None = None
    place: Place | None = None
    place_name: str = ""


def file_url(handoff_id: str, file_id: str) -> str:
    return f"/staff/h/{quote(handoff_id)}/file?f={quote(file_id, safe='')}"


def turn_view(handoff: Handoff, turn: ConversationTurn) -> TurnView:
    text = plain(turn.text) if turn.role == TurnRole.BOT else (turn.text or "")
    meta = turn.meta
    photo = (
        file_url(handoff.id, str(meta["file_id"])) if meta.get("file_id") and turn.role == TurnRole.CITIZEN else None
    )
    where = None
    if turn.kind == TurnKind.LOCATION:
        where = place(meta.get("latitude"), meta.get("longitude")) or place_in(turn.text)
        text = ""
    return TurnView(
        id=turn.id,
        role=turn.role.value,
        author=str(meta.get("author_name") or ""),
        at=turn.at,
        kind=turn.kind,
        text=masked(text),
        photo_url=photo,
        place=where,
        place_name=masked(str(meta.get("place") or "")),
    )


def citizen_display(handoff: Handoff, unbound: str) -> str:
    citizen = handoff.context.get("citizen") or {}
    shown = handoff.context.get("telegram_name") or ""
    if citizen.get("name"):
        return f"{shown} ({citizen['name']})" if shown else str(citizen["name"])
    return shown or unbound


@requires(StaffRole.AGENT)
async def claim(request: web.Request) -> web.StreamResponse:
    result = await actions.claim(
        runtime(request).services, citizen_link(request), request.match_info["id"], me(request)
    )
    if "application/json" in request.headers.get("Accept", ""):
        if result.handoff is None:
            return json_response({"ok": False, "taken_by": result.taken_by}, status=409)
        return json_response({"ok": True, "id": result.handoff.id})
    if result.handoff is None:
        t = translator(request)
        raise redirect("/staff/queue", t("staff-claim-taken", name=result.taken_by or "?"))
    raise web.HTTPSeeOther(f"/staff/h/{result.handoff.id}")


@requires(StaffRole.AGENT)
async def conversation_page(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    handoff, holder = await visible_handoff(request)
    turns = await services.repos.conversations.recent_turns(handoff.chat_id, limit=100)
    user = me(request)
    staff = [s for s in await services.repos.staff.list_all() if not s.disabled and s.username != user.username]
    replies = await canned.for_language(services, handoff.language)
    if holder:
        await actions.mark_read(services, handoff.id)
    phone = handoff.context.get("callback_phone")
    labels = Labels(services.catalog, translator(request).lang)
    return render(
        request,
        "conversation.html",
        h=handoff,
        holder=holder,
        turns=[turn_view(handoff, turn) for turn in turns],
        staff=staff,
        canned=replies,
        resolutions=actions.resolution_codes(handoff),
        target=services.settings.handoff_first_response_target,
        callback=handoff.topic == actions.CALLBACK_TOPIC,
        live=actions.is_live(handoff),
        citizen=citizen_display(handoff, str(translator(request)("staff-unbound"))),
        citizen_lang=labels.language(handoff.language),
        phone_masked=masked(phone) if phone else "",
        ref=actions.callback_ref(handoff),
    )


@requires(StaffRole.AGENT)
async def reveal_phone(request: web.Request) -> web.StreamResponse:
    """The number to call back, for whoever may see the request (logged: who, which request)."""
    handoff, _ = await visible_handoff(request)
    phone = handoff.context.get("callback_phone")
    if not phone:
        raise web.HTTPNotFound(text="no phone number")
    log.info("call-back number shown", handoff_id=handoff.id, by=me(request).username)
    return json_response({"phone": phone})


@requires(StaffRole.AGENT)
async def note(request: web.Request) -> web.StreamResponse:
    handoff, _ = await visible_handoff(request)
    form = await request.post()
    await actions.add_note(runtime(request).services, handoff.id, me(request), str(form.get("text", "")))
    raise web.HTTPSeeOther(f"/staff/h/{handoff.id}")


@requires(StaffRole.AGENT)
async def transfer(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    moved = await actions.transfer(
        runtime(request).services,
        citizen_link(request),
        request.match_info["id"],
        me(request),
        str(form.get("to", "")),
        note=str(form.get("note", "")),
    )
    t = translator(request)
    if moved is None:
        raise redirect(f"/staff/h/{request.match_info['id']}", t("staff-transfer-failed"))
    raise redirect("/staff/queue", t("staff-transferred", name=moved.agent or ""))


@requires(StaffRole.AGENT)
async def close(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    code = str(form.get("resolution", ""))
    services = runtime(request).services
    current = await services.repos.handoffs.by_id(request.match_info["id"])
    if current is None or code not in actions.resolution_codes(current):
        raise web.HTTPBadRequest(text="unknown resolution code")
    closed = await actions.close(services, citizen_link(request), request.match_info["id"], me(request), code)
    t = translator(request)
    if closed is None:
        raise redirect(f"/staff/h/{request.match_info['id']}", t("staff-close-failed"))
    raise redirect("/staff/queue", t("staff-closed"))


def after_take_over(request: web.Request, taken: Handoff | None) -> web.HTTPSeeOther:
    """To the conversation the supervisor now holds, or back to the board when that failed."""
    if taken is None:
        return redirect("/staff/supervisor", translator(request)("staff-takeover-failed"))
    return web.HTTPSeeOther(f"/staff/h/{taken.id}")


@requires(StaffRole.SUPERVISOR)
async def take_over(request: web.Request) -> web.StreamResponse:
    taken = await actions.take_over(
        runtime(request).services, citizen_link(request), request.match_info["id"], me(request)
    )
    raise after_take_over(request, taken)


@requires(StaffRole.SUPERVISOR)
async def take_over_chat(request: web.Request) -> web.StreamResponse:
    try:
        chat_id = int(request.match_info["chat_id"])
    except ValueError:
        raise web.HTTPBadRequest(text="bad chat id") from None
    taken = await actions.take_over_chat(runtime(request).services, citizen_link(request), chat_id, me(request))
    raise after_take_over(request, taken)


def event_for_console(handoff_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """A relay event as the page gets it: a photo's URL, identifiers masked (as stored)."""
    if event.get("type") != "message":
        return event
    meta = event.get("meta") or {}
    shown = dict(event)
    if event.get("role") == "bot":
        shown["text"] = plain(str(event.get("text") or ""))
    shown["text"] = masked(str(shown.get("text") or ""))
    if meta.get("file_id") and event.get("role") == "citizen":
        shown["photo_url"] = file_url(handoff_id, str(meta["file_id"]))
    if event.get("kind") == "location":
        where = place(meta.get("latitude"), meta.get("longitude")) or place_in(str(event.get("text") or ""))
        if where is not None:
            shown["place"] = {
                "text": where.text,
                "map_url": where.map_url,
                "name": masked(str(meta.get("place") or "")),
            }
            shown["text"] = ""
    shown.pop("meta", None)
    return shown


@requires(StaffRole.AGENT)
async def conversation_ws(request: web.Request) -> web.StreamResponse:
    """Live chat: events of this conversation out; the holder's `send` and `typing` in."""
    services, link, listener = runtime(request).services, citizen_link(request), relay(request)
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        raise web.HTTPForbidden(text="cross-site websocket refused")
    if not auth.csrf_ok(request[SESSION], request.query.get("csrf")):
        raise web.HTTPForbidden(text="missing or wrong CSRF token")
    handoff, holder = await visible_handoff(request)
    user = me(request)
    ws = web.WebSocketResponse(heartbeat=30.0)
    await ws.prepare(request)
    queue = listener.subscribe(handoff.id)

    async def forward() -> None:
        while True:
            event = await queue.get()
            if event is None:
                await ws.close()
                return
            await ws.send_str(json.dumps(event_for_console(handoff.id, event), ensure_ascii=False))
            if holder and event.get("type") == "message" and event.get("role") == "citizen":
                await actions.mark_read(services, handoff.id)  # the holder has it on screen

    sender = asyncio.create_task(forward())
    last_typing = 0.0
    try:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            try:
                data = json.loads(msg.data)
            except json.JSONDecodeError:
                continue
            kind = data.get("type") if isinstance(data, dict) else None
            if kind == "send":
                turn = await actions.agent_message(services, link, handoff.id, user, str(data.get("text", "")))
                if turn is None:
                    await ws.send_str(json.dumps({"type": "error", "error": "not-holder"}))
                else:
                    await ws.send_str(
                        json.dumps({"type": "sent", "client_id": data.get("client_id"), "turn_id": turn.id})
                    )
            elif kind == "typing":
                now = asyncio.get_running_loop().time()
                if now - last_typing >= TYPING_INTERVAL:
                    last_typing = now
                    await actions.agent_typing(services, link, handoff.id, user)
            elif kind == "ping":
                await auth.seen(services, user.username)
    finally:
        listener.unsubscribe(handoff.id, queue)
        sender.cancel()
        with suppress(asyncio.CancelledError):
            await sender
    return ws


def setup(router: web.UrlDispatcher) -> None:
    router.add_post("/h/{id}/claim", claim)
    router.add_get("/h/{id}", conversation_page)
    router.add_get("/h/{id}/ws", conversation_ws)
    router.add_post("/h/{id}/phone", reveal_phone)
    router.add_post("/h/{id}/note", note)
    router.add_post("/h/{id}/transfer", transfer)
    router.add_post("/h/{id}/close", close)
    router.add_post("/h/{id}/takeover", take_over)
    router.add_post("/chat/{chat_id}/takeover", take_over_chat)
