"""What every Mini App handler uses: the runtime (settings and the parent app's handles), JSON
answers and errors, the language of a request, and catalog texts as the page shows them."""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NoReturn

from aiogram import Bot
from aiohttp import web
from fluent.syntax import FluentParser, ast
from markupsafe import Markup

from actions.services import Services
from core.config import Settings
from core.dates import LOCAL_TZ, local_time
from core.i18n import LOCALES_DIR, Catalog
from core.language import LANGUAGES, Language, from_code

JSON = dict[str, Any]
_TAG = re.compile(r"<[^>]+>")
TEXTS_FILE = "miniapp.ftl"  # the page's own texts (all of them are sent to the page)


@dataclass
class MiniAppRuntime:
    """``services_of`` / ``bot_of`` read the parent app's handles (they exist once it started)."""

    settings: Settings
    services_of: Callable[[], Services]
    bot_of: Callable[[], Bot | None]
    background: set[asyncio.Task[None]] = field(default_factory=set)  # chat messages still being sent

    @property
    def services(self) -> Services:
        return self.services_of()


MINIAPP = web.AppKey("miniapp", MiniAppRuntime)


def runtime(request: web.Request) -> MiniAppRuntime:
    return request.config_dict[MINIAPP]


NO_STORE = {"Cache-Control": "no-store"}


def answer(body: JSON, status: int = 200) -> web.Response:
    """A JSON answer; never cached (it holds one citizen's records)."""
    return web.json_response(body, status=status, headers=NO_STORE)


class ApiError(web.HTTPError):
    """A JSON error answer: ``{"error": code, "message": <the person's words>, ...}``."""

    def __init__(self, status: int, body: JSON) -> None:
        self.status_code = status
        super().__init__(text=json.dumps(body, ensure_ascii=False), content_type="application/json", headers=NO_STORE)


def fail(status: int, code: str, message: str, **extra: Any) -> NoReturn:
    """Stop with a JSON error. ``code`` is for the page's logic; only ``message`` (and the
    ``fields``' messages) are ever shown to the person."""
    raise ApiError(status, {"error": code, "message": message, **extra})


def request_language(request: web.Request, fallback: str | None = None) -> Language:
    """The page's language: the first tag of ``Accept-Language`` (the page sends the one the
    person chose), else ``fallback`` (their Telegram language)."""
    header = request.headers.get("Accept-Language", "").split(",")[0].strip()
    return from_code(header or fallback)


def plain(text: Markup | str) -> str:
    """A catalog message (HTML for the chat) as the plain text a page shows: tags dropped,
    entities decoded (the page never puts text in as HTML)."""
    return html.unescape(_TAG.sub("", str(text)))


def say(catalog: Catalog, lang: Language, msg_id: str, **args: object) -> str:
    return plain(catalog.text(lang, msg_id, **args))


def day_text(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def moment(value: datetime | None) -> JSON | None:
    """A moment for the page: ISO (for computing) and the bureau's local time (for reading)."""
    if value is None:
        return None
    return {"iso": value.isoformat(), "local": local_time(value), "day": value.astimezone(LOCAL_TZ).date().isoformat()}


def _variables(pattern: ast.Pattern | None) -> list[str]:
    names: list[str] = []
    for element in pattern.elements if pattern is not None else []:
        if isinstance(element, ast.Placeable) and isinstance(element.expression, ast.VariableReference):
            names.append(element.expression.id.name)
    return names


@lru_cache(maxsize=1)
def _page_messages() -> Mapping[str, tuple[str, ...]]:
    """Every message of the page's catalog file (English: both languages define the same ids,
    tests check it) with the variables it takes."""
    resource = FluentParser().parse((LOCALES_DIR / Language.EN / TEXTS_FILE).read_text(encoding="utf-8"))
    return {
        entry.id.name: tuple(_variables(entry.value))
        for entry in resource.body
        if isinstance(entry, ast.Message) and entry.value is not None
    }


def page_texts(catalog: Catalog, lang: Language) -> dict[str, str]:
    """The page's texts in ``lang``, a variable left as ``{$name}`` for the page to fill in."""
    return {
        msg_id: plain(catalog.text(lang, msg_id, **{name: Markup("{$" + name + "}") for name in names}))
        for msg_id, names in _page_messages().items()
    }


LANGUAGE_CODES = tuple(str(lang) for lang in LANGUAGES)
