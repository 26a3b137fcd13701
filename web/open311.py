"""Public status and open data (issue 15), no sign-in, no personal data (actions/public_status.py):

- the Open311 GeoReport v2 read API, JSON: ``GET /open311/v2/services.json``,
  ``/open311/v2/requests.json`` and ``/open311/v2/requests/{id}.json`` (``?locale=zh`` for
  Chinese names and notes; errors as GeoReport's ``[{"code": ..., "description": ...}]``);
- ``GET /status``: a page where anyone looks up a ticket's public status by its id, in English or
  Chinese (``?lang=``, else the browser's language), from a phone or a desktop. Nothing on it
  loads from anywhere (no script; the style is in the page).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from actions import public_status
from actions.services import Services
from core import dates
from core.language import Language
from core.language import from_code as language_from_code
from core.language import parse as parse_language

HERE = Path(__file__).resolve().parent
API_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
}

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined,
)


def _error(status: int, description: str) -> web.Response:
    return web.json_response([{"code": status, "description": description}], status=status, headers=API_HEADERS)


def _api_lang(request: web.Request) -> Language:
    return parse_language(request.query.get("locale", "")[:2]) or Language.EN


def _page_lang(request: web.Request) -> Language:
    return parse_language(request.query.get("lang")) or language_from_code(
        request.headers.get("Accept-Language", "en").split(",")[0]
    )


def setup(app: web.Application, services: Callable[[], Services]) -> None:
    async def service_list(request: web.Request) -> web.Response:
        return web.json_response(await public_status.service_list(services(), _api_lang(request)), headers=API_HEADERS)

    async def request_list(request: web.Request) -> web.Response:
        query = {k: v for k, v in request.query.items() if isinstance(v, str)}
        try:
            found = await public_status.requests(services(), query, _api_lang(request))
        except public_status.BadQuery as exc:
            return _error(400, str(exc))
        return web.json_response(found, headers=API_HEADERS)

    async def one_request(request: web.Request) -> web.Response:
        found = await public_status.one_request(services(), request.match_info["id"], _api_lang(request))
        if found is None:
            return _error(404, "no such service request")
        return web.json_response([found], headers=API_HEADERS)

    async def status_page(request: web.Request) -> web.Response:
        svc = services()
        lang = _page_lang(request)
        typed = request.query.get("ticket", "").strip()[:40]
        found: dict[str, Any] | None = None
        if typed:
            found = await public_status.one_request(svc, typed, lang)
        t = svc.catalog.translator(lang)
        body = _templates.get_template("status.html").render(
            t=t,
            lang=lang.value,
            other=("en" if lang == Language.ZH else "zh"),
            typed=typed,
            found=found,
            shown=_shown(found),
        )
        return web.Response(
            text=body,
            status=404 if typed and found is None else 200,
            content_type="text/html",
            charset="utf-8",
            headers=PAGE_HEADERS,
        )

    app.router.add_get("/open311/v2/services.json", service_list, name="open311_services")
    app.router.add_get("/open311/v2/requests.json", request_list, name="open311_requests")
    app.router.add_get("/open311/v2/requests/{id}.json", one_request, name="open311_request")
    app.router.add_get("/status", status_page, name="public_status")


def _shown(found: dict[str, Any] | None) -> dict[str, str]:
    """The record's dates as the bureau's local time."""
    if found is None:
        return {}
    out: dict[str, str] = {}
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        value = found.get(key)
        out[key] = dates.local_time(datetime.fromisoformat(value)) if isinstance(value, str) else ""
    return out
