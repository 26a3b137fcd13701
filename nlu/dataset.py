"""Rasa-format NLU files (the held-out test set): `- intent:` items with annotated examples.

Rasa's markdown-style annotations: [text](entity), [text](entity:value), [text]{"entity": ...},
and [text][{...}, {...}] (several entities on one span).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_ANNOTATION = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)"
    r"|\{(?P<dict>[^}]+?)\}"
    r"|\[(?P<list>\{.*?\})\])"
)
_ITEM = re.compile(r"^\s*-\s+", re.MULTILINE)


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
