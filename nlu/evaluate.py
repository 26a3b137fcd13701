"""Evaluate a running Rasa server on a Rasa-format NLU test file (`python bot.py nlu eval`).

Every example (`nlu/dataset.py`) goes through `NluClient.parse`, so the numbers describe what the
bot sees. The metrics (`nlu/metrics.py`) are computed per language (`detect_language` of the
example text) and overall, and checked against the quality bar (`check_thresholds`).

Entities are compared as sets of (entity name, normalised value) per example: predicted entities
go through `normalize_entities` (the bot's own de-duplication and validation) and annotated values
through the same normalisers, so `京a·12345` and `京A12345` are one value. A value the validators
reject is compared as written (whitespace removed).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core import identifiers
from core.language import detect
from nlu.client import FALLBACK_INTENT, OUT_OF_SCOPE_INTENT, Entity, NluClient, decide, normalize_entities
from nlu.dataset import TestExample, parse_test_file
from nlu.metrics import Outcome, Scores, SectionReport, compute_section

INTENT_MACRO_F1_MIN = 0.95
ENTITY_F1_MIN = 0.97
OUT_OF_SCOPE_RECALL_MIN = 0.90
REQUIRED_LANGUAGES = ("en", "zh")
REQUIRED_ENTITIES = tuple(identifiers.ENTITY_KINDS)


@dataclass(frozen=True)
class EvalReport:
    test_file: str
    overall: SectionReport
    languages: dict[str, SectionReport] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def format_table(self, *, max_confusions: int = 15) -> str:
        lines = [f"NLU evaluation of {self.test_file}", ""]
        sections = [self.overall, *(self.languages[k] for k in sorted(self.languages))]
        lines.append(f"{'':10} {'examples':>9} {'accuracy':>9} {'macro-F1':>9} {'fallbacks':>10}")
        for s in sections:
            lines.append(
                f"{s.name:10} {s.examples:9d} {s.intent_accuracy:9.3f} {s.intent_macro_f1:9.3f} {s.fallbacks:10d}"
            )
        if self.overall.policy is not None:
            lines += ["", "Bot policy (decide): correct / wrong action / clarified / clarified wrong / not understood"]
            for s in sections:
                p = s.policy
                assert p is not None
                lines.append(
                    f"{s.name:10} {p.correct:5d} {p.wrong_action:5d} {p.clarified:5d} "
                    f"{p.clarified_wrong:5d} {p.not_understood:5d}"
                )
        header = f"{'':24} {'precision':>9} {'recall':>9} {'F1':>9} {'support':>8}"
        for s in sections:
            lines += ["", f"[{s.name}] intents", header]
            lines += [_score_row(k, v) for k, v in s.intents.items()]
            lines += ["", f"[{s.name}] entities", header]
            lines += [_score_row(k, v) for k, v in s.entities.items()] or ["  (no entities)"]
        lines += ["", "Confusions (true -> predicted: count), overall:"]
        lines += [f"  {c.true} -> {c.predicted}: {c.count}" for c in self.overall.confusions[:max_confusions]] or [
            "  (none)"
        ]
        if len(self.overall.confusions) > max_confusions:
            lines.append(f"  ... {len(self.overall.confusions) - max_confusions} more in the JSON report")
        return "\n".join(lines)


def _score_row(label: str, s: Scores) -> str:
    label = label if len(label) <= 22 else label[:21] + "…"
    return f"  {label:22} {s.precision:9.3f} {s.recall:9.3f} {s.f1:9.3f} {s.support:8d}"


def check_thresholds(report: EvalReport) -> list[str]:
    """The issue's quality bar; returns one message per failure (empty list: pass)."""
    failures: list[str] = []
    for lang in REQUIRED_LANGUAGES:
        section = report.languages.get(lang)
        if section is None or section.examples == 0:
            failures.append(f"no test examples in language {lang!r}")
        elif section.intent_macro_f1 < INTENT_MACRO_F1_MIN:
            failures.append(f"intent macro-F1 ({lang}) {section.intent_macro_f1:.3f} < {INTENT_MACRO_F1_MIN}")
    for ent in REQUIRED_ENTITIES:
        s = report.overall.entities.get(ent)
        if s is None or s.support == 0:
            failures.append(f"no test examples for entity {ent!r}")
        elif s.f1 < ENTITY_F1_MIN:
            failures.append(f"entity F1 ({ent}) {s.f1:.3f} < {ENTITY_F1_MIN}")
    oos = report.overall.intents.get(OUT_OF_SCOPE_INTENT)
    if oos is None or oos.support == 0:
        failures.append(f"no test examples for intent {OUT_OF_SCOPE_INTENT!r}")
    elif oos.recall < OUT_OF_SCOPE_RECALL_MIN:
        failures.append(f"{OUT_OF_SCOPE_INTENT} recall {oos.recall:.3f} < {OUT_OF_SCOPE_RECALL_MIN}")
    return failures


