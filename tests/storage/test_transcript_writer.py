"""The batched transcript writer against a real SecantusDB: every turn is kept, in batches, off
the caller's path; a full queue drops (and counts); stopping writes what is queued."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.models import ConversationTurn, TurnRole
from storage.repositories import Repositories
from storage.repositories.conversations import TurnWriter

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def turn_doc(chat_id: int, i: int) -> dict[str, object]:
    return ConversationTurn(
        chat_id=chat_id, role=TurnRole.CITIZEN, at=NOW + timedelta(seconds=i), text=f"m{i}"
    ).to_doc()


async def test_append_turn_without_a_writer_is_an_awaited_insert(repos: Repositories) -> None:
    turn = await repos.conversations.append_turn(chat_id=1, role=TurnRole.BOT, at=NOW, text="hello")
    [stored] = await repos.conversations.recent_turns(1)
    assert stored.id == turn.id and stored.text == "hello" and stored.role == TurnRole.BOT


async def test_writer_keeps_every_turn_in_batches_and_in_order(repos: Repositories) -> None:
    dropped: list[int] = []
    writer = repos.conversations.start_writer(batch_size=100, on_drop=dropped.append)
    try:
        turns = await asyncio.gather(
            *(
                repos.conversations.append_turn(
                    chat_id=2, role=TurnRole.CITIZEN, at=NOW + timedelta(seconds=i), text=f"m{i}"
                )
                for i in range(450)
            )
        )
        assert writer.pending > 0  # queued, not yet written: the callers did not wait on MongoDB
        await repos.conversations.flush_turns()
        assert writer.pending == 0
        stored = await repos.conversations.transcript(2, since=NOW, limit=1000)
        assert [t.text for t in stored] == [f"m{i}" for i in range(450)]
        assert [t.id for t in stored] == [t.id for t in turns]
        assert dropped == []
    finally:
        await repos.conversations.stop_writer()
    # stopped: back to awaited inserts
    await repos.conversations.append_turn(chat_id=2, role=TurnRole.BOT, at=NOW + timedelta(hours=1), text="after")
    assert (await repos.conversations.recent_turns(2, limit=1))[0].text == "after"


async def test_full_queue_drops_and_counts_then_stop_writes_the_rest(repos: Repositories) -> None:
    dropped: list[int] = []
    writer = TurnWriter(repos.conversations.collection, max_pending=5, on_drop=dropped.append)
    accepted = [writer.submit(turn_doc(3, i)) for i in range(7)]  # not started: nothing drains yet
    assert accepted == [True] * 5 + [False] * 2 and dropped == [1, 1]
    writer.start()
    await writer.stop()
    stored = await repos.conversations.transcript(3, since=NOW)
    assert [t.text for t in stored] == [f"m{i}" for i in range(5)]


async def test_a_duplicate_in_a_batch_does_not_lose_the_others(repos: Repositories) -> None:
    dropped: list[int] = []
    first = turn_doc(4, 0)
    await repos.conversations.collection.insert_one(dict(first))
    writer = TurnWriter(repos.conversations.collection, on_drop=dropped.append)
    writer.submit(first)  # already written (a retried batch): a duplicate key, not a loss
    writer.submit(turn_doc(4, 1))
    writer.submit(turn_doc(4, 2))
    writer.start()
    await writer.stop()
    stored = await repos.conversations.transcript(4, since=NOW)
    assert [t.text for t in stored] == ["m0", "m1", "m2"] and dropped == []
