"""Business handling: renew a driver's license by mail, door-to-door replacement plates.

One small form for both: (plate delivery only: vehicle, reason) -> confirm the mailing address or
change it (address, postal code) -> submit. Form data: ``flow`` ("renewal" | "plate"), ``plate``,
``reason``, ``address``, ``postal``.
"""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from actions.applications import (
    PlateBlock,
    RenewalBlock,
    RenewalCheck,
    RenewalSubmitted,
    check_plate_request,
    plate_request_submitted,
    renewal_submitted,
    start_renewal,
    submit_plate_request,
    submit_renewal,
)
from actions.licenses import may_drive
from actions.services import today_of
from bot import forms
from bot.context import Ctx, feature
from bot.guards import bound_citizen, require_citizen, require_citizen_in_form
from bot.ui.callbacks import BizCb, GoCb, MenuCb
from bot.ui.format import dashed, day, local_time
from bot.ui.keyboards import buttons, main_menu, menu_button
from core.addresses import mask_address, normalize_address, normalize_postal_code
from core.identifiers import mask_phone, normalize_plate
from storage.models import Citizen, PlateDeliveryRequest, PlateRequestReason, RegistrationStatus


class BusinessForm(StatesGroup):
    reason = State()
    confirm = State()
    address = State()
    postal = State()


def build_router() -> Router:
    router = Router(name="business")
    router.callback_query.register(on_business_button, BizCb.filter())
    router.message.register(on_address, StateFilter(BusinessForm.address), forms.FORM_TEXT)
    router.message.register(on_postal, StateFilter(BusinessForm.postal), forms.FORM_TEXT)
    router.message.register(on_button_expected, StateFilter(BusinessForm.reason), forms.FORM_TEXT)
    router.message.register(on_button_expected, StateFilter(BusinessForm.confirm), forms.FORM_TEXT)
    return router


# --- renewal ---------------------------------------------------------------------------------------


def render_renewal_blocks(ctx: Ctx, check: RenewalCheck) -> str:
    lines = [ctx.t("business-renewal-refused")]
    for block in check.blocks:
        if block == RenewalBlock.OPEN_APPLICATION:
            continue
        lines.append(
            ctx.t(
                f"business-renewal-block-{dashed(block.value)}",
                valid_to=day(check.valid_to) if check.valid_to else "",
                opens=day(check.window_opens) if check.window_opens else "",
                days=abs(check.days_left),
            )
        )
    return "\n".join(lines)


def confirm_markup(ctx: Ctx, key: str) -> InlineKeyboardMarkup:
    """Confirm (carrying the form's idempotency key ``key``), change the address, cancel."""
    return buttons(
        [(ctx.t("business-button-confirm"), BizCb(action="confirm", value=key))],
        [
            (ctx.t("business-button-change-address"), BizCb(action="change")),
            (ctx.t("business-button-cancel"), BizCb(action="cancel")),
        ],
    )


async def send_summary(ctx: Ctx, citizen: Citizen) -> None:
    form = await ctx.state.get_data()
    common = {"address": str(form["address"]), "postal": str(form["postal"]), "phone": mask_phone(citizen.phone)}
    if form.get("flow") == "renewal":
        text = ctx.t(
            "business-renewal-summary",
            license_class=str(form["license_class"]),
            valid_to=str(form["valid_to"]),
            expired="yes" if form.get("expired") else "no",
            **common,
        )
    else:
        reason = str(form["reason"])
        text = ctx.t(
            "business-plate-summary",
            plate=str(form["plate"]),
            reason=ctx.t(f"business-plate-reason-{reason}"),
            materials=ctx.t(f"business-plate-materials-{reason}"),
            **common,
        )
    await ctx.state.set_state(BusinessForm.confirm)
    await ctx.send(text, confirm_markup(ctx, await forms.submission_key(ctx)))


