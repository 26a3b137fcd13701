"""One backoff rule for every retry: exponential, capped, with jitter.

``backoff(attempt, base, cap)`` is ``min(cap, base * 2 ** (attempt - 1))`` seconds (attempt 1 is
the first retry) times a random factor in [0.5, 1.5): the mean stays on the exponential curve, and
clients that failed together do not retry together.
"""

from __future__ import annotations

import math
import random

_RANDOM = random.Random()


def backoff(attempt: int, base: float, cap: float = math.inf, *, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...)."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    if base <= 0 or cap <= 0:
        raise ValueError("base and cap must be positive")
    delay = min(cap, base * 2.0 ** min(attempt - 1, 1023))
    return delay * (0.5 + (rng or _RANDOM).random())
