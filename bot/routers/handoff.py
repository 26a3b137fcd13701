"""Citizen side of talking to a person (issue 6).

Reached from the menu ("consult"), the `human_handoff` intent, or the fallback's offer after two
misunderstandings. Queues the citizen (position, rough wait), lets them stop waiting, offers a
complaint or a call-back outside staff hours or after a long wait, and takes the 1-5 rating
once the person hands the conversation back. While a person has the conversation, the
middleware (bot/middlewares/handoff.py) relays everything and keeps the bot silent.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from actions import handoff as actions
from actions.handoff import RequestOutcome
from bot import forms
from bot.context import FEATURES, Ctx, feature
from bot.ui.keyboards import main_menu
from core.identifiers import mask_phone
from messenger.citizen_link import COMPLAINT_FEATURE, HandoffCb, leave_message_keyboard, stop_keyboard
from storage.models import Handoff


class HandoffForm(StatesGroup):
    callback_message = State()


def build_router() -> Router:
    router = Router(name="handoff")
    router.callback_query.register(on_stop, HandoffCb.filter(F.action == "stop"))
    router.callback_query.register(on_rate, HandoffCb.filter(F.action == "rate"))
    router.callback_query.register(on_complaint, HandoffCb.filter(F.action == "complaint"))
    router.callback_query.register(on_callback_request, HandoffCb.filter(F.action == "callback"))
    router.message.register(on_callback_message, HandoffForm.callback_message, forms.FORM_TEXT)
    router.message.register(on_callback_not_text, HandoffForm.callback_message, ~F.text)
    return router


@feature("human", title="handoff-title", section="consult", intents=("human_handoff",), order=90)
async def talk_to_person(ctx: Ctx) -> None:
    result = await actions.request_handoff(
        ctx.services, chat_id=ctx.chat_id, user_id=ctx.user.id, lang=ctx.lang, entities=ctx.entities
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
    await ctx.say("handoff-rated" if rated else "handoff-rate-already", main_menu(ctx.t))


async def on_complaint(query: CallbackQuery, ctx: Ctx) -> None:
    target = FEATURES.get(COMPLAINT_FEATURE)
    if target is None:
        await query.answer(ctx.t("button-expired"), show_alert=True)
        return
    await query.answer()
    await actions.cancel_waiting(ctx.services, ctx.chat_id)
    await target.fn(ctx)


async def on_callback_request(query: CallbackQuery, ctx: Ctx) -> None:
    await query.answer()
    await ask_for_callback(ctx)


@feature("handoff_callback", title="handoff-callback-button")
async def ask_for_callback(ctx: Ctx) -> None:
    """Leave a message for a call back instead of waiting (a one-question form)."""
    await actions.cancel_waiting(ctx.services, ctx.chat_id)
    await forms.begin(ctx, "handoff_callback", HandoffForm.callback_message)
    await ctx.say("handoff-callback-ask")


async def on_callback_message(message: Message, ctx: Ctx) -> None:
    key = await forms.submission_key(ctx)
    earlier = await actions.callback_requested(ctx.services, ctx.chat_id, key)
    handoff = earlier or await actions.request_callback(
        ctx.services, chat_id=ctx.chat_id, user_id=ctx.user.id, lang=ctx.lang, message=message.text or "", key=key
    )
    # Stored durably (once per form), then told, then the form ends: a crash in between, and the
    # redelivered message finds this request and tells it again.
    await _tell_callback(ctx, handoff, ctx.t("forms-already-submitted") if earlier else "")
    await forms.end(ctx)


async def _tell_callback(ctx: Ctx, handoff: Handoff, note: str = "") -> None:
    phone = handoff.context.get("callback_phone")
    ref = handoff.id[-6:].upper()
    if phone:
        text = ctx.t("handoff-callback-done", ref=ref, phone=mask_phone(phone))
    else:
        text = ctx.t("handoff-callback-done-chat", ref=ref)
    await ctx.send(forms.with_note(note, text), main_menu(ctx.t))


@forms.receipt("handoff_callback")
async def callback_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The call-back request the form ``opened.key`` stored, told as received; False if none."""
    handoff = await actions.callback_requested(ctx.services, ctx.chat_id, opened.key)
    if handoff is None:
        return False
    await _tell_callback(ctx, handoff, note)
    return True


async def on_callback_not_text(message: Message, ctx: Ctx) -> None:
    await ctx.say("handoff-callback-text-only")
