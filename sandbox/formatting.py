"""Telegram text formatting: parse HTML / MarkdownV2 into (text, entities) like the Bot API does,
render (text, entities) back to safe HTML, and sanitise arbitrary HTML down to Telegram's tags.

Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

Entity = dict[str, Any]


class EntityParseError(ValueError):
    """Raised with Telegram's wording after "Bad Request: can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


class _Builder:
    """Accumulates plain text while tracking the UTF-16 position."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)

    def text(self) -> str:
        return "".join(self.parts)


# ---------------------------------------------------------------------------------------------
# HTML (parse_mode="HTML")
# ---------------------------------------------------------------------------------------------

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
    out = _Builder()
    stack: list[_Open] = []
    entities: list[Entity] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "<":
            end = source.find(">", i)
            if end < 0:
                raise EntityParseError(f"Can't find end of the tag starting at byte offset {_byte_offset(source, i)}")
            inner = source[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(source, i)}")
                top = stack.pop()
                if name and name != top.tag:
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {_byte_offset(source, i)}, "
                        f'expected "</{top.tag}>", found "</{name}>"'
                    )
                if top.entity is not None and out.pos > top.start:
                    top.entity["length"] = out.pos - top.start
                    entities.append(top.entity)
            else:
                match = _TAG_NAME_RE.match(inner)
                name = match.group(1).lower() if match else inner.strip()[:16]
                if match is None or name not in _HTML_TAG_TYPES:
                    raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, i)}')
                attrs = _parse_attrs(inner[match.end() :])
                entity: Entity = {"type": _HTML_TAG_TYPES[name], "offset": out.pos, "length": 0}
                keep = True  # False: the tag opens no entity (a bare <a>, <code> inside <pre>)
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(f'Unsupported start tag "span" at byte offset {_byte_offset(source, i)}')
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


# ---------------------------------------------------------------------------------------------
# MarkdownV2 (parse_mode="MarkdownV2")
# ---------------------------------------------------------------------------------------------

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
    out = _Builder()
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
                raise EntityParseError(f"Can't find end of {name} entity at byte offset {_byte_offset(source, i)}")
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
                    raise EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(source, i + 1)}")
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
            f"Can't find end of {_MD_NAMES[marker][1]} entity at byte offset {_byte_offset(source, index)}"
        )
    if quote_start is not None and out.pos > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start, "length": out.pos - quote_start})
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Dispatch on ``parse_mode`` (case-insensitive, like Telegram). Unknown modes raise."""
    mode = (parse_mode or "").strip().lower()
    if mode == "":
        return text, []
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_legacy_markdown(text)
    raise ValueError(f"unsupported parse_mode {parse_mode!r}")


