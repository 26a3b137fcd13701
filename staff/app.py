"""The staff console: an aiohttp sub-application mounted at `/staff`.

Server-rendered HTML (jinja2, autoescaped: a citizen's `<script>` is shown as text) with a little
vanilla JavaScript: the live chat (one websocket per open conversation), the desk's server-sent
events (the queue, unread badges, alerts). Every endpoint declares the role it needs; without a
session a page redirects to the sign-in form and anything else answers 401; with too low a role,
403; a change without the session's CSRF token, 403.

Modules: sign-in and the supervisor's board here; `desk` (queue, events, background sweeps),
`conversation`, `files` (photos), `profile`, `canned`, `workqueues` (reviews, complaints),
`accounts` (sign-in locks).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from pathlib import Path

import jinja2
import structlog
from aiogram import Bot
from aiohttp import web

from actions import handoff as actions
from actions.services import Services
from core.config import Settings
from core.language import parse as parse_language
from messenger.citizen_link import TelegramCitizenLink
from messenger.outgoing import scheduled_sends
from messenger.telegram import build_bot
from staff import (
    accounts,
    announcements,
    auth,
    canned,
    conversation,
    dashboard,
    departments,
    desk,
    files,
    move_car,
    profile,
    workqueues,
)
from staff.http import (
    STAFF,
    USER,
    StaffRuntime,
    client_address,
    json_response,
    render,
    requires,
    runtime,
    session_middleware,
)
from staff.labels import masked
from staff.relay import Relay
from storage.models import StaffRole

log = structlog.get_logger(__name__)
HERE = Path(__file__).resolve().parent


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


# --- supervisor -------------------------------------------------------------------------------------------


@requires(StaffRole.SUPERVISOR)
async def supervisor_page(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    view = await actions.overview(services, await auth.online(services))
    chats = await actions.recent_bot_chats(services)
    active_chats = {row.handoff.chat_id for row in view.rows}
    rows = await actions.bot_chat_rows(services, [c for c in chats if c.chat_id not in active_chats])
    recent = await services.repos.handoffs.recent(limit=20)
    names = {user.username: user.display_name for user in await services.repos.staff.list_all()}
    return render(
        request,
        "supervisor.html",
        view=view,
        chats=rows,
        recent=recent,
        names=names,
        target=services.settings.handoff_first_response_target,
        auto_assign=services.settings.handoff_auto_assign,
        capacity=services.settings.handoff_agent_capacity,
    )


@requires(StaffRole.SUPERVISOR)
async def supervisor_api(request: web.Request) -> web.StreamResponse:
    services = runtime(request).services
    view = await actions.overview(services, await auth.online(services))
    return json_response(
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


def relay_ctx(staff_app: web.Application) -> Callable[[web.Application], AsyncIterator[None]]:
    """For the parent app's cleanup_ctx (after the bot's): the relay listener, the bot that
    carries agents' words, and the sweeper (long waits, idle chats, auto-assignment)."""
    rt = staff_app[STAFF]

    async def ctx(_: web.Application) -> AsyncIterator[None]:
        svc = rt.services
        # No transcript middleware (agent turns are recorded as such); the bot's send scheduler.
        relay_bot = build_bot(rt.settings, scheduled_sends(svc))
        rt.link = link = TelegramCitizenLink(rt.bot_of(), relay_bot, svc.catalog)
        rt.relay = listener = Relay(svc.redis, actions.events_pattern(svc))
        await listener.start()
        sweeper = asyncio.create_task(desk.sweeper(rt, link), name="handoff-sweeper")
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
    templates.filters["masked"] = masked  # identifiers masked in whatever a citizen (or staff) wrote
    app = web.Application(middlewares=[session_middleware])
    rt = StaffRuntime(settings=settings, services_of=services, bot_of=bot, templates=templates)
    app[STAFF] = rt

    r = app.router
    r.add_get("/", index)
    r.add_get("/login", login_page)
    r.add_post("/login", login_submit)
    r.add_post("/logout", logout)
    r.add_get("/lang", set_language)
    desk.setup(r)
    conversation.setup(r)
    files.setup(r)
    profile.setup(r)
    canned.setup(r)
    r.add_get("/supervisor", supervisor_page)
    r.add_get("/api/supervisor", supervisor_api)
    workqueues.setup(r)
    departments.setup(r)
    accounts.setup(r)
    dashboard.setup(r)
    announcements.setup(r)
    move_car.setup(r)
    r.add_static("/static/", HERE / "static", append_version=True)
    return app


__all__ = ["STAFF", "StaffRuntime", "create_staff_app"]
