"""Building blocks of Telegram text formatting: entities, UTF-16 lengths (entity offsets and
lengths are in UTF-16 code units, as in the Bot API), the parse error with Telegram's wording, and
the ``bot_command`` entities Telegram adds to a user's message."""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]


class EntityParseError(ValueError):
    """Raised with Telegram's wording after "Bad Request: can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offset(source: str, index: int) -> int:
    """The UTF-8 byte offset of ``source[index]`` (Telegram's error messages count bytes)."""
    return len(source[:index].encode("utf-8"))


class Builder:
    """Accumulates plain text while tracking the UTF-16 position."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)

    def text(self) -> str:
        return "".join(self.parts)


_COMMAND_RE = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def command_entities(text: str) -> list[Entity]:
    """``bot_command`` entities, as Telegram adds them to a user's message."""
    found: list[Entity] = []
    for match in _COMMAND_RE.finditer(text):
        found.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return found
