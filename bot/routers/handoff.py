"""Citizen side of talking to a person (issue 6).

Reached from the menu ("consult"), the `human_handoff` intent, or the fallback's offer after two
misunderstandings. Queues the citizen (position, rough wait), lets them stop waiting, offers a
complaint or a call-back outside staff hours or after a long wait, and takes the 1-5 rating
once the person hands the conversation back. While a person has the conversation, the
middleware (bot/middlewares/handoff.py) relays everything and keeps the bot silent.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

from actions import handoff as actions
from actions.handoff import RequestOutcome
from bot.context import FEATURES, Ctx, feature
from bot.routers import handoff_callback
from bot.ui.callbacks import GoCb, MenuCb
from bot.ui.keyboards import Button, buttons, main_menu, menu_button
from messenger.citizen_link import COMPLAINT_FEATURE, HandoffCb, leave_message_keyboard, stop_keyboard


def build_router() -> Router:
    router = Router(name="handoff")
    router.callback_query.register(on_stop, HandoffCb.filter(F.action == "stop"))
    router.callback_query.register(on_rate, HandoffCb.filter(F.action == "rate"))
    router.callback_query.register(on_low_rating_reason, HandoffCb.filter(F.action == "why"))
    router.callback_query.register(on_complaint, HandoffCb.filter(F.action == "complaint"))
    handoff_callback.register(router)  # leave a message for a call back
    return router


@feature("human", title="handoff-title", section="consult", intents=("human_handoff",), order=90)
async def talk_to_person(ctx: Ctx) -> None:
    result = await actions.request_handoff(
        ctx.services,
        chat_id=ctx.chat_id,
        user_id=ctx.user.id,
        lang=ctx.lang,
        entities=ctx.entities,
        name=ctx.user.first_name,
    )
    if result.outcome == RequestOutcome.QUEUED:
        await ctx.say("handoff-queued", stop_keyboard(ctx.t), position=result.position, minutes=result.wait_minutes)
    elif result.outcome == RequestOutcome.ALREADY_WAITING:
        await ctx.say(
            "handoff-already-waiting", stop_keyboard(ctx.t), position=result.position, minutes=result.wait_minutes
        )
    elif result.outcome == RequestOutcome.WITH_AGENT:
        await ctx.say("handoff-already-with-agent")
    else:
        await ctx.say(
            "handoff-closed-hours",
            leave_message_keyboard(ctx.t, waiting=False),
            hours=ctx.services.settings.staff_hours,
        )


async def stop_waiting(ctx: Ctx) -> None:
    stopped = await actions.cancel_waiting(ctx.services, ctx.chat_id)
    await ctx.say("handoff-stopped" if stopped is not None else "handoff-not-waiting", main_menu(ctx.t))


async def on_stop(query: CallbackQuery, ctx: Ctx) -> None:
    await query.answer()
    await stop_waiting(ctx)


async def on_rate(query: CallbackQuery, callback_data: HandoffCb, ctx: Ctx) -> None:
    if not 1 <= callback_data.n <= 5:
        await query.answer(ctx.t("button-expired"), show_alert=True)
        return
    rated = await actions.rate(ctx.services, callback_data.id, ctx.chat_id, callback_data.n)
    await query.answer()
    if rated and callback_data.n <= actions.LOW_RATING:  # what went wrong? (kept for the supervisors)
        reasons = [
            [(ctx.t(f"handoff-low-{reason.replace('_', '-')}"), HandoffCb(action="why", id=callback_data.id, n=i))]
            for i, reason in enumerate(actions.LOW_RATING_REASONS)
        ]
        await ctx.say("handoff-rated-low", buttons(*reasons))
        return
    await ctx.say("handoff-rated" if rated else "handoff-rate-already", menu_button(ctx.t))


async def on_low_rating_reason(query: CallbackQuery, callback_data: HandoffCb, ctx: Ctx) -> None:
    reasons = actions.LOW_RATING_REASONS
    if callback_data.n >= len(reasons):
        await query.answer(ctx.t("button-expired"), show_alert=True)
        return
    reason = reasons[callback_data.n]
    text = ctx.t(f"handoff-low-{reason.replace('_', '-')}")
    kept = await actions.explain_low_rating(ctx.services, callback_data.id, ctx.chat_id, reason, str(text))
    await query.answer()
    await ctx.clear_buttons()
    rows: list[list[Button]] = [[(ctx.t("handoff-title"), GoCb(feature="human"))]] if "human" in FEATURES else []
    if COMPLAINT_FEATURE in FEATURES:
        rows.append([(ctx.t(FEATURES[COMPLAINT_FEATURE].title_id), GoCb(feature=COMPLAINT_FEATURE))])
    rows.append([(ctx.t("menu-title-short"), MenuCb(section="main"))])
    await ctx.say("handoff-low-noted" if kept else "handoff-rate-already", buttons(*rows))


async def on_complaint(query: CallbackQuery, ctx: Ctx) -> None:
    target = FEATURES.get(COMPLAINT_FEATURE)
    if target is None:
        await query.answer(ctx.t("button-expired"), show_alert=True)
        return
    await query.answer()
    await actions.cancel_waiting(ctx.services, ctx.chat_id)
    await target.fn(ctx)
