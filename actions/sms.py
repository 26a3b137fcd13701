"""Sending text messages (one-time codes) to a citizen's mobile phone.

`SmsGateway` is the interface the actions use. `HttpSmsGateway` posts `{"phone", "text"}` as
JSON to a URL, with a bounded number of attempts and a timeout per attempt:

* sandbox mode (no Telegram token): the app's own sandbox phone panel,
  `{settings.base_url}/sandbox/api/sms`, where a person or a test reads the code;
* production: `SMS_GATEWAY_URL`, authenticated with `Authorization: Bearer SMS_GATEWAY_TOKEN`.

Codes and full phone numbers are never logged (only the masked number).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import aiohttp
import structlog
from pydantic import SecretStr

from core.config import Settings
from core.identifiers import mask_phone
from core.retry import backoff

log = structlog.get_logger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class SmsDeliveryError(Exception):
    """The gateway did not accept the message (after the allowed attempts)."""


class SmsGateway(Protocol):
    async def send(self, phone: str, text: str) -> None:
        """Hand one SMS to the gateway; raises `SmsDeliveryError` if it was not accepted."""
        ...


class HttpSmsGateway:
    """POST `{"phone": ..., "text": ...}` as JSON; retry connection errors, timeouts, 429 and 5xx."""

    def __init__(
        self,
        url: str,
        *,
        token: SecretStr | None = None,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.3,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.url = url
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._attempts = attempts
        self._backoff = backoff
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def send(self, phone: str, text: str) -> None:
        headers = {"Content-Type": "application/json"}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        masked = mask_phone(phone)
        problem = ""
        for attempt in range(1, self._attempts + 1):
            try:
                async with self._http().post(self.url, json={"phone": phone, "text": text}, headers=headers) as resp:
                    if resp.status < 300:
                        log.info("sms sent", phone=masked, attempt=attempt)
                        return
                    problem = f"HTTP {resp.status}"
                    if resp.status not in RETRYABLE_STATUSES:
                        break
            except (TimeoutError, aiohttp.ClientError) as exc:
                problem = type(exc).__name__
            log.warning("sms attempt failed", phone=masked, attempt=attempt, problem=problem)
            if attempt < self._attempts:
                await asyncio.sleep(backoff(attempt, self._backoff))
        raise SmsDeliveryError(f"SMS to {masked} not accepted: {problem}")


def build_sms_gateway(settings: Settings) -> HttpSmsGateway | None:
    """The gateway for these settings, or None when production has no SMS_GATEWAY_URL (binding
    and phone changes then tell the citizen that codes cannot be sent right now)."""
    if settings.sandbox_mode:
        return HttpSmsGateway(f"{settings.base_url}/sandbox/api/sms")
    if settings.sms_gateway_url is None:
        log.warning("SMS_GATEWAY_URL is not set: identity binding and phone changes are unavailable")
        return None
    return HttpSmsGateway(settings.sms_gateway_url, token=settings.sms_gateway_token)
