"""The HTTP edge as an outsider meets it: security headers on every page, /metrics not public."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from pydantic import SecretStr

from core.config import Settings
from tests.conftest import RunningApp
from web.health import is_loopback

pytestmark = pytest.mark.e2e

TOKEN = "metrics-token-for-tests"


@pytest.fixture(scope="module")
async def edge_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    running = await start_app(make_settings(demo_data=False, metrics_token=SecretStr(TOKEN)))
    yield running
    await running.runner.cleanup()


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/sandbox/", "/staff/login", "/metrics", "/no-such-page"])
async def test_every_response_carries_the_security_headers(edge_app: RunningApp, path: str) -> None:
    async with aiohttp.ClientSession() as http, http.get(edge_app.base_url + path, allow_redirects=False) as resp:
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"


async def test_metrics_need_the_token_when_one_is_set(edge_app: RunningApp) -> None:
    url = edge_app.base_url + "/metrics"
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as resp:
            assert resp.status == 401 and "METRICS_TOKEN" in (await resp.json())["error"]
        async with http.get(url, headers={"Authorization": "Bearer wrong"}) as resp:
            assert resp.status == 401
        async with http.get(url, headers={"Authorization": f"Bearer {TOKEN}"}) as resp:
            assert resp.status == 200 and "bot_updates_total" in await resp.text()


@pytest.mark.parametrize(
    ("remote", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("10.0.0.5", False),
        ("203.0.113.7", False),
        (None, False),
        ("not-an-address", False),
    ],
)
def test_without_a_token_only_loopback_reads_metrics(remote: str | None, allowed: bool) -> None:
    assert is_loopback(remote) is allowed
