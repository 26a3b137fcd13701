"""Telegram HTML / MarkdownV2 parsing, rendering and the HTML sanitiser."""

from __future__ import annotations

import pytest

from sandbox.formatting import (
    EntityParseError,
    command_entities,
    entities_to_html,
    parse_html,
    parse_markdown_v2,
    sanitize_html,
)


def test_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html("😀 <b>粗体</b> &lt;ok&gt; <a href='https://x.cn/?a=1&amp;b=2'>link</a>")
    assert text == "😀 粗体 <ok> link"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "text_link", "offset": 11, "length": 4, "url": "https://x.cn/?a=1&b=2"},
    ]


def test_html_pre_with_language_and_spoiler() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><span class="tg-spoiler">s</span>'
    )
    assert text == "x = 1s"
    assert {"type": "pre", "offset": 0, "length": 5, "language": "python"} in entities
    assert {"type": "spoiler", "offset": 5, "length": 1} in entities


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("1 < 2", "Can't find end of the tag starting at byte offset 2"),
    ],
)
def test_html_errors_like_telegram(markup: str, message: str) -> None:
    with pytest.raises(EntityParseError, match=message.replace("(", r"\(")):
        parse_html(markup)


def test_markdown_v2() -> None:
    text, entities = parse_markdown_v2(r"*bold* _it_ __u__ ~s~ ||sp|| `c\`` [l](https://e.x) 1\.5\!")
    assert text == "bold it u s sp c` l 1.5!"
    types = [e["type"] for e in entities]
    assert types == ["bold", "italic", "underline", "strikethrough", "spoiler", "code", "text_link"]
    with pytest.raises(EntityParseError, match="Character '.' is reserved"):
        parse_markdown_v2("1.5")
    with pytest.raises(EntityParseError, match="Can't find end of Bold entity"):
        parse_markdown_v2("*open")


def test_entities_to_html_escapes_and_nests() -> None:
    text, entities = parse_html("<b>a <i>b</i></b> &lt;script&gt; <a href='javascript:alert(1)'>x</a>")
    html = entities_to_html(text, entities)
    assert html == "<b>a <i>b</i></b> &lt;script&gt; x"
    overlapping = entities_to_html(
        "abcd", [{"type": "bold", "offset": 0, "length": 3}, {"type": "italic", "offset": 1, "length": 3}]
    )
    assert overlapping == "<b>a<i>bc</i></b><i>d</i>"


def test_sanitiser_keeps_only_telegram_tags() -> None:
    dirty = (
        '<b onclick="x()">bold</b><script>alert(1)</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">bad</a><a href="https://ok.cn" style="x">ok</a>'
        "<tg-spoiler>s</tg-spoiler><blockquote>q</blockquote><div>d</div><i>open"
    )
    clean = sanitize_html(dirty)
    assert clean == (
        "<b>bold</b>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        '<a>bad</a><a href="https://ok.cn" rel="noopener noreferrer" target="_blank">ok</a>'
        "<tg-spoiler>s</tg-spoiler><blockquote>q</blockquote>&lt;div&gt;d&lt;/div&gt;<i>open</i>"
    )
    assert "<script" not in clean and "onerror=" not in clean.replace("&lt;img src=x onerror=", "")
    # Rendering output passes the sanitiser unchanged.
    text, entities = parse_html('<b>x</b> <code>y</code> <pre><code class="language-py">z</code></pre>')
    rendered = entities_to_html(text, entities)
    assert sanitize_html(rendered) == rendered


def test_command_entities() -> None:
    assert command_entities("/start now /help@sandbox_bot a/b") == [
        {"type": "bot_command", "offset": 0, "length": 6},
        {"type": "bot_command", "offset": 11, "length": 17},
    ]
