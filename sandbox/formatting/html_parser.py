"""Telegram-flavoured HTML (parse_mode="HTML") -> (text, entities), refusing what Telegram refuses."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from sandbox.formatting.common import Builder, Entity, EntityParseError, byte_offset

_HTML_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_ATTR_RE = re.compile(r"""([a-zA-Z_][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_TAG_NAME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9-]*)")
_CHAR_REF_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass(slots=True)
class _Open:
    tag: str
    start: int
    entity: Entity | None
    children_code: bool = field(default=False)


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR_RE.finditer(raw):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram-flavoured HTML. Raises :class:`EntityParseError` on markup Telegram rejects."""
    out = Builder()
    stack: list[_Open] = []
    entities: list[Entity] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "<":
            end = source.find(">", i)
            if end < 0:
                raise EntityParseError(f"Can't find end of the tag starting at byte offset {byte_offset(source, i)}")
            inner = source[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(source, i)}")
                top = stack.pop()
                if name and name != top.tag:
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {byte_offset(source, i)}, "
                        f'expected "</{top.tag}>", found "</{name}>"'
                    )
                if top.entity is not None and out.pos > top.start:
                    top.entity["length"] = out.pos - top.start
                    entities.append(top.entity)
            else:
                match = _TAG_NAME_RE.match(inner)
                name = match.group(1).lower() if match else inner.strip()[:16]
                if match is None or name not in _HTML_TAG_TYPES:
                    raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset(source, i)}')
                attrs = _parse_attrs(inner[match.end() :])
                entity: Entity = {"type": _HTML_TAG_TYPES[name], "offset": out.pos, "length": 0}
                keep = True  # False: the tag opens no entity (a bare <a>, <code> inside <pre>)
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(f'Unsupported start tag "span" at byte offset {byte_offset(source, i)}')
                if name == "a":
                    href = attrs.get("href", "")
                    mention = href[len("tg://user?id=") :] if href.startswith("tg://user?id=") else ""
                    if mention.isdigit():
                        entity["type"] = "text_mention"
                        entity["user"] = {"id": int(mention), "is_bot": False, "first_name": ""}
                    elif href:
                        entity["url"] = href
                    else:
                        keep = False
                elif name == "code" and stack and stack[-1].tag == "pre" and stack[-1].entity is not None:
                    language = attrs.get("class", "")
                    if language.startswith("language-"):
                        stack[-1].entity["language"] = language[len("language-") :]
                    keep = False
                elif name == "blockquote" and "expandable" in attrs:
                    entity["type"] = "expandable_blockquote"
                elif name == "tg-emoji":
                    entity["custom_emoji_id"] = attrs.get("emoji-id", "")
                stack.append(_Open(name, out.pos, entity if keep else None))
            i = end + 1
            continue
        if char == "&":
            ref = _CHAR_REF_RE.match(source, i)
            if ref is not None:
                body = ref.group(1)
                if body.startswith("#"):
                    code = int(body[1:].lstrip("xX"), 16) if body[1:2] in ("x", "X") else int(body[1:])
                    out.add(chr(code) if 0 < code <= 0x10FFFF else "\ufffd")
                else:
                    out.add(_NAMED_REFS[body])
                i = ref.end()
                continue
        out.add(char)
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities
