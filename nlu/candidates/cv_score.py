"""Scores `rasa test nlu --cross-validation --successes` output the way `bot.py nlu eval` does.

Run from the repository root with the app virtualenv:
    .venv/bin/python nlu/candidates/cv_score.py nlu/results/cv_x [--errors]

`rasa test` undoes `nlu_fallback` before writing its results, so a prediction whose confidence is
below the FallbackClassifier threshold of `nlu/config.yml` is turned back into a fallback here:
a miss, except on `out_of_scope` text (the bot answers both with "here is what I can do").
Language is the bot's own `detect_language`. Macro-F1 is the mean F1 over every intent that is
true or predicted in a language; a fallback is a false negative but no intent's false positive.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.language import detect as detect_language

FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"


def fallback_threshold() -> float:
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component["threshold"])
    return 0.0


def scored(row: dict[str, object], threshold: float) -> str:
    prediction = row["intent_prediction"]
    assert isinstance(prediction, dict)
    if float(prediction["confidence"]) < threshold:
        return OUT_OF_SCOPE if row["intent"] == OUT_OF_SCOPE else FALLBACK
    return str(prediction["name"])


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for true, predicted in pairs:
        if true == predicted:
            tp[true] += 1
            continue
        fn[true] += 1
        if predicted != FALLBACK:
            fp[predicted] += 1
    labels = set(tp) | set(fp) | set(fn)
    f1s = [2 * tp[k] / (2 * tp[k] + fp[k] + fn[k]) if tp[k] else 0.0 for k in labels]
    return sum(f1s) / len(f1s) if f1s else 0.0


def main(out_dir: Path, show_errors: bool) -> None:
    threshold = fallback_threshold()
    rows: list[dict[str, object]] = []
    for name in ("intent_errors.json", "intent_successes.json"):
        if (out_dir / name).exists():
            rows += json.loads((out_dir / name).read_text(encoding="utf-8"))
    by_language: dict[str, list[tuple[str, str, dict[str, object]]]] = {"en": [], "zh": []}
    for row in rows:
        by_language[detect_language(str(row["text"]))].append((str(row["intent"]), scored(row, threshold), row))
    summary: dict[str, object] = {"fallback_threshold": threshold}
    for language, items in [*by_language.items(), ("all", [*by_language["en"], *by_language["zh"]])]:
        pairs = [(true, predicted) for true, predicted, _ in items]
        oos = [predicted for true, predicted in pairs if true == OUT_OF_SCOPE]
        summary[language] = {
            "n": len(pairs),
            "accuracy": round(sum(t == p for t, p in pairs) / max(len(pairs), 1), 4),
            "macro_f1": round(macro_f1(pairs), 4),
            "oos_recall": round(sum(p == OUT_OF_SCOPE for p in oos) / max(len(oos), 1), 4),
            "fallbacks": sum(p == FALLBACK for _, p in pairs),
        }
    print(json.dumps(summary, ensure_ascii=False))
    if show_errors:
        confusions: Counter[tuple[str, str]] = Counter()
        for language, items in by_language.items():
            for true, predicted, row in items:
                if true != predicted:
                    confusions[(true, predicted)] += 1
                    prediction = row["intent_prediction"]
                    assert isinstance(prediction, dict)
                    print(
                        f"{language} {true:>22} -> {predicted:<22} {float(prediction['confidence']):.2f} "
                        f"({prediction['name']}) {row['text']}"
                    )
        for (true, predicted), count in confusions.most_common(40):
            print(f"{count:4d} {true} -> {predicted}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--errors" in sys.argv[2:])
