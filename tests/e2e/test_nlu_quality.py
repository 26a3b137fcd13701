"""The quality gate of issue 3: the project's real model on the held-out set, through the bot's
own client, must meet the thresholds (intent macro-F1 >= 0.95 per language, entity F1 >= 0.97 per
entity, out_of_scope recall >= 0.90). The report is written to nlu/results/eval.json."""

from __future__ import annotations

import pytest

from nlu.client import NluClient
from nlu.evaluate import check_thresholds, evaluate
from tests.conftest import REPO

pytestmark = pytest.mark.nlu


async def test_the_trained_model_meets_the_quality_thresholds(nlu_url: str) -> None:
    client = NluClient(nlu_url, timeout=10.0, retries=2)
    try:
        report = await evaluate(client, REPO / "nlu" / "tests" / "test_nlu.yml")
    finally:
        await client.close()
    out = REPO / "nlu" / "results" / "eval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.to_json(), encoding="utf-8")
    print(report.format_table())
    assert check_thresholds(report) == []
