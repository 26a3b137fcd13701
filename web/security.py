"""Security headers on every response of the app (console, sandbox, API, health)."""

from __future__ import annotations

from aiohttp import web

HEADERS = {
    "X-Content-Type-Options": "nosniff",  # a served file is never sniffed into HTML or script
    "Referrer-Policy": "same-origin",  # links out of the console or the sandbox carry no path
}


async def _add_headers(_: web.Request, response: web.StreamResponse) -> None:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)


def setup(app: web.Application) -> None:
    """Root app only: aiohttp sends `on_response_prepare` of every app on a route's path."""
    app.on_response_prepare.append(_add_headers)
