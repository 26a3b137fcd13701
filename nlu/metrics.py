"""The metrics of an NLU evaluation, per section (overall or one language):

* intent accuracy and macro-F1 (mean F1 over every intent that is true or predicted in the set);
* per-intent and per-entity precision / recall / F1;
* confusions: (true, predicted) pairs with counts, most frequent first;
* with the bot's confidence policy, what the bot does with each prediction (`policy_stats`).

`nlu_fallback` (Rasa's FallbackClassifier: "not sure") is not an intent of its own. The bot
answers it like out-of-scope text - "here is what I can do" - so a fallback on an `out_of_scope`
example counts as correct (predicted `out_of_scope`), and on any other example as a miss of the
true intent that is charged to no other intent's precision. Confusions still show it as
`nlu_fallback` so the data can be improved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from nlu.client import FALLBACK_INTENT, OUT_OF_SCOPE_INTENT, Decision


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
