"""The sandbox as an aiohttp sub-application.

Mount it with ``app.add_subapp("/sandbox", create_sandbox_app())``; then configure the bot with
``TelegramAPIServer.from_base("http://HOST:PORT/sandbox")``. Routes (relative to the mount point):

- ``/bot{token}/{method}``      the Bot API (GET and POST; JSON, urlencoded or multipart bodies)
- ``/file/bot{token}/{path}``   file downloads (after getFile)
- ``/api/...``                  the citizen API (see sandbox/README.md)
- ``/``                         the chat page; ``/static/...`` its assets

With a ``folder``, user ids and update ids keep increasing across restarts (reserved in files
there), and with ``persist`` the citizens, chats, files and SMS are kept there too
(sandbox/persistence.py): a restarted sandbox goes on where it stopped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from core.config import SANDBOX_GATEWAY_SECRET
from sandbox.botapi import BotApi
from sandbox.citizen import CitizenApi, citizen_errors
from sandbox.limits import SandboxLimits
from sandbox.payments import SandboxPayments
from sandbox.persistence import SandboxStore
from sandbox.state import FIRST_USER_ID, SandboxState
from sandbox.texts import page_texts
from sandbox.update_ids import UpdateIds

STATIC_DIR = Path(__file__).parent / "static"

SANDBOX_STATE = web.AppKey("sandbox_state", SandboxState)
SANDBOX_BOT_API = web.AppKey("sandbox_bot_api", BotApi)
SANDBOX_PAYMENTS = web.AppKey("sandbox_payments", SandboxPayments)
SANDBOX_STORE = web.AppKey("sandbox_store", SandboxStore)
USER_ID_BLOCK = 100  # user ids reserved at a time in the file (a restart skips the rest of a block)


async def _index(request: web.Request) -> web.Response:
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    base = str(request.app.router["sandbox_index"].url_for())
    return web.Response(
        text=page.replace("__SANDBOX_BASE__", base), content_type="text/html", headers={"Cache-Control": "no-cache"}
    )


async def _texts(request: web.Request) -> web.Response:
    """The chat page's own words in ``lang`` (en, zh), from locales/*/sandbox.ftl."""
    return web.json_response(page_texts(request.query.get("lang", "en")), headers={"Cache-Control": "no-cache"})


@web.middleware
async def _changes(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A citizen API call that changes something (not GET) marks the state for the next snapshot."""
    try:
        return await handler(request)
    finally:
        if request.method != "GET" and "/api/" in request.path:
            request.app[SANDBOX_STATE].touch()


async def _on_startup(app: web.Application) -> None:
    if SANDBOX_STORE in app:
        app[SANDBOX_STORE].start()


async def _on_shutdown(app: web.Application) -> None:
    """Let long polls and live streams return at once so the server stops promptly."""
    state = app[SANDBOX_STATE]
    state.closing = True
    state.wake_all()


async def _on_cleanup(app: web.Application) -> None:
    await app[SANDBOX_BOT_API].close()
    await app[SANDBOX_PAYMENTS].close()
    if SANDBOX_STORE in app:
        await app[SANDBOX_STORE].stop()


def create_sandbox_app(
    limits: SandboxLimits | None = None,
    *,
    folder: Path | None = None,
    persist: bool = False,
    update_ids_file: Path | None = None,
    gateway_key: str = SANDBOX_GATEWAY_SECRET,
) -> web.Application:
    """`folder`: where user and update ids are reserved (`user_ids`, `update_ids`), so they keep
    increasing across restarts, and with `persist` where the records are kept (`state.json`,
    `files/`). `update_ids_file`: the update ids' file elsewhere."""
    if update_ids_file is None and folder is not None:
        update_ids_file = folder / "update_ids"
    user_ids = UpdateIds(folder / "user_ids" if folder is not None else None, block=USER_ID_BLOCK, start=FIRST_USER_ID)
    state = SandboxState(limits or SandboxLimits(), UpdateIds(update_ids_file), user_ids)
    bot_api = BotApi(state)
    citizens = CitizenApi(state)
    payments = SandboxPayments(state, gateway_key)  # Telegram Payments and the bureau's gateway
    bot_api.methods.update(payments.bot_methods())
    app = web.Application(middlewares=[citizen_errors, _changes])
    app[SANDBOX_STATE] = state
    app[SANDBOX_BOT_API] = bot_api
    app[SANDBOX_PAYMENTS] = payments
    if persist:
        if folder is None:
            raise ValueError("persist needs a folder")
        store = SandboxStore(state, folder)
        store.load()
        app[SANDBOX_STORE] = store
        app.on_startup.append(_on_startup)
    app.router.add_route("GET", "/bot{token}/{method}", bot_api.handle)
    app.router.add_route("POST", "/bot{token}/{method}", bot_api.handle)
    app.router.add_get("/file/bot{token}/{path:.+}", bot_api.download)
    app.router.add_routes(citizens.routes())
    app.router.add_routes(payments.routes())
    app.router.add_get("/api/texts", _texts)
    app.router.add_get("/", _index, name="sandbox_index")
    app.router.add_static("/static/", STATIC_DIR, name="sandbox_static")
    app.on_shutdown.append(_on_shutdown)
    app.on_cleanup.append(_on_cleanup)
    return app
