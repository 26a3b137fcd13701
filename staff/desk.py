"""The desk (issue 17): the queue with what each citizen wrote and unread badges, kept live by
server-sent events instead of polling, alerts (a new citizen, a transfer or an assignment to
you, a citizen who ended your chat) with an optional sound and desktop notification, the
language check of what staff write, and the background work: the long-wait offer, the idle
timeout and auto-assignment.

`/staff/events` is one SSE stream per open console page: every conversation's events reach it
through this process's relay listener (staff/relay.py); it sends "refresh" (the page asks
`/staff/api/queue` again) and "alert" (a line to show, already translated) events."""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

import structlog
from aiohttp import web

from actions import handoff as actions
from core.i18n import Translator
from core.language import detect
from core.language import parse as parse_language
from staff import auth
from staff.http import (
    SECURITY_HEADERS,
    StaffRuntime,
    json_response,
    me,
    relay,
    render,
    requires,
    runtime,
    translator,
)
from staff.labels import Labels, masked
from storage.models import Handoff, StaffRole, StaffUser

log = structlog.get_logger(__name__)

HEARTBEAT = 20.0  # seconds between keep-alive comments on the event stream (and presence)
SWEEP_INTERVAL = 5.0  # seconds between looks for long waits, idle chats and citizens to assign


# --- the queue ---------------------------------------------------------------------------------------


def _citizen_name(h: Handoff, unbound: str) -> str:
    citizen = h.context.get("citizen") or {}
    shown = h.context.get("telegram_name") or ""
    if citizen.get("name"):
        return f"{shown} ({citizen['name']})" if shown else str(citizen["name"])
    return shown or unbound


async def queue_view(request: web.Request) -> dict[str, Any]:
    """The queue and the signed-in agent's conversations, with previews and unread counts."""
    services = runtime(request).services
    t = translator(request)
    labels = Labels(services.catalog, t.lang)
    waiting = await services.repos.handoffs.queue()
    mine = await services.repos.handoffs.by_agent(me(request).username)
    boxes = await actions.inboxes(services, [h.id for h in waiting + mine])
    now = datetime.now(UTC)

    def row(h: Handoff) -> dict[str, Any]:
        since = h.waiting_since or h.created_at
        box = boxes.get(h.id, actions.Inbox())
        callback = h.topic == actions.CALLBACK_TOPIC
        preview = box.preview
        if box.kind == "location":
            preview = "📍 " + labels.turn_kind(box.kind).unescape()  # not the coordinates: the page has the map
        elif box.kind != "text":
            preview = f"[{labels.turn_kind(box.kind).unescape()}] {preview}".strip()
        if callback and not box.at:
            preview = h.context.get("callback_message") or ""
        return {
            "id": h.id,
            "language": h.language.value,
            "language_label": labels.language(h.language).unescape(),
            "topic": labels.topic(h.topic).unescape(),
            "callback": callback,
            "wait_seconds": int((now - since).total_seconds()),
            "waiting_since": since.isoformat(),
            "citizen": _citizen_name(h, t("staff-unbound").unescape()),
            "preview": masked(preview or ""),
            "unread": box.unread,
        }

    return {"queue": [row(h) for h in waiting], "mine": [row(h) for h in mine]}


@requires(StaffRole.AGENT)
async def queue_page(request: web.Request) -> web.StreamResponse:
    view = await queue_view(request)
    return render(request, "queue.html", rows=view["queue"], mine=view["mine"])


@requires(StaffRole.AGENT)
async def queue_api(request: web.Request) -> web.StreamResponse:
    return json_response(await queue_view(request))


@requires(StaffRole.AGENT)
async def language_api(request: web.Request) -> web.StreamResponse:
    """The language of a text staff are writing (core.language.detect), and whether it differs
    from the citizen's (``for``): the console warns before it is sent."""
    text = request.query.get("text", "")[:4000]
    target = parse_language(request.query.get("for"))
    if not text.strip():
        return json_response({"language": None, "differs": False, "warning": ""})
    found = detect(text)
    differs = target is not None and found != target
    warning = ""
    if differs and target is not None:
        labels = Labels(runtime(request).services.catalog, translator(request).lang)
        warning = translator(request)(
            "staff-language-warning", found=labels.language(found), citizen=labels.language(target)
        ).unescape()
    return json_response({"language": found.value, "differs": differs, "warning": warning})


# --- the event stream ---------------------------------------------------------------------------------


