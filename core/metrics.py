"""Prometheus metrics, one registry per process."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

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
