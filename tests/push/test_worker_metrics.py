"""A push worker's own /metrics follows the app's rule: METRICS_TOKEN bearer, or loopback only."""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import Mock

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from push.cli import health_app

TOKEN = "worker-metrics-token"


def metrics_of(app: web.Application) -> Any:
    (route,) = [
        r
        for r in app.router.routes()
        if r.method == "GET" and r.resource is not None and r.resource.canonical == "/metrics"
    ]
    return route.handler


def text(response: web.Response) -> str:
    assert isinstance(response.body, bytes)
    return response.body.decode()


async def ask(app: web.Application, remote: str, authorization: str | None = None) -> web.Response:
    transport = Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (remote, 40000) if name == "peername" else default
    headers = {"Authorization": authorization} if authorization else {}
    return await metrics_of(app)(make_mocked_request("GET", "/metrics", headers=headers, transport=transport))


@pytest.fixture
async def task() -> Any:
    running = asyncio.create_task(asyncio.sleep(3600))
    yield running
    running.cancel()


@pytest.mark.parametrize(
    ("remote", "status"), [("127.0.0.1", 200), ("::1", 200), ("10.0.0.5", 403), ("203.0.113.7", 403)]
)
async def test_without_a_token_only_loopback_reads_a_workers_metrics(task: Any, remote: str, status: int) -> None:
    app = health_app(Mock(), task, metrics_token=None)
    response = await ask(app, remote)
    assert response.status == status
    if status == 200:
        assert "push_notifications_total" in text(response)


async def test_with_a_token_a_workers_metrics_need_it(task: Any) -> None:
    app = health_app(Mock(), task, metrics_token=TOKEN)
    assert (await ask(app, "10.0.0.5")).status == 401
    assert (await ask(app, "127.0.0.1", "Bearer wrong")).status == 401
    response = await ask(app, "10.0.0.5", f"Bearer {TOKEN}")
    assert response.status == 200 and "push_notifications_total" in text(response)
