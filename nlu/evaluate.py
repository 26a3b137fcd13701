"""Evaluate a running Rasa server on a Rasa-format NLU test file (`python bot.py nlu eval`).

Every example goes through `NluClient.parse`, so the numbers describe what the bot sees. Metrics,
per language (`detect_language` of the example text) and overall:

* intent accuracy and macro-F1 (mean F1 over every intent that is true or predicted in the set);
* per-intent and per-entity precision / recall / F1;
* confusions: (true, predicted) pairs with counts, most frequent first.

`nlu_fallback` (Rasa's FallbackClassifier: "not sure") is not an intent of its own. The bot
answers it like out-of-scope text - "here is what I can do" - so a fallback on an `out_of_scope`
example counts as correct (predicted `out_of_scope`), and on any other example as a miss of the
true intent that is charged to no other intent's precision. Confusions still show it as
`nlu_fallback` so the data can be improved.

Entities are compared as sets of (entity name, normalised value) per example: predicted entities
go through `normalize_entities` (the bot's own de-duplication and validation) and annotated values
through the same normalisers, so `京a·12345` and `京A12345` are one value. A value the validators
reject is compared as written (whitespace removed).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core import identifiers
from core.language import detect
from nlu.client import (
    FALLBACK_INTENT,
    OUT_OF_SCOPE_INTENT,
    Decision,
    Entity,
    NluClient,
    decide,
    normalize_entities,
)

INTENT_MACRO_F1_MIN = 0.95
ENTITY_F1_MIN = 0.97
OUT_OF_SCOPE_RECALL_MIN = 0.90
REQUIRED_LANGUAGES = ("en", "zh")
REQUIRED_ENTITIES = tuple(identifiers.ENTITY_KINDS)

# Rasa's markdown-style annotations: [text](entity), [text](entity:value), [text]{"entity": ...},
# and [text][{...}, {...}] (several entities on one span).
_ANNOTATION = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)"
    r"|\{(?P<dict>[^}]+?)\}"
    r"|\[(?P<list>\{.*?\})\])"
)
_ITEM = re.compile(r"^\s*-\s+", re.MULTILINE)


# --------------------------------------------------------------------------------------------
# Test file
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnotatedEntity:
    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class TestExample:
    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...]

    __test__ = False  # not a pytest class


def parse_annotated(annotated: str) -> tuple[str, tuple[AnnotatedEntity, ...]]:
    """Strip the entity annotations from one example; return the plain text and the entities."""
    plain: list[str] = []
    entities: list[AnnotatedEntity] = []
    pos = 0
    length = 0
    for match in _ANNOTATION.finditer(annotated):
        before = annotated[pos : match.start()]
        plain.append(before)
        length += len(before)
        span_text = match["text"]
        start, end = length, length + len(span_text)
        plain.append(span_text)
        length = end
        pos = match.end()
        for name, value in _annotation_entities(match):
            entities.append(AnnotatedEntity(entity=name, value=value or span_text, start=start, end=end))
    plain.append(annotated[pos:])
    return "".join(plain), tuple(entities)


def _annotation_entities(match: re.Match[str]) -> list[tuple[str, str | None]]:
    if match["entity"]:
        return [(match["entity"].strip(), match["value"].strip() if match["value"] else None)]
    raw = match["dict"] if match["dict"] is not None else None
    items: list[Any]
    try:
        if raw is not None:
            items = [json.loads("{" + raw + "}")]
        else:
            items = json.loads("[" + match["list"] + "]")
    except json.JSONDecodeError as exc:
        raise ValueError(f"bad entity annotation {match.group(0)!r}: {exc}") from exc
    result: list[tuple[str, str | None]] = []
    for item in items:
        if not isinstance(item, dict) or "entity" not in item:
            raise ValueError(f"bad entity annotation {match.group(0)!r}: no 'entity' key")
        value = item.get("value")
        result.append((str(item["entity"]), str(value) if value is not None else None))
    return result


def parse_test_file(path: Path) -> list[TestExample]:
    """Read the `- intent:` items of a Rasa YAML NLU file (regexes, synonyms and lookups are skipped)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = document.get("nlu") or []
    if not isinstance(items, list):
        raise TypeError(f"{path}: 'nlu' must be a list")
    examples: list[TestExample] = []
    for item in items:
        if not isinstance(item, dict) or "intent" not in item:
            continue
        intent = str(item["intent"])
        for raw in _example_lines(item.get("examples")):
            text, entities = parse_annotated(raw)
            if text.strip():
                examples.append(TestExample(text=text, intent=intent, entities=entities))
    return examples


