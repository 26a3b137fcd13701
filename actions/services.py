"""The handles every action needs, gathered once at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

import redis.asyncio as aioredis

from actions.sms import SmsGateway
from core.config import Settings
from core.i18n import Catalog
from nlu.client import NluClient
from storage.models import LOCAL_TZ, Notification
from storage.redis import Keys
from storage.repositories import Repositories


def utcnow() -> datetime:
    return datetime.now(UTC)


class PushQueue(Protocol):
    """Hands a stored notification to the push pipeline (issue 5); None until that exists."""

    async def enqueue(self, notification: Notification) -> None: ...


@dataclass(frozen=True)
class Services:
    settings: Settings
    repos: Repositories
    redis: aioredis.Redis
    keys: Keys
    catalog: Catalog
    nlu: NluClient | None
    push: PushQueue | None = None
    # One-time codes by SMS (actions/sms.py); None when no gateway is configured.
    sms: SmsGateway | None = None
    clock: Callable[[], datetime] = field(default=utcnow)


def today_of(services: Services) -> date:
    """The bureau's local date ("today" for every rule about days)."""
    return services.clock().astimezone(LOCAL_TZ).date()
