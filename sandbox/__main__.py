"""Serve the sandbox on its own: ``python -m sandbox [--host 127.0.0.1] [--port 8081] [--no-limits]``.

The app normally mounts it at /sandbox of its own web server; this is for trying it alone and for
measuring its throughput (see sandbox/throughput.py)."""

from __future__ import annotations

import argparse

from aiohttp import web

from sandbox.app import create_sandbox_app
from sandbox.limits import SandboxLimits


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--no-limits", action="store_true", help="do not enforce flood limits")
    args = parser.parse_args()
    app = web.Application()
    app.add_subapp("/sandbox", create_sandbox_app(SandboxLimits(enabled=not args.no_limits)))
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
