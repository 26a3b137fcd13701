"""The bureau's HTTP payment gateway: its protocol, and the adapter of ``PaymentProvider``.

Protocol (the sandbox emulates it: sandbox/payments.py). Every request either way is signed with
the merchant's key: headers ``X-Merchant-Id``, ``X-Timestamp`` (Unix seconds), ``X-Nonce`` (random,
once) and ``X-Signature`` = hex HMAC-SHA256(key, timestamp + "." + nonce + "." + body).

- ``POST {url}/orders`` ``{"order_id", "amount_fen", "currency": "CNY", "description", "notify_url",
  "expires_at"}`` -> ``{"order_id", "gateway_order_id", "pay_url", "status"}`` (idempotent by
  ``order_id``). The citizen pays on ``pay_url`` (a link in the chat, or opened from the Mini App).
- ``GET {url}/orders/{order_id}`` -> ``{"order_id", "status": "pending" | "paid" | "failed" |
  "closed", "amount_fen", "transaction_id", "paid_at"}``: what reconciliation asks.
- The gateway POSTs a notification to ``notify_url``: ``{"order_id", "gateway_order_id", "status":
  "paid" | "failed", "amount_fen", "transaction_id", "paid_at"}``, signed the same way, until it is
  answered 2xx; it may arrive twice, or late. We answer 401 to a bad signature, a timestamp
  outside ``PAYMENT_NOTIFY_WINDOW`` or a nonce seen before (a replay), and nothing changes.

Amounts are integer fen. Keys and signatures are never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import structlog
from pydantic import BaseModel, Field, SecretStr, ValidationError

from actions.payments.providers import Checkout, ProviderState, ProviderStatus, ProviderUnavailable
from core.config import Settings
from storage.models import PaymentOrder, PaymentProviderKind

log = structlog.get_logger(__name__)

NOTIFY_PATH = "/api/v1/payments/gateway/notify"
TIMEOUT = aiohttp.ClientTimeout(total=10)


def sign(key: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(key.encode(), timestamp.encode() + b"." + nonce.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(merchant_id: str, key: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers that sign ``body`` (a fresh nonce each time)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = secrets.token_hex(12)
    return {
        "X-Merchant-Id": merchant_id,
        "X-Timestamp": ts,
        "X-Nonce": nonce,
        "X-Signature": sign(key, ts, nonce, body),
        "Content-Type": "application/json",
    }


class SignatureError(Exception):
    """The request is not signed with our key, or not fresh (answered with 401)."""


@dataclass(frozen=True)
class SignedRequest:
    nonce: str
    timestamp: int


def verify(headers: Any, body: bytes, *, key: str, window: int, now: float | None = None) -> SignedRequest:
    """The nonce and timestamp of a request signed with ``key`` within ``window`` seconds of now;
    SignatureError otherwise (whether the nonce is new is the caller's check)."""
    stamp, nonce = headers.get("X-Timestamp", ""), headers.get("X-Nonce", "")
    signature = headers.get("X-Signature", "").strip().lower()
    if not stamp.isdigit() or not nonce or len(nonce) > 64:
        raise SignatureError("missing timestamp or nonce")
    expected = sign(key, stamp, nonce, body)
    if not hmac.compare_digest(signature.encode(errors="replace"), expected.encode()):
        raise SignatureError("bad signature")
    if abs((time.time() if now is None else now) - int(stamp)) > window:
        raise SignatureError("timestamp outside the window")
    return SignedRequest(nonce=nonce, timestamp=int(stamp))


class GatewayNotification(BaseModel):
    order_id: str = Field(min_length=1, max_length=64)
    gateway_order_id: str = ""
    status: str  # "paid" or "failed"
    amount_fen: int = Field(ge=0)
    transaction_id: str = ""
    paid_at: datetime | None = None

    @classmethod
    def parse(cls, body: bytes) -> GatewayNotification | None:
        try:
            return cls.model_validate_json(body)
        except ValidationError:
            return None


class GatewayError(ProviderUnavailable):
    """The gateway could not be reached or refused the request."""


class HttpPaymentGateway:
    """``PaymentProvider`` over the bureau's gateway (a short-lived HTTP session per call: payments are rare)."""

    kind = PaymentProviderKind.GATEWAY

    def __init__(self, url: str, merchant_id: str, key: SecretStr, notify_url: str) -> None:
        self.url = url.rstrip("/")
        self.merchant_id = merchant_id
        self._key = key
        self.notify_url = notify_url

    async def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps(payload).encode() if payload is not None else b""
        headers = signed_headers(self.merchant_id, self._key.get_secret_value(), body)
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as http,
                http.request(method, self.url + path, data=body or None, headers=headers) as resp,
            ):
                if resp.status >= 300:
                    raise GatewayError(f"HTTP {resp.status}")
                answer = await resp.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise GatewayError(type(exc).__name__) from None
        if not isinstance(answer, dict):
            raise GatewayError("unexpected answer")
        return answer

    async def start(self, order: PaymentOrder, *, title: str, description: str, labels: list[str]) -> Checkout:
        answer = await self._call(
            "POST",
            "/orders",
            {
                "order_id": order.id,
                "amount_fen": order.total_fen,
                "currency": "CNY",
                "description": description[:200],
                "notify_url": self.notify_url,
                "expires_at": int(order.expires_at.timestamp()),
            },
        )
        url = answer.get("pay_url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise GatewayError("no payment page in the answer")
        log.info("gateway order created", order_id=order.id, amount_fen=order.total_fen)
        return Checkout(url=url)

    async def status(self, order: PaymentOrder) -> ProviderStatus:
        answer = await self._call("GET", f"/orders/{order.id}")
        state = {"paid": ProviderState.PAID, "failed": ProviderState.FAILED, "closed": ProviderState.FAILED}.get(
            str(answer.get("status")), ProviderState.PENDING
        )
        paid_at = answer.get("paid_at")
        try:
            at = datetime.fromisoformat(paid_at) if isinstance(paid_at, str) else None
        except ValueError:
            at = None
        amount = answer.get("amount_fen")
        return ProviderStatus(
            state=state,
            amount_fen=amount if isinstance(amount, int) else None,
            charge_id=str(answer.get("transaction_id") or "") or None,
            paid_at=at.astimezone(UTC) if at is not None and at.tzinfo is not None else None,
        )


def build_gateway(settings: Settings) -> HttpPaymentGateway | None:
    """The gateway for these settings; None when there is none (outside the sandbox without
    PAYMENT_GATEWAY_URL, or without its key)."""
    url, key = settings.gateway_url, settings.gateway_secret
    if url is None or key is None:
        return None
    return HttpPaymentGateway(url, settings.payment_gateway_merchant_id, key, settings.base_url + NOTIFY_PATH)
