"""`python bot.py bench push|handoff|nlu`: the README's figures, with the command that made them."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from core.config import Settings
from core.processes import Supervisor
from nlu.server import start_nlu_server


def add_subcommands(bench_sub: argparse._SubParsersAction[argparse.ArgumentParser], *, repo: Path) -> None:
    p_push = bench_sub.add_parser("push", help="push N notifications through the sandbox at Telegram's limits")
    p_push.add_argument("--users", type=int, default=20_000)
    p_push.add_argument("--rate", type=float, default=30.0)
    p_push.add_argument("--workers", type=int, default=2)
    p_push.add_argument("--kill-one", action="store_true", help="SIGKILL one worker halfway")
    p_push.add_argument("--timeout", type=float, default=3600.0, help="give up after this many seconds")
    p_push.add_argument("--json", dest="json_out", help="also write the figures to this JSON file")

    p_handoff = bench_sub.add_parser("handoff", help="citizen <-> agent relay latency, many conversations at once")
    p_handoff.add_argument("--conversations", type=int, default=200)
    p_handoff.add_argument("--agents", type=int, default=20)
    p_handoff.add_argument("--rounds", type=int, default=5, help="messages each way per conversation")

    p_nlu = bench_sub.add_parser("nlu", help="NLU parse latency through the bot's client")
    p_nlu.add_argument("--n", type=int, default=1000, help="requests per run")
    p_nlu.add_argument("--concurrency", type=int, default=20)
    p_nlu.add_argument("--url", help="a running Rasa server (default: start one on the current model)")
    p_nlu.add_argument("--data", type=Path, default=repo / "nlu" / "tests" / "test_nlu.yml")
    p_nlu.add_argument("--out", type=Path, default=repo / "nlu" / "results" / "bench.json")


async def bench_push(settings: Settings, args: argparse.Namespace) -> int:
    from bench.push import run_bench

    return await run_bench(
        settings,
        users=args.users,
        rate=args.rate,
        workers=args.workers,
        kill_one=args.kill_one,
        timeout=args.timeout,
        json_out=args.json_out,
    )


async def bench_handoff(settings: Settings, args: argparse.Namespace) -> int:
    from bench.handoff import bench_handoff as run_handoff_bench

    return await run_handoff_bench(settings, conversations=args.conversations, agents=args.agents, rounds=args.rounds)


async def bench_nlu(settings: Settings, args: argparse.Namespace, *, rasa_bin: Path, models_dir: Path) -> int:
    """Parse latency through the bot's own client, sequential and concurrent."""
    from bench.nlu import run_bench
    from nlu.dataset import parse_test_file

    supervisor = Supervisor()
    try:
        url = args.url or settings.nlu_url
        if url is None:
            started = time.perf_counter()
            child = await start_nlu_server(
                supervisor,
                models_dir=models_dir,
                rasa_bin=rasa_bin,
                log_path=settings.data_dir.resolve() / "logs" / "rasa-bench.log",
            )
            print(f"Rasa server ready in {time.perf_counter() - started:.1f} s (training included if it ran)")
            url = child.url
        texts = [example.text for example in parse_test_file(args.data)]
        await run_bench(url, texts=texts, n=args.n, concurrency=args.concurrency, json_out=args.out)
        return 0
    finally:
        await supervisor.stop_all()
