"""The Mini App as an aiohttp sub-application, mounted at ``/app`` by ``app.factory.create_app``.

- ``/``            the page (static/index.html: one page, its views chosen by the URL fragment)
- ``/static/...``  its scripts and styles (vendored: nothing comes from the internet but
                   Telegram's ``telegram-web-app.js``, which the sandbox replaces with its stand-in)
- ``/api/...``     the JSON API (miniapp/api_*.py); every call but ``texts`` needs the launch's
                   ``Authorization: tma <initData>``
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import structlog
from aiogram import Bot
from aiohttp import web
from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from actions.services import Services
from core.config import Settings
from miniapp import api_license, api_payments, api_records, api_report, api_vehicles
from miniapp.http import MINIAPP, MiniAppRuntime, fail, request_language, runtime, say

log = structlog.get_logger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
TELEGRAM_WEB = "https://web.telegram.org"
DRAIN_SECONDS = 5.0


def telegram_script(settings: Settings) -> str:
    """Where the page loads ``Telegram.WebApp`` from: Telegram, or the sandbox's stand-in (at
    /sandbox of this very app, or at the sandbox's own address with several processes)."""
    if not settings.sandbox_mode:
        return TELEGRAM_SCRIPT
    sandbox = settings.telegram_api_url or "/sandbox"
    return f"{sandbox}/static/telegram-web-app.js"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def page_policy(settings: Settings) -> str:
    """The page's Content-Security-Policy: its own scripts and Telegram's, images it makes (the
    QR code, photo previews), API calls to itself only; framed by Telegram Web only (in the
    sandbox, by the sandbox's chat page, wherever it is opened from)."""
    script = " ".join(filter(None, ["'self'", _origin(telegram_script(settings))]))
    ancestors = "*" if settings.sandbox_mode else TELEGRAM_WEB
    return (
        f"default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data: blob:; "
        f"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
        f"frame-ancestors {ancestors}"
    )


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


async def page(request: web.Request) -> web.Response:
    rt = runtime(request)
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    html = html.replace("__TELEGRAM_SCRIPT__", telegram_script(rt.settings)).replace("__V__", request.app[VERSION])
    return web.Response(
        text=html,
        content_type="text/html",
        headers={"Cache-Control": "no-cache", "Content-Security-Policy": page_policy(rt.settings)},
    )


VERSION = web.AppKey("miniapp_static_version", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The API answers JSON, also for an unknown path and when a database is down."""
    if "/api/" not in request.path:
        return await handler(request)
    services = runtime(request).services
    lang = request_language(request)
    try:
        return await handler(request)
    except web.HTTPNotFound:
        fail(404, "not_found", say(services.catalog, lang, "miniapp-error-not-found"))
    except web.HTTPMethodNotAllowed:
        fail(405, "method_not_allowed", say(services.catalog, lang, "miniapp-error-not-found"))
    except (PyMongoError, RedisError) as exc:
        log.warning("Mini App: a database is unavailable", error=type(exc).__name__)
        fail(503, "unavailable", say(services.catalog, lang, "miniapp-error-unavailable"))


def _routes(r: web.UrlDispatcher) -> None:
    r.add_get("/", page, name="miniapp_page")
    r.add_get("/api/texts", api_license.texts)
    r.add_get("/api/session", api_license.session)
    r.add_get("/api/me", api_license.me)
    r.add_get("/api/elicense", api_license.elicense_card)
    r.add_post("/api/elicense/code", api_license.elicense_code)
    r.add_get("/api/vehicles", api_vehicles.vehicles)
    r.add_post("/api/vehicles/{plate}/authorisations", api_vehicles.grant)
    r.add_delete("/api/vehicles/{plate}/authorisations/{id}", api_vehicles.revoke)
    r.add_get("/api/violations", api_vehicles.violations)
    r.add_post("/api/payments/quote", api_payments.quote_payment)
    r.add_post("/api/payments", api_payments.pay)
    r.add_post("/api/report/drafts", api_report.open_draft)
    r.add_get("/api/report/drafts/{key}", api_report.get_draft)
    r.add_post("/api/report/drafts/{key}/photos", api_report.add_photo)
    r.add_delete("/api/report/drafts/{key}/photos/{id}", api_report.remove_photo)
    r.add_post("/api/report/drafts/{key}/preview", api_report.preview)
    r.add_post("/api/report/drafts/{key}/submit", api_report.submit)
    r.add_get("/api/photos/{id}", api_report.photo)
    r.add_get("/api/deliveries", api_records.deliveries)
    r.add_get("/api/deliveries/{id}", api_records.delivery)
    r.add_get("/api/applications", api_records.applications)
    r.add_get("/api/complaints", api_records.complaints)
    r.add_get("/api/complaints/{ticket}", api_records.complaint)
    r.add_get("/api/notifications", api_records.get_notifications)
    r.add_put("/api/notifications", api_records.put_notifications)
    r.add_static("/static/", STATIC_DIR, name="miniapp_static")


def create_miniapp(
    settings: Settings, *, services: Callable[[], Services], bot: Callable[[], Bot | None]
) -> web.Application:
    """``services`` / ``bot``: getters of the parent app's handles (they exist once it started)."""
    app = web.Application(middlewares=[api_errors])
    rt = MiniAppRuntime(settings=settings, services_of=services, bot_of=bot)
    app[MINIAPP] = rt
    app[VERSION] = _static_version()
    _routes(app.router)

    async def drain(_app: web.Application) -> AsyncIterator[None]:
        yield
        if rt.background:  # chat copies of reports still being sent: a moment to finish
            _done, late = await asyncio.wait(list(rt.background), timeout=DRAIN_SECONDS)
            for task in late:
                task.cancel()

    app.cleanup_ctx.append(drain)
    return app


__all__ = ["MINIAPP", "create_miniapp", "page_policy", "telegram_script"]
