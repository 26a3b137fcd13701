"""EVENT_LOOP picks the loop `bot.py run` and `bot.py worker` run on."""

from __future__ import annotations

import asyncio

import uvloop

from core.config import EventLoop
from core.loop import run


async def loop_type() -> type[asyncio.AbstractEventLoop]:
    return type(asyncio.get_running_loop())


def test_uvloop_runs_the_service() -> None:
    assert issubclass(run(loop_type(), EventLoop.UVLOOP), uvloop.Loop)


def test_asyncio_is_the_standard_loop() -> None:
    assert not issubclass(run(loop_type(), EventLoop.ASYNCIO), uvloop.Loop)
