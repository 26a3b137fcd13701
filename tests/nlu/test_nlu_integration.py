"""Against REAL Rasa servers (the tiny project from conftest.py, trained for real)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.nlu import bench_nlu, run_bench
from nlu.client import BreakerState, CircuitBreaker, NluClient, NluUnavailable, normalize_entities
from nlu.evaluate import check_thresholds, evaluate, run_eval
from nlu.manage import default_rasa_bin, model_hash, train_if_needed, wait_until_ready
from tests.nlu.conftest import RasaServer, TinyModel


async def test_parse_returns_intent_ranking_and_entities(rasa_server: RasaServer) -> None:
    async with NluClient(rasa_server.url) as client:
        result = await client.parse("查询京A·12345的违章")
        assert result.intent == "violation_lookup"
        assert result.ranking[0][0] == "violation_lookup"
        assert 0.0 < result.confidence <= 1.0
        plates = [e for e in result.entities if e.name == "plate_number"]
        assert plates and plates[0].extractor == "RegexEntityExtractor"
        assert normalize_entities(result.entities).valid == {"plate_number": ["京A12345"]}

        english = await client.parse("hello")
        assert english.intent == "greet"
        assert await client.health() == "up"


async def test_connection_pool_is_reused(rasa_server: RasaServer) -> None:
    async with NluClient(rasa_server.url) as client:
        for _ in range(20):
            await client.parse("hello")
        session = client._get_session()
        connector = session.connector
        assert connector is not None
        # One keep-alive connection served all sequential requests.
        assert sum(len(v) for v in connector._conns.values()) == 1


async def test_train_if_needed_reuses_the_model(tiny_model: TinyModel) -> None:
    again = train_if_needed(models_dir=tiny_model.models_dir, rasa_bin=default_rasa_bin(), project=tiny_model.project)
    assert not again.trained
    assert again.model == tiny_model.model
    assert again.model.name == f"nlu-{model_hash(tiny_model.project)}.tar.gz"
    assert tiny_model.train_seconds < 60


async def test_wait_until_ready(rasa_server: RasaServer, free_port: Callable[[], int]) -> None:
    await wait_until_ready(rasa_server.url, 5)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await wait_until_ready(f"http://127.0.0.1:{free_port()}", 0.5, interval=0.1)
    assert time.monotonic() - started < 3
    with pytest.raises(RuntimeError):
        await wait_until_ready(f"http://127.0.0.1:{free_port()}", 30, alive=lambda: False)


async def test_unavailable_then_breaker_opens_then_automatic_recovery(rasa_server: RasaServer) -> None:
    server = rasa_server
    clock_breaker = CircuitBreaker(failure_threshold=2, cooldown=0.5)
    async with NluClient(server.url, timeout=0.8, retries=1, breaker=clock_breaker) as client:
        assert (await client.parse("hello")).intent == "greet"

        server.stop()
        for _ in range(2):
            with pytest.raises(NluUnavailable):
                await client.parse("hello")
        assert clock_breaker.state is BreakerState.OPEN
        # Open: fails fast without touching the network.
        started = time.perf_counter()
        with pytest.raises(NluUnavailable, match="breaker open"):
            await client.parse("hello")
        assert time.perf_counter() - started < 0.05
        assert await client.health() == "down"

        # Half-open probe against a still-dead server re-opens the breaker.
        await asyncio.sleep(0.6)
        with pytest.raises(NluUnavailable):
            await client.parse("hello")
        assert clock_breaker.state is BreakerState.OPEN

        await server.restart()  # a new process on the same port
        assert await client.health() == "degraded"  # up, but the breaker is not closed yet
        await asyncio.sleep(0.6)
        result = await client.parse("再见")
        assert result.intent == "goodbye"
        assert clock_breaker.state is BreakerState.CLOSED
        assert await client.health() == "up"


async def test_restart_with_warm_pool_recovers_on_the_retry(rasa_server: RasaServer) -> None:
    """Keep-alive connections to the old process are dead after a restart; the one retry covers it."""
    server = rasa_server
    breaker = CircuitBreaker(failure_threshold=1, cooldown=60)
    async with NluClient(server.url, retries=1, breaker=breaker) as client:
        await asyncio.gather(*(client.parse("hello") for _ in range(4)))
        server.stop()
        await server.restart()
        result = await client.parse("hello")
        assert result.intent == "greet"
        assert breaker.state is BreakerState.CLOSED


async def test_slow_server_times_out_and_recovers(rasa_server: RasaServer) -> None:
    server = rasa_server
    breaker = CircuitBreaker(failure_threshold=5, cooldown=0.2)
    async with NluClient(server.url, timeout=0.3, retries=1, breaker=breaker) as client:
        await client.parse("hello")
        server.pause()  # SIGSTOP: the socket accepts, nothing answers
        try:
            started = time.perf_counter()
            with pytest.raises(NluUnavailable, match="did not answer"):
                await client.parse("hello")
            # A timeout is not retried: one attempt's worth of waiting.
            assert time.perf_counter() - started < 0.55
            assert await client.health() == "down"
        finally:
            server.resume()
        assert (await client.parse("bye")).intent == "goodbye"
        assert breaker.consecutive_failures == 0


async def test_evaluate_against_the_server(rasa_server: RasaServer, tmp_path: Path) -> None:
    test_file = tmp_path / "test_nlu.yml"
    test_file.write_text(
        """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello there
    - 你好呀