def _example_lines(examples: Any) -> list[str]:
    if examples is None:
        return []
    if isinstance(examples, str):  # `examples: |` followed by "- text" lines
        return [line.strip() for line in _ITEM.split("\n" + examples) if line.strip()]
    if isinstance(examples, list):  # the long form: `- text: ...` (with metadata)
        lines: list[str] = []
        for entry in examples:
            if isinstance(entry, dict) and "text" in entry:
                lines.append(str(entry["text"]).strip())
            elif isinstance(entry, str):
                lines.append(entry.strip())
        return lines
    raise ValueError(f"unexpected examples value: {examples!r}")


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One example run through the model."""

    text: str
    language: str
    true_intent: str
    predicted_intent: str | None  # as Rasa returned it (`nlu_fallback` included)
    confidence: float
    true_entities: frozenset[tuple[str, str]]
    predicted_entities: frozenset[tuple[str, str]]
    decision: Decision | None = None  # the bot's confidence policy, when evaluated with one
    best_guess: tuple[str, float] | None = None  # first intent of the ranking other than nlu_fallback

    @property
    def effective_intent(self) -> str | None:
        """The prediction as scored: a fallback on out-of-scope text counts as out_of_scope."""
        if self.predicted_intent == FALLBACK_INTENT and self.true_intent == OUT_OF_SCOPE_INTENT:
            return OUT_OF_SCOPE_INTENT
        return self.predicted_intent


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int  # true occurrences
    predicted: int  # predicted occurrences


@dataclass(frozen=True)
class Confusion:
    true: str
    predicted: str
    count: int


@dataclass(frozen=True)
class Mistake:
    text: str
    true: str
    predicted: str
    confidence: float
    best_guess: str | None  # the model's own first choice when `predicted` is nlu_fallback
    best_guess_confidence: float


@dataclass(frozen=True)
class PolicyStats:
    """What the bot does with the predictions under its confidence policy (`decide`).

    correct: acts on the true intent, or (out-of-scope text) says what it can do;
    wrong_action: acts on another intent; clarified / clarified_wrong: asks between two intents,
    the true one among them or not; not_understood: says what it can do although the text was
    in scope.
    """

    correct: int
    wrong_action: int
    clarified: int
    clarified_wrong: int
    not_understood: int


def policy_stats(outcomes: Sequence[Outcome]) -> PolicyStats | None:
    counts: Counter[str] = Counter()
    for o in outcomes:
        d = o.decision
        if d is None:
            return None
        if d.kind == "act":
            counts["correct" if d.intent == o.true_intent else "wrong_action"] += 1
        elif d.kind == "clarify":
            counts["clarified" if o.true_intent in d.options else "clarified_wrong"] += 1
        else:
            counts["correct" if o.true_intent == OUT_OF_SCOPE_INTENT else "not_understood"] += 1
    return PolicyStats(
        correct=counts["correct"],
        wrong_action=counts["wrong_action"],
        clarified=counts["clarified"],
        clarified_wrong=counts["clarified_wrong"],
        not_understood=counts["not_understood"],
    )


@dataclass(frozen=True)
class SectionReport:
    name: str
    examples: int
    intent_accuracy: float
    intent_macro_f1: float
    fallbacks: int
    intents: dict[str, Scores]
    entities: dict[str, Scores]
    confusions: list[Confusion]
    mistakes: list[Mistake]
    policy: PolicyStats | None = None


def scores(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision=precision, recall=recall, f1=f1, support=tp + fn, predicted=tp + fp)


def compute_section(name: str, outcomes: Sequence[Outcome]) -> SectionReport:
    intent_tp: Counter[str] = Counter()
    intent_fp: Counter[str] = Counter()
    intent_fn: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    mistakes: list[Mistake] = []
    correct = 0
    for o in outcomes:
        predicted = o.effective_intent
        if predicted == o.true_intent:
            correct += 1
            intent_tp[o.true_intent] += 1
            continue
        intent_fn[o.true_intent] += 1
        if predicted is not None and predicted != FALLBACK_INTENT:
            intent_fp[predicted] += 1
        shown = o.predicted_intent or "<none>"
        confusions[(o.true_intent, shown)] += 1
        guess, guess_conf = o.best_guess if o.best_guess is not None else (None, 0.0)
        mistakes.append(
            Mistake(
                text=o.text,
                true=o.true_intent,
                predicted=shown,
                confidence=o.confidence,
                best_guess=guess,
                best_guess_confidence=guess_conf,
            )
        )
    labels = sorted(set(intent_tp) | set(intent_fp) | set(intent_fn))
    intents = {label: scores(intent_tp[label], intent_fp[label], intent_fn[label]) for label in labels}
    macro_f1 = sum(s.f1 for s in intents.values()) / len(intents) if intents else 0.0

    ent_tp: Counter[str] = Counter()
    ent_fp: Counter[str] = Counter()
    ent_fn: Counter[str] = Counter()
    for o in outcomes:
        for ent, _ in o.true_entities & o.predicted_entities:
            ent_tp[ent] += 1
        for ent, _ in o.predicted_entities - o.true_entities:
            ent_fp[ent] += 1
        for ent, _ in o.true_entities - o.predicted_entities:
            ent_fn[ent] += 1
    ent_labels = sorted(set(ent_tp) | set(ent_fp) | set(ent_fn))
    entities = {label: scores(ent_tp[label], ent_fp[label], ent_fn[label]) for label in ent_labels}

    return SectionReport(
        name=name,
        examples=len(outcomes),
        intent_accuracy=correct / len(outcomes) if outcomes else 0.0,
        intent_macro_f1=macro_f1,
        fallbacks=sum(1 for o in outcomes if o.predicted_intent == FALLBACK_INTENT),
        intents=intents,
        entities=entities,
        confusions=[
            Confusion(true=t, predicted=p, count=c)
            for (t, p), c in sorted(confusions.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        mistakes=mistakes,
        policy=policy_stats(outcomes) if outcomes else None,
    )


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


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


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
