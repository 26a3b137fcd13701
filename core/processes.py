"""Child processes the app runs for itself on a laptop: SecantusDB, redis-server, the Rasa server.

Each child is started with PR_SET_PDEATHSIG, so the kernel stops it if this process dies
without cleaning up (even on SIGKILL): no orphans. `Supervisor.stop_all()` stops them in reverse
order with SIGTERM, then SIGKILL after a grace period; `Supervisor.stop(children)` stops a group
together first (the app processes of `bot.py run --processes N` drain before the servers they
drain into stop). `Supervisor.wait_any_exit()` returns the first child that died on its own;
`Supervisor.keep_alive()` restarts such a child with backoff while the app stays up (degraded
meanwhile, as /readyz says).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import structlog

from core.retry import backoff

log = structlog.get_logger(__name__)

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


Ready = Callable[[], Awaitable[bool]]
PidReady = Callable[[int], Awaitable[bool]]  # is the child with this process id ready?


def _ignoring_pid(ready: Ready) -> PidReady:
    async def check(_pid: int) -> bool:
        return await ready()

    return check


class ChildFailedToStart(RuntimeError):
    def __init__(self, name: str, reason: str, log_path: Path | None) -> None:
        where = f"see {log_path}" if log_path is not None else "its output is above"
        super().__init__(f"{name} did not start: {reason} ({where})")
        self.name = name


@dataclass(frozen=True)
class Launch:
    """How a child was started, so that it can be started again the same way."""

    argv: Sequence[str]
    url: str
    log_path: Path | None  # None: the child writes to this process's stdout and stderr
    ready: PidReady
    timeout: float
    env: Mapping[str, str] | None = None
    cwd: Path | None = None


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    log_path: Path | None
    process: asyncio.subprocess.Process
    url: str
    stopping: bool = field(default=False)
    launch: Launch | None = None
    restarts: int = 0  # consecutive restarts (backoff grows with them)
    started_at: float = field(default_factory=time.monotonic)

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
        log_path: Path | None,
        ready: Ready | None = None,
        ready_pid: PidReady | None = None,
        timeout: float,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Child:
        """Start a child and wait until `ready()` (or `ready_pid(its pid)`) says it serves.

        `log_path` None: the child writes to this process's own output (the app processes of
        `bot.py run --processes N`, whose logs the operator reads with the parent's)."""
        if ready_pid is None:
            if ready is None:
                raise TypeError("give ready or ready_pid")
            ready_pid = _ignoring_pid(ready)
        launch = Launch(argv=argv, url=url, log_path=log_path, ready=ready_pid, timeout=timeout, env=env, cwd=cwd)
        child = await self._launch(name, launch)
        self._children.append(child)
        return child

    async def _launch(self, name: str, launch: Launch) -> Child:
        argv, url, log_path, timeout = launch.argv, launch.url, launch.log_path, launch.timeout
        env, cwd = launch.env, launch.cwd
        if log_path is not None:
            log_path.parent.mkdir(parents=True, exist_ok=True)
        # A local log file, opened once per start; or, without one, this process's own output.
        output = open(log_path, "ab") if log_path is not None else nullcontext(None)  # noqa: ASYNC230, SIM115
        with output as out:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT if out is not None else None,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                preexec_fn=_die_with_parent,
                # Its own session: a Ctrl-C in the terminal reaches the app only, which drains its
                # work first and then stops the children (they still die with it: PDEATHSIG).
                start_new_session=True,
            )
        child = Child(name=name, argv=argv, log_path=log_path, process=process, url=url, launch=launch)
        log.info("child starting", child=name, pid=process.pid, log=str(log_path) if log_path else "inherited")
        try:
            await self._wait_ready(child, partial(launch.ready, process.pid), timeout)
        except BaseException:
            await self._stop(child, grace=2.0)  # failed, timed out or cancelled: no stray process
            raise
        log.info("child ready", child=name, pid=process.pid, url=url)
        return child

    @staticmethod
    async def _wait_ready(child: Child, ready: Ready, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if child.process.returncode is not None:
                raise ChildFailedToStart(child.name, f"exited with code {child.process.returncode}", child.log_path)
            with suppress(Exception):  # not ready yet, whatever the reason
                if await ready():
                    return
            if time.monotonic() > deadline:
                raise ChildFailedToStart(child.name, f"not ready after {timeout:.0f} s", child.log_path)
            await asyncio.sleep(0.1)

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

    async def keep_alive(
        self,
        *,
        base: float = 1.0,
        cap: float = 30.0,
        stable_after: float = 60.0,
        on_exit: Callable[[Child], None] | None = None,
    ) -> None:
        """Restart every child that dies on its own, with backoff, until cancelled.

        The app stays up meanwhile (its readiness says which dependency is down). A child that ran
        for `stable_after` seconds before dying is restarted after `base` again. `on_exit(child)`
        runs first for each death (e.g. to forget a dead process's metric files)."""
        while True:
            died = await self.wait_any_exit()
            if on_exit is not None:
                on_exit(died)
            await self._restart(died, base=base, cap=cap, stable_after=stable_after)

    async def _restart(self, died: Child, *, base: float, cap: float, stable_after: float) -> None:
        assert died.launch is not None
        attempt = 1 if time.monotonic() - died.started_at >= stable_after else died.restarts + 1
        while True:
            delay = backoff(attempt, base, cap)
            log.error(
                "child died; restarting",
                child=died.name,
                code=died.process.returncode,
                attempt=attempt,
                in_seconds=round(delay, 1),
                log_file=str(died.log_path) if died.log_path is not None else "inherited",
            )
            await asyncio.sleep(delay)
            try:
                child = await self._launch(died.name, died.launch)
            except ChildFailedToStart as exc:
                log.error("child restart failed", child=died.name, error=str(exc))
                attempt += 1
                continue
            child.restarts = attempt
            index = self._children.index(died)
            self._children[index] = child
            log.info("child restarted", child=child.name, pid=child.pid, restarts=attempt)
            return

    async def stop(self, children: Sequence[Child], grace: float = 10.0) -> None:
        """Stop these children together (SIGTERM to each, then wait) and forget them: the app
        processes drain at the same time, before the servers they drain into are stopped."""
        await asyncio.gather(*(self._stop(child, grace) for child in children))
        self._children = [child for child in self._children if child not in children]

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
