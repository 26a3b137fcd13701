"""initData validation as Telegram specifies: the HMAC of the sorted fields under a key derived
from the bot's token (aiogram's safe_parse_webapp_init_data), and an auth_date no older than
MINIAPP_INIT_DATA_TTL (aiogram does not check it)."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

import pytest

from core.config import SANDBOX_TOKEN
from miniapp.auth import InitDataError, InitDataProblem, validate_init_data
from tests.miniapp.helpers import init_data

TTL = 3600


def check(data: str, *, now: float | None = None, token: str = SANDBOX_TOKEN) -> object:
    return validate_init_data(data, token, max_age=TTL, now=time.time() if now is None else now)


def problem_of(data: str, **kwargs: object) -> InitDataProblem:
    with pytest.raises(InitDataError) as raised:
        check(data, **kwargs)  # type: ignore[arg-type]
    return raised.value.problem


def test_a_fresh_launch_signed_with_the_bot_token_is_valid() -> None:
    parsed = check(init_data(100000777, language="zh-hans", start_param="violations"))
    assert parsed.user is not None and parsed.user.id == 100000777  # type: ignore[attr-defined]
    assert parsed.start_param == "violations"  # type: ignore[attr-defined]


def test_missing_init_data() -> None:
    assert problem_of("") == InitDataProblem.MISSING


def test_a_forged_hash_is_refused() -> None:
    fields = dict(parse_qsl(init_data(100000777)))
    fields["hash"] = "0" * 64
    assert problem_of(urlencode(fields)) == InitDataProblem.INVALID


def test_signed_with_another_token_is_refused() -> None:
    assert problem_of(init_data(100000777, token="123456:another-bot-token")) == InitDataProblem.INVALID


def test_an_altered_field_breaks_the_signature() -> None:
    fields = dict(parse_qsl(init_data(100000777)))
    fields["user"] = fields["user"].replace("100000777", "100000778")  # someone else's account
    assert problem_of(urlencode(fields)) == InitDataProblem.INVALID
    fields = dict(parse_qsl(init_data(100000777, age=2 * TTL)))
    fields["auth_date"] = str(int(time.time()))  # a stale launch made to look fresh
    assert problem_of(urlencode(fields)) == InitDataProblem.INVALID


def test_a_stale_auth_date_is_refused_though_correctly_signed() -> None:
    assert problem_of(init_data(100000777, age=TTL + 5)) == InitDataProblem.EXPIRED
    check(init_data(100000777, age=TTL - 60))  # still within the lifetime


def test_an_auth_date_from_the_future_is_refused() -> None:
    assert problem_of(init_data(100000777), now=time.time() - 3600) == InitDataProblem.INVALID


def test_signed_data_without_a_user_or_malformed_is_refused() -> None:
    from sandbox.citizen.webapp import sign_init_data

    assert problem_of(sign_init_data(SANDBOX_TOKEN, {"auth_date": str(int(time.time()))})) == InitDataProblem.INVALID
    assert problem_of(sign_init_data(SANDBOX_TOKEN, {"user": "{not json", "auth_date": "1"})) == InitDataProblem.INVALID
    assert problem_of("garbage&&==") == InitDataProblem.INVALID
