"""Counting what one update costs: Redis commands and round trips (a pipeline or a script is one
round trip), and MongoDB operations, as the handler tests feed updates to the real dispatcher.

``RedisCounter(services.redis)`` wraps that client's ``execute_command`` and the ``execute`` of
every pipeline it makes (the client is the test's own); ``MongoCounter`` is a PyMongo command
listener, given to a client the test makes (``event_listeners=[counter]``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
from pymongo import monitoring

# Transcript turns go to the background batch writer: one insert_many for many turns (not per turn).
TRANSCRIPTS = "conversation_turns"


@dataclass
class RedisCounter:
    """Every Redis round trip the client made since the last ``reset()``, as the list of the
    commands it carried."""

    redis: aioredis.Redis
    trips: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        execute_command: Callable[..., Awaitable[Any]] = self.redis.execute_command
        make_pipeline: Callable[..., Any] = self.redis.pipeline

        async def counted_command(*args: Any, **options: Any) -> Any:
            self.trips.append([str(args[0]).upper()])
            return await execute_command(*args, **options)

        def counted_pipeline(*args: Any, **kwargs: Any) -> Any:
            pipe = make_pipeline(*args, **kwargs)
            execute: Callable[..., Awaitable[Any]] = pipe.execute

            async def counted_execute(raise_on_error: bool = True) -> Any:
                if pipe.command_stack:
                    self.trips.append([str(c[0][0]).upper() for c in pipe.command_stack])
                return await execute(raise_on_error)

            pipe.execute = counted_execute
            return pipe

        self.redis.execute_command = counted_command  # type: ignore[method-assign]
        self.redis.pipeline = counted_pipeline  # type: ignore[method-assign]

    def reset(self) -> None:
        self.trips.clear()

    @property
    def round_trips(self) -> int:
        return len(self.trips)

    @property
    def commands(self) -> int:
        return sum(len(trip) for trip in self.trips)


class MongoCounter(monitoring.CommandListener):
    """Every MongoDB command since the last ``reset()``: (command, collection)."""

    def __init__(self) -> None:
        self.operations: list[tuple[str, str]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        self.operations.append((event.command_name, target if isinstance(target, str) else ""))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        """Counted when started."""

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        """Counted when started."""

    def reset(self) -> None:
        self.operations.clear()

    @property
    def per_turn(self) -> list[tuple[str, str]]:
        """The operations a turn waits on (the transcript writer's batches are not among them)."""
        return [op for op in self.operations if op[1] != TRANSCRIPTS]

    @property
    def transcript_writes(self) -> list[tuple[str, str]]:
        return [op for op in self.operations if op[1] == TRANSCRIPTS]
