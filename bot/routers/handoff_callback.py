"""Leave a message for a person to call back (issue 6; the phone number checked, issue 17).

Outside staff hours, or after a long wait: the citizen writes what it is about. A linked citizen
is called at the number on file. Anyone else is asked for a mobile number, proved theirs with a
one-time code (actions/handoff/callback.py), or presses "Answer me here in the chat". The request
then waits in the staff queue; the person calls, or answers in the chat, and the citizen is told
when it is closed and how. Rules: actions/handoff.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from actions import handoff as actions
from actions.identity import CODE_TTL, CheckOutcome, SendOutcome, normalize_code
from bot import forms
from bot.context import Ctx, feature
from bot.filters import NOT_TEXT
from bot.ui.keyboards import main_menu
from core.identifiers import explain_phone, mask_phone, normalize_phone
from messenger.citizen_link import HandoffCb, callback_chat_keyboard
from storage.models import Handoff

FORM = "handoff_callback"


class CallbackForm(StatesGroup):
    message = State()
    phone = State()  # not linked: a mobile number, or "answer me here"
    code = State()  # the code sent to that number (stored masked in the transcript)


def register(router: Router) -> None:
    router.callback_query.register(on_callback_request, HandoffCb.filter(F.action == "callback"))
    router.callback_query.register(on_answer_in_chat, HandoffCb.filter(F.action == "cbchat"))
    router.message.register(on_message, StateFilter(CallbackForm.message), forms.FORM_TEXT)
    router.message.register(on_not_text, StateFilter(CallbackForm.message), NOT_TEXT)
    router.message.register(on_phone, StateFilter(CallbackForm.phone), forms.FORM_TEXT)
    router.message.register(on_code, StateFilter(CallbackForm.code), forms.FORM_TEXT)


async def on_callback_request(query: CallbackQuery, ctx: Ctx) -> None:
    await query.answer()
    await ask_for_callback(ctx)


@feature(FORM, title="handoff-callback-button")
async def ask_for_callback(ctx: Ctx) -> None:
    """Leave a message for a call back instead of waiting."""
    await actions.cancel_waiting(ctx.services, ctx.chat_id)
    await forms.begin(ctx, FORM, CallbackForm.message)
    await ctx.say("handoff-callback-ask")


async def on_message(message: Message, ctx: Ctx) -> None:
    text = (message.text or "").strip()
    phone = await actions.linked_phone(ctx.services, ctx.user.id)
    if phone is not None:  # linked: the number on file
        await file_request(ctx, text, phone, actions.PHONE_LINKED)
        return
    await ctx.state.update_data(callback_message=text)
    await ctx.state.set_state(CallbackForm.phone)
    await ctx.say("handoff-callback-ask-phone", callback_chat_keyboard(ctx.t))


async def on_not_text(message: Message, ctx: Ctx) -> None:
    await ctx.say("handoff-callback-text-only")


async def on_answer_in_chat(query: CallbackQuery, ctx: Ctx) -> None:
    await query.answer()
    opened = await forms.current(ctx)
    if opened is None or opened.form != FORM or await ctx.state.get_state() != CallbackForm.phone.state:
        await forms.outdated(ctx)
        return
    text = str((await ctx.state.get_data()).get("callback_message") or "")
    await file_request(ctx, text, None, None)


async def on_phone(message: Message, ctx: Ctx) -> None:
    raw = message.text or ""
    phone = normalize_phone(raw)
    if phone is None:
        await ctx.say(explain_phone(raw) or "phone-error-format", callback_chat_keyboard(ctx.t))
        return
    result = await actions.send_phone_code(ctx.services, user_id=ctx.user.id, phone=phone, lang=ctx.lang)
    match result.outcome:
        case SendOutcome.SENT:
            await ctx.state.set_state(CallbackForm.code)
            await ctx.say("handoff-callback-code-sent", None, phone=mask_phone(phone), minutes=CODE_TTL // 60)
        case SendOutcome.TOO_SOON:
            await ctx.say("profile-phone-too-soon", None, seconds=result.wait_seconds)
        case SendOutcome.LOCKED:
            await ctx.say("identity-locked", callback_chat_keyboard(ctx.t), minutes=result.wait_minutes)
        case SendOutcome.TOO_MANY:
            await ctx.say("identity-too-many", callback_chat_keyboard(ctx.t), minutes=result.wait_minutes)
        case _:
            await ctx.say("identity-sms-unavailable", callback_chat_keyboard(ctx.t))


async def on_code(message: Message, ctx: Ctx) -> None:
    code = normalize_code(message.text or "")
    if code is None:
        await ctx.say("identity-error-code")
        return
    check = await actions.check_phone_code(ctx.services, user_id=ctx.user.id, code=code)
    match check.outcome:
        case CheckOutcome.OK:
            text = str((await ctx.state.get_data()).get("callback_message") or "")
            await file_request(ctx, text, check.subject, actions.PHONE_VERIFIED)
        case CheckOutcome.WRONG:
            await ctx.say("identity-code-wrong", None, left=check.attempts_left)
        case CheckOutcome.LOCKED:
            await ctx.state.set_state(CallbackForm.phone)
            await ctx.say("identity-locked", callback_chat_keyboard(ctx.t), minutes=check.wait_minutes)
        case _:
            await ctx.state.set_state(CallbackForm.phone)
            await ctx.say("handoff-callback-code-expired", callback_chat_keyboard(ctx.t))


async def file_request(ctx: Ctx, text: str, phone: str | None, source: str | None) -> None:
    key = await forms.submission_key(ctx)
    earlier = await actions.callback_requested(ctx.services, ctx.chat_id, key)
    handoff = earlier or await actions.request_callback(
        ctx.services,
        chat_id=ctx.chat_id,
        user_id=ctx.user.id,
        lang=ctx.lang,
        message=text,
        key=key,
        phone=phone,
        phone_source=source,
        name=ctx.user.first_name,
    )
    # Stored durably (once per form), then told, then the form ends: a crash in between, and the
    # redelivered message finds this request and tells it again.
    await tell(ctx, handoff, ctx.t("forms-already-submitted") if earlier else "")
    await forms.end(ctx)


async def tell(ctx: Ctx, handoff: Handoff, note: str = "") -> None:
    phone = handoff.context.get("callback_phone")
    ref = actions.callback_ref(handoff)
    if phone:
        text = ctx.t("handoff-callback-done", ref=ref, phone=mask_phone(phone))
    else:
        text = ctx.t("handoff-callback-done-chat", ref=ref)
    await ctx.send(forms.with_note(note, text), main_menu(ctx.t))


@forms.receipt(FORM)
async def callback_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The call-back request the form ``opened.key`` stored, told as received; False if none."""
    handoff = await actions.callback_requested(ctx.services, ctx.chat_id, opened.key)
    if handoff is None:
        return False
    await tell(ctx, handoff, note)
    return True
