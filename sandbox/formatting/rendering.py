"""(text, entities) rendered back to safe HTML for the chat page, and arbitrary HTML sanitised down
to Telegram's tags with safe attributes."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from sandbox.formatting.common import Entity

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
