"""A plain Bot API client: one aiohttp session, no automatic retries (the caller paces and
retries itself), and no aiogram import: a push worker process stays small (aiogram's ~300
pydantic models alone take ~120 MB) and spends its CPU on sending. The push workers send with
it, and any process sends the queued replies of a process that died (`call_form`: the call as
aiogram would have posted it)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from core.config import Settings

SEND_TIMEOUT = 15.0  # well under the claim timeout: a live worker never looks crashed


class BotApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after


class RetryAfter(BotApiError):
    """429: nothing was sent; every worker waits `retry_after` seconds."""


class Forbidden(BotApiError):
    """403: the user blocked the bot (or deleted the account)."""


class BadRequest(BotApiError):
    """400: e.g. chat not found, message too long, bad markup; repeating will not help."""


class ServerError(BotApiError):
    """5xx: Telegram failed; nothing was done; retry later."""


class NetworkError(Exception):
    """No answer: the outcome is unknown."""


def api_base(settings: Settings) -> str:
    url = settings.telegram_api_url or (
        f"{settings.base_url}/sandbox" if settings.sandbox_mode else "https://api.telegram.org"
    )
    return f"{url}/bot{settings.bot_token.get_secret_value()}"


class BotApiClient:
    def __init__(self, base: str, *, connections: int = 100, timeout: float = SEND_TIMEOUT) -> None:
        self.base = base
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.connections = connections
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, connections: int = 100) -> BotApiClient:
        return cls(api_base(settings), connections=connections)

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections),
                timeout=self.timeout,
                json_serialize=lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":")),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        return await self._post(method, json=params)

    async def call_form(self, method: str, fields: dict[str, str]) -> Any:
        """A call with form fields (values already encoded, as aiogram sends them)."""
        return await self._post(method, data=aiohttp.FormData(fields))

    async def _post(self, method: str, **body: Any) -> Any:
        try:
            async with self._http().post(f"{self.base}/{method}", **body) as response:
                try:
                    body = await response.json(content_type=None)
                except (json.JSONDecodeError, aiohttp.ContentTypeError, UnicodeDecodeError):
                    body = {"ok": False, "description": (await response.text())[:200]}
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        if isinstance(body, dict) and body.get("ok"):
            return body.get("result")
        description = str(body.get("description", "")) if isinstance(body, dict) else ""
        code = int(body.get("error_code", status)) if isinstance(body, dict) else status
        if code == 429:
            params_ = body.get("parameters") or {}
            raise RetryAfter(code, description, int(params_.get("retry_after", 1)))
        if code == 403:
            raise Forbidden(code, description)
        if code >= 500:
            raise ServerError(code, description)
        raise BadRequest(code, description)

    async def send_message(
        self, chat_id: int, text: str, *, reply_markup: dict[str, Any] | None = None, paid_broadcast: bool = False
    ) -> int:
        """Send one HTML message; returns its message id."""
        params: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        if reply_markup is not None:
            params["reply_markup"] = reply_markup
        if paid_broadcast:
            params["allow_paid_broadcast"] = True
        result = await self.call("sendMessage", params)
        return int(result["message_id"])
