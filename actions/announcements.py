"""Announcements (issue 15): a supervisor sends a bilingual message to a segment of citizens
(everyone, a city, a district, the owners of a vehicle type, the holders of a licence class).

1. **Draft**: both texts (each 1 to ``MAX_TEXT`` characters) and the segment; the draft is
   stored with its recipient count, and the console shows it as each citizen will see it.
2. **Send**: draft -> sending, once; one notification per recipient (``NotificationType.ANNOUNCEMENT``,
   deduplicated per announcement and citizen) goes to the outbox, and the push pipeline delivers
   them at Telegram's limits (the shared send scheduler), each in the citizen's language,
   respecting quiet hours and the citizen's choice (announcements can be turned off).
3. **Cancel**: a draft, or a send whose notifications have not all gone: what has not reached
   Telegram is taken out of the outbox and never sent.

Recipients: citizens with a linked, reachable Telegram chat who did not turn announcements off.
A district is the district of the mailing address (``core.dispatch.district_of``).
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from actions.notify import notify
from actions.services import Services
from core import dispatch as dispatch_rules
from core.i18n import Catalog
from core.language import Language
from core.text import clean_text
from storage.data import cities
from storage.data import dispatch as dispatch_data
from storage.models import (
    Announcement,
    AnnouncementState,
    Bilingual,
    LicenseClass,
    NotificationType,
    SegmentKind,
    VehicleType,
)

log = structlog.get_logger(__name__)

MAX_TEXT = 1000
CANCEL_CHECK_EVERY = 50  # while filling the outbox, look for a cancel this often


class AnnouncementRefused(ValueError):
    """The draft cannot be made; ``args[0]`` is the catalog message id of the reason."""


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    value: str | None = None


def choices(kind: SegmentKind) -> list[str]:
    """The values a segment of ``kind`` can take (cities, districts, types, classes)."""
    if kind == SegmentKind.CITY:
        return [c.id for c in cities()]
    if kind == SegmentKind.DISTRICT:
        return [d.id for d in dispatch_data.districts()]
    if kind == SegmentKind.VEHICLE_TYPE:
        return [v.value for v in VehicleType]
    if kind == SegmentKind.LICENSE_CLASS:
        return [c.value for c in LicenseClass]
    return []


def check_segment(kind: str, value: str | None) -> Segment:
    try:
        segment_kind = SegmentKind(kind)
    except ValueError:
        raise AnnouncementRefused("announcement-error-segment") from None
    if segment_kind == SegmentKind.EVERYONE:
        return Segment(segment_kind)
    if not value or value not in choices(segment_kind):
        raise AnnouncementRefused("announcement-error-segment")
    return Segment(segment_kind, value)


def check_text(en: str, zh: str) -> Bilingual:
    en, zh = clean_text(en).strip(), clean_text(zh).strip()
    if not en or not zh:
        raise AnnouncementRefused("announcement-error-both")
    if len(en) > MAX_TEXT or len(zh) > MAX_TEXT:
        raise AnnouncementRefused("announcement-error-long")
    return Bilingual(en=en, zh=zh)


def _district_of(address: str | None) -> str | None:
    return dispatch_rules.district_of(address, None, dispatch_data.districts(), dispatch_data.district_radius_m())


async def recipients(services: Services, segment: Segment) -> list[str]:
    """The ID numbers of the citizens ``segment`` reaches (sorted)."""
    repo = services.repos.announcements
    if segment.kind == SegmentKind.CITY:
        found = [str(d["_id"]) for d in await repo.reachable_citizens({"city": segment.value})]
    elif segment.kind == SegmentKind.DISTRICT:
        found = [
            str(d["_id"])
            for d in await repo.reachable_citizens()
            if _district_of(str(d.get("mailing_address") or "")) == segment.value
        ]
    else:
        everyone = [str(d["_id"]) for d in await repo.reachable_citizens()]
        if segment.kind == SegmentKind.VEHICLE_TYPE:
            wanted = await repo.owners_of(segment.value or "")
            found = [i for i in everyone if i in wanted]
        elif segment.kind == SegmentKind.LICENSE_CLASS:
            wanted = await repo.holders_of(segment.value or "")
            found = [i for i in everyone if i in wanted]
        else:
            found = everyone
    return sorted(set(found))


def preview(catalog: Catalog, announcement: Announcement, lang: Language) -> str:
    """The message as a citizen reading ``lang`` gets it (push/render.py renders the same)."""
    return str(catalog.text(lang, "announcement-push", text=announcement.text.get(lang)))


async def draft(services: Services, *, en: str, zh: str, kind: str, value: str | None, actor: str) -> Announcement:
    """Store a draft with its recipient count (AnnouncementRefused when it cannot be one)."""
    text = check_text(en, zh)
    segment = check_segment(kind, value)
    announcement = Announcement(
        text=text,
        segment=segment.kind,
        value=segment.value,
        created_by=actor,
        created_at=services.clock(),
        recipients=len(await recipients(services, segment)),
    )
    await services.repos.announcements.insert(announcement)
    return announcement


async def send(services: Services, announcement_id: str, actor: str) -> Announcement | None:
    """Send a draft (once): its notifications go to the outbox. None when it is not a draft."""
    current = await services.repos.announcements.by_id(announcement_id)
    if current is None or current.state != AnnouncementState.DRAFT:
        return None
    who = await recipients(services, Segment(current.segment, current.value))
    started = await services.repos.announcements.start_sending(announcement_id, actor, len(who), services.clock())
    if started is None:
        return None
    payload = {"announcement_id": started.id, "text": started.text.model_dump()}
    for n, id_number in enumerate(who):
        if n and n % CANCEL_CHECK_EVERY == 0:
            fresh = await services.repos.announcements.by_id(started.id)
            if fresh is None or fresh.state != AnnouncementState.SENDING:
                break  # cancelled while the outbox was being filled
        await notify(
            services,
            citizen_id_number=id_number,
            type=NotificationType.ANNOUNCEMENT,
            payload=payload,
            dedupe_key=f"announcement:{started.id}:{id_number}",
        )
    final = await services.repos.announcements.by_id(started.id)
    if final is not None and final.state == AnnouncementState.CANCELLED:
        # Cancelled while the outbox was being filled: take back what was added after the cancel.
        late = await services.repos.announcements.withdraw(started.id)
        await services.repos.announcements.set_withdrawn(started.id, final.withdrawn + late)
        return final
    log.info("announcement sent", announcement=started.id, segment=started.segment.value, recipients=len(who))
    return started


async def cancel(services: Services, announcement_id: str, actor: str) -> Announcement | None:
    """Cancel a draft or a send in progress: what has not reached Telegram is withdrawn. None when
    it was cancelled already (or is unknown)."""
    cancelled = await services.repos.announcements.cancel(announcement_id, actor, services.clock())
    if cancelled is None:
        return None
    withdrawn = await services.repos.announcements.withdraw(announcement_id)
    await services.repos.announcements.set_withdrawn(announcement_id, withdrawn)
    log.info("announcement cancelled", announcement=announcement_id, withdrawn=withdrawn)
    return cancelled.model_copy(update={"withdrawn": withdrawn})


async def progress(services: Services, announcement_id: str) -> dict[str, int]:
    return await services.repos.announcements.progress(announcement_id)
