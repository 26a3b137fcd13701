"""`python bot.py bench chat` at a small scale (issue 10): the whole set-up as an operator runs it
(standalone sandbox with Telegram's limits, embedded MongoDB and Redis, `bot.py run` in webhook
mode, no Rasa) for a few seconds, and a report whose figures are sane. Not timed: the figures
themselves are the README's business. Also the sandbox's output feed the bench reads."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bench.chat import max_in_window, per_second, percentile, pressable
from sandbox import create_sandbox_app
from sandbox.client import SandboxClient
from sandbox.records import OutputFeed

REPO = Path(__file__).resolve().parent.parent.parent
TOKEN = "123456:BENCH-chat-test-token"

pytestmark = pytest.mark.e2e


def test_bench_chat_small_run(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    argv = [sys.executable, "bot.py", "bench", "chat", "--mode", "open", "--rate", "5", "--seconds", "5"]
    argv += ["--citizens", "20", "--nlu", "off", "--broadcast", "10", "--drain", "30"]
    argv += ["--workdir", str(tmp_path / "work"), "--json", str(report_path)]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=170, check=False)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert "first reply: p50" in done.stdout
    report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))

    assert report["ok"] is True
    assert report["citizens"] == 20 and report["citizens_chinese"] == 10 and report["citizens_bound"] == 10
    turns = report["turns"]
    assert 10 <= turns["offered"] <= 60, turns  # Poisson arrivals at 5/s for 5 s
    assert turns["answered"] == turns["offered"] and turns["lost"] == 0 and turns["send_errors"] == 0
    assert turns["citizens_with_lost_replies"] == 0
    assert turns["not_offered_all_citizens_waiting"] == 0
    assert sum(kind["turns"] for kind in turns["by_kind"].values()) == turns["offered"]
    latency = report["first_reply_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"] < 30_000
    assert report["too_many_requests"]["total"] == 0
    updates = report["updates"]
    assert updates["created"] == turns["offered"] and updates["pending_in_sandbox_at_end"] == 0
    sends = report["sends"]
    assert 1 <= sends["max_in_1s_window"] <= sends["limit_per_s"] == 30
    assert sends["feed_entries_missed"] == 0
    assert sum(sends["per_second_in_window"]) == sends["in_window"]["sends"] + sends["in_window"]["paid_sends"]
    pushes = report["pushes"]
    assert pushes["queued"] == 10 and pushes["undelivered"] == 0 and pushes["duplicates"] == 0
    assert pushes["delivered_before"] + pushes["delivered_during"] + pushes["delivered_after"] == 10
    cpu = report["cpu_seconds"]
    assert {"bench", "app", "sandbox", "mongodb", "redis"} <= set(cpu)
    assert "rasa" not in cpu
    assert cpu["app"] > 0 and report["cpu_ms_per_turn"]["app"] > 0
    assert (tmp_path / "work" / "logs" / "app.log").exists()


def test_report_helpers() -> None:
    assert max_in_window([]) == 0
    assert max_in_window([0.0, 1.0]) == 1  # a window is [t, t + 1): one second apart is two windows
    assert max_in_window([0.0, 0.1, 1.1, 1.2, 2.15]) == 2
    assert max_in_window([1.2, 0.0, 0.5, 0.99, 1.0]) == 4  # [0.5, 1.5), whatever the order given
    assert max_in_window([i / 8 for i in range(20)]) == 8  # exact binary fractions: no rounding at the edge
    assert per_second([10.0, 10.5, 11.2, 13.9, 9.0], 10.0, 13.5) == [2, 1, 0, 0]
    assert percentile([], 99) == 0.0
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0 and percentile([1.0, 2.0], 99) == 2.0
    markup = {
        "inline_keyboard": [
            [{"text": "License", "callback_data": "go:license"}, {"text": "Site", "url": "https://example.org"}],
            [{"text": "Person", "callback_data": "go:human"}, {"text": "Stop", "callback_data": "ho:stop"}],
            [{"text": "Menu", "callback_data": "menu:main"}],
            [
                {"text": "• All vehicles", "callback_data": "vio:0:"},
                {"text": "京A12345", "callback_data": "vio:0:京A12345"},
            ],
        ]
    }
    assert pressable(markup) == ("go:license", "menu:main", "vio:0:京A12345")  # not the filter already shown
    assert pressable(None) == () and pressable({"keyboard": [["a"]]}) == ()


def test_output_feed_keeps_the_newest() -> None:
    feed = OutputFeed(maxlen=3)
    assert feed.after(0, 10) == [] and feed.first_seq == 1
    for chat in range(5):
        feed.add("message", chat, message_id=1)
    assert feed.first_seq == 3
    assert [e["seq"] for e in feed.after(0, 10)] == [3, 4, 5]
    assert [e["seq"] for e in feed.after(3, 10)] == [4, 5]
    assert [e["seq"] for e in feed.after(3, 1)] == [4]
    assert feed.after(5, 10) == []
    feed.clear()
    assert feed.first_seq == 6 and feed.after(0, 10) == []


async def test_sandbox_output_feed(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> None:
    app = web.Application()
    app.add_subapp("/sandbox", create_sandbox_app())
    server = await aiohttp_server(app)
    base = str(server.make_url("/sandbox"))
    async with aiohttp.ClientSession() as http:
        sandbox = SandboxClient(base, session=http)

        async def call(method: str, **params: Any) -> Any:
            async with http.post(f"{base}/bot{TOKEN}/{method}", json=params) as response:
                return await response.json()

        user = await sandbox.create_user("Li", language_code="zh-hans")
        markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go:x"}]]}
        sent = await call("sendMessage", chat_id=user.id, text="hi", reply_markup=markup)
        await call("sendMessage", chat_id=user.id, text="paid", allow_paid_broadcast=True)
        await call(
            "editMessageText",
            chat_id=user.id,
            message_id=sent["result"]["message_id"],
            text="hi again",
            reply_markup=markup,
        )
        query_id = await sandbox.press_button(user.id, sent["result"]["message_id"], "go:x")
        await call("answerCallbackQuery", callback_query_id=query_id, text="done")
        await sandbox.inject_fault("sendMessage", status=429, retry_after=1)
        refused = await call("sendMessage", chat_id=user.id, text="refused")
        assert refused["error_code"] == 429  # refused: not in the feed

        entries, cursor, first = await sandbox.feed(0)
        assert first == 1 and cursor == 4
        assert [e["type"] for e in entries] == ["message", "message", "edit", "callback_answer"]
        assert all(e["chat_id"] == user.id and e["at"] > 0 for e in entries)
        assert entries[0]["reply_markup"] == markup and entries[0]["paid"] is False
        assert entries[1]["paid"] is True and entries[1]["reply_markup"] is None
        assert entries[3]["text"] == "done"
        assert (await sandbox.feed(cursor, timeout=0.1))[0] == []
        assert [e["seq"] for e in (await sandbox.feed(1, limit=2))[0]] == [2, 3]
        stats = await sandbox.stats()
        assert stats["too_many_requests"] == 1
        assert any(bot["id"] == 123456 for bot in await sandbox.bots())
