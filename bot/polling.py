"""Long polling that confirms an update to Telegram only once it was handled.

aiogram's polling asks for the next updates with an offset past everything it received, before
handling them: updates being handled when the process dies are never delivered again. Here the
offset stays at the oldest update still being handled, so after a crash Telegram (or the
sandbox) delivers it again; `DedupeMiddleware` makes the copies harmless.
"""

from __future__ import annotations

import asyncio
import functools
from contextlib import suppress

import structlog
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import GetUpdates
from aiogram.types import Update

from core.retry import backoff

log = structlog.get_logger(__name__)

POLL_TIMEOUT = 25  # seconds Telegram holds a long poll open
BUSY_WAIT = 0.05  # with updates in flight and nothing new: wait this long for one to finish


class ConfirmingPoller:
    def __init__(self, dp: Dispatcher, bot: Bot, *, allowed_updates: list[str], limit: int = 100) -> None:
        self.dp, self.bot = dp, bot
        self.allowed_updates = allowed_updates
        self.limit = limit
        self.inflight: dict[int, asyncio.Task[object]] = {}
        self.handled: set[int] = set()  # handled ids not yet confirmed (an older one is in flight)
        self.next_id: int | None = None  # one past the newest id received
        self._stopped = asyncio.Event()

    @property
    def offset(self) -> int | None:
        """Everything below it is handled and may be confirmed."""
        return min(self.inflight) if self.inflight else self.next_id

    def stop(self) -> None:
        self._stopped.set()

    async def run(self) -> None:
        attempt = 0
        while not self._stopped.is_set():
            timeout = 0 if self.inflight else POLL_TIMEOUT
            call = GetUpdates(
                offset=self.offset, limit=self.limit, timeout=timeout, allowed_updates=self.allowed_updates
            )
            try:
                updates = await self.bot(call, request_timeout=timeout + 10)
            except TelegramAPIError as exc:
                attempt += 1
                delay = backoff(attempt, 0.5, 15.0)
                log.warning("getUpdates failed; retrying", error=str(exc), in_seconds=round(delay, 1))
                await self._sleep(delay)
                continue
            attempt = 0
            fresh = [u for u in updates if u.update_id not in self.inflight and u.update_id not in self.handled]
            for update in fresh:
                self._start(update)
            if not fresh and self.inflight:
                await asyncio.wait(self.inflight.values(), timeout=BUSY_WAIT, return_when=asyncio.FIRST_COMPLETED)
        await self.drain()

    def _start(self, update: Update) -> None:
        uid = update.update_id
        self.next_id = max(self.next_id or 0, uid + 1)
        task: asyncio.Task[object] = asyncio.create_task(self.dp.feed_update(self.bot, update), name=f"update-{uid}")
        self.inflight[uid] = task
        task.add_done_callback(functools.partial(self._finished, uid))

    def _finished(self, uid: int, _: asyncio.Task[object]) -> None:
        self.inflight.pop(uid, None)
        self.handled.add(uid)
        floor = self.offset
        if floor is not None:
            self.handled = {i for i in self.handled if i >= floor}

    async def drain(self, timeout: float = 15.0) -> None:
        """Wait for the updates being handled (they are confirmed by the next start's first poll)."""
        if self.inflight:
            await asyncio.wait(list(self.inflight.values()), timeout=timeout)

    async def _sleep(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)
