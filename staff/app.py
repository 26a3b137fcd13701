"""The staff console: an aiohttp sub-application mounted at `/staff`.

Server-rendered HTML (jinja2, autoescaped: a citizen's `<script>` is shown as text) with a little
vanilla JavaScript for the live chat (one websocket per open conversation) and for refreshing
the queue. Every endpoint declares the role it needs; without a session a page redirects to the
sign-in form and anything else answers 401; with too low a role, 403; a change without the
session's CSRF token, 403.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import structlog
from aiogram import Bot
from aiohttp import WSMsgType, web

from actions import handoff as actions
from actions.services import Services
from core.config import Settings
from core.i18n import Translator
from core.language import parse as parse_language
from messenger.citizen_link import TelegramCitizenLink
from messenger.outgoing import scheduled_sends
from messenger.telegram import build_bot
from staff import accounts, auth, workqueues
from staff.http import (
    SESSION,
    STAFF,
    USER,
    StaffRuntime,
    citizen_link,
    client_address,
    me,
    redirect,
    relay,
    render,
    requires,
    runtime,
    session_middleware,
    translator,
)
from staff.relay import Relay
from storage.models import Handoff, StaffRole

log = structlog.get_logger(__name__)
HERE = Path(__file__).resolve().parent
CANNED = ("greeting", "moment", "more-info", "anything-else", "goodbye")
TYPING_INTERVAL = 4.0
SWEEP_INTERVAL = 5.0  # seconds between looks for citizens who waited too long


# --- sign-in ------------------------------------------------------------------------------------------


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/staff/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/staff/queue"


def _secure(request: web.Request) -> bool:
    return runtime(request).settings.base_url.startswith("https://")


async def login_form(request: web.Request, *, error: str | None = None, status: int = 200) -> web.Response:
    token = request.cookies.get(auth.LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request, "login.html", status=status, error=error, login_csrf=token, next=_safe_next(request.query.get("next"))
    )
    response.set_cookie(
        auth.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", path="/staff", secure=_secure(request)
    )
    return response


async def login_page(request: web.Request) -> web.StreamResponse:
    if request.get(USER) is not None:
        raise web.HTTPSeeOther(_safe_next(request.query.get("next")))
    return await login_form(request)


async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    cookie_token = request.cookies.get(auth.LOGIN_CSRF_COOKIE, "")
    if not cookie_token or not auth.csrf_ok(auth.StaffSession("", cookie_token, 0), str(form.get("csrf", ""))):
        raise web.HTTPForbidden(text="missing or wrong CSRF token")
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    outcome, token = await auth.sign_in(runtime(request).services, username, password, client_address(request))
    if outcome == auth.SignIn.LOCKED:
        return await login_form(request, error="staff-login-locked", status=429)
    if outcome == auth.SignIn.BAD or token is None:
        return await login_form(request, error="staff-login-bad", status=401)
    response = web.HTTPSeeOther(_safe_next(str(form.get("next", ""))))
    response.set_cookie(
        auth.COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        path="/staff",
        secure=_secure(request),
        max_age=runtime(request).settings.staff_session_ttl,
    )
    response.del_cookie(auth.LOGIN_CSRF_COOKIE, path="/staff")
    raise response


@requires(StaffRole.AGENT)
async def logout(request: web.Request) -> web.StreamResponse:
    await auth.sign_out(runtime(request).services, request.cookies.get(auth.COOKIE, ""))
    response = web.HTTPSeeOther("/staff/login")
    response.del_cookie(auth.COOKIE, path="/staff")
    raise response


async def set_language(request: web.Request) -> web.StreamResponse:
    lang = parse_language(request.query.get("to")) or "en"
    response = web.HTTPSeeOther(_safe_next(request.query.get("next")))
    response.set_cookie(
        auth.LANG_COOKIE,
        lang,
        httponly=True,
        samesite="Strict",
        path="/staff",
        max_age=365 * 24 * 3600,
        secure=_secure(request),
    )
    raise response


async def index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/staff/queue")


# --- queue and claim ------------------------------------------------------------------------------------


def _queue_rows(handoffs: list[Handoff], t: Translator) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    rows = []
    for h in handoffs:
        since = h.waiting_since or h.created_at
        rows.append(
            {
                "id": h.id,
                "language": h.language.value,
                "topic": h.topic or "",
                "callback": h.topic == actions.CALLBACK_TOPIC,
                "wait_seconds": int((now - since).total_seconds()),
                "waiting_since": since.isoformat(),
                "citizen": (h.context.get("citizen") or {}).get("name") or t("staff-unbound"),
            }
        )
    return rows


@requires(StaffRole.AGENT)
async def queue_page(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    t = translator(request)
    rows = _queue_rows(await services.repos.handoffs.queue(), t)
    mine = await services.repos.handoffs.by_agent(me(request).username)
    return render(request, "queue.html", rows=rows, mine=mine)


@requires(StaffRole.AGENT)
async def queue_api(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    rows = _queue_rows(await services.repos.handoffs.queue(), translator(request))
    mine = [{"id": h.id, "topic": h.topic or ""} for h in await services.repos.handoffs.by_agent(me(request).username)]
    return web.json_response({"queue": rows, "mine": mine})


@requires(StaffRole.AGENT)
async def claim(request: web.Request) -> web.StreamResponse:
    result = await actions.claim(
        runtime(request).services, citizen_link(request), request.match_info["id"], me(request)
    )
    if "application/json" in request.headers.get("Accept", ""):
        if result.handoff is None:
            return web.json_response({"ok": False, "taken_by": result.taken_by}, status=409)
        return web.json_response({"ok": True, "id": result.handoff.id})
    if result.handoff is None:
        t = translator(request)
        raise redirect("/staff/queue", t("staff-claim-taken", name=result.taken_by or "?"))
    raise web.HTTPSeeOther(f"/staff/h/{result.handoff.id}")


# --- a conversation -------------------------------------------------------------------------------------


async def _visible_handoff(request: web.Request) -> tuple[Handoff, bool]:
    """(handoff, holder): the holder chats; a supervisor may watch any; others get 403."""
    handoff = await runtime(request).services.repos.handoffs.by_id(request.match_info["id"])
    if handoff is None:
        raise web.HTTPNotFound(text="no such conversation")
    user = me(request)
    holder = actions.holds(handoff, user)
    if not holder and not auth.allowed(user, StaffRole.SUPERVISOR):
        raise web.HTTPForbidden(text="this conversation is not yours")
    return handoff, holder


@requires(StaffRole.AGENT)
async def conversation_page(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    handoff, holder = await _visible_handoff(request)
    turns = await services.repos.conversations.recent_turns(handoff.chat_id, limit=100)
    staff = [s for s in await services.repos.staff.list_all() if not s.disabled and s.username != me(request).username]
    citizen_t = services.catalog.translator("zh" if handoff.language.value == "zh" else "en")
    canned = [(key, citizen_t(f"handoff-canned-{key}")) for key in CANNED]
    return render(
        request,
        "conversation.html",
        h=handoff,
        holder=holder,
        turns=turns,
        staff=staff,
        canned=canned,
        resolutions=actions.RESOLUTION_CODES,
        target=services.settings.handoff_first_response_target,
    )


@requires(StaffRole.AGENT)
async def note(request: web.Request) -> web.StreamResponse:
    handoff, _ = await _visible_handoff(request)
    form = await request.post()
    await actions.add_note(runtime(request).services, handoff.id, me(request), str(form.get("text", "")))
    raise web.HTTPSeeOther(f"/staff/h/{handoff.id}")


@requires(StaffRole.AGENT)
async def transfer(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    moved = await actions.transfer(
        runtime(request).services, citizen_link(request), request.match_info["id"], me(request), str(form.get("to", ""))
    )
    t = translator(request)
    if moved is None:
        raise redirect(f"/staff/h/{request.match_info['id']}", t("staff-transfer-failed"))
    raise redirect("/staff/queue", t("staff-transferred", name=moved.agent or ""))


@requires(StaffRole.AGENT)
async def close(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    code = str(form.get("resolution", ""))
    if code not in actions.RESOLUTION_CODES:
        raise web.HTTPBadRequest(text="unknown resolution code")
    closed = await actions.close(
        runtime(request).services, citizen_link(request), request.match_info["id"], me(request), code
    )
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


@requires(StaffRole.AGENT)
async def conversation_ws(request: web.Request) -> web.StreamResponse:
    """Live chat: events of this conversation out; the holder's `send` and `typing` in."""
    services, link, listener = runtime(request).services, citizen_link(request), relay(request)
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        raise web.HTTPForbidden(text="cross-site websocket refused")
    if not auth.csrf_ok(request[SESSION], request.query.get("csrf")):
        raise web.HTTPForbidden(text="missing or wrong CSRF token")
    handoff, _ = await _visible_handoff(request)
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
            await ws.send_str(json.dumps(event, ensure_ascii=False))

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


