"""Serve the sandbox on its own: ``python -m sandbox [--host 127.0.0.1] [--port 8081] [--no-limits]``.

The app normally mounts it at /sandbox of its own web server; this is for trying it alone, for
measuring its throughput (see sandbox/throughput.py) and for the benchmarks that run the app in
a process of its own (``bot.py bench push|chat``). The flood limits default to Telegram's (see
sandbox/limits.py); each can be changed here or at run time with ``PUT /sandbox/api/limits``."""

from __future__ import annotations

import argparse

from aiohttp import web

from sandbox.app import create_sandbox_app
from sandbox.limits import SandboxLimits

DEFAULTS = SandboxLimits()


def limits_from_args(args: argparse.Namespace) -> SandboxLimits:
    return SandboxLimits(
        enabled=not args.no_limits,
        per_chat_rate=args.chat_rate,
        per_chat_burst=args.chat_burst,
        global_rate=args.global_rate,
        global_burst=args.global_burst,
        paid_broadcast_rate=args.paid_rate,
        paid_broadcast_burst=args.paid_burst,
        group_per_minute=args.group_per_minute,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--no-limits", action="store_true", help="do not enforce flood limits")
    limits = parser.add_argument_group("flood limits (token buckets; Telegram's by default)")
    limits.add_argument("--chat-rate", type=float, default=DEFAULTS.per_chat_rate, help="messages/s per private chat")
    limits.add_argument("--chat-burst", type=int, default=DEFAULTS.per_chat_burst, help="burst per private chat")
    limits.add_argument("--global-rate", type=float, default=DEFAULTS.global_rate, help="messages/s overall")
    limits.add_argument("--global-burst", type=int, default=DEFAULTS.global_burst, help="burst overall")
    limits.add_argument(
        "--paid-rate",
        type=float,
        default=DEFAULTS.paid_broadcast_rate,
        help="messages/s overall for calls with allow_paid_broadcast",
    )
    limits.add_argument("--paid-burst", type=int, default=DEFAULTS.paid_broadcast_burst, help="burst of those")
    limits.add_argument(
        "--group-per-minute", type=int, default=DEFAULTS.group_per_minute, help="messages/min per group"
    )
    args = parser.parse_args()
    try:
        sandbox_limits = limits_from_args(args)
    except ValueError as error:
        parser.error(str(error))
    app = web.Application()
    app.add_subapp("/sandbox", create_sandbox_app(sandbox_limits))
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        access_log=None,
        shutdown_timeout=5,
        print=lambda _: print(f"sandbox at http://{args.host}:{args.port}/sandbox/", flush=True),
    )


if __name__ == "__main__":
    main()