def comparable_value(entity: str, value: str) -> str:
    """The form in which an entity value is compared: normalised if valid, else without whitespace."""
    kind = identifiers.ENTITY_KINDS.get(entity)
    if kind is not None:
        normalized = kind.normalize(value)
        if normalized is not None:
            return normalized
        return re.sub(r"\s+", "", value)
    return value.strip()


def predicted_entity_set(entities: Iterable[Entity]) -> frozenset[tuple[str, str]]:
    check = normalize_entities(entities)
    found = {(name, value) for name, values in check.valid.items() for value in values}
    found |= {(name, comparable_value(name, raw)) for name, raw, _ in check.invalid}
    return frozenset(found)


def true_entity_set(example: TestExample) -> frozenset[tuple[str, str]]:
    return frozenset((e.entity, comparable_value(e.entity, e.value)) for e in example.entities)


async def run_examples(
    client: NluClient,
    examples: Sequence[TestExample],
    *,
    concurrency: int = 4,
    threshold: float | None = None,
    ambiguity_band: float | None = None,
) -> list[Outcome]:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(example: TestExample) -> Outcome:
        async with semaphore:
            result = await client.parse(example.text)
        return Outcome(
            text=example.text,
            language=detect(example.text),
            true_intent=example.intent,
            predicted_intent=result.intent,
            confidence=result.confidence,
            true_entities=true_entity_set(example),
            predicted_entities=predicted_entity_set(result.entities),
            best_guess=next(((n, c) for n, c in result.ranking if n != FALLBACK_INTENT), None),
            decision=(
                decide(result, threshold=threshold, ambiguity_band=ambiguity_band)
                if threshold is not None and ambiguity_band is not None
                else None
            ),
        )

    return list(await asyncio.gather(*(one(e) for e in examples)))


def build_report(test_file: str, outcomes: Sequence[Outcome]) -> EvalReport:
    by_language: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_language.setdefault(o.language, []).append(o)
    return EvalReport(
        test_file=test_file,
        overall=compute_section("overall", outcomes),
        languages={lang: compute_section(lang, items) for lang, items in sorted(by_language.items())},
    )


async def evaluate(
    client: NluClient,
    test_file: Path,
    *,
    concurrency: int = 4,
    threshold: float | None = None,
    ambiguity_band: float | None = None,
) -> EvalReport:
    """Run every example of `test_file` through the server behind `client` and score it.

    With `threshold` and `ambiguity_band` (the bot's settings `nlu_threshold`, `nlu_ambiguity`)
    the report also counts what the bot's confidence policy does with each prediction.

    `NluUnavailable` propagates: an evaluation against a server that does not answer is an error,
    not a low score. Give the client a generous timeout (training-size models can be slow to warm).
    """
    examples = parse_test_file(test_file)
    if not examples:
        raise ValueError(f"{test_file}: no intent examples found")
    outcomes = await run_examples(
        client, examples, concurrency=concurrency, threshold=threshold, ambiguity_band=ambiguity_band
    )
    return build_report(str(test_file), outcomes)


async def run_eval(
    nlu_url: str,
    test_file: Path,
    *,
    json_out: Path | None = None,
    timeout: float = 10.0,
    threshold: float | None = None,
    ambiguity_band: float | None = None,
) -> tuple[EvalReport, list[str]]:
    """`bot.py nlu eval`: evaluate against the server at `nlu_url`, print the table and the
    threshold failures, write the JSON report if asked; returns the report and the failures."""
    client = NluClient(nlu_url, timeout=timeout, retries=1)
    try:
        report = await evaluate(client, test_file, threshold=threshold, ambiguity_band=ambiguity_band)
    finally:
        await client.close()
    failures = check_thresholds(report)
    print(report.format_table())
    print()
    print("Thresholds: " + ("all met" if not failures else "FAILED"))
    for failure in failures:
        print(f"  - {failure}")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        data = report.to_dict()
        data["threshold_failures"] = failures
        json_out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return report, failures
