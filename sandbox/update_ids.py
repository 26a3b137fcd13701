"""Update ids that keep increasing across sandbox restarts, as Telegram's do.

The bot de-duplicates updates by id for a day; a sandbox that started again at 1 after a restart
would have its new updates taken for old ones and dropped. Ids are reserved in blocks (hi/lo):
the file holds the first id of the next block, written before any id of the current block is
handed out, so a crash at any instant skips ids but never repeats one.

The same counter hands out the sandbox's user ids (from 100000001): the bot links an identity to
a user id, so a citizen created after a restart must not get the id of one created before it.
"""

from __future__ import annotations

import os
from pathlib import Path

BLOCK = 10_000


class UpdateIds:
    """`next(ids)` -> the next id; persisted in `path` when given (else from `start`, in memory)."""

    def __init__(self, path: Path | None = None, *, block: int = BLOCK, start: int = 1) -> None:
        self._path = path
        self._block = block
        self._start = start
        self._next = self._read() if path is not None else start
        self._limit = self._next  # ids below the limit are reserved in the file

    def __iter__(self) -> UpdateIds:
        return self

    def __next__(self) -> int:
        if self._path is not None and self._next >= self._limit:
            self._limit = self._next + self._block
            self._write(self._limit)
        value = self._next
        self._next += 1
        return value

    def _read(self) -> int:
        assert self._path is not None
        try:
            return max(self._start, int(self._path.read_text(encoding="ascii").strip() or "1"))
        except (FileNotFoundError, ValueError):
            return self._start

    def _write(self, value: int) -> None:
        assert self._path is not None
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        with open(tmp, "w", encoding="ascii") as out:
            out.write(f"{value}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self._path)
