"""Consistency checks for the NLU training data and the held-out test set.

Run from the repository root:  python nlu/candidates/check_data.py
Exits non-zero when a check fails:
- no held-out example also appears in the training data (compared after removing
  entity annotations, lower-casing and collapsing whitespace);
- every intent has enough training examples per language (40, small talk 15);
- the held-out set is at least 20% the size of the training data, in both languages;
- every annotated entity value matches its regex in data/shared/regex.yml, and
  every annotated id_number has a valid GB 11643 check digit;
- every annotated plate_number value is a plate the bot accepts (core/identifiers.py): no I or
  O, and a 6-character serial is a new-energy one (D/F + letter or digit + 4 digits, or
  5 digits + D/F); every ticket_id carries a real date.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parent.parent
SMALL_TALK = frozenset({"greet", "goodbye", "thanks", "affirm", "deny"})
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ANNOTATION = re.compile(r'\[(?P<text>[^\]]+)\](?:\((?P<entity>[^)]+)\)|\{"entity": "(?P<json_entity>[^"]+)"[^}]*\})')
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_SERIAL = re.compile(f"[{PLATE_LETTERS}0-9]{{5}}|[DF][{PLATE_LETTERS}0-9][0-9]{{4}}|[0-9]{{5}}[DF]")
SYNONYM_VALUE = re.compile(r'"value": "(?P<value>[^"]+)"')


def load_examples(path: Path) -> list[tuple[str, str]]:
    """Returns (intent, annotated example) pairs of one Rasa YAML NLU file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs: list[tuple[str, str]] = []
    for block in document.get("nlu", []):
        if "intent" not in block:
            continue
        for line in str(block["examples"]).splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((str(block["intent"]), line[2:].strip()))
    return pairs


def plain(example: str) -> str:
    return ANNOTATION.sub(lambda m: m.group("text"), example)


def normalised(example: str) -> str:
    return " ".join(plain(example).lower().split())


def language(example: str) -> str:
    return "zh" if CJK.search(plain(example)) else "en"


def id_check_digit_ok(value: str) -> bool:
    body, last = value[:17], value[17].upper()
    return ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11] == last


def plate_ok(value: str) -> bool:
    """The bot's rule: province + letter (no I/O) + optional separator + a valid serial."""
    text = value.upper()
    if len(text) >= 3 and text[2] in "·•・. -":
        text = text[:2] + text[3:]
    return text[1:2] in tuple(PLATE_LETTERS) and PLATE_SERIAL.fullmatch(text[2:]) is not None


def ticket_ok(value: str) -> bool:
    yy, mm, dd = int(value[1:3]), int(value[3:5]), int(value[5:7])
    try:
        date(2000 + yy, mm, dd)
    except ValueError:
        return False
    return int(value[8:]) > 0


def load_regexes() -> dict[str, re.Pattern[str]]:
    document = yaml.safe_load((NLU_DIR / "data" / "shared" / "regex.yml").read_text(encoding="utf-8"))
    patterns: dict[str, re.Pattern[str]] = {}
    for block in document["nlu"]:
        if "regex" in block:
            lines = [ln.strip()[2:] for ln in str(block["examples"]).splitlines() if ln.strip()]
            patterns[str(block["regex"])] = re.compile("|".join(f"(?:{p})" for p in lines), re.IGNORECASE)
    return patterns


def entity_problems(pairs: list[tuple[str, str]], regexes: dict[str, re.Pattern[str]]) -> list[str]:
    problems: list[str] = []
    for _, example in pairs:
        text = plain(example)
        for match in ANNOTATION.finditer(example):
            value = match.group("text")
            entity = match.group("entity") or match.group("json_entity")
            if entity not in regexes:
                problems.append(f"unknown entity {entity!r} in {example!r}")
                continue
            found = [m.group(0) for m in regexes[entity].finditer(text)]
            if value not in found:
                problems.append(f"{entity} {value!r} not matched by its regex in {example!r}")
            if entity == "id_number" and not id_check_digit_ok(value):
                problems.append(f"invalid ID check digit {value!r}")
            synonym = SYNONYM_VALUE.search(match.group(0))
            for shown in {value, synonym.group("value") if synonym else value}:
                if entity == "plate_number" and not plate_ok(shown):
                    problems.append(f"plate the bot rejects {shown!r} in {example!r}")
                if entity == "ticket_id" and not ticket_ok(shown):
                    problems.append(f"ticket id without a real date {shown!r} in {example!r}")
    return problems


def main() -> int:
    train: list[tuple[str, str]] = []
    for path in sorted((NLU_DIR / "data").rglob("*.yml")):
        train += load_examples(path)
    test = load_examples(NLU_DIR / "tests" / "test_nlu.yml")
    problems: list[str] = []

    train_texts = {normalised(e): i for i, e in train}
    for intent, example in test:
        if normalised(example) in train_texts:
            problems.append(f"held-out example also in training data: {plain(example)!r}")
    seen: dict[str, str] = {}
    for intent, example in train + test:
        key = normalised(example)
        if key in seen and seen[key] != intent:
            problems.append(f"same text under two intents ({seen[key]}, {intent}): {plain(example)!r}")
        seen[key] = intent

    counts = Counter((language(e), i) for i, e in train)
    intents = sorted({i for i, _ in train})
    for lang in ("en", "zh"):
        for intent in intents:
            needed = 15 if intent in SMALL_TALK else 40
            if counts[(lang, intent)] < needed:
                problems.append(f"{lang}/{intent}: {counts[(lang, intent)]} training examples, need {needed}")
        n_train = sum(1 for _, e in train if language(e) == lang)
        n_test = sum(1 for _, e in test if language(e) == lang)
        print(f"{lang}: train={n_train} test={n_test} ratio={n_test / n_train:.3f}")
        if n_test < 0.2 * n_train:
            problems.append(f"{lang}: held-out set is smaller than 20% of the training data")

    problems += entity_problems(train + test, load_regexes())
    entity_counts = Counter(
        m.group("entity") or m.group("json_entity") for _, e in test for m in ANNOTATION.finditer(e)
    )
    print(f"held-out entities: {dict(entity_counts)}")
    for problem in problems:
        print("FAIL", problem)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
