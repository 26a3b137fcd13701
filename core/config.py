"""Configuration: environment variables (and an optional `.env`), validated once at start.

A wrong value stops the program with one line naming the variable and what it expects
(`ConfigError`), never a traceback. Secrets are `SecretStr`: they print as `**********`.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Final
from urllib.parse import urlsplit

from pydantic import Field, IPvAnyNetwork, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_DEFAULT_API = "https://api.telegram.org"
SANDBOX_TOKEN = "1000000001:sandbox-token-not-secret"
# The sandbox's payment stand-ins (sandbox/payments.py): Telegram Payments' provider token and the
# bureau gateway's merchant key, used when PAYMENT_PROVIDER_TOKEN / PAYMENT_GATEWAY_SECRET are unset.
SANDBOX_PROVIDER_TOKEN = "sandbox:payments-provider-token-not-secret"
SANDBOX_GATEWAY_SECRET = "sandbox-gateway-key-not-secret"


class LogFormat(StrEnum):
    AUTO = "auto"  # console on a terminal, JSON otherwise
    CONSOLE = "console"
    JSON = "json"


class EventLoop(StrEnum):
    UVLOOP = "uvloop"  # libuv's loop: fewer microseconds per callback and socket call
    ASYNCIO = "asyncio"  # the standard library's


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class ConfigError(Exception):
    """A configuration value is wrong; the message is one line meant for the operator."""


def _check_url(value: str | None, schemes: tuple[str, ...], example: str) -> str | None:
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ValueError(f"expected a URL starting with {' or '.join(s + '://' for s in schemes)}, e.g. {example}")
    return value.rstrip("/")


def parse_staff_hours(value: str) -> tuple[int, int]:
    """ "08:00-20:00" -> (480, 1200): minutes after local midnight, start < end <= 24:00."""
    try:
        start_text, end_text = value.strip().split("-")
        bounds = []
        for part in (start_text, end_text):
            hours, minutes = part.strip().split(":")
            bounds.append(int(hours) * 60 + int(minutes))
    except ValueError:
        raise ValueError("expected opening hours like 08:00-20:00 (00:00-24:00 = always)") from None
    start, end = bounds
    if not 0 <= start < end <= 24 * 60:
        raise ValueError("expected opening hours like 08:00-20:00 (00:00-24:00 = always)")
    return start, end


DEFAULT_COMPLAINT_DEADLINES: Final = (
    "road_facilities=24/72,illegal_parking=4/24,congestion=2/24,officer_conduct=24/168,"
    "window_service=24/168,app_hotline=24/120,other=24/168"
)
DEFAULT_DEADLINE_HOURS: Final = (24, 168)


def parse_complaint_deadlines(value: str) -> dict[str, tuple[int, int]]:
    """``"topic=respond/resolve,..."`` (hours) as {topic: (respond, resolve)}; resolve >= respond > 0."""
    table: dict[str, tuple[int, int]] = {}
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        topic, _, hours = entry.partition("=")
        respond, _, resolve = hours.partition("/")
        if not topic.strip() or not respond.strip().isdigit() or not resolve.strip().isdigit():
            raise ValueError(f"COMPLAINT_DEADLINES: {entry!r} is not topic=respond/resolve (hours)")
        pair = (int(respond), int(resolve))
        if not 0 < pair[0] <= pair[1]:
            raise ValueError(f"COMPLAINT_DEADLINES: {entry!r}: 0 < respond <= resolve")
        table[topic.strip()] = pair
    return table


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False)

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # setWebhook's max_connections: updates Telegram delivers at once (its maximum, 100; its default, 40)
    webhook_max_connections: int = Field(default=100, ge=1, le=100)

    # Storage and services; None means "start an embedded one"
    mongo_url: SecretStr | None = None
    mongo_db: str = "traffic"
    redis_url: SecretStr | None = None
    redis_prefix: str = "ta"
    nlu_url: str | None = None
    nlu_port: int = Field(default=5005, ge=0, le=65535)
    nlu_timeout: float = Field(default=0.8, gt=0, le=30)
    # Calibrated to the chosen model (logistic regression spreads probability over 21 intents):
    # see nlu/README.md for the cross-validation behind these numbers.
    nlu_threshold: float = Field(default=0.3, ge=0, le=1)
    nlu_ambiguity: float = Field(default=0.05, ge=0, le=1)

    # Web
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    public_url: str | None = None
    # App processes `bot.py run` starts behind HTTP_PORT (SO_REUSEPORT; webhook mode when > 1);
    # 0 = one per CPU core. Compose and Kubernetes run one per container and scale containers.
    app_processes: int = Field(default=1, ge=0, le=256)
    # /metrics: with a token, only `Authorization: Bearer <token>` reads it; without, only loopback.
    metrics_token: SecretStr | None = None
    # The event loop of `bot.py run` and `bot.py worker` (README "Chat at Telegram's limits" has both measured)
    event_loop: EventLoop = EventLoop.UVLOOP

    # Files and logs
    data_dir: Path = Path("data")
    log_level: LogLevel = LogLevel.INFO
    log_format: LogFormat = LogFormat.AUTO

    # Citizen services
    sms_gateway_url: str | None = None
    sms_gateway_token: SecretStr | None = None
    # Load the synthetic demo data set on first start; unset means: only into an embedded database.
    demo_data: bool | None = None

    # Sandbox flood limits (Telegram's by default)
    sandbox_chat_rate: float = Field(default=1.0, gt=0)
    sandbox_global_rate: float = Field(default=30.0, gt=0)
    sandbox_group_per_minute: int = Field(default=20, gt=0)
    # With APP_PROCESSES > 1 the sandbox runs as a process of its own on this port
    # (unset: HTTP_PORT + 1; 0: any free port); with one process it is mounted at /sandbox.
    sandbox_port: int | None = Field(default=None, ge=0, le=65535)
    # Keep the sandbox's citizens, chats, files and SMS in DATA_DIR/sandbox across restarts
    # (user and update ids always continue there); false: they live in memory only.
    sandbox_persist: bool = True

    # Conversations: a form (binding, complaint...) abandoned this long expires
    form_ttl: int = Field(default=30 * 60, ge=1)

    # The Telegram Mini App (miniapp/, served at /app/ of PUBLIC_URL): how old a launch's signed
    # initData may be (Telegram signs auth_date; aiogram does not check its age), the largest
    # photo a report may carry, and how long an e-license verification code is valid (the chat's
    # card and the Mini App's QR code alike).
    miniapp_init_data_ttl: int = Field(default=3600, ge=10, le=7 * 24 * 3600)
    miniapp_photo_max_bytes: int = Field(default=5 * 1024 * 1024, ge=16 * 1024, le=20 * 1024 * 1024)
    elicense_code_ttl: int = Field(default=60, ge=5, le=600)

    # Study to reduce points (学法减分, actions/points_study.py). Defaults from the Ministry of Public
    # Security's 道路交通安全违法行为记分管理办法 (Order No. 163, arts. 24-26: at most 6 points a cycle,
    # 1 point per online study passed with its exam) and the 12123 app's 学法减分 exam (pass at 90 %).
    points_study_max_per_cycle: int = Field(default=6, ge=0, le=12)
    points_study_points_per_pass: int = Field(default=1, ge=1, le=12)
    points_study_questions: int = Field(default=10, ge=1, le=20)
    points_study_pass_mark: int = Field(default=9, ge=1, le=20)  # correct answers needed out of the questions

    # Move my car (一键挪车, actions/move_car.py): requests a citizen may make per calendar month
    # (LOCAL_TZ), seconds before the owner may be notified again, and abuse reports by owners after
    # which a requester is blocked from the service (staff lift it in the console).
    move_car_per_month: int = Field(default=5, ge=1, le=100)
    move_car_renotify_after: int = Field(default=600, ge=10, le=24 * 3600)
    move_car_block_after: int = Field(default=3, ge=1, le=100)

    # Fine payment (actions/payments/): Telegram Payments' provider token (from @BotFather's
    # Payments; unset: the sandbox's, or no Telegram payments outside the sandbox), the bureau's
    # payment gateway (unset URL: the sandbox's gateway, or none outside the sandbox), its
    # merchant id and HMAC key, how long an order may wait to be paid before it is reconciled
    # (asked at the gateway, then expired), how far a notification's timestamp may be from now
    # (replay window), and how often the periodic job reconciles.
    payment_provider_token: SecretStr | None = None
    payment_gateway_url: str | None = None
    payment_gateway_merchant_id: str = "traffic-bureau"
    payment_gateway_secret: SecretStr | None = None
    payment_order_ttl: int = Field(default=15 * 60, ge=30, le=24 * 3600)
    payment_notify_window: int = Field(default=5 * 60, ge=10, le=3600)
    payment_reconcile_interval: int = Field(default=60, ge=5, le=3600)

    # Complaint dispatch and deadlines (actions/dispatch.py): per topic, hours to respond and to
    # resolve ("topic=respond/resolve,..."; a topic left out: 24/168); how long before a deadline
    # a complaint is flagged as nearing it (seconds); how often the push workers check deadlines.
    complaint_deadlines: str = DEFAULT_COMPLAINT_DEADLINES
    complaint_deadline_warning: int = Field(default=6 * 3600, ge=60, le=7 * 24 * 3600)
    complaint_deadline_check_interval: int = Field(default=300, ge=5, le=24 * 3600)

    # Abuse protection
    throttle_messages: int = Field(default=20, gt=0)
    throttle_window: float = Field(default=10.0, gt=0)

    # Back-office, push and staff (later issues read these)
    events_api_keys: Annotated[dict[str, SecretStr], NoDecode] = Field(default_factory=dict)
    # Largest body POST /api/v1/events reads (bytes; refused with 413 before the signature is checked)
    events_max_body: int = Field(default=4 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    push_rate: float = Field(default=30.0, gt=0, le=1000)
    # Push pipeline (issue 5): PUSH_RATE is the global send rate of all workers together; above
    # Telegram's 30/s it needs PUSH_PAID_BROADCAST (allow_paid_broadcast, up to 1,000/s, paid).
    push_paid_broadcast: bool = False
    push_inprocess_worker: bool = True  # `bot.py run` / create_app runs one worker itself
    push_concurrency: int = Field(default=0, ge=0, le=1000)  # sends in flight per worker; 0 = from the rate
    push_claim_timeout: float = Field(default=60.0, gt=0)  # a crashed worker's entries are claimed after this
    push_sweep_interval: float = Field(default=5.0, gt=0)  # outbox -> stream relay and recovery sweep
    push_max_attempts: int = Field(default=6, ge=1)  # 5xx / network errors, then dead letter
    push_backoff_base: float = Field(default=2.0, gt=0)  # seconds, doubled per attempt, with jitter
    push_backoff_cap: float = Field(default=600.0, gt=0)
    push_chat_interval: float = Field(default=1.0, gt=0)  # at most one message per second per chat
    push_group_per_minute: int = Field(default=20, gt=0)
    # The outgoing scheduler (issue 10): every message the bot sends shares PUSH_RATE; replies go
    # first, pushes keep PUSH_SHARE of it while they wait. Above Telegram's free 30/s (paid
    # broadcasts) only the overflow is paid, PUSH_PAID_COST Telegram Stars a message.
    push_share: float = Field(default=0.1, ge=0, le=0.5)
    push_paid_cost: float = Field(default=0.1, ge=0)
    reply_typing_after: float = Field(default=2.0, gt=0)  # a reply waiting longer shows "typing..."
    reply_notice_after: float = Field(default=6.0, gt=0)  # ... and, once, "many people are asking"
    reply_max_wait: float = Field(default=900.0, gt=0)  # then it is dead-lettered (bot.py outbox)
    push_reminders: bool = True  # the daily reminders run in the workers
    staff_session_secret: SecretStr | None = None

    # Staff handoff (issue 6): when people answer (LOCAL_TZ, "HH:MM-HH:MM"; "00:00-24:00" = always),
    # how long a citizen waits before being offered to leave a message, the first-response target
    # the supervisor view warns about, and the console's sign-in lock-out and session lifetime.
    staff_hours: str = "08:00-20:00"
    handoff_max_wait: int = Field(default=10 * 60, ge=1)
    handoff_first_response_target: int = Field(default=2 * 60, ge=1)
    # Issue 17: a chat with a person with no message either way for HANDOFF_IDLE_TIMEOUT seconds
    # goes back to the bot (0: never); auto-assignment (off by default) hands waiting citizens
    # round robin to the agents online, at most HANDOFF_AGENT_CAPACITY conversations each.
    handoff_idle_timeout: int = Field(default=15 * 60, ge=0)
    handoff_auto_assign: bool = False
    handoff_agent_capacity: int = Field(default=3, ge=1, le=100)
    # Issue 15: reports from anyone (linked, a phone verified by a code, or anonymous): at most
    # COMPLAINT_REPORTS_PER_ACCOUNT reports per Telegram account and COMPLAINT_REPORTS_PER_PHONE per
    # verified phone number within COMPLAINT_REPORT_WINDOW seconds (actions/complaints/reporter.py).
    complaint_reports_per_account: int = Field(default=5, ge=1)
    complaint_reports_per_phone: int = Field(default=5, ge=1)
    complaint_report_window: int = Field(default=24 * 3600, ge=60)
    # Sign-in lock-out (staff/auth.py): STAFF_MAX_FAILURES wrong passwords for one account from one
    # source address lock that pair; STAFF_ACCOUNT_MAX_FAILURES from all addresses together lock
    # the account; STAFF_ADDRESS_MAX_FAILURES from one address across all accounts (spraying)
    # refuse that address. Each counts failures less than STAFF_LOCKOUT_SECONDS apart and holds
    # the lock that long after the last one. The source address is the TCP peer, or the
    # X-Forwarded-For client when the peer is one of STAFF_TRUSTED_PROXIES (IPs or networks).
    staff_max_failures: int = Field(default=5, ge=1)
    staff_account_max_failures: int = Field(default=50, ge=1)
    staff_address_max_failures: int = Field(default=20, ge=1)
    staff_lockout_seconds: int = Field(default=15 * 60, ge=1)
    staff_trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(default_factory=list)
    staff_session_ttl: int = Field(default=8 * 3600, ge=60)

    @field_validator("complaint_deadlines")
    @classmethod
    def _complaint_deadlines(cls, value: str) -> str:
        parse_complaint_deadlines(value)  # raises ValueError on a malformed entry
        return value

    def complaint_deadline_hours(self, topic: str) -> tuple[int, int]:
        """(hours to respond, hours to resolve) for a complaint topic."""
        return parse_complaint_deadlines(self.complaint_deadlines).get(topic, DEFAULT_DEADLINE_HOURS)

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None or not v.get_secret_value():
            return None
        raw = v.get_secret_value()
        bot_id, _, rest = raw.partition(":")
        if not bot_id.isdigit() or not rest:
            raise ValueError("expected a bot token like 123456789:AAE... from @BotFather")
        return v

    @field_validator("payment_provider_token", "payment_gateway_secret")
    @classmethod
    def _optional_secret(cls, v: SecretStr | None) -> SecretStr | None:
        return v if v is not None and v.get_secret_value() else None

    @field_validator("telegram_api_url", "nlu_url", "public_url", "sms_gateway_url", "payment_gateway_url")
    @classmethod
    def _http_urls(cls, v: str | None) -> str | None:
        return _check_url(v, ("http", "https"), "http://127.0.0.1:8081")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, v: str | None) -> str | None:
        return _check_url(v, ("https", "http"), "https://bot.example.gov.cn/telegram/webhook")

    @field_validator("mongo_url")
    @classmethod
    def _mongo_url(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None or not v.get_secret_value():
            return None
        _check_url(v.get_secret_value(), ("mongodb", "mongodb+srv"), "mongodb://mongo:27017")
        return v

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None or not v.get_secret_value():
            return None
        _check_url(v.get_secret_value(), ("redis", "rediss", "unix"), "redis://redis:6379/0")
        return v

    @field_validator("staff_hours")
    @classmethod
    def _staff_hours(cls, v: str) -> str:
        parse_staff_hours(v)
        return v

    @field_validator("staff_trusted_proxies", mode="before")
    @classmethod
    def _trusted_proxies(cls, v: object) -> object:
        """`STAFF_TRUSTED_PROXIES=172.18.0.1,10.0.0.0/8` (empty: trust no X-Forwarded-For)."""
        if isinstance(v, str):
            return [item.strip() for item in v.split(",") if item.strip()]
        return v

    @field_validator("events_api_keys", mode="before")
    @classmethod
    def _api_keys(cls, v: object) -> object:
        """`EVENTS_API_KEYS=system1:secret1,system2:secret2`."""
        if isinstance(v, str):
            pairs: dict[str, str] = {}
            for item in filter(None, (p.strip() for p in v.split(","))):
                key_id, sep, secret = item.partition(":")
                if not sep or not key_id or not secret:
                    raise ValueError("expected comma-separated key_id:secret pairs, e.g. dmv:3f9a...,ems:77c1...")
                pairs[key_id] = secret
            return pairs
        return v

    @property
    def sandbox_mode(self) -> bool:
        """No Telegram token: the bot talks to the project's own local sandbox."""
        return self.telegram_token is None

    @property
    def bot_token(self) -> SecretStr:
        return self.telegram_token or SecretStr(SANDBOX_TOKEN)

    @property
    def payment_token(self) -> SecretStr | None:
        """Telegram Payments' provider token: PAYMENT_PROVIDER_TOKEN, the sandbox's, or None (off)."""
        if self.payment_provider_token is not None:
            return self.payment_provider_token
        return SecretStr(SANDBOX_PROVIDER_TOKEN) if self.sandbox_mode else None

    @property
    def gateway_url(self) -> str | None:
        """The bureau's payment gateway: PAYMENT_GATEWAY_URL, the sandbox's, or None (off)."""
        if self.payment_gateway_url is not None:
            return self.payment_gateway_url
        return f"{self.base_url}/sandbox/gateway" if self.sandbox_mode else None

    @property
    def gateway_secret(self) -> SecretStr | None:
        if self.payment_gateway_secret is not None:
            return self.payment_gateway_secret
        return SecretStr(SANDBOX_GATEWAY_SECRET) if self.gateway_url is not None and self.sandbox_mode else None

    @property
    def webhook_mode(self) -> bool:
        return self.webhook_url is not None

    @property
    def processes(self) -> int:
        """APP_PROCESSES resolved: 0 means one per CPU core."""
        return self.app_processes or max(1, os.cpu_count() or 1)

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.http_host in ("0.0.0.0", "::", "") else self.http_host
        return f"http://{host}:{self.http_port}"

    @property
    def miniapp_url(self) -> str | None:
        """The Mini App's address for web_app buttons and the menu button: PUBLIC_URL + /app/.
        Telegram opens only https:// Mini Apps, so without one (and outside the sandbox, which
        opens any address) there is none and the bot offers no Mini App buttons."""
        url = f"{self.base_url}/app/"
        return url if self.sandbox_mode or url.startswith("https://") else None


