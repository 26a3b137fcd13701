"""Measure how many sendMessage calls per second the sandbox sustains.

``python -m sandbox.throughput [--seconds 10] [--concurrency 64] [--users 20000]`` starts the
sandbox as a child process on a free port (limits off), creates the users, then sends
sendMessage (form-encoded, as aiogram does) from this process for a fixed time and prints the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time

import aiohttp

from sandbox.client import SandboxClient

TOKEN = "4242:THROUGHPUT"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def run(seconds: float, concurrency: int, users: int, base: str) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        for _ in range(100):
            try:
                async with http.get(f"{base}/bot{TOKEN}/getMe") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        client = SandboxClient(base, http)
        ids = await client.create_users_bulk(users)
        url = f"{base}/bot{TOKEN}/sendMessage"
        deadline = time.monotonic() + seconds
        counter = [0, 0]

        async def worker(offset: int) -> None:
            index = offset
            while time.monotonic() < deadline:
                form = {
                    "chat_id": str(ids[index % len(ids)]),
                    "text": f"notice {index}",
                    "allow_paid_broadcast": "true",
                }
                async with http.post(url, data=form) as response:
                    await response.read()
                    counter[0 if response.status == 200 else 1] += 1
                index += concurrency

        started = time.monotonic()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.monotonic() - started
        stats = await client.stats()
        print(
            f"{counter[0]} ok, {counter[1]} errors in {elapsed:.1f}s: {counter[0] / elapsed:.0f} sendMessage/s "
            f"(sandbox counted {stats['messages_sent']})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.throughput")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--users", type=int, default=20_000)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--no-limits"], stdout=subprocess.DEVNULL
    )
    try:
        asyncio.run(run(args.seconds, args.concurrency, args.users, f"http://127.0.0.1:{port}/sandbox"))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
