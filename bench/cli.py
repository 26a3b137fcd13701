"""`python bot.py bench push|handoff|nlu|chat`: the README's figures, with the command that made them."""

from __future__ import annotations

import argparse
import sys
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

    p_chat = bench_sub.add_parser(
        "chat",
        help="citizens chatting through the webhook at Telegram's limits while a push broadcast goes out",
        description="The app as `bot.py run` in its own process, a standalone sandbox with Telegram's flood "
        "limits, embedded MongoDB and Redis, Rasa (or --nlu off); sandbox citizens chat (60 % free text, 40 % "
        "buttons) while a broadcast is sent. Reports turns/s, first-reply latency, replies lost, 429s, the "
        "busiest one-second window of sends, pushes delivered and CPU per process. See bench/chat.py.",
    )
    p_chat.add_argument(
        "--mode",
        choices=("open", "closed"),
        default="open",
        help="open: a fixed arrival rate of turns (default); closed: citizens wait for the reply, think, repeat",
    )
    p_chat.add_argument("--rate", type=float, default=25.0, help="open loop: turns offered per second (25)")
    p_chat.add_argument("--seconds", type=float, default=60.0, help="how long the load lasts (60)")
    p_chat.add_argument(
        "--citizens", type=int, help="sandbox citizens (default: open loop max(20, 10 x rate), closed loop 100)"
    )
    p_chat.add_argument("--think", type=float, default=1.0, help="seconds a citizen thinks after a reply (1, jittered)")
    p_chat.add_argument(
        "--arrivals", choices=("poisson", "even"), default="poisson", help="open loop: arrival process (poisson)"
    )
    p_chat.add_argument(
        "--broadcast", type=int, default=300, help="notifications queued for other citizens before the load (300)"
    )
    p_chat.add_argument(
        "--drain", type=float, default=60.0, help="seconds after the load for the last replies and pushes (60)"
    )
    p_chat.add_argument("--processes", type=int, help="passed on as `bot.py run --processes N`")
    p_chat.add_argument(
        "--paid",
        action="store_true",
        help="Telegram's paid-broadcast level: the sandbox at 1,000/s, the app with PUSH_PAID_BROADCAST=true",
    )
    p_chat.add_argument(
        "--nlu", choices=("on", "off"), default="on", help="on: Rasa as `bot.py run` starts it (or NLU_URL); off: none"
    )
    p_chat.add_argument("--bound", type=float, default=0.5, help="share of citizens bound to demo identities (0.5)")
    p_chat.add_argument("--seed", type=int, default=1, help="random seed of the citizens' choices")
    p_chat.add_argument("--workdir", type=Path, help="data and logs here (default: a temporary directory)")
    p_chat.add_argument("--keep", action="store_true", help="keep the temporary directory after a clean run")
    p_chat.add_argument("--json", dest="json_out", type=Path, help="also write the report to this JSON file")

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


async def bench_chat(settings: Settings, args: argparse.Namespace, *, rasa_bin: Path, models_dir: Path) -> int:
    from bench.chat import ChatBenchConfig, run_chat_bench

    config = ChatBenchConfig(
        mode=args.mode,
        rate=args.rate,
        seconds=args.seconds,
        citizens=args.citizens,
        think=args.think,
        arrivals=args.arrivals,
        bound_share=args.bound,
        broadcast=args.broadcast,
        drain=args.drain,
        processes=args.processes,
        paid=args.paid,
        nlu=args.nlu,
        seed=args.seed,
        workdir=args.workdir,
        keep=args.keep,
        json_out=args.json_out,
    )
    try:
        return await run_chat_bench(settings, config, rasa_bin=rasa_bin, models_dir=models_dir)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


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
