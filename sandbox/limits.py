"""Telegram-like flood limits for the sandbox: token buckets per chat, per group and overall."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    """Flood limits the sandbox enforces on message-producing Bot API methods.

    Defaults follow Telegram's Bot FAQ: about 1 message per second in a private chat (short bursts
    tolerated), 30 per second overall, 1,000 per second for calls with ``allow_paid_broadcast``,
    and 20 per minute in a group.
    """

    enabled: bool = True
    per_chat_rate: float = 1.0
    per_chat_burst: int = 3
    global_rate: float = 30.0
    global_burst: int = 30
    paid_broadcast_rate: float = 1000.0
    paid_broadcast_burst: int = 1000
    group_per_minute: int = 20

    def __post_init__(self) -> None:
        for name in ("per_chat_rate", "global_rate", "paid_broadcast_rate"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        for name in ("per_chat_burst", "global_burst", "paid_broadcast_burst", "group_per_minute"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Token buckets for one bot. ``acquire`` either takes one token from every bucket that applies
    to the call or takes none and says how many whole seconds to wait (Telegram's ``retry_after``)."""

    def __init__(self, limits: SandboxLimits) -> None:
        self.limits = limits
        self._chats: dict[int, _Bucket] = {}
        self._global = _Bucket(float(limits.global_burst), 0.0)
        self._paid = _Bucket(float(limits.paid_broadcast_burst), 0.0)

    @staticmethod
    def _refill(bucket: _Bucket, rate: float, burst: float, now: float) -> None:
        if bucket.stamp == 0.0:
            bucket.stamp = now
            return
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now

    def acquire(self, chat_id: int, *, is_group: bool, paid_broadcast: bool, now: float) -> int | None:
        """Return ``None`` when the call may go ahead (tokens taken), else ``retry_after`` seconds."""
        limits = self.limits
        if not limits.enabled:
            return None
        if is_group:
            chat_rate, chat_burst = limits.group_per_minute / 60.0, float(limits.group_per_minute)
        else:
            chat_rate, chat_burst = limits.per_chat_rate, float(limits.per_chat_burst)
        chat_bucket = self._chats.get(chat_id)
        if chat_bucket is None:
            chat_bucket = _Bucket(chat_burst, now)
            self._chats[chat_id] = chat_bucket
        if paid_broadcast:
            overall, overall_rate, overall_burst = self._paid, limits.paid_broadcast_rate, limits.paid_broadcast_burst
        else:
            overall, overall_rate, overall_burst = self._global, limits.global_rate, limits.global_burst
        self._refill(chat_bucket, chat_rate, chat_burst, now)
        self._refill(overall, overall_rate, float(overall_burst), now)
        wait = 0.0
        if chat_bucket.tokens < 1.0:
            wait = max(wait, (1.0 - chat_bucket.tokens) / chat_rate)
        if overall.tokens < 1.0:
            wait = max(wait, (1.0 - overall.tokens) / overall_rate)
        if wait > 0.0:
            return max(1, math.ceil(wait))
        chat_bucket.tokens -= 1.0
        overall.tokens -= 1.0
        return None
