"""Violations of the citizen's vehicles, a page at a time; the page buttons edit the message."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from actions.payments.receipt import paid_line
from actions.vehicles import accessible_plates
from actions.violations import ViolationLookup, lookup_violations
from bot.context import Ctx, feature
from bot.routers.vehicles import citizen_and_plate
from bot.ui.callbacks import GoCb, ViolationPageCb
from bot.ui.format import local_time
from bot.ui.keyboards import Button, buttons, page_row, web_app_row
from storage.models import AppealState, Citizen, ViolationStatus


def build_router() -> Router:
    router = Router(name="violations")
    router.callback_query.register(on_page, ViolationPageCb.filter())
    return router


def render_violations(ctx: Ctx, lookup: ViolationLookup) -> str:
    t, page = ctx.t, lookup.page
    plates = ", ".join(lookup.plates)
    if not lookup.plates:
        return t("violations-no-vehicles")
    if page.total == 0:
        return t("violations-none", plates=plates)
    lines: list[str] = [
        t("violations-title", plates=plates),
        t(
            "violations-totals",
            total=page.total,
            unprocessed=page.unprocessed,
            fine=page.fine_due_yuan,
            points=page.points_pending,
        ),
        t("violations-page", page=page.page + 1, pages=lookup.pages),
    ]
    first = page.page * page.page_size
    for n, v in enumerate(page.items, start=first + 1):
        lines.append("")
        lines.append(
            t(
                "violations-item",
                n=n,
                time=local_time(v.occurred_at),
                plate=v.plate,
                place=v.place.get(ctx.lang),
                behaviour=v.behaviour.get(ctx.lang),
                fine=v.fine_yuan,
                points=v.points,
                status=t(f"violations-status-{v.status.value}"),
            )
        )
        if v.appeal_pending:  # told wherever the violation is shown (actions/appeals.py)
            lines.append(t("violations-appeal-pending"))
        elif v.appeal_state == AppealState.REJECTED and v.status != ViolationStatus.PAID:
            lines.append(t("violations-appeal-rejected"))
        receipt = paid_line(t, v)  # the payment's receipt, from the violation's history
        if receipt is not None:
            lines.append(receipt)
    if page.unprocessed:
        lines.append("")
        lines.append(t("violations-next-unprocessed"))
    elif page.fine_due_yuan:
        lines.append("")
        lines.append(t("violations-next-pay"))
    return "\n".join(lines)


def violation_markup(ctx: Ctx, lookup: ViolationLookup, plate: str, all_plates: list[str]) -> InlineKeyboardMarkup:
    page = lookup.page
    nav = page_row(
        ctx.t,
        page.page,
        has_previous=lookup.has_previous,
        has_next=page.has_next,
        to_page=lambda n: ViolationPageCb(page=n, plate=plate),
        labels=("violations-button-previous", "violations-button-next"),
    )
    choices: list[Button] = []
    if len(all_plates) > 1:
        labelled = [("", ctx.t("violations-button-all")), *((p, p) for p in all_plates)]
        choices = [
            (("• " if value == plate else "") + label, ViolationPageCb(page=0, plate=value))
            for value, label in labelled
        ]
    return buttons(
        nav,
        choices,
        web_app_row(ctx.t, ctx.services.settings, "miniapp-button-violations", "violations", plate),
        [(ctx.t("payments-menu"), GoCb(feature="pay_fines"))] if page.fine_due_yuan else [],
        [
            (ctx.t("violations-button-vehicles"), GoCb(feature="vehicles")),
            (ctx.t("appeals-menu"), GoCb(feature="appeal")),
        ],
    )


async def _lookup(ctx: Ctx, citizen: Citizen, plate: str, page: int) -> tuple[ViolationLookup, list[str]] | None:
    accessible = await accessible_plates(ctx.services, citizen)
    lookup = await lookup_violations(ctx.services, citizen, plate=plate or None, page=page, accessible=accessible)
    if lookup is None:
        return None
    return lookup, accessible.all


async def show_violations(ctx: Ctx, citizen: Citizen, plate: str | None = None) -> None:
    found = await _lookup(ctx, citizen, plate or "", 0)
    if found is None:
        await ctx.say("violations-plate-unknown")
        return
    lookup, all_plates = found
    await ctx.send(render_violations(ctx, lookup), violation_markup(ctx, lookup, plate or "", all_plates))


@feature("violations", title="violations-menu", section="inquiry", intents=("violation_lookup",), order=30)
async def violations(ctx: Ctx) -> None:
    found = await citizen_and_plate(ctx, then="violations")
    if found is not None:
        await show_violations(ctx, *found)


async def on_page(query: CallbackQuery, callback_data: ViolationPageCb, ctx: Ctx) -> None:
    citizen = await ctx.services.repos.citizens.by_telegram_user(ctx.user.id)
    if citizen is None:
        await query.answer(ctx.t("button-expired"), show_alert=True)
        return
    found = await _lookup(ctx, citizen, callback_data.plate, callback_data.page)
    if found is None:
        await query.answer(ctx.t("violations-plate-unknown"), show_alert=True)
        return
    await query.answer()
    lookup, all_plates = found
    await ctx.update_message(
        render_violations(ctx, lookup), violation_markup(ctx, lookup, callback_data.plate, all_plates)
    )
