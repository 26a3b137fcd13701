"""`bot.py run --processes N`: the settings, the webhook the parent derives, the port check."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest
from pydantic import SecretStr

from cli.cluster import Cluster, ClusterError, check_port_free, resolve_webhook
from core.config import SANDBOX_TOKEN, ConfigError, Settings, load_settings
from core.processes import free_port

TOKEN = "123456789:AAE-unit-test-token-for-the-cluster"


def settings(**values: object) -> Settings:
    base: dict[str, object] = {"telegram_token": None, "webhook_url": None, "webhook_secret": None}
    base.update(values)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg, arg-type]


def test_defaults_one_process_and_telegrams_maximum_of_webhook_connections() -> None:
    s = settings()
    assert s.app_processes == 1 and s.processes == 1
    assert s.webhook_max_connections == 100


def test_zero_processes_means_one_per_core() -> None:
    assert settings(app_processes=0).processes == max(1, os.cpu_count() or 1)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"APP_PROCESSES": "-1"}, "APP_PROCESSES"),
        ({"WEBHOOK_MAX_CONNECTIONS": "101"}, "WEBHOOK_MAX_CONNECTIONS"),
        ({"SANDBOX_PORT": "70000"}, "SANDBOX_PORT"),
    ],
)
def test_wrong_values_name_the_variable(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=expected):
        load_settings()


def test_an_http_webhook_is_refused_for_telegram_but_not_for_a_self_hosted_bot_api(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_API_URL", "PUBLIC_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_URL", "http://10.0.0.5:8080/telegram/webhook")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    with pytest.raises(ConfigError, match="only to https://"):
        load_settings()
    monkeypatch.setenv("TELEGRAM_API_URL", "https://api.telegram.org")
    with pytest.raises(ConfigError, match="only to https://"):
        load_settings()
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081")  # telegram-bot-api --local, the sandbox
    assert load_settings().webhook_url == "http://10.0.0.5:8080/telegram/webhook"


def test_the_parent_derives_a_webhook_in_sandbox_mode() -> None:
    url, secret = resolve_webhook(settings(http_port=9000))
    assert url == "http://127.0.0.1:9000/telegram/webhook"
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret.get_secret_value())  # what Telegram accepts
    _, again = resolve_webhook(settings(http_port=9000))
    assert again.get_secret_value() != secret.get_secret_value()  # one per run


def test_the_parent_keeps_a_configured_webhook() -> None:
    configured = settings(
        telegram_token=SecretStr(TOKEN),
        webhook_url="https://bot.example.org/hook",
        webhook_secret=SecretStr("given_secret"),
    )
    url, secret = resolve_webhook(configured)
    assert url == "https://bot.example.org/hook" and secret.get_secret_value() == "given_secret"


def test_several_processes_with_telegram_need_a_public_https_address() -> None:
    with pytest.raises(ConfigError, match="APP_PROCESSES: several processes need webhook mode"):
        resolve_webhook(settings(telegram_token=SecretStr(TOKEN)))
    url, _ = resolve_webhook(settings(telegram_token=SecretStr(TOKEN), public_url="https://bot.example.org"))
    assert url == "https://bot.example.org/telegram/webhook"
    url, _ = resolve_webhook(settings(telegram_token=SecretStr(TOKEN), telegram_api_url="http://127.0.0.1:8081"))
    assert url.startswith("http://127.0.0.1:")


def test_a_port_in_use_is_refused_before_anything_starts() -> None:
    port = free_port()
    refused = rf"cannot listen on 127.0.0.1:{port} \(HTTP_HOST/HTTP_PORT\)"
    with socket.create_server(("127.0.0.1", port)), pytest.raises(ClusterError, match=refused):
        check_port_free("127.0.0.1", port, "HTTP_HOST/HTTP_PORT")
    check_port_free("127.0.0.1", port, "HTTP_HOST/HTTP_PORT")  # free again


def test_the_app_processes_get_the_resolved_addresses_and_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolved = settings(
        mongo_url=SecretStr("mongodb://127.0.0.1:1"),
        redis_url=SecretStr("redis://127.0.0.1:2/0"),
        nlu_url="http://127.0.0.1:3",
        demo_data=True,
    )
    cluster = Cluster(
        settings=resolved,
        port=9000,
        webhook_url="http://127.0.0.1:9000/telegram/webhook",
        webhook_secret=SecretStr("abc"),
        sandbox_url="http://127.0.0.1:9001",
        run_dir=tmp_path,
    )
    env = cluster.child_env()
    assert env["APP_PROCESSES"] == "1" and env["HTTP_PORT"] == "9000" and env["DEMO_DATA"] == "false"
    assert env["MONGO_URL"] == "mongodb://127.0.0.1:1" and env["REDIS_URL"] == "redis://127.0.0.1:2/0"
    assert env["NLU_URL"] == "http://127.0.0.1:3"
    assert env["WEBHOOK_URL"].endswith("/telegram/webhook") and env["WEBHOOK_SECRET"] == "abc"
    assert env["TELEGRAM_TOKEN"] == SANDBOX_TOKEN
    assert env["TELEGRAM_API_URL"] == "http://127.0.0.1:9001/sandbox"
    assert env["SMS_GATEWAY_URL"] == "http://127.0.0.1:9001/sandbox/api/sms"
    assert env["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "metrics")
    # What an app process makes of it: webhook mode over http to the sandbox, no sandbox of its own.
    monkeypatch.chdir(tmp_path)
    for key in ("PUBLIC_URL", "SANDBOX_PORT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    child = load_settings()
    assert child.webhook_mode and not child.sandbox_mode and child.processes == 1
