"""MarkdownV2 (parse_mode="MarkdownV2") and legacy Markdown (parse_mode="Markdown") -> (text, entities)."""

from __future__ import annotations

import re

from sandbox.formatting.common import Builder, Entity, EntityParseError, byte_offset

_MD_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD_NAMES = {
    "*": ("bold", "Bold"),
    "_": ("italic", "Italic"),
    "__": ("underline", "Underline"),
    "~": ("strikethrough", "Strikethrough"),
    "||": ("spoiler", "Spoiler"),
    "[": ("text_link", "TextUrl"),
}


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram MarkdownV2. Raises :class:`EntityParseError` with Telegram's wording."""
    out = Builder()
    stack: list[tuple[str, int, int]] = []  # marker, utf-16 start, source index
    entities: list[Entity] = []
    quote_start: int | None = None
    i, n = 0, len(source)
    line_start = True
    while i < n:
        char = source[i]
        if line_start and char == ">":
            if quote_start is None:
                quote_start = out.pos
            i += 1
            line_start = False
            continue
        line_start = False
        if char == "\\":
            if i + 1 < n and 0 < ord(source[i + 1]) < 127:
                out.add(source[i + 1])
                i += 2
            else:
                out.add(char)
                i += 1
            continue
        if char == "\n":
            out.add(char)
            i += 1
            line_start = True
            if quote_start is not None and not source.startswith(">", i):
                length = out.pos - 1 - quote_start
                if length > 0:
                    entities.append({"type": "blockquote", "offset": quote_start, "length": length})
                quote_start = None
            continue
        if char == "`":
            is_pre = source.startswith("```", i)
            fence = "```" if is_pre else "`"
            j = i + len(fence)
            language = ""
            if is_pre:
                newline = source.find("\n", j)
                first_line = source[j:newline] if newline >= 0 else ""
                if newline >= 0 and first_line and " " not in first_line and "`" not in first_line:
                    language = first_line
                    j = newline + 1
            start = out.pos
            closed = False
            while j < n:
                if source[j] == "\\" and j + 1 < n:
                    out.add(source[j + 1])
                    j += 2
                    continue
                if source.startswith(fence, j):
                    closed = True
                    break
                out.add(source[j])
                j += 1
            if not closed:
                name = "Pre" if is_pre else "Code"
                raise EntityParseError(f"Can't find end of {name} entity at byte offset {byte_offset(source, i)}")
            if out.pos > start:
                entity: Entity = {"type": "pre" if is_pre else "code", "offset": start, "length": out.pos - start}
                if language:
                    entity["language"] = language
                entities.append(entity)
            i = j + len(fence)
            continue
        marker = None
        if source.startswith("__", i):
            marker = "__"
        elif source.startswith("||", i):
            marker = "||"
        elif char in "*_~":
            marker = char
        if marker is not None:
            opened = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == marker), None)
            if opened is None:
                stack.append((marker, out.pos, i))
            else:
                _, start, _ = stack.pop(opened)
                if out.pos > start:
                    entities.append({"type": _MD_NAMES[marker][0], "offset": start, "length": out.pos - start})
            i += len(marker)
            continue
        if char == "[":
            stack.append(("[", out.pos, i))
            i += 1
            continue
        if char == "]":
            opened = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == "["), None)
            if opened is not None and source.startswith("(", i + 1):
                j = i + 2
                url_chars: list[str] = []
                while j < n and source[j] != ")":
                    if source[j] == "\\" and j + 1 < n:
                        url_chars.append(source[j + 1])
                        j += 2
                        continue
                    url_chars.append(source[j])
                    j += 1
                if j >= n:
                    raise EntityParseError(f"Can't find end of a URL at byte offset {byte_offset(source, i + 1)}")
                _, start, _ = stack.pop(opened)
                if out.pos > start:
                    entities.append(
                        {"type": "text_link", "offset": start, "length": out.pos - start, "url": "".join(url_chars)}
                    )
                i = j + 1
                continue
        if char in _MD_RESERVED:
            raise EntityParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        out.add(char)
        i += 1
    if stack:
        marker, _, index = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MD_NAMES[marker][1]} entity at byte offset {byte_offset(source, index)}"
        )
    if quote_start is not None and out.pos > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start, "length": out.pos - quote_start})
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


def parse_legacy_markdown(source: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no escaping rules."""
    out = Builder()
    entities: list[Entity] = []
    pattern = re.compile(r"\*([^*]+)\*|_([^_]+)_|```([\s\S]+?)```|`([^`]+)`|\[([^\]]+)\]\(([^)]+)\)")
    last = 0
    for match in pattern.finditer(source):
        out.add(source[last : match.start()])
        start = out.pos
        if match.group(1) is not None:
            out.add(match.group(1))
            entities.append({"type": "bold", "offset": start, "length": out.pos - start})
        elif match.group(2) is not None:
            out.add(match.group(2))
            entities.append({"type": "italic", "offset": start, "length": out.pos - start})
        elif match.group(3) is not None:
            out.add(match.group(3))
            entities.append({"type": "pre", "offset": start, "length": out.pos - start})
        elif match.group(4) is not None:
            out.add(match.group(4))
            entities.append({"type": "code", "offset": start, "length": out.pos - start})
        else:
            out.add(match.group(5))
            entities.append({"type": "text_link", "offset": start, "length": out.pos - start, "url": match.group(6)})
        last = match.end()
    out.add(source[last:])
    return out.text(), entities