_SENSITIVE = frozenset(
    {
        "TELEGRAM_TOKEN",
        "WEBHOOK_SECRET",
        "MONGO_URL",
        "REDIS_URL",
        "SMS_GATEWAY_TOKEN",
        "EVENTS_API_KEYS",
        "STAFF_SESSION_SECRET",
        "PAYMENT_PROVIDER_TOKEN",
        "PAYMENT_GATEWAY_SECRET",
    }
)


def telegram_cloud(settings: Settings) -> bool:
    """The bot talks to Telegram's own servers, which deliver webhooks to https:// URLs only (a
    self-hosted Bot API server in --local mode and the sandbox also deliver to http://)."""
    if settings.sandbox_mode:
        return False
    return settings.telegram_api_url is None or settings.telegram_api_url == TELEGRAM_DEFAULT_API


def load_settings(**overrides: object) -> Settings:
    """Build settings or raise `ConfigError` with one line naming the variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "?"
            msg = str(err["msg"]).removeprefix("Value error, ")
            shown = "" if name in _SENSITIVE else f" (got {err.get('input')!r})"
            problems.append(f"{name}: {msg}{shown}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None
    if settings.webhook_url and not settings.webhook_secret:
        raise ConfigError(
            "invalid configuration: WEBHOOK_SECRET: required when WEBHOOK_URL is set (1-256 characters A-Z a-z 0-9 _ -)"
        )
    if settings.webhook_url and not settings.webhook_url.startswith("https://") and telegram_cloud(settings):
        raise ConfigError("invalid configuration: WEBHOOK_URL: Telegram delivers webhooks only to https:// URLs")
    if settings.push_rate > 30 and not settings.push_paid_broadcast:
        raise ConfigError(
            "invalid configuration: PUSH_RATE: Telegram allows at most 30 messages per second "
            "without paid broadcasts; set PUSH_PAID_BROADCAST=true for up to 1000"
        )
    if settings.points_study_pass_mark > settings.points_study_questions:
        raise ConfigError(
            "invalid configuration: POINTS_STUDY_PASS_MARK: at most POINTS_STUDY_QUESTIONS "
            f"({settings.points_study_questions}) correct answers can be asked for"
        )
    if settings.webhook_secret is not None:
        secret = settings.webhook_secret.get_secret_value()
        if not secret or len(secret) > 256 or not all(c.isalnum() or c in "_-" for c in secret):
            raise ConfigError("invalid configuration: WEBHOOK_SECRET: expected 1-256 characters A-Z a-z 0-9 _ -")
    return settings