async def _alert_for(rt: StaffRuntime, user: StaffUser, event: dict[str, Any], t: Translator) -> dict[str, str] | None:
    """The alert this console shows for ``event``, if any (translated; links to the conversation)."""
    handoff_id = str(event.get("handoff_id", ""))
    href = f"/staff/h/{handoff_id}"
    kind, state = event.get("type"), event.get("state")
    if kind == "state" and state == "waiting" and not event.get("agent"):
        return {
            "text": t("staff-alert-callback" if event.get("callback") else "staff-alert-waiting").unescape(),
            "href": "/staff/queue",
        }
    if kind == "assigned" and event.get("agent") == user.username:
        return {"text": t("staff-alert-assigned").unescape(), "href": href}
    transfer = event.get("transfer")
    if kind == "state" and isinstance(transfer, dict) and event.get("agent") == user.username:
        note = str(transfer.get("note") or "")
        name = str(transfer.get("from_name") or transfer.get("from") or "")
        msg = "staff-alert-transfer-note" if note else "staff-alert-transfer"
        return {"text": t(msg, name=name, note=masked(note)).unescape(), "href": href}
    if kind == "state" and state == "closed" and event.get("by") in ("citizen", "timeout"):
        handoff = await rt.services.repos.handoffs.by_id(handoff_id)
        if handoff is not None and handoff.agent == user.username:
            msg = "staff-alert-citizen-ended" if event.get("by") == "citizen" else "staff-alert-idle-ended"
            return {"text": t(msg).unescape(), "href": href}
    return None


@requires(StaffRole.AGENT)
async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events for this console: "refresh" when the queue or the agent's own
    conversations changed, "alert" for what the agent should notice."""
    rt, listener, user, t = runtime(request), relay(request), me(request), translator(request)
    token = request.cookies.get(auth.COOKIE)
    response = web.StreamResponse(
        headers={
            **SECURITY_HEADERS,
            "Content-Type": "text/event-stream; charset=utf-8",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    queue = listener.subscribe_all()
    loop = asyncio.get_running_loop()
    next_beat = loop.time() + HEARTBEAT
    try:
        await response.write(b"retry: 2000\n\n")
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=max(0.1, next_beat - loop.time()))
            except TimeoutError:
                if await auth.load_session(rt.services, token) is None:
                    break  # signed out or expired: the page reloads to the sign-in form
                await auth.seen(rt.services, user.username)
                await response.write(b": ping\n\n")
                next_beat = loop.time() + HEARTBEAT
                continue
            if event is None:
                break
            if event.get("type") in ("state", "message", "assigned"):
                await response.write(b"event: refresh\ndata: {}\n\n")
            alert = await _alert_for(rt, user, event, t)
            if alert is not None:
                payload = json.dumps(alert, ensure_ascii=False)
                await response.write(f"event: alert\ndata: {payload}\n\n".encode())
    except ConnectionResetError:
        pass  # the agent closed the page: the stream just ends (a stopping app cancels it: that goes on up)
    finally:
        listener.unsubscribe_all(queue)
    return response


# --- background work ------------------------------------------------------------------------------------


async def available_agents(rt: StaffRuntime) -> list[StaffUser]:
    """Agents online now (a console open or used in the last 90 s), able to take conversations."""
    services = rt.services
    online = set(await auth.online(services))
    return [
        user
        for user in await services.repos.staff.list_all()
        if user.username in online and not user.disabled and user.role == StaffRole.AGENT
    ]


async def sweep(rt: StaffRuntime, link: actions.CitizenLink) -> None:
    """One round: offer a message after a long wait, end idle chats, auto-assign."""
    services = rt.services
    await actions.offer_after_long_wait(services, link)
    await actions.close_idle(services, link)
    if services.settings.handoff_auto_assign:
        await actions.auto_assign(services, link, await available_agents(rt))


async def sweeper(rt: StaffRuntime, link: actions.CitizenLink) -> None:
    """Runs `sweep` every few seconds, and at once when a citizen starts waiting."""
    while True:
        interval = min(SWEEP_INTERVAL, max(0.5, rt.settings.handoff_max_wait / 2))
        listener = rt.relay
        if listener is not None:
            with suppress(TimeoutError):
                await asyncio.wait_for(listener.new_waiting.wait(), timeout=interval)
            listener.new_waiting.clear()
        else:
            await asyncio.sleep(interval)
        try:
            await sweep(rt, link)
        except Exception:
            log.exception("staff sweep failed")


def setup(router: web.UrlDispatcher) -> None:
    router.add_get("/queue", queue_page)
    router.add_get("/api/queue", queue_api)
    router.add_get("/api/language", language_api)
    router.add_get("/events", events)
