"""Parse latency through the bot's own client (`python bot.py bench nlu`).

Two runs against a live Rasa server: `n` requests one after another, then `n` requests with
`concurrency` in flight at once. Latency is measured around `NluClient.parse` (so it includes
the client's JSON handling and connection pool), after a short warm-up that is not counted.
Failed requests (`NluUnavailable`) are counted, not timed. Targets from the issue: p50 <= 10 ms
and p99 <= 30 ms in both runs.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from nlu.client import CircuitBreaker, NluClient, NluUnavailable

P50_TARGET_MS = 10.0
P99_TARGET_MS = 30.0


@dataclass(frozen=True)
class RunStats:
    name: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    throughput: float  # successful parses per second
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float

    def meets_targets(self) -> bool:
        return self.errors == 0 and self.p50_ms <= P50_TARGET_MS and self.p99_ms <= P99_TARGET_MS


@dataclass(frozen=True)
class BenchReport:
    url: str
    texts: int
    sequential: RunStats
    concurrent: RunStats

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def format_table(self) -> str:
        header = (
            f"{'run':12} {'conc':>5} {'requests':>9} {'errors':>7} {'req/s':>8} "
            f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}  targets"
        )
        rows = [f"NLU parse latency via NluClient against {self.url} ({self.texts} distinct texts)", header]
        for r in (self.sequential, self.concurrent):
            rows.append(
                f"{r.name:12} {r.concurrency:5d} {r.requests:9d} {r.errors:7d} {r.throughput:8.1f} "
                f"{r.p50_ms:8.2f} {r.p90_ms:8.2f} {r.p99_ms:8.2f} {r.max_ms:8.2f}  "
                f"{'met' if r.meets_targets() else 'MISSED'}"
            )
        rows.append(f"targets: p50 <= {P50_TARGET_MS:g} ms, p99 <= {P99_TARGET_MS:g} ms, no errors")
        rows.append(self.queueing_note())
        return "\n".join(rows)

    def queueing_note(self) -> str:
        """Rasa's `rasa run` serves one request at a time (one Sanic worker unless a Redis lock
        store is configured), so with C requests in flight each waits for the others: by Little's
        law the concurrent latency is about C / throughput however fast a single parse is."""
        c = self.concurrent
        if c.throughput <= 0:
            return "concurrent run: no successful requests"
        expected = c.concurrency / c.throughput * 1000
        return (
            f"concurrent run: server throughput {c.throughput:.0f} req/s, so {c.concurrency} in flight "
            f"queue for about {expected:.1f} ms each (Little's law); measured mean {c.mean_ms:.1f} ms"
        )


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of an ascending sequence; 0.0 when empty."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(name: str, concurrency: int, latencies: Sequence[float], errors: int, seconds: float) -> RunStats:
    ordered = sorted(latencies)
    ms = [v * 1000 for v in ordered]
    return RunStats(
        name=name,
        concurrency=concurrency,
        requests=len(latencies) + errors,
        errors=errors,
        seconds=seconds,
        throughput=len(latencies) / seconds if seconds > 0 else 0.0,
        p50_ms=percentile(ms, 50),
        p90_ms=percentile(ms, 90),
        p99_ms=percentile(ms, 99),
        max_ms=ms[-1] if ms else 0.0,
        mean_ms=sum(ms) / len(ms) if ms else 0.0,
    )


async def _run(client: NluClient, texts: Sequence[str], n: int, concurrency: int, name: str) -> RunStats:
    latencies: list[float] = []
    errors = 0
    source = itertools.cycle(texts)
    remaining = n

    async def worker() -> None:
        nonlocal errors, remaining
        while remaining > 0:
            remaining -= 1
            text = next(source)
            started = time.perf_counter()
            try:
                await client.parse(text)
            except NluUnavailable:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarize(name, concurrency, latencies, errors, time.perf_counter() - started)


async def bench_nlu(
    client_url: str,
    *,
    n: int = 1000,
    concurrency: int = 20,
    texts: list[str],
    warmup: int = 50,
    timeout: float = 0.8,
) -> BenchReport:
    if not texts:
        raise ValueError("bench_nlu needs at least one text")
    if n < 1 or concurrency < 1:
        raise ValueError("n and concurrency must be positive")
    # A breaker that never opens during the run: the benchmark counts errors instead of skipping.
    breaker = CircuitBreaker(failure_threshold=n + warmup + 1)
    client = NluClient(client_url, timeout=timeout, retries=0, breaker=breaker)
    try:
        # Warm-up, not counted: also fills the connection pool for the concurrent run.
        await _run(client, texts, max(warmup, concurrency), concurrency, "warmup")
        sequential = await _run(client, texts, n, 1, "sequential")
        concurrent = await _run(client, texts, n, concurrency, "concurrent")
    finally:
        await client.close()
    return BenchReport(url=client_url, texts=len(texts), sequential=sequential, concurrent=concurrent)


async def run_bench(
    nlu_url: str,
    *,
    texts: list[str],
    n: int = 1000,
    concurrency: int = 20,
    json_out: Path | None = None,
) -> BenchReport:
    """`bot.py bench nlu`: run the benchmark, print the table, write the JSON report if asked.
    `texts` would usually be the examples of `nlu/tests/test_nlu.yml` (`nlu.evaluate.parse_test_file`)."""
    report = await bench_nlu(nlu_url, n=n, concurrency=concurrency, texts=texts)
    print(report.format_table())
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(report.to_json(), encoding="utf-8")
    return report