# --- supervisor -------------------------------------------------------------------------------------------


@requires(StaffRole.SUPERVISOR)
async def supervisor_page(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    view = await actions.overview(services, await auth.online(services))
    chats = await actions.recent_bot_chats(services)
    active_chats = {row.handoff.chat_id for row in view.rows}
    recent = await services.repos.handoffs.recent(limit=20)
    return render(
        request,
        "supervisor.html",
        view=view,
        chats=[c for c in chats if c.chat_id not in active_chats],
        recent=recent,
        target=services.settings.handoff_first_response_target,
    )


@requires(StaffRole.SUPERVISOR)
async def supervisor_api(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    view = await actions.overview(services, await auth.online(services))
    return web.json_response(
        {
            "queue_length": view.queue_length,
            "agents_online": view.agents_online,
            "conversations": [
                {
                    "id": r.handoff.id,
                    "state": r.handoff.state.value,
                    "agent": r.handoff.agent,
                    "wait_seconds": r.wait_seconds,
                    "first_response_seconds": r.first_response_seconds,
                    "late": r.late,
                }
                for r in view.rows
            ],
        }
    )


# --- the app ----------------------------------------------------------------------------------------------


async def _long_wait_sweeper(rt: StaffRuntime, link: actions.CitizenLink) -> None:
    while True:
        await asyncio.sleep(min(SWEEP_INTERVAL, max(0.5, rt.settings.handoff_max_wait / 2)))
        try:
            await actions.offer_after_long_wait(rt.services, link)
        except Exception:
            log.exception("long-wait sweep failed")


def relay_ctx(staff_app: web.Application) -> Callable[[web.Application], AsyncIterator[None]]:
    """For the parent app's cleanup_ctx (after the bot's): the relay listener, the bot that
    carries agents' words, and the long-wait sweeper."""
    rt = staff_app[STAFF]

    async def ctx(_: web.Application) -> AsyncIterator[None]:
        svc = rt.services
        # No transcript middleware (agent turns are recorded as such); the bot's send scheduler.
        relay_bot = build_bot(rt.settings, scheduled_sends(svc))
        rt.link = link = TelegramCitizenLink(rt.bot_of(), relay_bot, svc.catalog)
        rt.relay = listener = Relay(svc.redis, actions.events_pattern(svc))
        await listener.start()
        sweeper = asyncio.create_task(_long_wait_sweeper(rt, link), name="handoff-long-wait")
        yield
        sweeper.cancel()
        with suppress(asyncio.CancelledError):
            await sweeper
        await listener.stop()
        await relay_bot.session.close()

    return ctx


def create_staff_app(
    settings: Settings, *, services: Callable[[], Services], bot: Callable[[], Bot]
) -> web.Application:
    """`services`/`bot`: getters of the parent app's handles (they exist once it started)."""
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )
    app = web.Application(middlewares=[session_middleware])
    rt = StaffRuntime(settings=settings, services_of=services, bot_of=bot, templates=templates)
    app[STAFF] = rt

    r = app.router
    r.add_get("/", index)
    r.add_get("/login", login_page)
    r.add_post("/login", login_submit)
    r.add_post("/logout", logout)
    r.add_get("/lang", set_language)
    r.add_get("/queue", queue_page)
    r.add_get("/api/queue", queue_api)
    r.add_post("/h/{id}/claim", claim)
    r.add_get("/h/{id}", conversation_page)
    r.add_get("/h/{id}/ws", conversation_ws)
    r.add_post("/h/{id}/note", note)
    r.add_post("/h/{id}/transfer", transfer)
    r.add_post("/h/{id}/close", close)
    r.add_post("/h/{id}/takeover", take_over)
    r.add_post("/chat/{chat_id}/takeover", take_over_chat)
    r.add_get("/supervisor", supervisor_page)
    r.add_get("/api/supervisor", supervisor_api)
    workqueues.setup(r)
    accounts.setup(r)
    r.add_static("/static/", HERE / "static", append_version=True)
    return app


__all__ = ["STAFF", "StaffRuntime", "create_staff_app"]