def _parse_legacy_markdown(source: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no escaping rules."""
    out = _Builder()
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


# ---------------------------------------------------------------------------------------------
# Commands Telegram marks in incoming text
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Rendering (text, entities) -> safe HTML for the chat page
# ---------------------------------------------------------------------------------------------

_SAFE_SCHEMES = ("http://", "https://", "tg://", "mailto:")
_LANGUAGE_RE = re.compile(r"^[A-Za-z0-9_+#.-]{1,32}$")


def _safe_url(url: str) -> str | None:
    stripped = url.strip()
    return stripped if stripped.lower().startswith(_SAFE_SCHEMES) else None


def _open_tag(entity: Entity, text: str) -> tuple[str, str]:
    kind = entity.get("type")
    if kind == "bold":
        return "<b>", "</b>"
    if kind == "italic":
        return "<i>", "</i>"
    if kind == "underline":
        return "<u>", "</u>"
    if kind == "strikethrough":
        return "<s>", "</s>"
    if kind == "spoiler":
        return "<tg-spoiler>", "</tg-spoiler>"
    if kind == "code":
        return "<code>", "</code>"
    if kind == "pre":
        language = str(entity.get("language") or "")
        if language and _LANGUAGE_RE.match(language):
            return f'<pre><code class="language-{language}">', "</code></pre>"
        return "<pre>", "</pre>"
    if kind in ("blockquote", "expandable_blockquote"):
        return "<blockquote>", "</blockquote>"
    if kind in ("text_link", "url"):
        url = _safe_url(str(entity.get("url") or text))
        if url is None:
            return "", ""
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer" target="_blank">', "</a>"
    return "", ""


def entities_to_html(text: str, entities: list[Entity] | None) -> str:
    """Render plain text plus entities as HTML that uses only Telegram's tags; all text is escaped."""
    if not entities:
        return html.escape(text, quote=False)
    # Map UTF-16 offsets to Python string indexes.
    index_of: dict[int, int] = {}
    pos = 0
    for idx, char in enumerate(text):
        index_of[pos] = idx
        pos += 2 if ord(char) > 0xFFFF else 1
    index_of[pos] = len(text)
    spans: list[tuple[int, int, str, str]] = []
    for entity in entities:
        try:
            start = index_of[int(entity["offset"])]
            end = index_of[int(entity["offset"]) + int(entity["length"])]
        except (KeyError, TypeError, ValueError):
            continue
        if end <= start:
            continue
        opening, closing = _open_tag(entity, text[start:end])
        if opening:
            spans.append((start, end, opening, closing))
    spans.sort(key=lambda s: (s[0], -s[1]))
    starts: dict[int, list[tuple[int, int, str, str]]] = {}
    for span in spans:
        starts.setdefault(span[0], []).append(span)
    out: list[str] = []
    stack: list[tuple[int, int, str, str]] = []
    for idx in range(len(text) + 1):
        if any(span[1] <= idx for span in stack):
            reopen: list[tuple[int, int, str, str]] = []
            while any(span[1] <= idx for span in stack):
                span = stack.pop()
                out.append(span[3])
                if span[1] > idx:
                    reopen.append(span)
            for span in reversed(reopen):
                out.append(span[2])
                stack.append(span)
        for span in starts.get(idx, []):
            out.append(span[2])
            stack.append(span)
        if idx < len(text):
            out.append(html.escape(text[idx], quote=False))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Sanitiser for arbitrary HTML
# ---------------------------------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "a",
        "tg-spoiler",
        "blockquote",
    }
)


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def _escape_raw(self) -> None:
        raw = self.get_starttag_text()
        if raw is not None:
            self.out.append(html.escape(raw, quote=False))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._escape_raw()
            return
        attributes = ""
        if tag == "a":
            href = next((value for name, value in attrs if name == "href" and value), None)
            url = _safe_url(href) if href else None
            if url is not None:
                attributes = f' href="{html.escape(url, quote=True)}" rel="noopener noreferrer" target="_blank"'
        elif tag == "code":
            css = next((value for name, value in attrs if name == "class" and value), None)
            if css and css.startswith("language-") and _LANGUAGE_RE.match(css[len("language-") :]):
                attributes = f' class="{css}"'
        self.out.append(f"<{tag}{attributes}>")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._escape_raw()

    def handle_endtag(self, tag: str) -> None:
        if tag in ALLOWED_TAGS and tag in self.open:
            while self.open:
                current = self.open.pop()
                self.out.append(f"</{current}>")
                if current == tag:
                    break
        else:
            self.out.append(html.escape(f"</{tag}>", quote=False))

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.out.append(html.escape(f"<!--{data}-->", quote=False))

    def handle_decl(self, decl: str) -> None:
        self.out.append(html.escape(f"<!{decl}>", quote=False))

    def handle_pi(self, data: str) -> None:
        self.out.append(html.escape(f"<?{data}>", quote=False))

    def unknown_decl(self, data: str) -> None:
        self.out.append(html.escape(f"<![{data}]>", quote=False))


def sanitize_html(raw: str) -> str:
    """Keep only Telegram's formatting tags (b, strong, i, em, u, ins, s, strike, del, code, pre, a,
    tg-spoiler, blockquote) with safe attributes; escape everything else so it shows as text."""
    parser = _Sanitiser()
    parser.feed(raw)
    parser.close()
    # Text still buffered by the parser (an unterminated tag) is shown as text.
    rest = parser.rawdata
    if rest:
        parser.out.append(html.escape(rest, quote=False))
    while parser.open:
        parser.out.append(f"</{parser.open.pop()}>")
    return "".join(parser.out)
