"""Driver's license status: what a clerk would read out, and the next step for each status.

Next steps are data (`NextStep`: a catalog id, its arguments and the feature a button leads to),
so the Telegram layer only renders them and the rules are unit-tested here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from actions.services import Services, today_of
from core.dates import add_years
from storage.data import cities, city, office
from storage.models import DriverLicense, LicenseReason, LicenseStatus

RENEWAL_WINDOW_DAYS = 90  # renewal by mail: from 90 days before expiry (and after it)
POINTS_PER_CYCLE = 12
EXAM_HOSPITALS_COMMUNITY = 141  # seed 000: Beijing's community (township) hospitals doing driver physical exams
EXAM_HOSPITALS_LARGER = 51  # ... and hospitals at county level and above
# Hospitals that do driver physical exams and send the result online, by city: (community or
# township, county level and above). Seed 000 gives Beijing's; no other city's figures are known
# here, so for those the answers name the city without figures (issue 18: every driver was given
# Beijing's).
EXAM_HOSPITALS: dict[str, tuple[int, int]] = {"beijing": (EXAM_HOSPITALS_COMMUNITY, EXAM_HOSPITALS_LARGER)}


@dataclass(frozen=True)
class NextStep:
    """One thing to do about one status: `msg_id` with `args`, and a button to `feature`."""

    status: LicenseStatus | None  # None: the "expiring soon" step of a valid license
    msg_id: str
    args: dict[str, str | int] = field(default_factory=dict)
    feature: str | None = None


def cycle_end(lic: DriverLicense) -> date:
    """Last day of the current 12-point scoring cycle (one year from `cycle_start`)."""
    return add_years(lic.cycle_start, 1) - timedelta(days=1)


def expiring_soon(lic: DriverLicense, today: date) -> bool:
    """Within the renewal window before expiry (0 to 90 days left)."""
    return 0 <= lic.days_left(today) <= RENEWAL_WINDOW_DAYS


def can_renew_by_mail(lic: DriverLicense, today: date) -> bool:
    """Renewal by mail: within 90 days before expiry or after it, with a physical exam result
    on file, and not revoked."""
    return (
        lic.days_left(today) <= RENEWAL_WINDOW_DAYS and lic.exam_result_on_file is not None and lic.revoked_on is None
    )


# Statuses under which the license may not be used to drive (an expired one included: the
# license card says "do not drive", and so must every answer that mentions the old license).
DRIVING_BARRED = frozenset(
    {
        LicenseStatus.EXPIRED,
        LicenseStatus.SUSPENDED,
        LicenseStatus.REVOKED,
        LicenseStatus.DETAINED,
        LicenseStatus.TEMPORARILY_DETAINED,
        LicenseStatus.STOP_USE_ANNOUNCED,
    }
)


def may_drive(lic: DriverLicense, today: date) -> bool:
    """Whether the license may be used today: not expired, suspended, revoked, held or stopped."""
    return not DRIVING_BARRED.intersection(lic.statuses(today))


def exam_places(city_id: str | None, lang: str) -> dict[str, str | int]:
    """The catalog arguments that say where a driver of ``city_id`` has the physical exam:
    ``city`` (its name), ``known`` ("yes" with ``community`` and ``hospitals``, the city's figures;
    "no" when none are known here) and ``named`` ("yes" when there is a city at all)."""
    found = city(city_id) if city_id else None
    figures = EXAM_HOSPITALS.get(found.id) if found is not None else None
    return {
        "city": found.name.get(lang) if found is not None else "",
        "named": "yes" if found is not None else "no",
        "known": "yes" if figures is not None else "no",
        "community": figures[0] if figures is not None else 0,
        "hospitals": figures[1] if figures is not None else 0,
    }


def city_named_in(text: str | None) -> str | None:
    """The id of the first city of the reference data named in ``text`` (English or Chinese)."""
    if not text:
        return None
    folded = text.casefold()
    for info in cities():
        if info.name.zh in text or info.name.en.casefold() in folded:
            return info.id
    return None


def next_features(lic: DriverLicense, today: date, steps: list[NextStep], *, renewable: bool) -> list[str]:
    """The features offered as buttons under the license card: only those that lead somewhere in
    the license's status (issue 18: a suspended license was offered only the e-license, which it
    cannot have; a detained one "Renew by mail", which then refused). ``renewable``: renewal by mail
    would be accepted today (actions.applications.renewal_eligibility)."""
    names = [step.feature for step in steps if step.feature and (step.feature != "renewal" or renewable)]
    if lic.suspension is not None and today <= lic.suspension.until:
        if lic.suspension.reason == LicenseReason.POINTS_LIMIT_REACHED:
            names.append("points_study")  # study and exam to end a points suspension
        names.append("violations")  # what led to it
    if not lic.elicense_blockers(today):
        names.append("elicense_check")
    return list(dict.fromkeys(names))


def _reason(reason: LicenseReason | None) -> str:
    return reason.value if reason is not None else "unknown"


def _office_name(lic: DriverLicense, lang: str) -> str:
    found = office(lic.issuing_office)
    return found.name.get(lang) if found is not None else lic.issuing_office


def _renewal_step(status: LicenseStatus | None, lic: DriverLicense, today: date, lang: str) -> NextStep:
    base = "license-step-expired" if status == LicenseStatus.EXPIRED else "license-step-expiring"
    args: dict[str, str | int] = {
        "valid_to": lic.valid_to.isoformat(),
        "days": abs(lic.days_left(today)),
        "window": RENEWAL_WINDOW_DAYS,
    }
    if lic.exam_result_on_file is not None:
        args["exam_date"] = lic.exam_result_on_file.isoformat()
        return NextStep(status, f"{base}-renew", args, "renewal")
    args.update(exam_places(lic.issuing_city, lang))
    return NextStep(status, f"{base}-exam-first", args, "faq_exam")


def next_steps(lic: DriverLicense, today: date, lang: str = "en") -> list[NextStep]:
    """The next step for every status that applies today (and for a license expiring within 90
    days); empty for a valid license with nothing to do."""
    steps: list[NextStep] = []
    statuses = lic.statuses(today)
    office_name = _office_name(lic, lang)
    for status in statuses:
        match status:
            case LicenseStatus.VALID:
                if expiring_soon(lic, today):
                    steps.append(_renewal_step(None, lic, today, lang))
            case LicenseStatus.EXPIRED:
                if lic.revoked_on is None:
                    steps.append(_renewal_step(status, lic, today, lang))
            case LicenseStatus.SUSPENDED:
                assert lic.suspension is not None
                msg = (
                    "license-step-suspended-points"
                    if lic.suspension.reason == LicenseReason.POINTS_LIMIT_REACHED
                    else "license-step-suspended"
                )
                steps.append(
                    NextStep(
                        status,
                        msg,
                        {
                            "until": lic.suspension.until.isoformat(),
                            "since": lic.suspension.since.isoformat(),
                            "reason": _reason(lic.suspension.reason),
                            "office": office_name,
                        },
                    )
                )
            case LicenseStatus.REVOKED:
                steps.append(
                    NextStep(
                        status,
                        "license-step-revoked",
                        {
                            "since": lic.revoked_on.isoformat() if lic.revoked_on else "",
                            "reason": _reason(lic.revoked_reason),
                            "office": office_name,
                        },
                    )
                )
            case LicenseStatus.DETAINED | LicenseStatus.TEMPORARILY_DETAINED:
                held = lic.detention if status == LicenseStatus.DETAINED else lic.temporary_detention
                assert held is not None
                steps.append(
                    NextStep(
                        status,
                        f"license-step-{status.value.replace('_', '-')}",
                        {"since": held.since.isoformat(), "reason": _reason(held.reason), "office": office_name},
                    )
                )
            case LicenseStatus.EXAM_OVERDUE:
                steps.append(
                    NextStep(
                        status,
                        "license-step-exam-overdue",
                        {
                            "due": lic.next_physical_exam_due.isoformat() if lic.next_physical_exam_due else "",
                            **exam_places(lic.issuing_city, lang),
                        },
                        "faq_exam",
                    )
                )
            case LicenseStatus.PERIODIC_EXAM_OVERDUE:
                steps.append(
                    NextStep(
                        status,
                        "license-step-periodic-overdue",
                        {
                            "due": lic.next_periodic_exam_due.isoformat() if lic.next_periodic_exam_due else "",
                            "office": office_name,
                        },
                    )
                )
            case LicenseStatus.STOP_USE_ANNOUNCED:
                steps.append(
                    NextStep(
                        status,
                        "license-step-stop-use",
                        {
                            "since": lic.stop_use_announced_on.isoformat() if lic.stop_use_announced_on else "",
                            "reason": _reason(lic.stop_use_reason),
                            "office": office_name,
                        },
                    )
                )
    return steps


@dataclass(frozen=True)
class LicenseReport:
    license: DriverLicense
    today: date
    statuses: list[LicenseStatus]
    days_left: int
    points: int
    points_left: int
    cycle_start: date
    cycle_end: date
    steps: list[NextStep]
    office_name: str


def license_report(lic: DriverLicense, today: date, lang: str = "en") -> LicenseReport:
    return LicenseReport(
        license=lic,
        today=today,
        statuses=lic.statuses(today),
        days_left=lic.days_left(today),
        points=lic.points,
        points_left=max(0, POINTS_PER_CYCLE - lic.points),
        cycle_start=lic.cycle_start,
        cycle_end=cycle_end(lic),
        steps=next_steps(lic, today, lang),
        office_name=_office_name(lic, lang),
    )


async def license_status(services: Services, id_number: str, lang: str = "en") -> LicenseReport | None:
    """The status of the license of `id_number` today, or None if the person holds none."""
    lic = await services.repos.licenses.by_id_number(id_number)
    if lic is None:
        return None
    return license_report(lic, today_of(services), lang)
