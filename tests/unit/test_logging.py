"""Personal data and secrets never reach the logs unmasked."""

from __future__ import annotations

import io
import json
import logging

import structlog
from hypothesis import given
from hypothesis import strategies as st

from core.config import LogFormat, LogLevel
from core.identifiers import id_check_digit
from core.logging import configure_logging, mask_text


def test_masks_id_numbers_phones_and_bot_tokens() -> None:
    text = "bind 11010519491231002X phone 13812345678 token 123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-kw"
    masked = mask_text(text)
    assert "11010519491231002X" not in masked and "110105********002X" in masked
    assert "13812345678" not in masked and "138****5678" in masked
    assert "AAEhBOweik6ad9r" not in masked and "<bot-token>" in masked


@given(st.from_regex(r"[1-9][0-9]{16}", fullmatch=True), st.text(alphabet="查询违章 ", max_size=5))
def test_any_valid_id_number_inside_chinese_text_is_masked(first17: str, around: str) -> None:
    id_number = first17 + id_check_digit(first17)
    assert id_number not in mask_text(f"{around}{id_number}{around}")


def test_json_log_lines_are_masked_end_to_end(capsys) -> None:  # type: ignore[no-untyped-def]
    configure_logging(LogLevel.INFO, LogFormat.JSON)
    stream = io.StringIO()
    logging.getLogger().handlers[0].stream = stream  # type: ignore[attr-defined]
    structlog.get_logger("t").info("citizen wrote", text="我的身份证 11010519491231002X 手机 13912345678")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert "11010519491231002X" not in line["text"] and "13912345678" not in line["text"]
    assert line["event"] == "citizen wrote" and line["level"] == "info"
