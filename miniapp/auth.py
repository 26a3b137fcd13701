"""Who is asking: the Mini App's ``initData``, validated as Telegram specifies, and the citizen
bound to that Telegram user.

Every API call carries the launch's ``initData`` as ``Authorization: tma <initData>``. It is
checked with aiogram's ``safe_parse_webapp_init_data`` (an HMAC-SHA256 of its sorted fields under
a key derived from the bot's token: only Telegram, which holds the token, can make it), then its
``auth_date`` against MINIAPP_INIT_DATA_TTL (aiogram does not check the age: without this, a leaked
initData would open the citizen's records forever). Missing, forged or stale: 401. Valid, for a
Telegram user who has not linked an identity: 403 ``not_linked``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from aiogram.utils.web_app import WebAppInitData, WebAppUser, safe_parse_webapp_init_data
from aiohttp import web
from pydantic import ValidationError

from core.language import Language, from_code
from miniapp.http import fail, request_language, runtime, say
from storage.models import Citizen

FUTURE_TOLERANCE = 60  # seconds an auth_date may be ahead of this server's clock
SCHEME = "tma"


class InitDataProblem(StrEnum):
    MISSING = "init_data_missing"
    INVALID = "init_data_invalid"  # forged, altered, malformed, or without a user
    EXPIRED = "init_data_expired"


class InitDataError(Exception):
    def __init__(self, problem: InitDataProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def validate_init_data(init_data: str, token: str, *, max_age: float, now: float) -> WebAppInitData:
    """The launch's data when Telegram signed it (with ``token``) at most ``max_age`` seconds
    before ``now``; else ``InitDataError`` saying why."""
    if not init_data:
        raise InitDataError(InitDataProblem.MISSING)
    try:
        data = safe_parse_webapp_init_data(token, init_data)
    except (ValueError, ValidationError, TypeError):  # bad signature, or signed but malformed
        raise InitDataError(InitDataProblem.INVALID) from None
    if data.user is None:
        raise InitDataError(InitDataProblem.INVALID)
    age = now - data.auth_date.timestamp()
    if age < -FUTURE_TOLERANCE:
        raise InitDataError(InitDataProblem.INVALID)
    if age > max_age:
        raise InitDataError(InitDataProblem.EXPIRED)
    return data


def init_data_of(request: web.Request) -> str:
    """The initData of ``Authorization: tma <initData>`` ("" when there is none)."""
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    return value.strip() if scheme.lower() == SCHEME else ""


@dataclass(frozen=True)
class Viewer:
    """The person behind a request: their Telegram user, the citizen they linked, and the
    language the page speaks to them."""

    user: WebAppUser
    citizen: Citizen
    init: WebAppInitData
    lang: Language


def launch(request: web.Request) -> WebAppInitData:
    """The request's validated initData (401 with a JSON error otherwise)."""
    rt = runtime(request)
    settings = rt.settings
    try:
        return validate_init_data(
            init_data_of(request),
            settings.bot_token.get_secret_value(),
            max_age=settings.miniapp_init_data_ttl,
            now=time.time(),
        )
    except InitDataError as error:
        lang = request_language(request)
        fail(401, error.problem.value, say(rt.services.catalog, lang, f"miniapp-error-{error.problem.value}"))


async def viewer(request: web.Request) -> Viewer:
    """The citizen behind the request (401 without valid initData, 403 ``not_linked`` when this
    Telegram user has linked no identity)."""
    init = launch(request)
    assert init.user is not None  # validate_init_data refuses initData without a user
    services = runtime(request).services
    lang = request_language(request, init.user.language_code)
    citizen = await services.repos.citizens.by_telegram_user(init.user.id)
    if citizen is None:
        fail(403, "not_linked", say(services.catalog, lang, "miniapp-error-not-linked"))
    return Viewer(user=init.user, citizen=citizen, init=init, lang=lang)


CitizenHandler = Callable[[web.Request, Viewer], Awaitable[web.StreamResponse]]


def for_citizen(handler: CitizenHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A handler that needs the citizen: it gets the ``Viewer`` after the checks above."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        return await handler(request, await viewer(request))

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def telegram_language(init: WebAppInitData) -> Language:
    return from_code(init.user.language_code if init.user is not None else None)
