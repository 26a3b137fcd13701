"""The chat page's own words (labels, buttons, placeholders, named places), in English and Chinese,
from the project's catalogs: ``locales/{en,zh}/sandbox.ftl``. The page asks ``GET api/texts?lang=``
once and fills the ``{$name}`` left in a text itself."""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache

from fluent.syntax import FluentParser, ast
from markupsafe import Markup

from core.i18n import LOCALES_DIR, default_catalog
from core.language import Language, from_code

TEXTS_FILE = "sandbox.ftl"


def _variables(pattern: ast.Pattern | None) -> tuple[str, ...]:
    names: list[str] = []
    for element in pattern.elements if pattern is not None else []:
        if isinstance(element, ast.Placeable) and isinstance(element.expression, ast.VariableReference):
            names.append(element.expression.id.name)
    return tuple(names)


@lru_cache(maxsize=1)
def _page_messages() -> Mapping[str, tuple[str, ...]]:
    """Every message of the page's catalog file with the variables it takes (English: both
    languages define the same ids, tests/unit/test_catalogs.py checks it)."""
    resource = FluentParser().parse((LOCALES_DIR / Language.EN / TEXTS_FILE).read_text(encoding="utf-8"))
    return {
        entry.id.name: _variables(entry.value)
        for entry in resource.body
        if isinstance(entry, ast.Message) and entry.value is not None
    }


@lru_cache(maxsize=4)
def _texts(lang: Language) -> Mapping[str, str]:
    catalog = default_catalog()
    return {
        msg_id: html.unescape(str(catalog.text(lang, msg_id, **{n: Markup("{$" + n + "}") for n in names})))
        for msg_id, names in _page_messages().items()
    }


def page_texts(code: str | None) -> dict[str, str]:
    """The page's texts in the language of ``code`` (``zh``, ``zh-CN``, ``en``...; English otherwise),
    with ``lang`` naming it."""
    lang = from_code(code)
    return {"lang": lang.value, **_texts(lang)}
