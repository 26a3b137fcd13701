"""Daily reminders, idempotent: one notification per thing and threshold (dedupe keys), so a
second run the same day, or a run on every worker, sends nothing twice.

- driver's license expiring: 90 days before and 30 days before `valid_to` (a license first seen
  inside 30 days gets only the 30-day one);
- physical exam due within 30 days;
- vehicle inspection due within 30 days (to the owner).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import structlog

from actions.notify import notify
from actions.services import Services
from storage.models import LOCAL_TZ, NotificationType

log = structlog.get_logger(__name__)

EXPIRY_THRESHOLDS = (90, 30)  # days before valid_to
EXAM_WINDOW = 30
INSPECTION_WINDOW = 30


@dataclass
class ReminderReport:
    day: date
    created: dict[str, int] = field(default_factory=dict)
    existing: int = 0

    def count(self, kind: str, created: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        else:
            self.existing += 1


async def run_reminders(services: Services, today: date | None = None) -> ReminderReport:
    """Create today's reminders (safe to run any number of times)."""
    today = today or services.clock().astimezone(LOCAL_TZ).date()
    report = ReminderReport(day=today)
    repos = services.repos
    async for lic in repos.licenses.expiring_between(today, today + timedelta(days=max(EXPIRY_THRESHOLDS))):
        days_left = lic.days_left(today)
        threshold = min(t for t in EXPIRY_THRESHOLDS if days_left <= t)
        _, created = await notify(
            services,
            citizen_id_number=lic.id_number,
            type=NotificationType.LICENSE_EXPIRY_REMINDER,
            payload={"valid_to": lic.valid_to.isoformat(), "threshold": threshold},
            dedupe_key=f"reminder:license_expiry:{lic.id_number}:{lic.valid_to.isoformat()}:{threshold}",
        )
        report.count("license_expiry", created)
    async for lic in repos.licenses.exam_due_between(today, today + timedelta(days=EXAM_WINDOW)):
        assert lic.next_physical_exam_due is not None
        due = lic.next_physical_exam_due.isoformat()
        _, created = await notify(
            services,
            citizen_id_number=lic.id_number,
            type=NotificationType.PHYSICAL_EXAM_REMINDER,
            payload={"due": due},
            dedupe_key=f"reminder:physical_exam:{lic.id_number}:{due}",
        )
        report.count("physical_exam", created)
    async for vehicle in repos.vehicles.inspection_due_between(today, today + timedelta(days=INSPECTION_WINDOW)):
        due = vehicle.inspection_valid_until.isoformat()
        _, created = await notify(
            services,
            citizen_id_number=vehicle.owner_id_number,
            type=NotificationType.INSPECTION_REMINDER,
            payload={"plate": vehicle.plate, "due": due},
            dedupe_key=f"reminder:inspection:{vehicle.plate}:{due}",
        )
        report.count("inspection", created)
    log.info("daily reminders", day=today.isoformat(), created=report.created, existing=report.existing)
    return report


async def run_daily_once(services: Services) -> ReminderReport | None:
    """Run today's reminders if no worker has yet (a Redis marker per local day)."""
    today = services.clock().astimezone(LOCAL_TZ).date()
    key = services.keys.push_reminders(today)
    if not await services.redis.set(key, b"running", nx=True, ex=2 * 86400):
        return None
    try:
        return await run_reminders(services, today)
    except Exception:
        await services.redis.delete(key)  # let the next sweep try again
        raise
