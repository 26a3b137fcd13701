"""Telegram text formatting: parse HTML / MarkdownV2 into (text, entities) like the Bot API does,
render (text, entities) back to safe HTML, and sanitise arbitrary HTML down to Telegram's tags.

Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

from sandbox.formatting.common import Entity, EntityParseError, command_entities, utf16_len
from sandbox.formatting.html_parser import parse_html
from sandbox.formatting.markdown import parse_legacy_markdown, parse_markdown_v2
from sandbox.formatting.rendering import ALLOWED_TAGS, entities_to_html, sanitize_html

__all__ = [
    "ALLOWED_TAGS",
    "Entity",
    "EntityParseError",
    "command_entities",
    "entities_to_html",
    "parse_html",
    "parse_legacy_markdown",
    "parse_markdown_v2",
    "parse_text",
    "sanitize_html",
    "utf16_len",
]


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
        return parse_legacy_markdown(text)
    raise ValueError(f"unsupported parse_mode {parse_mode!r}")
