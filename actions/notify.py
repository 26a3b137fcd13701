"""Telling a citizen about something that happened elsewhere (staff decided, courier moved):
write the notification to the outbox, the source of truth; the push pipeline delivers it at
Telegram's limits, in the citizen's language, respecting their preferences and quiet hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from actions.services import Services
from core.language import Language
from storage.models import Notification, NotificationType, new_id

UNBOUND_RETENTION = timedelta(days=30)  # kept for a person who binds later


async def notify(
    services: Services,
    *,
    citizen_id_number: str | None,
    type: NotificationType,
    payload: dict[str, Any],
    urgent: bool = False,
    dedupe_key: str | None = None,
    direct_chat_id: int | None = None,
    direct_language: Language | None = None,
) -> tuple[Notification, bool]:
    """Store one notification (once per `dedupe_key`); returns it and whether it was new.

    For someone without a linked identity (a reporter who verified a phone, issue 15):
    ``citizen_id_number`` None and ``direct_chat_id`` (with ``direct_language``), the chat it goes to."""
    if citizen_id_number is None and direct_chat_id is None:
        raise ValueError("a notification needs a citizen or a chat")
    now = services.clock()
    notification = Notification(
        type=type,
        citizen_id_number=citizen_id_number,
        direct_chat_id=direct_chat_id if citizen_id_number is None else None,
        direct_language=direct_language if citizen_id_number is None else None,
        payload=payload,
        urgent=urgent,
        dedupe_key=dedupe_key or f"{type.value}:{new_id()}",
        created_at=now,
        updated_at=now,
        expires_at=now + UNBOUND_RETENTION,
    )
    stored, created = await services.repos.notifications.create(notification)
    if created and services.push is not None:
        await services.push.enqueue(stored)
    return stored, created
