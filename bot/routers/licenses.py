"""Driver's license status with the next step for each status. Rules: actions/licenses.py."""

from __future__ import annotations

from typing import Protocol

from actions.applications import renewal_eligibility
from actions.licenses import LicenseReport, license_status, next_features
from actions.points_study import reduced_in_cycle
from actions.services import today_of
from bot.context import Ctx, feature
from bot.guards import require_citizen
from bot.ui.callbacks import MenuCb
from bot.ui.format import day
from bot.ui.keyboards import buttons, feature_rows
from core.i18n import Translator
from core.identifiers import mask_id_number
from storage.models import LicenseStatus


class Explained(Protocol):
    """A next step (actions.licenses.NextStep) or a remedy (actions.elicense.Remedy)."""

    @property
    def msg_id(self) -> str: ...

    @property
    def args(self) -> dict[str, str | int]: ...


def status_label(t: Translator, status: LicenseStatus) -> str:
    return t(f"license-status-{status.value}")


def step_text(t: Translator, step: Explained) -> str:
    """A next step or remedy (`msg_id` + `args`) in words; a `reason` argument is an enum value
    named through its catalog entry `license-reason-<value>`, an `office` is escaped."""
    args: dict[str, object] = dict(step.args)
    if "reason" in args:
        args["reason"] = t(f"license-reason-{args['reason']}")
    if "office" in args:
        args["office"] = str(args["office"])
    return t(step.msg_id, **args)


def render_report(t: Translator, report: LicenseReport) -> str:
    lic = report.license
    if report.days_left >= 0:
        validity = t("license-days-left", days=report.days_left)
    else:
        validity = t("license-days-expired", days=-report.days_left)
    not_required = t("license-exam-not-required")
    lines: list[str] = [
        t("license-title"),
        t("license-line-class", license_class=lic.license_class.value, number=mask_id_number(lic.id_number)),
        t(
            "license-line-validity",
            valid_from=day(lic.valid_from),
            valid_to=day(lic.valid_to),
            left=validity,
        ),
        t("license-line-status", statuses=", ".join(status_label(t, s) for s in report.statuses)),
        t(
            "license-line-points",
            points=report.points,
            left=report.points_left,
            cycle_start=day(report.cycle_start),
            cycle_end=day(report.cycle_end),
        ),
        t(
            "license-line-physical",
            date=day(lic.next_physical_exam_due) if lic.next_physical_exam_due else not_required,
        ),
        t(
            "license-line-periodic",
            date=day(lic.next_periodic_exam_due) if lic.next_periodic_exam_due else not_required,
        ),
        t("license-line-office", office=report.office_name),
    ]
    if lic.exam_result_on_file is not None:
        lines.append(t("license-line-exam-on-file", date=day(lic.exam_result_on_file)))
    if studied := reduced_in_cycle(lic):  # 学法减分 this cycle (actions/points_study.py)
        lines.append(t("license-line-points-studied", points=studied))
    if report.steps:
        lines.append("")
        lines.append(t("license-next-steps"))
        lines.extend(f"• {step_text(t, step)}" for step in report.steps)
    elif report.statuses == [LicenseStatus.VALID]:
        lines.append("")
        lines.append(t("license-all-good"))
    return "\n".join(lines)


@feature("license", title="license-menu", section="inquiry", intents=("license_status",), order=10)
async def show_license(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    report = await license_status(ctx.services, citizen.id_number, ctx.lang)
    if report is None:
        await ctx.say("license-none", buttons([(ctx.t("menu-title-short"), MenuCb(section="main"))]))
        return
    today = today_of(ctx.services)
    renewable = renewal_eligibility(report.license, today).ok
    rows = feature_rows(ctx.t, next_features(report.license, today, report.steps, renewable=renewable))
    rows.append([(ctx.t("menu-title-short"), MenuCb(section="main"))])
    await ctx.send(render_report(ctx.t, report), buttons(*rows))
