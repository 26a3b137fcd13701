"""Message catalogs: every user-facing text lives in `locales/{en,zh}/*.ftl` (Project Fluent).

The catalog is the one text-safety layer: a message is trusted HTML (`Markup`), and every text
argument that is not itself `Markup` (a citizen's name, a complaint, an address, a command) is
escaped before it goes in, so no caller escapes and none can forget to. Joining a message's parts
with `Markup(sep).join(parts)` keeps that guarantee.

`Catalog.text(lang, msg_id, **args)` formats a message; a missing id is a bug caught by the
catalog-completeness test (both languages must define the same ids), and at run time falls
back to English, then to the id itself, rather than crashing a handler.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import structlog
from fluent.runtime import FluentBundle, FluentResource
from markupsafe import Markup, escape

from core.language import LANGUAGES, Language

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
_FLUENT_LOCALE: Mapping[Language, str] = {Language.EN: "en-US", Language.ZH: "zh-CN"}

log = structlog.get_logger(__name__)


class Translator(Protocol):
    lang: Language

    def __call__(self, msg_id: str, /, **args: object) -> Markup: ...


def _safe(value: object) -> object:
    """Text arguments escaped (unless already `Markup`); numbers and dates as they are."""
    return escape(value) if isinstance(value, str) else value


class Catalog:
    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self._bundles: dict[Language, FluentBundle] = {}
        self.ids: dict[str, set[str]] = {}  # by language code ("en", "zh"; a Language is one)
        for lang in LANGUAGES:
            bundle = FluentBundle([_FLUENT_LOCALE[lang]], use_isolating=False)
            ids: set[str] = set()
            for path in sorted((locales_dir / lang).glob("*.ftl")):
                resource = FluentResource(path.read_text(encoding="utf-8"))
                for entry in resource.body:
                    ident = getattr(getattr(entry, "id", None), "name", None)
                    if ident and type(entry).__name__ == "Message":
                        ids.add(ident)
                bundle.add_resource(resource)
            self._bundles[lang] = bundle
            self.ids[lang] = ids

    def has(self, lang: Language | str, msg_id: str) -> bool:
        return self._bundles[Language(lang)].has_message(msg_id)

    def text(self, lang: Language | str, msg_id: str, /, **args: object) -> Markup:
        for candidate in (Language(lang), Language.EN):
            bundle = self._bundles[candidate]
            if bundle.has_message(msg_id):
                message = bundle.get_message(msg_id)
                if message.value is None:
                    break
                value, errors = bundle.format_pattern(message.value, {k: _safe(v) for k, v in args.items()})
                if errors:
                    log.warning("catalog format errors", msg_id=msg_id, lang=candidate, errors=[str(e) for e in errors])
                return Markup(value)
        log.error("missing catalog message", msg_id=msg_id, lang=lang)
        return escape(msg_id)

    def translator(self, lang: Language | str) -> Translator:
        return _BoundTranslator(self, lang)


class _BoundTranslator:
    __slots__ = ("_catalog", "lang")

    def __init__(self, catalog: Catalog, lang: Language | str) -> None:
        self._catalog = catalog
        self.lang = Language(lang)

    def __call__(self, msg_id: str, /, **args: object) -> Markup:
        return self._catalog.text(self.lang, msg_id, **args)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return Catalog()
