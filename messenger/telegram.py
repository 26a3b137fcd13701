"""The Bot object and what wraps every outgoing Bot API call: the shared send scheduler
(messenger/outgoing.py, outermost), bounded retries and metrics.

Retries (Telegram's documented behaviour, aiogram does none by itself):
- 429 Too Many Requests: the call was refused, so it is always safe to repeat after
  `retry_after` seconds. A call that takes a send slot is the scheduler's: it pauses every
  sender and keeps the call at the head of its queue, for as long as it takes. Other calls wait
  and retry here up to `MAX_ATTEMPTS` times if the wait is short.
- 5xx: Telegram answered that it failed, so nothing was done; repeat with backoff.
- Network errors (no answer): the outcome is unknown, so only methods that cannot create a
  second message are repeated (reads, edits, answers, chat actions, webhook calls).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import structlog
from aiogram import Bot, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from core.config import Settings
from core.metrics import TELEGRAM_CALLS
from core.retry import backoff
from messenger.outgoing import ScheduledSendMiddleware
from messenger.scheduler import SCHEDULED_METHODS

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 4
MAX_RETRY_AFTER = 30  # seconds; a longer wait is the caller's business (the push worker reschedules)
SAFE_ON_NETWORK_ERROR = frozenset(
    {
        "getMe",
        "getUpdates",
        "getFile",
        "getWebhookInfo",
        "setWebhook",
        "deleteWebhook",
        "getMyCommands",
        "setMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "getChatMenuButton",
        "editMessageText",
        "editMessageReplyMarkup",
        "deleteMessage",
        "answerCallbackQuery",
        "sendChatAction",
        "getChat",
    }
)


# aiogram validates every Bot API answer as `Response[<the method's return type>]`; pydantic keeps
# those parametrized classes in a weak cache, so the garbage collector drops them and the next
# answer builds the class again (7-20 ms of blocked event loop, about one call in ten under load,
# seen in the handoff bench's profile). Holding them here keeps them built once per process.
PINNED_RESPONSE_TYPES: tuple[type, ...] = tuple(
    Response[returning]  # type: ignore[valid-type]
    for returning in dict.fromkeys(
        method.__returning__
        for method in (
            methods.GetUpdates,
            methods.GetMe,
            methods.SendMessage,
            methods.SendPhoto,
            methods.SendDocument,
            methods.SendLocation,
            methods.EditMessageText,
            methods.EditMessageReplyMarkup,
            methods.DeleteMessage,
            methods.AnswerCallbackQuery,
            methods.SendChatAction,
            methods.SetMyCommands,
            methods.DeleteWebhook,
            methods.SetWebhook,
            methods.GetFile,
        )
    )
)


def method_name(method: TelegramMethod[Any]) -> str:
    return getattr(method, "__api_method__", type(method).__name__)


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(
        self, *, max_attempts: int = MAX_ATTEMPTS, base_delay: float = 0.3, scheduled: frozenset[str] = frozenset()
    ) -> None:
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.scheduled = scheduled  # methods whose 429 the scheduler handles

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        # aiogram annotates the chain as `Response[T]`; at run time each link passes the result itself.
        name = method_name(method)
        attempt = 1
        while True:
            try:
                response = await make_request(bot, method)
                TELEGRAM_CALLS.labels(name, "ok").inc()
                return response
            except TelegramRetryAfter as exc:
                TELEGRAM_CALLS.labels(name, "429").inc()
                if name in self.scheduled or attempt >= self.max_attempts or exc.retry_after > MAX_RETRY_AFTER:
                    raise
                log.warning("telegram flood limit, waiting", method=name, retry_after=exc.retry_after)
                await asyncio.sleep(exc.retry_after)
            except TelegramServerError:
                TELEGRAM_CALLS.labels(name, "5xx").inc()
                if attempt >= self.max_attempts:
                    raise
                await asyncio.sleep(self._backoff(attempt))
            except TelegramNetworkError:
                TELEGRAM_CALLS.labels(name, "network").inc()
                if name not in SAFE_ON_NETWORK_ERROR or attempt >= self.max_attempts:
                    raise
                await asyncio.sleep(self._backoff(attempt))
            except Exception:
                TELEGRAM_CALLS.labels(name, "error").inc()
                raise
            attempt += 1
            log.info("retrying telegram call", method=name, attempt=attempt)

    def _backoff(self, attempt: int) -> float:
        return backoff(attempt, self.base_delay)


def dumps(value: Any) -> str:
    """The session's JSON (reply markups, entities): orjson, a few times faster than json's."""
    return orjson.dumps(value).decode()


def build_bot(settings: Settings, sends: ScheduledSendMiddleware | None = None) -> Bot:
    """The Bot; with `sends`, every message it sends takes a slot of the shared scheduler."""
    api_url = settings.telegram_api_url or (f"{settings.base_url}/sandbox" if settings.sandbox_mode else None)
    server = TelegramAPIServer.from_base(api_url) if api_url else PRODUCTION
    session = AiohttpSession(api=server, json_loads=orjson.loads, json_dumps=dumps)
    if sends is not None:
        session.middleware(sends)
    session.middleware(RetryMiddleware(scheduled=SCHEDULED_METHODS if sends is not None else frozenset()))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
