"""Prometheus metrics, one registry per process, and the one rule for serving them (the app's
/metrics and a push worker's): with METRICS_TOKEN set, a bearer token is required; without, only
clients on this machine (loopback) are answered. Counters reveal traffic: never public."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

UPDATES = Counter("bot_updates_total", "Telegram updates handled", ["type"])
UPDATES_DUPLICATE = Counter("bot_updates_duplicate_total", "Redelivered updates skipped")
UPDATES_THROTTLED = Counter("bot_updates_throttled_total", "Updates dropped by the per-citizen rate limit")
HANDLER_LATENCY = Histogram(
    "bot_handler_seconds",
    "Time to handle one update",
    ["type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ERRORS = Counter("bot_errors_total", "Errors by where they happened", ["where"])
TELEGRAM_CALLS = Counter("telegram_api_calls_total", "Bot API calls", ["method", "status"])
NLU_CALLS = Counter("nlu_parse_total", "NLU parse calls by outcome", ["outcome"])
PUSH_OUTCOMES = Counter(
    "push_notifications_total", "Push notifications settled by the workers, by outcome", ["outcome"]
)  # sent, held, dead, retry, refused_429


def is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:  # a unix socket peer has no address
        return False


def metrics_handler(token: str | None) -> Callable[[web.Request], Awaitable[web.Response]]:
    """GET /metrics for Prometheus, behind METRICS_TOKEN (bearer) or, without one, loopback only."""

    async def metrics(request: web.Request) -> web.Response:
        if token is not None:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), token.encode()):
                return web.json_response({"error": "metrics need Authorization: Bearer <METRICS_TOKEN>"}, status=401)
        elif not is_loopback(request.remote):
            return web.json_response({"error": "metrics are served to loopback only; set METRICS_TOKEN"}, status=403)
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics
