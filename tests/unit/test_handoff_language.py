"""The language a supervisor's take-over speaks when the bot's Redis keys say nothing: that of the
bot's own last words (actions.handoff.supervisor.written_in), checked against every catalog message."""

from __future__ import annotations

import re

import pytest
from fluent.syntax import FluentParser, ast, visitor

from actions.handoff.supervisor import written_in
from core.i18n import LOCALES_DIR, Catalog
from core.language import Language

# Deliberately bilingual (the language switch's own labels): they say nothing about the language.
BILINGUAL = {
    "menu-language",
    "staff-switch-language",
    "miniapp-language-switch",
    "miniapp-language-switch-label",
    "sandbox-language-switch",
    "sandbox-language-switch-label",
    "status-switch-language",
}  # a switch to the other language is written in it


class _Variables(visitor.Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names.add(node.id.name)
        self.generic_visit(node)


def variables(lang: Language) -> dict[str, set[str]]:
    """Each message of ``lang`` with the names of the variables it uses."""
    found: dict[str, set[str]] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.ftl")):
        for entry in FluentParser().parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, ast.Message):
                names = _Variables()
                names.visit(entry)
                found[entry.id.name] = names.names
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_catalog_message_reads_as_its_own_language(lang: Language) -> None:
    """Variables are given a number (no letters): the template alone decides. Texts without a
    letter of either script outside HTML tags (a star, a dash) say nothing."""
    catalog = Catalog()
    texts = {
        msg_id: catalog.text(lang, msg_id, **dict.fromkeys(names, 1))
        for msg_id, names in variables(lang).items()
        if msg_id not in BILINGUAL
    }
    assert len(texts) > 300
    wrong = {
        msg_id: text
        for msg_id, text in texts.items()
        if any(ch.isalpha() for ch in re.sub("<[^>]*>", "", text)) and written_in(text) != lang
    }
    assert wrong == {}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Please write your full name as on your ID card, e.g. <i>张伟</i>.", "en"),
        ("Vehicle <b>京A12345</b>: no violations on record.", "en"),
        ("👤 客服 <b>Sue Supervisor</b> 已接入对话。", "zh"),
        ("车辆 京A12345 暂无违法记录。", "zh"),
    ],
)
def test_quoted_chinese_names_plates_and_tags_do_not_decide(text: str, lang: Language) -> None:
    assert written_in(text) == lang
