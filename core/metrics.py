"""Prometheus metrics, one registry per process, and the one rule for serving them (the app's
/metrics and a push worker's): with METRICS_TOKEN set, a bearer token is required; without, only
clients on this machine (loopback) are answered. Counters reveal traffic: never public."""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

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
SEND_WAIT = Histogram(
    "telegram_send_wait_seconds",
    "How long a reply waited for a send slot (the outgoing scheduler)",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
SEND_WAITING = Gauge("telegram_replies_waiting", "Replies waiting for a send slot", multiprocess_mode="livesum")
SEND_PAID = Counter("telegram_paid_messages_total", "Messages sent with allow_paid_broadcast", ["kind"])
SEND_PAID_STARS = Counter("telegram_paid_stars_total", "What the paid messages cost, in Telegram Stars")
SEND_DEAD = Counter("telegram_dead_letters_total", "Replies that kept failing and were dead-lettered")
NLU_CALLS = Counter("nlu_parse_total", "NLU parse calls by outcome", ["outcome"])
PUSH_OUTCOMES = Counter(
    "push_notifications_total", "Push notifications settled by the workers, by outcome", ["outcome"]
)  # sent, held, dead, retry, refused_429


def is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:  # a unix socket peer has no address
        return False


def exposition() -> bytes:
    """This process's metrics; under `bot.py run --processes N` (the parent sets
    PROMETHEUS_MULTIPROC_DIR for its app processes) those of all of them, added up, whichever
    process answers (prometheus_client's multiprocess mode: counters and histograms are summed,
    gauges get a `pid` label; no process_* or python_* series)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def metrics_handler(token: str | None) -> Callable[[web.Request], Awaitable[web.Response]]:
    """GET /metrics for Prometheus, behind METRICS_TOKEN (bearer) or, without one, loopback only."""

    async def metrics(request: web.Request) -> web.Response:
        if token is not None:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), token.encode()):
                return web.json_response({"error": "metrics need Authorization: Bearer <METRICS_TOKEN>"}, status=401)
        elif not is_loopback(request.remote):
            return web.json_response({"error": "metrics are served to loopback only; set METRICS_TOKEN"}, status=403)
        return web.Response(body=exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics
