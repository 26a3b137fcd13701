"""The sandbox as an aiohttp sub-application.

Mount it with ``app.add_subapp("/sandbox", create_sandbox_app())``; then configure the bot with
``TelegramAPIServer.from_base("http://HOST:PORT/sandbox")``. Routes (relative to the mount point):

- ``/bot{token}/{method}``      the Bot API (GET and POST; JSON, urlencoded or multipart bodies)
- ``/file/bot{token}/{path}``   file downloads (after getFile)
- ``/api/...``                  the citizen API (see sandbox/README.md)
- ``/``                         the chat page; ``/static/...`` its assets
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from sandbox.botapi import BotApi
from sandbox.citizen import CitizenApi, citizen_errors
from sandbox.limits import SandboxLimits
from sandbox.state import SandboxState
from sandbox.update_ids import UpdateIds

STATIC_DIR = Path(__file__).parent / "static"

SANDBOX_STATE = web.AppKey("sandbox_state", SandboxState)
SANDBOX_BOT_API = web.AppKey("sandbox_bot_api", BotApi)


async def _index(request: web.Request) -> web.Response:
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    base = str(request.app.router["sandbox_index"].url_for())
    return web.Response(
        text=page.replace("__SANDBOX_BASE__", base), content_type="text/html", headers={"Cache-Control": "no-cache"}
    )


async def _on_shutdown(app: web.Application) -> None:
    """Let long polls and live streams return at once so the server stops promptly."""
    state = app[SANDBOX_STATE]
    state.closing = True
    state.wake_all()


async def _on_cleanup(app: web.Application) -> None:
    await app[SANDBOX_BOT_API].close()


def create_sandbox_app(limits: SandboxLimits | None = None, *, update_ids_file: Path | None = None) -> web.Application:
    """`update_ids_file`: where update ids are reserved, so they keep increasing across restarts."""
    state = SandboxState(limits or SandboxLimits(), UpdateIds(update_ids_file))
    bot_api = BotApi(state)
    citizens = CitizenApi(state)
    app = web.Application(middlewares=[citizen_errors])
    app[SANDBOX_STATE] = state
    app[SANDBOX_BOT_API] = bot_api
    app.router.add_route("GET", "/bot{token}/{method}", bot_api.handle)
    app.router.add_route("POST", "/bot{token}/{method}", bot_api.handle)
    app.router.add_get("/file/bot{token}/{path:.+}", bot_api.download)
    app.router.add_routes(citizens.routes())
    app.router.add_get("/", _index, name="sandbox_index")
    app.router.add_static("/static/", STATIC_DIR, name="sandbox_static")
    app.on_shutdown.append(_on_shutdown)
    app.on_cleanup.append(_on_cleanup)
    return app