@feature("renewal", title="business-renewal-menu", section="business", order=10)
async def renewal(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    start = await start_renewal(ctx.services, citizen)
    if start.open_application is not None:
        app = start.open_application
        markup = None
        if app.delivery_id:
            markup = buttons([(ctx.t("business-button-follow"), GoCb(feature="delivery_view", arg=app.delivery_id))])
        await ctx.say(
            "business-renewal-open",
            markup,
            at=local_time(app.created_at),
            status=ctx.t(f"business-status-{app.status.value}"),
        )
        return
    if start.license is None:
        await ctx.say("business-renewal-no-license", menu_button(ctx.t))
        return
    if not start.check.ok:
        await ctx.send(
            render_renewal_blocks(ctx, start.check),
            buttons([(ctx.t("business-button-exam-faq"), GoCb(feature="faq_exam"))]),
        )
        return
    form = {
        "flow": "renewal",
        "address": citizen.mailing_address,
        "postal": citizen.postal_code,
        "license_class": start.license.license_class.value,
        "valid_to": day(start.license.valid_to),
        "expired": start.check.days_left < 0,
    }
    await forms.begin(ctx, "renewal", BusinessForm.confirm, data=form)
    await send_summary(ctx, citizen)


async def submit_renewal_form(ctx: Ctx, citizen: Citizen, form: dict[str, Any], key: str) -> None:
    """Apply (once per form: ``key``), tell the citizen, then end the form."""
    result = await submit_renewal(
        ctx.services, citizen, mailing_address=str(form["address"]), postal_code=str(form["postal"]), key=key
    )
    if result.application is None or result.delivery is None:
        if result.start.open_application is not None:
            await ctx.say(
                "business-renewal-open",
                None,
                at=local_time(result.start.open_application.created_at),
                status=ctx.t(f"business-status-{result.start.open_application.status.value}"),
            )
        else:
            await ctx.send(render_renewal_blocks(ctx, result.start.check))
    else:
        await _tell_renewal(ctx, result, ctx.t("forms-already-submitted") if result.repeated else "")
    await forms.end(ctx)


async def _tell_renewal(ctx: Ctx, result: RenewalSubmitted, note: str = "") -> None:
    assert result.application is not None and result.delivery is not None
    lic = result.start.license
    usable = lic is not None and may_drive(lic, today_of(ctx.services))
    text = ctx.t(
        "business-renewal-submitted",
        number=result.application.id[-8:].upper(),
        address=mask_address(result.application.mailing_address),
        usable="yes" if usable else "no",
    )
    follow = buttons(
        [(ctx.t("business-button-follow"), GoCb(feature="delivery_view", arg=result.delivery.id))],
        [(ctx.t("menu-title-short"), MenuCb(section="main"))],
    )
    await ctx.send(forms.with_note(note, text), follow)


# --- replacement plates ----------------------------------------------------------------------------


@feature("plate_delivery", title="business-plate-menu", section="business", order=20)
async def plate_delivery(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    owned = await ctx.services.repos.vehicles.by_owner(citizen.id_number)
    chosen = normalize_plate(ctx.arg) if ctx.arg else None
    if chosen is None and len(owned) == 1:
        chosen = owned[0].plate
    if chosen is not None:
        await choose_plate(ctx, citizen, chosen)
        return
    if not owned:
        await ctx.say("business-plate-no-vehicles")
        return
    await ctx.say("business-plate-pick", buttons(*[[(v.plate, BizCb(action="plate", value=v.plate))] for v in owned]))


async def choose_plate(ctx: Ctx, citizen: Citizen, plate: str) -> None:
    check = await check_plate_request(ctx.services, citizen, plate)
    if check.block is not None:
        args: dict[str, object] = {"plate": plate}
        markup = None
        if check.block == PlateBlock.NOT_NORMAL:
            status = check.registration_status or RegistrationStatus.NORMAL
            args["status"] = ctx.t(f"business-registration-{status.value}")
        if check.block == PlateBlock.OPEN_REQUEST and check.open_request is not None:
            args["at"] = local_time(check.open_request.created_at)
        if check.block == PlateBlock.DELIVERY_UNDER_WAY and check.delivery is not None:
            markup = buttons([(ctx.t("business-button-follow"), GoCb(feature="delivery_view", arg=check.delivery.id))])
        await ctx.say(f"business-plate-block-{dashed(check.block.value)}", markup, **args)
        return
    form = {"flow": "plate", "plate": plate, "address": citizen.mailing_address, "postal": citizen.postal_code}
    await forms.begin(ctx, "plate_delivery", BusinessForm.reason, arg=plate, data=form)
    await ctx.say(
        "business-plate-ask-reason",
        buttons(
            *[
                [(ctx.t(f"business-plate-reason-{r.value}"), BizCb(action="reason", value=r.value))]
                for r in PlateRequestReason
            ]
        ),
        plate=plate,
    )


async def submit_plate_form(ctx: Ctx, citizen: Citizen, form: dict[str, Any], key: str) -> None:
    """Request plates (once per form: ``key``), tell the citizen, then end the form (a refusal
    ends it first: the answer may start the form afresh)."""
    result = await submit_plate_request(
        ctx.services,
        citizen,
        plate=str(form["plate"]),
        reason=PlateRequestReason(str(form["reason"])),
        address=str(form["address"]),
        postal_code=str(form["postal"]),
        key=key,
    )
    if result.request is None:
        await forms.end(ctx)
        await choose_plate(ctx, citizen, str(form["plate"]))
        return
    await _tell_plate(ctx, result.request, citizen, ctx.t("forms-already-submitted") if result.repeated else "")
    await forms.end(ctx)


async def _tell_plate(ctx: Ctx, request: PlateDeliveryRequest, citizen: Citizen, note: str = "") -> None:
    text = ctx.t(
        "business-plate-submitted",
        number=request.id[-8:].upper(),
        plate=request.plate,
        phone=mask_phone(citizen.phone),
    )
    await ctx.send(
        forms.with_note(note, text),
        buttons(
            [(ctx.t("business-button-deliveries"), GoCb(feature="deliveries"))],
            [(ctx.t("menu-title-short"), MenuCb(section="main"))],
        ),
    )


@forms.receipt("renewal", "plate_delivery")
async def business_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The renewal or plate request the form ``opened.key`` stored (either: one key is one form),
    told as submitted; False if none was stored."""
    citizen = await bound_citizen(ctx)
    if citizen is None:
        return False
    if (renewal := await renewal_submitted(ctx.services, citizen, opened.key)) is not None:
        await _tell_renewal(ctx, renewal, note)
        return True
    if (plates := await plate_request_submitted(ctx.services, citizen, opened.key)) is not None:
        assert plates.request is not None
        await _tell_plate(ctx, plates.request, citizen, note)
        return True
    return False


# --- the shared form -------------------------------------------------------------------------------


async def on_business_button(query: CallbackQuery, callback_data: BizCb, ctx: Ctx) -> None:
    await query.answer()
    current = await ctx.state.get_state()
    ours = current is not None and current in BusinessForm.__state_names__
    if callback_data.action == "cancel" and ours:
        if await forms.settle(ctx, "forms-cancel-submitted"):  # filed already: a crash came before the end
            return
        await forms.end(ctx)
        await ctx.say("cancel-done", main_menu(ctx.t))
        return
    citizen = await require_citizen(ctx)
    if citizen is None:
        if ours:
            await forms.end(ctx)
        return
    if callback_data.action == "plate":
        plate = normalize_plate(callback_data.value)
        if plate is not None:
            await choose_plate(ctx, citizen, plate)
            return
    form = await ctx.state.get_data()
    reasons = {r.value for r in PlateRequestReason}
    if callback_data.action == "reason" and current == BusinessForm.reason.state and callback_data.value in reasons:
        await ctx.state.update_data(reason=callback_data.value)
        await send_summary(ctx, citizen)
        return
    if callback_data.action == "change" and current == BusinessForm.confirm.state:
        await ctx.state.set_state(BusinessForm.address)
        await ctx.say("business-ask-address")
        return
    if callback_data.action == "confirm" and current == BusinessForm.confirm.state:
        key = await forms.submission_key(ctx)
        if callback_data.value and callback_data.value != key:  # the Confirm of an earlier form
            await forms.stale_submit(ctx, callback_data.value, "renewal")  # (the receipt of both flows)
            return
        # Stored durably (once per form), then told, then the form ends: a crash in between, and
        # the redelivered press finds what was stored and tells it again.
        if form.get("flow") == "renewal":
            await submit_renewal_form(ctx, citizen, form, key)
        else:
            await submit_plate_form(ctx, citizen, form, key)
        return
    if callback_data.action == "confirm" and not ours:  # the form ended or was lost
        await forms.stale_submit(ctx, callback_data.value, "renewal")
        return
    await forms.outdated(ctx)


async def on_address(message: Message, ctx: Ctx) -> None:
    address = normalize_address((message.text or "")[:500])
    if address is None:
        await ctx.say("business-address-format")
        return
    await ctx.state.update_data(address=address)
    await ctx.state.set_state(BusinessForm.postal)
    await ctx.say("business-ask-postal")


async def on_postal(message: Message, ctx: Ctx) -> None:
    postal = normalize_postal_code((message.text or "")[:64])
    if postal is None:
        await ctx.say("business-postal-format")
        return
    citizen = await require_citizen_in_form(ctx)
    if citizen is None:
        return
    await ctx.state.update_data(postal=postal)
    await send_summary(ctx, citizen)


async def on_button_expected(message: Message, ctx: Ctx) -> None:
    await ctx.say("business-press-button")
