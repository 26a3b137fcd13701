"""Driver's license status with the next step for each status. Rules: actions/licenses.py."""

from __future__ import annotations

from typing import Protocol

from aiogram import Router
from aiogram.utils.text_decorations import html_decoration

from actions.licenses import LicenseReport, license_status
from bot.callbacks import GoCb
from bot.context import FEATURES, Ctx, feature
from bot.guards import require_citizen
from bot.keyboards import buttons
from core.i18n import Translator
from core.identifiers import mask_id_number
from storage.models import LicenseStatus

router = Router(name="licenses")


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
        args["office"] = html_decoration.quote(str(args["office"]))
    return t(step.msg_id, **args)


def feature_buttons(t: Translator, targets: list[str | None]) -> list[list[tuple[str, GoCb]]]:
    """One button per distinct registered feature (another engineer's feature may be absent)."""
    rows: list[list[tuple[str, GoCb]]] = []
    seen: set[str] = set()
    for name in targets:
        if name is None or name in seen or name not in FEATURES:
            continue
        seen.add(name)
        rows.append([(t(FEATURES[name].title_id), GoCb(feature=name))])
    return rows


def render_report(t: Translator, report: LicenseReport) -> str:
    lic = report.license
    if report.days_left >= 0:
        validity = t("license-days-left", days=report.days_left)
    else:
        validity = t("license-days-expired", days=-report.days_left)
    not_required = t("license-exam-not-required")
    lines = [
        t("license-title"),
        t("license-line-class", license_class=lic.license_class.value, number=mask_id_number(lic.id_number)),
        t(
            "license-line-validity",
            valid_from=lic.valid_from.isoformat(),
            valid_to=lic.valid_to.isoformat(),
            left=validity,
        ),
        t("license-line-status", statuses=", ".join(status_label(t, s) for s in report.statuses)),
        t(
            "license-line-points",
            points=report.points,
            left=report.points_left,
            cycle_start=report.cycle_start.isoformat(),
            cycle_end=report.cycle_end.isoformat(),
        ),
        t(
            "license-line-physical",
            date=lic.next_physical_exam_due.isoformat() if lic.next_physical_exam_due else not_required,
        ),
        t(
            "license-line-periodic",
            date=lic.next_periodic_exam_due.isoformat() if lic.next_periodic_exam_due else not_required,
        ),
        t("license-line-office", office=html_decoration.quote(report.office_name)),
    ]
    if lic.exam_result_on_file is not None:
        lines.append(t("license-line-exam-on-file", date=lic.exam_result_on_file.isoformat()))
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
        await ctx.say("license-none")
        return
    rows = feature_buttons(ctx.t, [step.feature for step in report.steps] + ["elicense_check"])
    await ctx.send(render_report(ctx.t, report), buttons(*rows) if rows else None)
