"""What the Mini App's tests share: signed launches (as the sandbox signs them, or forged), API
calls with ``Authorization: tma <initData>``, and small real images."""

from __future__ import annotations

import json
import struct
import time
import zlib
from typing import Any, Self

import aiohttp

from core.config import SANDBOX_TOKEN
from sandbox.citizen.webapp import sign_init_data
from sandbox.client import SandboxClient, SandboxUser
from tests.conftest import RunningApp


def init_data(user_id: int, *, token: str = SANDBOX_TOKEN, age: float = 0, language: str = "en", **extra: str) -> str:
    """initData signed with ``token`` as Telegram signs it, ``age`` seconds old."""
    user = {"id": user_id, "first_name": "Test", "language_code": language}
    fields = {
        "user": json.dumps(user, separators=(",", ":")),
        "auth_date": str(int(time.time() - age)),
        "query_id": "AAtest",
        **extra,
    }
    return sign_init_data(token, fields)


async def launched(sb: SandboxClient, app: RunningApp, user: SandboxUser, page: str = "home") -> str:
    """The initData the sandbox gives when ``user`` opens the Mini App (the production path)."""
    launch = await sb.launch_web_app(user.id, f"{app.base_url}/app/#/{page}")
    return str(launch["init_data"])


class MiniAppClient:
    """Calls the Mini App's API as the page does."""

    def __init__(self, app: RunningApp, init: str | None, lang: str = "en") -> None:
        self.base = f"{app.base_url}/app/api/"
        self.init = init
        self.lang = lang
        self.http = aiohttp.ClientSession()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.close()

    def headers(self, content_type: str | None = None) -> dict[str, str]:
        headers = {"Accept-Language": self.lang}
        if self.init is not None:
            headers["Authorization"] = f"tma {self.init}"
        if content_type:
            headers["Content-Type"] = content_type
        return headers

    async def call(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, content_type: str = ""
    ) -> tuple[int, Any]:
        kwargs: dict[str, Any] = {"headers": self.headers(content_type or None)}
        if raw is not None:
            kwargs["data"] = raw
        elif body is not None:
            kwargs["json"] = body
        async with self.http.request(method, self.base + path, **kwargs) as response:
            if response.content_type == "application/json":
                return response.status, await response.json()
            return response.status, await response.read()


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG image (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
