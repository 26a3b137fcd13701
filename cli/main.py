"""The traffic-management assistant's command line (`python bot.py ...`; bot.py is a shim).

python bot.py run [--processes N] # the web app + bot (+ embedded MongoDB/Redis/Rasa when unset)
python bot.py sandbox [--port P]  # the Telegram sandbox on its own
python bot.py seed [--force]      # load the deterministic demo data set
python bot.py nlu train|serve|eval
python bot.py worker              # a push worker (any number; `run` has one in-process)
python bot.py outbox [--requeue]  # notifications by state, dead letters, re-queue
python bot.py payments reconcile  # settle payments whose outcome never came (the workers do it periodically)
python bot.py bench push --users N --rate R --workers W [--kill-one]
python bot.py staff add USERNAME --role agent|supervisor|admin --name "Display" [--department ID] [--password-stdin]
python bot.py bench handoff [--conversations 200 --agents 20 --rounds 5]
python bot.py bench chat [--mode open --rate 25 | --mode closed --citizens 100] [--seconds 60] [--paid]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path

import structlog
from pydantic import SecretStr

from core.config import ConfigError, Settings, load_settings
from core.logging import configure_logging
from core.loop import run as run_on_loop
from core.processes import Child, ChildFailedToStart, Supervisor

log = structlog.get_logger("bot")
REPO = Path(__file__).resolve().parent.parent
RASA_BIN = REPO / ".venv-rasa" / "bin" / "rasa"
MODELS_DIR = REPO / "models"

EXIT_CONFIG = 2


def fail(message: str, code: int = EXIT_CONFIG) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


async def start_embedded(settings: Settings, supervisor: Supervisor) -> Settings:
    """Start what is not configured (MongoDB, Redis) and return settings pointing at it."""
    from storage.embedded import start_mongo, start_redis

    data_dir = settings.data_dir.resolve()
    starts: dict[str, asyncio.Task[Child]] = {}
    if settings.mongo_url is None:
        starts["mongo_url"] = asyncio.create_task(start_mongo(supervisor, data_dir))
    if settings.redis_url is None:
        starts["redis_url"] = asyncio.create_task(start_redis(supervisor, data_dir))
    update: dict[str, object] = {}
    for key, task in starts.items():
        update[key] = SecretStr((await task).url)
    if settings.demo_data is None:
        update["demo_data"] = settings.mongo_url is None
    return settings.model_copy(update=update)


async def start_nlu(settings: Settings, supervisor: Supervisor) -> Child:
    from nlu.server import start_nlu_server

    return await start_nlu_server(
        supervisor,
        models_dir=MODELS_DIR,
        rasa_bin=RASA_BIN,
        port=settings.nlu_port,
        log_path=settings.data_dir.resolve() / "logs" / "rasa.log",
    )


async def run(settings: Settings, *, child_index: int | None = None, ready_dir: Path | None = None) -> int:
    """The app in this process. As one of the processes of `bot.py run --processes N`
    (`child_index`), it binds HTTP_PORT with SO_REUSEPORT beside the others, says it listens by
    writing a file named by its pid in `ready_dir`, and leaves the banner to the parent."""
    from app.factory import StartupError, create_app, start_server

    if child_index is not None:
        structlog.contextvars.bind_contextvars(process=child_index)
    supervisor = Supervisor()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = None
    try:
        if settings.nlu_url is None:
            print(
                "preparing the NLU model (trains only when nlu/ changed; the first time takes a few minutes)",
                flush=True,
            )
        nlu_task = asyncio.create_task(start_nlu(settings, supervisor)) if settings.nlu_url is None else None
        settings = await start_embedded(settings, supervisor)
        if nlu_task is not None:
            settings = settings.model_copy(update={"nlu_url": (await nlu_task).url})
        app = create_app(settings)
        runner = await start_server(app, settings.http_host, settings.http_port, reuse_port=child_index is not None)
        if ready_dir is not None:
            (ready_dir / str(os.getpid())).touch()
        if child_index is None:
            banner(settings)
        # An embedded child that dies (Redis, MongoDB, Rasa) is started again with backoff; the app
        # stays up meanwhile, degraded, as /readyz says (without NLU the menu still does everything).
        keeper = asyncio.create_task(supervisor.keep_alive(), name="keep-children-alive")
        await stop.wait()
        keeper.cancel()
        with suppress(asyncio.CancelledError):
            await keeper
        log.info("stopping")
        return 0
    except (StartupError, ChildFailedToStart) as exc:
        return fail(str(exc))
    finally:
        # First the app (webhook updates in flight, the push worker, the relay), then the servers
        # it drains into: the children run in their own session, so Ctrl-C reached the app only.
        if runner is not None:
            await runner.cleanup()
        await supervisor.stop_all()
        if settings.mongo_url is not None and child_index is None:  # the server stopped with this process
            from storage.embedded import forget_running_mongo

            forget_running_mongo(settings.data_dir.resolve(), settings.mongo_url.get_secret_value())


def banner(settings: Settings, *, processes: int = 1, sandbox_url: str | None = None) -> None:
    running = f" ({processes} processes)" if processes > 1 else ""
    lines = [f"traffic assistant is running on {settings.base_url}{running}"]
    if settings.sandbox_mode:
        lines.append(f"open the Telegram sandbox: {sandbox_url or settings.base_url}/sandbox/")
    lines.append(f"health: {settings.base_url}/readyz   metrics: {settings.base_url}/metrics")
    print("\n".join(lines), flush=True)


async def seed(settings: Settings, force: bool) -> int:
    from storage.mongo import connect_mongo
    from storage.repositories import Repositories
    from storage.seed import load_demo_data

    supervisor = Supervisor()
    try:
        if settings.mongo_url is None:
            settings = await start_embedded(
                settings.model_copy(update={"redis_url": SecretStr("redis://unused")}), supervisor
            )
        assert settings.mongo_url is not None
        client = connect_mongo(settings.mongo_url.get_secret_value())
        try:
            repos = Repositories.from_db(client[settings.mongo_db])
            await repos.ensure_indexes()
            report = await load_demo_data(repos, today=datetime.now().date(), force=force)
            print(report)
        finally:
            await client.close()
        return 0
    except ChildFailedToStart as exc:
        return fail(str(exc))
    finally:
        await supervisor.stop_all()


async def with_embedded(settings: Settings, body: Callable[[Settings], Awaitable[int]]) -> int:
    """Run `body` with MongoDB and Redis (embedded ones for what is not configured)."""
    supervisor = Supervisor()
    try:
        return await body(await start_embedded(settings, supervisor))
    except ChildFailedToStart as exc:
        return fail(str(exc))
    finally:
        await supervisor.stop_all()


async def staff_command(settings: Settings, args: argparse.Namespace) -> int:
    from staff.cli import StaffExists, add_account, read_password

    try:
        password = read_password(args.password_stdin)
    except ValueError as exc:
        return fail(str(exc))

    if settings.mongo_url is None:
        # `make run` holds the embedded database: use the server it started (storage/embedded.py).
        from storage.embedded import running_mongo_url

        if (running := await running_mongo_url(settings.data_dir.resolve())) is not None:
            settings = settings.model_copy(update={"mongo_url": SecretStr(running)})

    async def add(resolved: Settings) -> int:
        assert resolved.mongo_url is not None
        try:
            print(await add_account(resolved.mongo_url.get_secret_value(), resolved.mongo_db, args, password))
        except ValueError as exc:
            return fail(str(exc))
        except StaffExists:
            return fail(f"a staff account {args.username!r} already exists")
        return 0

    return await with_embedded(
        settings.model_copy(update={"redis_url": settings.redis_url or SecretStr("redis://unused")}), add
    )


async def payments_command(settings: Settings) -> int:
    """`bot.py payments reconcile`: with `make run` running, on the database it uses; notifications
    go to the outbox, which the app's push workers send."""
    from actions.payments.gateway import build_gateway
    from actions.payments.orders import reconcile
    from push.cli import connected

    if settings.mongo_url is None:
        from storage.embedded import running_mongo_url

        if (running := await running_mongo_url(settings.data_dir.resolve())) is not None:
            settings = settings.model_copy(update={"mongo_url": SecretStr(running)})

    async def run_reconcile(resolved: Settings) -> int:
        async with connected(resolved) as services:
            print(await reconcile(services, build_gateway(resolved)))
        return 0

    return await with_embedded(settings, run_reconcile)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bot.py", description="Traffic management citizen-service assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run the web app and the bot (embedded servers for what is not configured)")
    p_run.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="app processes behind HTTP_PORT (SO_REUSEPORT, webhook mode when N > 1; 0 = one per core); "
        "default APP_PROCESSES (1)",
    )
    # Given by the parent of `--processes N` to each of its app processes.
    p_run.add_argument("--child-index", type=int, help=argparse.SUPPRESS)
    p_run.add_argument("--ready-dir", type=Path, help=argparse.SUPPRESS)
    p_sandbox = sub.add_parser("sandbox", help="serve the Telegram sandbox on its own (`run --processes N` does)")
    p_sandbox.add_argument("--host", help="default HTTP_HOST")
    p_sandbox.add_argument("--port", type=int, default=8081)
    p_seed = sub.add_parser("seed", help="load the deterministic demo data set")
    p_seed.add_argument("--force", action="store_true", help="replace demo data that is already loaded")
    p_nlu = sub.add_parser("nlu", help="the Rasa NLU model: train, serve, eval")
    nlu_sub = p_nlu.add_subparsers(dest="nlu_command", required=True)
    p_train = nlu_sub.add_parser("train", help="train when nlu/ changed (model named by the hash of its inputs)")
    p_train.add_argument("--force", action="store_true")
    nlu_sub.add_parser("serve", help="serve the current model with `rasa run --enable-api`")
    p_eval = nlu_sub.add_parser("eval", help="evaluate the model on a Rasa-format test file")
    p_eval.add_argument("--data", type=Path, default=REPO / "nlu" / "tests" / "test_nlu.yml")
    p_eval.add_argument("--out", type=Path, default=REPO / "nlu" / "results" / "eval.json")
    p_eval.add_argument("--url", help="a running Rasa server (default: start one on the current model)")
    from bench.cli import add_subcommands as add_bench_subcommands
    from push.cli import add_subcommands as add_push_subcommands

    add_push_subcommands(sub)  # worker, outbox
    p_bench = sub.add_parser("bench", help="benchmarks (figures for the README)")
    add_bench_subcommands(p_bench.add_subparsers(dest="bench_command", required=True), repo=REPO)
    p_payments = sub.add_parser("payments", help="fine payments")
    payments_sub = p_payments.add_subparsers(dest="payments_command", required=True)
    payments_sub.add_parser(
        "reconcile",
        help="settle orders whose outcome never came: ask the gateway, record payments, expire the rest, "
        "tell the citizens (push workers also do it every PAYMENT_RECONCILE_INTERVAL)",
    )
    from staff.cli import add_arguments as add_staff_arguments

    add_staff_arguments(sub.add_parser("staff", help="staff console accounts"))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail(str(exc))
    configure_logging(settings.log_level, settings.log_format)
    if args.command == "run":
        processes = settings.processes if args.processes is None else args.processes or max(1, os.cpu_count() or 1)
        if processes < 1:
            return fail(f"--processes: expected 0 (one per core) or more (got {args.processes})")
        if processes > 1 and args.child_index is None:
            from cli.cluster import run_processes

            return run_on_loop(run_processes(settings, processes), settings.event_loop)
        return run_on_loop(run(settings, child_index=args.child_index, ready_dir=args.ready_dir), settings.event_loop)
    if args.command == "sandbox":
        from cli.cluster import serve_sandbox

        return serve_sandbox(settings, args.host if args.host is not None else settings.http_host, args.port)
    if args.command == "seed":
        return asyncio.run(seed(settings, args.force))
    if args.command in ("worker", "outbox"):
        from push.cli import command as push_command

        return push_command(args, settings)
    if args.command == "nlu":
        from nlu.cli import nlu_command

        return nlu_command(args, settings=settings, rasa_bin=RASA_BIN, models_dir=MODELS_DIR)
    if args.command == "staff":
        return asyncio.run(staff_command(settings, args))
    if args.command == "payments":
        return asyncio.run(payments_command(settings))
    if args.command == "bench":
        from bench import cli as bench_cli

        if args.bench_command == "push":
            return asyncio.run(bench_cli.bench_push(settings, args))
        if args.bench_command == "handoff":
            return asyncio.run(with_embedded(settings, lambda s: bench_cli.bench_handoff(s, args)))
        if args.bench_command == "nlu":
            return asyncio.run(bench_cli.bench_nlu(settings, args, rasa_bin=RASA_BIN, models_dir=MODELS_DIR))
        if args.bench_command == "chat":
            return asyncio.run(bench_cli.bench_chat(settings, args, rasa_bin=RASA_BIN, models_dir=MODELS_DIR))
    raise AssertionError(args.command)
