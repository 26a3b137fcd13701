"""Violations of the citizen's vehicles, a page at a time; the page buttons edit the message."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.text_decorations import html_decoration

from actions.vehicles import accessible_plates
from actions.violations import ViolationLookup, lookup_violations
from bot.callbacks import GoCb
from bot.context import Ctx, feature
from bot.routers.common import make_ctx
from bot.routers.vehicles import citizen_and_plate, fmt_local
from storage.models import Citizen

router = Router(name="violations")
quote = html_decoration.quote  # escape every stored or typed value put into HTML


class ViolationPageCb(CallbackData, prefix="vio"):
    page: int
    plate: str = ""  # "" = all of the citizen's vehicles


def render_violations(ctx: Ctx, lookup: ViolationLookup) -> str:
    t, page = ctx.t, lookup.page
    plates = ", ".join(lookup.plates)
    if not lookup.plates:
        return t("violations-no-vehicles")
    if page.total == 0:
        return t("violations-none", plates=plates)
    lines = [
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
                time=fmt_local(v.occurred_at),
                plate=v.plate,
                place=quote(v.place.get(ctx.lang)),
                behaviour=quote(v.behaviour.get(ctx.lang)),
                fine=v.fine_yuan,
                points=v.points,
                status=t(f"violations-status-{v.status.value}"),
            )
        )
    if page.unprocessed:
        lines.append("")
        lines.append(t("violations-next-unprocessed"))
    elif page.fine_due_yuan:
        lines.append("")
        lines.append(t("violations-next-pay"))
    return "\n".join(lines)


def violation_markup(ctx: Ctx, lookup: ViolationLookup, plate: str, all_plates: list[str]) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    nav: list[InlineKeyboardButton] = []
    page = lookup.page
    if lookup.has_previous:
        nav.append(
            InlineKeyboardButton(
                text=ctx.t("violations-button-previous"),
                callback_data=ViolationPageCb(page=page.page - 1, plate=plate).pack(),
            )
        )
    if page.has_next:
        nav.append(
            InlineKeyboardButton(
                text=ctx.t("violations-button-next"),
                callback_data=ViolationPageCb(page=page.page + 1, plate=plate).pack(),
            )
        )
    if nav:
        rows.append(nav)
    if len(all_plates) > 1:
        choices = [("", ctx.t("violations-button-all")), *((p, p) for p in all_plates)]
        rows.append(
            [
                InlineKeyboardButton(
                    text=("• " if value == plate else "") + label,
                    callback_data=ViolationPageCb(page=0, plate=value).pack(),
                )
                for value, label in choices
            ]
        )
    rows.append(
        [InlineKeyboardButton(text=ctx.t("violations-button-vehicles"), callback_data=GoCb(feature="vehicles").pack())]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _lookup(ctx: Ctx, citizen: Citizen, plate: str, page: int) -> tuple[ViolationLookup, list[str]] | None:
    all_plates = (await accessible_plates(ctx.services, citizen)).all
    lookup = await lookup_violations(ctx.services, citizen, plate=plate or None, page=page)
    if lookup is None:
        return None
    return lookup, all_plates


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


@router.callback_query(ViolationPageCb.filter())
async def on_page(query: CallbackQuery, callback_data: ViolationPageCb, **data: Any) -> None:
    ctx = make_ctx(query, data)
    citizen = await ctx.services.repos.citizens.by_telegram_user(ctx.user.id)
    if citizen is None or query.message is None:
        await query.answer(ctx.t("button-expired"), show_alert=True)
        return
    found = await _lookup(ctx, citizen, callback_data.plate, callback_data.page)
    if found is None:
        await query.answer(ctx.t("violations-plate-unknown"), show_alert=True)
        return
    await query.answer()
    lookup, all_plates = found
    try:
        await ctx.bot.edit_message_text(
            text=render_violations(ctx, lookup),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=violation_markup(ctx, lookup, callback_data.plate, all_plates),
        )
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc):
            raise
