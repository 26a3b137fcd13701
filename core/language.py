"""The citizen's language: the one type (`Language`), parsing, and detection from a message.

Replies follow the script of the message (Chinese characters -> Chinese, otherwise English)
unless the citizen chose a language; see bot/middlewares/context.py for the whole rule.
"""

from __future__ import annotations

import re
from enum import StrEnum

from core.identifiers import PLATE_RE


class Language(StrEnum):
    """A language the assistant speaks. A StrEnum: `Language.ZH == "zh"`, stored as "zh"."""

    EN = "en"
    ZH = "zh"


LANGUAGES: tuple[Language, ...] = tuple(Language)


def from_code(code: str | None) -> Language:
    """Telegram `language_code` (an IETF tag such as zh-hans, zh-CN, en-GB) -> a supported language."""
    return Language.ZH if code and code.lower().startswith("zh") else Language.EN


def parse(value: str | None) -> Language | None:
    """ "en" / "zh" -> the language; anything else -> None."""
    try:
        return Language(value) if value is not None else None
    except ValueError:
        return None


_CJK_IDEOGRAPH = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef"
    "\U00030000-\U0003134f\U0002f800-\U0002fa1f]"
)
_LATIN_LETTER = re.compile("[A-Za-z]")


def detect(text: str) -> Language:
    """Chinese when the message is written in Chinese script, else English.

    A plate number (京A12345) carries an ideograph but says nothing about the language of the
    sentence around it, so plates are set aside first: "晋T-7N875 keeps parking here" is English,
    "查一下京A12345" Chinese. A message that is nothing but plates (and digits or punctuation) is
    Chinese if it holds any ideograph.
    """
    rest = PLATE_RE.sub(" ", text)
    if _CJK_IDEOGRAPH.search(rest):
        return Language.ZH
    if _LATIN_LETTER.search(rest):
        return Language.EN
    return Language.ZH if _CJK_IDEOGRAPH.search(text) else Language.EN
