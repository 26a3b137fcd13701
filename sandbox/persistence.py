"""The sandbox's records on disk, so a restarted sandbox (Ctrl-C, then ``make run`` again) still has
its citizens, their chats with every message, the files sent in them, the SMS of the phone panel,
what the bot set up (commands, menu buttons) and the updates it had not fetched yet.

- ``state.json``: one snapshot of those records, replaced atomically (written to a temporary file,
  flushed, renamed over the old one), so a crash leaves the previous snapshot or the new one.
- ``files/``: each file's bytes, written once under its Telegram ``file_path``.

The snapshot is written by a background task at most every ``interval`` seconds after something
changed (``SandboxState.touch()``), and once more when the sandbox stops. A crash loses at most the
last interval's messages; it never hands out a user id or an update id twice, because those are
reserved in files of their own before use (sandbox/update_ids.py).

Not kept: flood-limit buckets, injected faults, statistics, the output feed, unanswered callback
queries, webhooks (the bot sets its webhook again when it starts) and the chats' event logs (a
chat's event sequence goes on from where it was; the page reloads the history).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import deque
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path
from typing import Any

import structlog

from sandbox.limits import RateLimiter
from sandbox.records import BotState, ChatState, Citizen, SmsRecord, StoredFile, StoredMessage
from sandbox.state import SandboxState

log = structlog.get_logger(__name__)

FORMAT = 1
SNAPSHOT = "state.json"
FILES = "files"
SAVE_INTERVAL = 0.5  # seconds between a change and its snapshot, at most


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


class SandboxStore:
    """Loads a :class:`SandboxState` from ``folder`` and keeps the folder up to date."""

    def __init__(self, state: SandboxState, folder: Path, *, interval: float = SAVE_INTERVAL) -> None:
        self.state = state
        self.folder = folder
        self.interval = interval
        self._saved_version = -1
        self._files_written: dict[str, str] = {}  # file id -> its path under files/
        self._task: asyncio.Task[None] | None = None

    @property
    def snapshot_path(self) -> Path:
        return self.folder / SNAPSHOT

    # --- loading ----------------------------------------------------------------------------

    def load(self) -> bool:
        """Fill the state from the last snapshot; False when there is none (or it is unreadable:
        then the sandbox starts empty, and the damaged file is kept beside, renamed)."""
        path = self.snapshot_path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"unknown snapshot format {data.get('format')!r}")
            self._restore(data)
        except FileNotFoundError:
            return False
        except (ValueError, KeyError, TypeError, OSError) as error:
            broken = path.with_name(path.name + ".broken")
            with suppress(OSError):
                os.replace(path, broken)
            log.warning("sandbox snapshot unreadable, starting empty", path=str(path), error=str(error))
            self.state.citizens.clear()
            self.state.chats.clear()
            return False
        self._saved_version = self.state.version
        log.info(
            "sandbox state restored", citizens=len(self.state.citizens), chats=len(self.state.chats), path=str(path)
        )
        return True

    def _restore(self, data: dict[str, Any]) -> None:
        state = self.state
        for item in data.get("citizens", []):
            citizen = Citizen(**item)
            state.citizens[citizen.id] = citizen
        for item in data.get("chats", []):
            chat = ChatState(
                id=item["id"],
                type=item["type"],
                title=item.get("title"),
                members=set(item.get("members", [])),
                next_message_id=item["next_message_id"],
                reply_keyboard=item.get("reply_keyboard"),
            )
            chat.seq = chat.event_base = item.get("seq", 0)
            for message in item.get("messages", []):
                stored = StoredMessage(**message)
                chat.messages[stored.message_id] = stored
            state.chats[chat.id] = chat
        state.next_group_id = min(data.get("next_group_id", state.next_group_id), state.next_group_id)
        files_dir = self.folder / FILES
        for item in data.get("files", []):
            try:
                content = (files_dir / item["file_path"]).read_bytes()
            except OSError:
                continue  # its message stays; the file answers 404, as an expired Telegram file
            stored_file = StoredFile(data=content, **item)
            state.files[stored_file.file_id] = stored_file
            state.files_by_path[stored_file.file_path] = stored_file
            self._files_written[stored_file.file_id] = stored_file.file_path
        state.sms = [SmsRecord(**item) for item in data.get("sms", [])]
        for item in data.get("bots", []):
            bot = BotState(id=item["id"], token=item["token"], limiter=RateLimiter(state.limits))
            bot.commands = {(scope, lang): commands for scope, lang, commands in item.get("commands", [])}
            bot.menu_buttons = {int(chat_id): button for chat_id, button in item.get("menu_buttons", {}).items()}
            bot.allowed_updates = item.get("allowed_updates")
            bot.updates = deque(item.get("updates", []))
            state.bots[bot.id] = bot
        active = data.get("active_bot_id")
        state.active_bot_id = active if active in state.bots else None

    # --- saving -----------------------------------------------------------------------------

    def snapshot(self) -> bytes:
        state = self.state
        data = {
            "format": FORMAT,
            "citizens": [asdict(c) for c in state.citizens.values()],
            "chats": [
                {
                    "id": chat.id,
                    "type": chat.type,
                    "title": chat.title,
                    "members": sorted(chat.members),
                    "next_message_id": chat.next_message_id,
                    "seq": chat.seq,
                    "reply_keyboard": chat.reply_keyboard,
                    "messages": [asdict(m) for m in chat.messages.values()],
                }
                for chat in state.chats.values()
            ],
            "next_group_id": state.next_group_id,
            "files": [
                {
                    "file_id": f.file_id,
                    "file_unique_id": f.file_unique_id,
                    "file_path": f.file_path,
                    "mime_type": f.mime_type,
                    "file_name": f.file_name,
                }
                for f in state.files.values()
            ],
            "sms": [asdict(s) for s in state.sms],
            "bots": [
                {
                    "id": bot.id,
                    "token": bot.token,
                    "commands": [[scope, lang, commands] for (scope, lang), commands in bot.commands.items()],
                    "menu_buttons": {str(chat_id): button for chat_id, button in bot.menu_buttons.items()},
                    "allowed_updates": bot.allowed_updates,
                    "updates": list(bot.updates),
                }
                for bot in state.bots.values()
            ],
            "active_bot_id": state.active_bot_id,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def _file_changes(self) -> tuple[list[StoredFile], list[tuple[str, str]]]:
        """The files to write (new since the last snapshot) and the paths to remove (a reset forgot them)."""
        files = self.state.files
        new = [f for f in files.values() if f.file_id not in self._files_written]
        gone = [(file_id, path) for file_id, path in self._files_written.items() if file_id not in files]
        return new, gone

    def _write(self, snapshot: bytes, new: list[StoredFile], gone: list[tuple[str, str]]) -> None:
        for stored in new:
            _write_atomically(self.folder / FILES / stored.file_path, stored.data)
        _write_atomically(self.snapshot_path, snapshot)
        for _, path in gone:
            with suppress(OSError):
                (self.folder / FILES / path).unlink()

    def _written(self, version: int, new: list[StoredFile], gone: list[tuple[str, str]]) -> None:
        for stored in new:
            self._files_written[stored.file_id] = stored.file_path
        for file_id, _ in gone:
            self._files_written.pop(file_id, None)
        self._saved_version = version

    def save(self) -> None:
        """Write the snapshot now (and the files it needs), on the caller's thread."""
        version, (new, gone), snapshot = self.state.version, self._file_changes(), self.snapshot()
        self._write(snapshot, new, gone)
        self._written(version, new, gone)

    async def save_soon(self) -> None:
        """Write the snapshot if something changed since the last one (the disk work in a thread)."""
        version = self.state.version
        if version == self._saved_version:
            return
        (new, gone), snapshot = self._file_changes(), self.snapshot()
        await asyncio.to_thread(self._write, snapshot, new, gone)
        self._written(version, new, gone)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.save_soon()
            except OSError as error:
                log.warning("sandbox snapshot not written", path=str(self.snapshot_path), error=str(error))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sandbox-store")

    async def stop(self) -> None:
        """Stop the background writer, then write the last changes."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.state.version != self._saved_version:
            try:
                self.save()
            except OSError as error:
                log.warning("sandbox snapshot not written", path=str(self.snapshot_path), error=str(error))