- intent: violation_lookup
  examples: |
    - check the violations of [京A54321](plate_number)
    - 查一下[沪C·12345]{"entity": "plate_number", "value": "沪C12345"}的违章
- intent: out_of_scope
  examples: |
    - what's the weather like
""",
        encoding="utf-8",
    )
    async with NluClient(rasa_server.url, timeout=5) as client:
        report = await evaluate(client, test_file, threshold=0.7, ambiguity_band=0.1)
    assert report.overall.examples == 5
    assert set(report.languages) == {"en", "zh"}
    assert report.languages["en"].examples == 3
    plate = report.overall.entities["plate_number"]
    assert plate.support == 2 and plate.recall == 1.0 and plate.precision == 1.0
    policy = report.overall.policy
    assert policy is not None
    assert policy.correct + policy.wrong_action + policy.clarified + policy.clarified_wrong + policy.not_understood == 5
    failures = check_thresholds(report)
    # The tiny test file has no id_number, ticket_id or tracking_number examples.
    assert "no test examples for entity 'id_number'" in failures
    assert '"test_file"' in report.to_json()

    json_out = tmp_path / "out" / "eval.json"
    _, again_failures = await run_eval(rasa_server.url, test_file, json_out=json_out)
    assert again_failures == failures
    data = json.loads(json_out.read_text(encoding="utf-8"))
    assert data["threshold_failures"] == failures
    assert data["overall"]["entities"]["plate_number"]["recall"] == 1.0


async def test_bench_reports_both_runs(rasa_server: RasaServer) -> None:
    report = await bench_nlu(rasa_server.url, n=40, concurrency=5, texts=["hello", "查一下违章", "bye"], warmup=5)
    for run in (report.sequential, report.concurrent):
        assert run.requests == 40 and run.errors == 0
        assert 0 < run.p50_ms <= run.p90_ms <= run.p99_ms <= run.max_ms
        assert run.throughput > 0
    assert report.concurrent.concurrency == 5
    assert "sequential" in report.format_table() and "concurrent" in report.format_table()


async def test_run_bench_writes_json(rasa_server: RasaServer, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    report = await run_bench(rasa_server.url, texts=["hello"], n=20, concurrency=4, json_out=out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["sequential"]["requests"] == 20 == report.concurrent.requests
    assert data["concurrent"]["concurrency"] == 4


async def test_wait_until_ready_respects_its_deadline_on_a_stalled_server(rasa_server: RasaServer) -> None:
    rasa_server.pause()
    try:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await wait_until_ready(rasa_server.url, 1.0)
        assert time.monotonic() - started < 2.0
    finally:
        rasa_server.resume()
    await wait_until_ready(rasa_server.url, 10)
