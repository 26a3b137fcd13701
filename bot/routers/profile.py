"""Information changes: mailing address (+ postal code) and phone number (re-verified by a
code sent to the new number). Rules: actions/profile.py."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from actions import profile
from actions.identity import CODE_TTL, CheckOutcome, SendOutcome, normalize_code
from bot import forms
from bot.context import Ctx, feature
from bot.guards import require_citizen
from bot.ui.keyboards import main_menu
from core.identifiers import explain_phone, mask_phone, normalize_phone


class AddressForm(StatesGroup):
    address = State()
    postal_code = State()


class PhoneForm(StatesGroup):
    phone = State()
    code = State()


def build_router() -> Router:
    router = Router(name="profile")
    router.message.register(on_address, StateFilter(AddressForm.address), forms.FORM_TEXT)
    router.message.register(on_postal_code, StateFilter(AddressForm.postal_code), forms.FORM_TEXT)
    router.message.register(on_phone, StateFilter(PhoneForm.phone), forms.FORM_TEXT)
    router.message.register(on_phone_code, StateFilter(PhoneForm.code), forms.FORM_TEXT)
    return router


@feature("address", title="profile-menu-address", section="changes", order=20)
async def change_address(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    await forms.begin(ctx, "address", AddressForm.address)
    await ctx.say(
        "profile-address-ask",
        None,
        address=citizen.mailing_address,
        postal_code=citizen.postal_code,
    )


async def on_address(message: Message, ctx: Ctx) -> None:
    text = message.text or ""
    if (hint := profile.explain_address(text)) is not None:
        await ctx.say(hint, None, min=profile.ADDRESS_MIN, max=profile.ADDRESS_MAX)
        return
    await ctx.state.update_data(address=profile.clean_address(text))
    await ctx.state.set_state(AddressForm.postal_code)
    await ctx.say("profile-postal-ask")


async def on_postal_code(message: Message, ctx: Ctx) -> None:
    code = profile.normalize_postal_code(message.text or "")
    if code is None:
        await ctx.say("profile-error-postal")
        return
    address = str((await ctx.state.get_data()).get("address", ""))
    citizen = await require_citizen(ctx)
    await forms.end(ctx)
    if citizen is None:
        return
    await profile.change_address(ctx.services, citizen.id_number, address, code)
    await ctx.say("profile-address-saved", main_menu(ctx.t), address=address, postal_code=code)


@feature("phone", title="profile-menu-phone", section="changes", order=30)
async def change_phone(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    await forms.begin(ctx, "phone", PhoneForm.phone)
    await ctx.say("profile-phone-ask", None, phone=mask_phone(citizen.phone))


async def on_phone(message: Message, ctx: Ctx) -> None:
    raw = message.text or ""
    phone = normalize_phone(raw)
    if phone is None:
        await ctx.say(explain_phone(raw) or "phone-error-format")
        return
    citizen = await require_citizen(ctx)
    if citizen is None:
        await forms.end(ctx)
        return
    if phone == citizen.phone:
        await ctx.say("profile-phone-same")
        return
    result = await profile.start_phone_change(
        ctx.services, user_id=ctx.user.id, citizen=citizen, new_phone=phone, language=ctx.lang
    )
    match result.outcome:
        case SendOutcome.SENT:
            await ctx.state.set_state(PhoneForm.code)
            await ctx.say("profile-phone-code-sent", None, phone=mask_phone(phone), minutes=CODE_TTL // 60)
        case SendOutcome.TOO_SOON:
            await ctx.say("profile-phone-too-soon", None, seconds=result.wait_seconds)
        case SendOutcome.LOCKED:
            await forms.end(ctx)
            await ctx.say("identity-locked", None, minutes=result.wait_minutes)
        case SendOutcome.TOO_MANY:
            await forms.end(ctx)
            await ctx.say("identity-too-many", None, minutes=result.wait_minutes)
        case _:
            await forms.end(ctx)
            await ctx.say("identity-sms-unavailable", main_menu(ctx.t))


async def on_phone_code(message: Message, ctx: Ctx) -> None:
    code = normalize_code(message.text or "")
    if code is None:
        await ctx.say("identity-error-code")
        return
    citizen = await require_citizen(ctx)
    if citizen is None:
        await forms.end(ctx)
        return
    check = await profile.confirm_phone_change(
        ctx.services, user_id=ctx.user.id, id_number=citizen.id_number, code=code
    )
    match check.outcome:
        case CheckOutcome.OK:
            await forms.end(ctx)
            await ctx.say("profile-phone-saved", main_menu(ctx.t), phone=mask_phone(check.subject or ""))
        case CheckOutcome.WRONG:
            await ctx.say("identity-code-wrong", None, left=check.attempts_left)
        case CheckOutcome.LOCKED:
            await forms.end(ctx)
            await ctx.say("identity-locked", None, minutes=check.wait_minutes)
        case CheckOutcome.EXPIRED:
            await forms.end(ctx)
            await ctx.say("profile-phone-code-expired", main_menu(ctx.t))
