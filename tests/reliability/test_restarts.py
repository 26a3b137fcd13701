"""Restarts as an operator sees them: the sandbox's update ids go on increasing, so the bot's
de-duplication (by update id, for a day) never takes a new message for an old one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.config import Settings
from sandbox.update_ids import UpdateIds
from tests.conftest import RunningApp, sandbox_client

pytestmark = pytest.mark.e2e


def test_update_ids_continue_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "update_ids"
    first = UpdateIds(path, block=5)
    handed = [next(first) for _ in range(7)]
    assert handed == list(range(1, 8))
    again = UpdateIds(path, block=5)  # a restart (or a crash) after 7 ids: the reserved block is skipped
    assert next(again) > max(handed)


def test_update_ids_never_repeat_across_many_crashes(tmp_path: Path) -> None:
    path = tmp_path / "update_ids"
    seen: list[int] = []
    for run in range(20):
        ids = UpdateIds(path, block=3)
        seen.extend(next(ids) for _ in range(run % 5))
    assert len(seen) == len(set(seen)) and seen == sorted(seen)


def test_without_a_file_ids_start_at_one() -> None:
    ids = UpdateIds()
    assert [next(ids) for _ in range(3)] == [1, 2, 3]


async def test_a_restarted_sandbox_app_answers_new_messages(
    make_settings: Callable[..., Settings], start_app: Callable[[Settings], object], tmp_path: Path
) -> None:
    settings = make_settings(demo_data=False, data_dir=tmp_path)
    for name in ("Before", "After"):
        running: RunningApp = await start_app(settings)  # type: ignore[misc]
        try:
            async with sandbox_client(running) as sb:
                user = await sb.create_user(name, language_code="en")
                await sb.send_text(user.id, "/start")
                reply = await sb.wait_bot_message(user.id, timeout=10)
                assert f"Hello, {name}!" in reply.plain_text
        finally:
            await running.runner.cleanup()
