"""Child processes the app runs for itself on a laptop: SecantusDB, redis-server, the Rasa server.

Each child is started with PR_SET_PDEATHSIG, so the kernel stops it if this process dies
without cleaning up (even on SIGKILL): no orphans. `Supervisor.stop_all()` stops them in reverse
order with SIGTERM, then SIGKILL after a grace period. `Supervisor.wait_any_exit()` returns the
first child that died on its own, so the app can say which and exit non-zero.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ChildFailedToStart(RuntimeError):
    def __init__(self, name: str, reason: str, log_path: Path) -> None:
        super().__init__(f"{name} did not start: {reason} (see {log_path})")
        self.name = name


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    log_path: Path
    process: asyncio.subprocess.Process
    url: str
    stopping: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.process.pid


class Supervisor:
    def __init__(self) -> None:
        self._children: list[Child] = []

    @property
    def children(self) -> tuple[Child, ...]:
        return tuple(self._children)

    async def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        url: str,
        log_path: Path,
        ready: Callable[[], Awaitable[bool]],
        timeout: float,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Child:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as out:  # noqa: ASYNC230 - a local log file, opened once per start
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                preexec_fn=_die_with_parent,
            )
        child = Child(name=name, argv=argv, log_path=log_path, process=process, url=url)
        self._children.append(child)
        log.info("child starting", child=name, pid=process.pid, log=str(log_path))
        deadline = time.monotonic() + timeout
        while True:
            if process.returncode is not None:
                raise ChildFailedToStart(name, f"exited with code {process.returncode}", log_path)
            with suppress(Exception):  # not ready yet, whatever the reason
                if await ready():
                    break
            if time.monotonic() > deadline:
                await self._stop(child)
                raise ChildFailedToStart(name, f"not ready after {timeout:.0f} s", log_path)
            await asyncio.sleep(0.1)
        log.info("child ready", child=name, pid=process.pid, url=url)
        return child

    async def wait_any_exit(self) -> Child:
        """Return the first child that exits while it was not being stopped."""
        waits = {asyncio.ensure_future(c.process.wait()): c for c in self._children}
        if not waits:
            await asyncio.Event().wait()  # nothing to watch: wait forever
        try:
            while waits:
                done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                for fut in done:
                    child = waits.pop(fut)
                    if not child.stopping:
                        return child
            await asyncio.Event().wait()
            raise AssertionError("unreachable")
        finally:
            for fut in waits:
                fut.cancel()

    async def stop_all(self, grace: float = 10.0) -> None:
        for child in reversed(self._children):
            await self._stop(child, grace)
        self._children.clear()

    async def _stop(self, child: Child, grace: float = 10.0) -> None:
        child.stopping = True
        if child.process.returncode is not None:
            return
        child.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(child.process.wait(), grace)
        except TimeoutError:
            log.warning("child did not stop in time, killing", child=child.name, pid=child.pid)
            child.process.kill()
            await child.process.wait()
        log.info("child stopped", child=child.name, code=child.process.returncode)
