"""/healthz (the process answers), /readyz (each dependency up, degraded or down), /metrics."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from aiohttp import web

from core.metrics import is_loopback, metrics_handler  # noqa: F401 - one /metrics rule, shared with push workers

Status = Literal["up", "degraded", "down"]
Check = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Probes:
    """What /readyz checks, as the composed app gives it (None: not there, or not started)."""

    mongodb: Check | None
    redis: Check | None
    nlu: Callable[[], Awaitable[str]] | None  # "up" | "degraded" | "down"


ProbesOf = Callable[[], Probes]
PROBES: web.AppKey[ProbesOf] = web.AppKey("health_probes")
CHECK_TIMEOUT = 2.0
SLOW = 0.5  # seconds: answering, but slowly -> degraded


async def _timed(check: Callable[[], Awaitable[object]]) -> tuple[Status, float, str | None]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the reason is reported
        return "down", time.perf_counter() - started, type(exc).__name__
    elapsed = time.perf_counter() - started
    return ("degraded" if elapsed > SLOW else "up"), elapsed, None


async def healthz(_: web.Request) -> web.Response:
    # The pid tells apart the processes of `bot.py run --processes N` that share one port.
    return web.json_response({"status": "alive", "pid": os.getpid()})


async def readyz(request: web.Request) -> web.Response:
    probes = request.app[PROBES]()
    checks: dict[str, Check] = {}
    if probes.mongodb is not None:
        checks["mongodb"] = probes.mongodb
    if probes.redis is not None:
        checks["redis"] = probes.redis
    results = dict(zip(checks, await asyncio.gather(*(_timed(c) for c in checks.values())), strict=True))
    body: dict[str, dict[str, object]] = {
        name: {"status": status, "ms": round(elapsed * 1000, 1), **({"error": err} if err else {})}
        for name, (status, elapsed, err) in results.items()
    }
    if probes.nlu is not None:
        body["nlu"] = {"status": await probes.nlu()}
    else:
        body["nlu"] = {"status": "down", "error": "NLU_URL not configured"}
    statuses = [v["status"] for v in body.values()]
    core_down = any(body.get(name, {}).get("status") == "down" for name in ("mongodb", "redis"))
    overall: Status = "down" if core_down else "degraded" if any(s != "up" for s in statuses) else "up"
    # NLU down is degraded, not down: buttons and commands still do everything.
    return web.json_response({"status": overall, "checks": body}, status=503 if overall == "down" else 200)


def setup(app: web.Application, probes: ProbesOf, *, metrics_token: str | None) -> None:
    app[PROBES] = probes
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_handler(metrics_token))
