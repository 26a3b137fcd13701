"""Telling a citizen about something that happened elsewhere (staff decided, courier moved):
write the notification to the outbox, the source of truth; the push pipeline delivers it at
Telegram's limits, in the citizen's language, respecting their preferences and quiet hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from actions.services import Services
from storage.models import Notification, NotificationType, new_id

UNBOUND_RETENTION = timedelta(days=30)  # kept for a person who binds later


async def notify(
    services: Services,
    *,
    citizen_id_number: str,
    type: NotificationType,
    payload: dict[str, Any],
    urgent: bool = False,
    dedupe_key: str | None = None,
) -> tuple[Notification, bool]:
    """Store one notification (once per `dedupe_key`); returns it and whether it was new."""
    now = services.clock()
    notification = Notification(
        type=type,
        citizen_id_number=citizen_id_number,
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
