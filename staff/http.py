"""What every staff console handler uses: the console's runtime state, the signed-in account,
the UI language, page rendering, redirects with a flash message, and `requires(role)`, the
decorator that checks the session, the role and the CSRF token."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import jinja2
import structlog
from aiogram import Bot
from aiohttp import web
from redis.exceptions import RedisError

from actions.handoff import CitizenLink
from actions.services import Services
from core import dates
from core.config import Settings
from core.i18n import Translator
from core.language import Language
from core.language import from_code as language_from_code
from core.language import parse as parse_language
from staff import auth
from staff.labels import Labels, place, place_in
from staff.relay import Relay
from storage.models import StaffRole, StaffUser

log = structlog.get_logger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
}


@dataclass
class StaffRuntime:
    """The console's state. `services_of`/`bot_of` read the parent app's handles (they exist once
    it started); `relay` and `link` are set by `staff.app.relay_ctx` when it starts."""

    settings: Settings
    services_of: Callable[[], Services]
    bot_of: Callable[[], Bot]
    templates: jinja2.Environment
    relay: Relay | None = None
    link: CitizenLink | None = None

    @property
    def services(self) -> Services:
        return self.services_of()


STAFF = web.AppKey("staff", StaffRuntime)
SESSION = web.RequestKey("staff_session", auth.StaffSession)
USER = web.RequestKey("staff_user", StaffUser)


def runtime(request: web.Request) -> StaffRuntime:
    return request.config_dict[STAFF]


def citizen_link(request: web.Request) -> CitizenLink:
    """How actions reach the citizen's chat (503 until the console's relay has started)."""
    link = runtime(request).link
    if link is None:
        raise web.HTTPServiceUnavailable(text="the staff console is starting")
    return link


def relay(request: web.Request) -> Relay:
    """This process's listener for conversation events (503 until it has started)."""
    listener = runtime(request).relay
    if listener is None:
        raise web.HTTPServiceUnavailable(text="the staff console is starting")
    return listener


def me(request: web.Request) -> StaffUser:
    """The signed-in account (every handler behind `requires` has one)."""
    return request[USER]


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _ip(text: str | None) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1
    return ip


def source_address(
    remote: str | None, forwarded: list[str], trusted: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> str:
    """The source address sign-in lock-outs count: the TCP peer `remote`, or, when the peer is one
    of `trusted` (STAFF_TRUSTED_PROXIES), the nearest X-Forwarded-For hop that is not a trusted
    proxy (hops further left are the client's own claims). IPv6 counts per /64 network."""
    client = _ip(remote)
    if client is None:
        return "local"  # a unix socket
    if any(client in net for net in trusted):
        for hop in reversed(",".join(forwarded).split(",")):
            ip = _ip(hop)
            if ip is None:
                break  # garbage: keep the last address a trusted proxy vouched for
            client = ip
            if not any(ip in net for net in trusted):
                break
    if isinstance(client, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((client, 64), strict=False))
    return str(client)


def client_address(request: web.Request) -> str:
    """`source_address` of this request."""
    trusted = runtime(request).settings.staff_trusted_proxies
    return source_address(request.remote, request.headers.getall("X-Forwarded-For", []), trusted)


def ui_lang(request: web.Request) -> Language:
    chosen = parse_language(request.cookies.get(auth.LANG_COOKIE))
    if chosen is not None:
        return chosen
    return language_from_code(request.headers.get("Accept-Language", "en").split(",")[0])


def translator(request: web.Request) -> Translator:
    return runtime(request).services.catalog.translator(ui_lang(request))


def local_time(at: datetime | None) -> str:
    return dates.local_time(at, seconds=True) if at else ""


def minutes_ago(at: datetime | None) -> str:
    """How long ago, as m:ss."""
    if at is None:
        return ""
    seconds = int((datetime.now(UTC) - at).total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """A page: the template with the translator, the account, the CSRF token and the helpers."""
    session = request.get(SESSION)
    page = runtime(request).templates.get_template(template)
    body = page.render(
        t=translator(request),
        lang=ui_lang(request),
        me=request.get(USER),
        csrf=session.csrf if session else "",
        path=request.path_qs,
        allowed=auth.allowed,
        Role=StaffRole,
        local=local_time,
        ago=minutes_ago,
        L=Labels(runtime(request).services.catalog, ui_lang(request)),
        place=place,
        place_in=place_in,
        flash=request.query.get("flash"),
        **context,
    )
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8", headers=SECURITY_HEADERS)


def json_response(data: object, status: int = 200) -> web.Response:
    """A JSON answer with the console's security headers (never cached)."""
    return web.json_response(data, status=status, headers=SECURITY_HEADERS, dumps=_dumps)


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def redirect(location: str, flash: str | None = None) -> web.HTTPSeeOther:
    """A 303 to ``location``, which shows ``flash`` (already translated) once."""
    if flash:
        location += ("&" if "?" in location else "?") + "flash=" + quote(flash)
    return web.HTTPSeeOther(location)


def wants_html(request: web.Request) -> bool:
    return request.method == "GET" and "/api/" not in request.path and "text/html" in request.headers.get("Accept", "")


async def _csrf_given(request: web.Request) -> str | None:
    """The CSRF token of a change: the `X-CSRF-Token` header (scripts) or the form's `csrf` field."""
    given = request.headers.get("X-CSRF-Token")
    if given is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        field = (await request.post()).get("csrf")
        given = field if isinstance(field, str) else None
    return given


def requires(role: StaffRole) -> Callable[[Handler], Handler]:
    """Decorator: a signed-in account with at least `role`; changes need the CSRF token."""

    def wrap(handler: Handler) -> Handler:
        async def checked(request: web.Request) -> web.StreamResponse:
            user = request.get(USER)
            if user is None:
                if wants_html(request):
                    raise web.HTTPFound("/staff/login?next=" + quote(request.path_qs))
                raise web.HTTPUnauthorized(text="sign in first")
            if not auth.allowed(user, role):
                raise web.HTTPForbidden(text="not allowed for your role")
            if request.method not in ("GET", "HEAD") and not auth.csrf_ok(request[SESSION], await _csrf_given(request)):
                raise web.HTTPForbidden(text="missing or wrong CSRF token")
            return await handler(request)

        checked.__name__ = handler.__name__
        return checked

    return wrap


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Load the session and its account (if any) for every request, and note the agent as online."""
    services = runtime(request).services
    loaded = await auth.load_session(services, request.cookies.get(auth.COOKIE))
    if loaded is not None:
        request[SESSION], request[USER] = loaded
        try:
            await auth.seen(services, loaded[1].username)
        except RedisError:
            log.warning("could not record presence")
    return await handler(request)
