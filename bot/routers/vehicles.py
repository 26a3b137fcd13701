"""Vehicle status (own vehicles and vehicles added with the engine number) and vehicle e-license
authorisations.

Asking about a plate that is not the citizen's opens the engine-number form; once the vehicle is
added, the form goes on to the feature that asked (``then``: "vehicles" or "violations"), run
again through the feature registry with the plate as its ``arg``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from actions.services import today_of
from actions.vehicles import (
    AddOutcome,
    GrantOutcome,
    GrantResult,
    PeriodError,
    VehicleStatus,
    add_vehicle,
    authorisation_submitted,
    can_access,
    current_authorisations,
    grant_authorisation,
    normalize_engine_last6,
    normalize_person_name,
    owned_vehicle,
    parse_period,
    preset_period,
    remove_added_vehicle,
    revoke_authorisation,
    vehicle_name,
    vehicle_statuses,
)
from bot import forms
from bot.context import FEATURES, Ctx, feature
from bot.guards import bound_citizen, require_citizen, require_citizen_in_form
from bot.ui.callbacks import AuthCb, GoCb
from bot.ui.format import dashed, day, local_time
from bot.ui.keyboards import Button, buttons, grid
from core.identifiers import explain_id_number, explain_plate, mask_id_number, normalize_id_number, normalize_plate
from storage.models import Citizen, Vehicle

AUTH_PRESETS: tuple[int, ...] = (7, 30, 90, 365)


class AddVehicleForm(StatesGroup):
    plate = State()
    engine = State()


class AuthForm(StatesGroup):
    grantee_id = State()
    grantee_name = State()
    period = State()
    confirm = State()


def build_router() -> Router:
    router = Router(name="vehicles")
    router.message.register(on_plate, StateFilter(AddVehicleForm.plate), forms.FORM_TEXT)
    router.message.register(on_engine, StateFilter(AddVehicleForm.engine), forms.FORM_TEXT)
    router.message.register(on_grantee_id, StateFilter(AuthForm.grantee_id), forms.FORM_TEXT)
    router.message.register(on_grantee_name, StateFilter(AuthForm.grantee_name), forms.FORM_TEXT)
    router.message.register(on_period, StateFilter(AuthForm.period), forms.FORM_TEXT)
    router.message.register(on_confirm_text, StateFilter(AuthForm.confirm), forms.FORM_TEXT)
    router.callback_query.register(on_auth_button, AuthCb.filter())
    return router


# --- vehicle status --------------------------------------------------------------------------------


def render_vehicle(ctx: Ctx, status: VehicleStatus) -> str:
    t, v = ctx.t, status.vehicle
    lines = [t("vehicles-card-head", plate=v.plate, name=vehicle_name(v, ctx.lang))]
    if not status.owned:
        lines.append(t("vehicles-card-added"))
    lines.append(t(f"vehicles-reg-{v.registration_status.value}"))
    lines.append(
        t(
            f"vehicles-insp-{status.inspection.value}",
            date=day(v.inspection_valid_until),
            days=status.inspection_days,
        )
    )
    if v.mortgage is None:
        lines.append(t("vehicles-mortgage-none"))
    else:
        lines.append(
            t(
                "vehicles-mortgage",
                lender=v.mortgage.lender.get(ctx.lang),
                date=day(v.mortgage.registered_on),
            )
        )
    if status.open_violations:
        unprocessed = min(status.unprocessed_violations, status.open_violations)
        lines.append(
            t(
                "vehicles-violations-open",
                count=status.open_violations,
                unprocessed=unprocessed,
                processed=status.open_violations - unprocessed,
            )
        )
    else:
        lines.append(t("vehicles-violations-none"))
    if not status.open_accidents:
        lines.append(t("vehicles-accidents-none"))
    for accident in status.open_accidents:
        lines.append(
            t(
                f"vehicles-accident-{accident.status.value}",
                date=local_time(accident.occurred_at),
                place=accident.place.get(ctx.lang),
            )
        )
    return "\n".join(lines)


def vehicle_buttons(ctx: Ctx, statuses: list[VehicleStatus]) -> InlineKeyboardMarkup:
    rows: list[list[Button]] = []
    for s in statuses:
        plate = s.vehicle.plate
        row: list[Button] = [(ctx.t("vehicles-button-violations", plate=plate), GoCb(feature="violations", arg=plate))]
        if s.owned:
            row.append((ctx.t("vehicles-button-auth", plate=plate), GoCb(feature="vehicle_auth", arg=plate)))
        else:
            row.append((ctx.t("vehicles-button-remove", plate=plate), GoCb(feature="vehicle_remove", arg=plate)))
        rows.append(row)
    rows.append([(ctx.t("vehicles-button-add"), GoCb(feature="vehicle_add"))])
    return buttons(*rows)


async def show_vehicles(ctx: Ctx, citizen: Citizen, plate: str | None = None) -> None:
    statuses = await vehicle_statuses(ctx.services, citizen, plate=plate)
    if not statuses:
        await ctx.say("vehicles-none", buttons([(ctx.t("vehicles-button-add"), GoCb(feature="vehicle_add"))]))
        return
    header = ctx.t("vehicles-title", count=len(statuses))
    body = "\n\n".join(render_vehicle(ctx, s) for s in statuses)
    await ctx.send(f"{header}\n\n{body}", vehicle_buttons(ctx, statuses))


def requested_plate(ctx: Ctx) -> str | None:
    """A plate the citizen named (NLU entity) or a button carried."""
    for raw in (*ctx.entities.get("plate_number", []), ctx.arg):
        if raw and (plate := normalize_plate(raw)) is not None:
            return plate
    return None


async def ask_engine_number(ctx: Ctx, plate: str, then: str) -> None:
    """Another person's (or an unknown) plate: ask for the engine number's last 6 characters (the
    form restarts as feature ``then`` for ``plate``)."""
    await forms.begin(ctx, then, AddVehicleForm.engine, arg=plate, data={"plate": plate, "then": then})
    await ctx.say("vehicles-ask-engine", None, plate=plate)


async def citizen_and_plate(ctx: Ctx, then: str) -> tuple[Citizen, str | None] | None:
    """The bound citizen and the plate they asked about (None: all their vehicles), or None when
    they must bind first or the plate is not theirs (then the engine number is asked, and the
    form goes on to ``then``)."""
    citizen = await require_citizen(ctx)
    if citizen is None:
        return None
    plate = requested_plate(ctx)
    if plate is not None and not await can_access(ctx.services, citizen, plate):
        await ask_engine_number(ctx, plate, then=then)
        return None
    return citizen, plate


@feature("vehicles", title="vehicles-menu", section="inquiry", intents=("vehicle_status",), order=20)
async def vehicles(ctx: Ctx) -> None:
    found = await citizen_and_plate(ctx, then="vehicles")
    if found is not None:
        await show_vehicles(ctx, *found)


@feature("vehicle_add", title="vehicles-button-add")
async def vehicle_add(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    await forms.begin(ctx, "vehicle_add", AddVehicleForm.plate, data={"then": "vehicles"})
    await ctx.say("vehicles-ask-plate")


@feature("vehicle_remove", title="vehicles-button-remove-title")
async def vehicle_remove(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    plate = normalize_plate(ctx.arg) if ctx.arg else None
    if plate is not None and await remove_added_vehicle(ctx.services, citizen, plate):
        await ctx.say("vehicles-removed", None, plate=plate)
    else:
        await ctx.say("vehicles-remove-unknown")
    await show_vehicles(ctx, citizen)


async def on_plate(message: Message, ctx: Ctx) -> None:
    citizen = await require_citizen_in_form(ctx)
    if citizen is None:
        return
    raw = (message.text or "")[:64]
    plate = normalize_plate(raw)
    if plate is None:
        await ctx.send(ctx.t(explain_plate(raw) or "plate-error-format") + "\n" + ctx.t("vehicles-form-hint"))
        return
    form = await ctx.state.get_data()
    if await can_access(ctx.services, citizen, plate):
        await forms.end(ctx)
        await continue_with(ctx, plate, str(form.get("then", "vehicles")))
        return
    await ask_engine_number(ctx, plate, then=str(form.get("then", "vehicles")))


async def continue_with(ctx: Ctx, plate: str, then: str) -> None:
    """Go on to the feature that asked about ``plate`` ("vehicles" or "violations")."""
    target = FEATURES.get(then, FEATURES["vehicles"])
    await target.fn(replace(ctx, arg=plate))


async def on_engine(message: Message, ctx: Ctx) -> None:
    citizen = await require_citizen_in_form(ctx)
    if citizen is None:
        return
    form = await ctx.state.get_data()
    plate = str(form.get("plate", ""))
    then = str(form.get("then", "vehicles"))
    last6 = normalize_engine_last6((message.text or "")[:64])
    if last6 is None:
        await ctx.say("vehicles-engine-format", None, plate=plate)
        return
    result = await add_vehicle(ctx.services, citizen, plate, last6)
    if result.outcome == AddOutcome.MISMATCH:
        await ctx.say("vehicles-engine-mismatch", None, plate=plate, left=result.attempts_left)
        return
    await forms.end(ctx)
    if result.outcome == AddOutcome.LOCKED:
        await ctx.say("vehicles-engine-locked", None, minutes=max(1, -(-result.retry_after_seconds // 60)))
        return
    if result.outcome == AddOutcome.LIMIT:
        await ctx.say("vehicles-added-limit")
        return
    if result.outcome == AddOutcome.ADDED:
        await ctx.say("vehicles-added", None, plate=plate)
    await continue_with(ctx, plate, then)


# --- e-license authorisations ----------------------------------------------------------------------


def render_authorisations(ctx: Ctx, vehicle: Vehicle, today: date) -> str:
    current = current_authorisations(vehicle, today)
    lines = [ctx.t("vehicles-auth-vehicle", plate=vehicle.plate, brand=vehicle.brand.get(ctx.lang), count=len(current))]
    for a in current:
        key = "vehicles-auth-item-active" if a.active_on(today) else "vehicles-auth-item-later"
        lines.append(
            ctx.t(
                key,
                name=a.grantee_name,
                id=mask_id_number(a.grantee_id_number),
                start=day(a.valid_from),
                end=day(a.valid_to),
            )
        )
    return "\n".join(lines)


async def show_authorisations(ctx: Ctx, citizen: Citizen, plate: str | None = None) -> None:
    owned = [
        v for v in await ctx.services.repos.vehicles.by_owner(citizen.id_number) if plate is None or v.plate == plate
    ]
    if not owned:
        await ctx.say("vehicles-auth-no-vehicles")
        return
    today = today_of(ctx.services)
    rows: list[list[Button]] = []
    for v in owned:
        rows.append([(ctx.t("vehicles-auth-button-new", plate=v.plate), GoCb(feature="vauth_new", arg=v.plate))])
        for a in current_authorisations(v, today):
            rows.append(
                [
                    (
                        ctx.t("vehicles-auth-button-revoke", name=a.grantee_name, plate=v.plate),
                        GoCb(feature="vauth_revoke", arg=f"{v.plate}|{a.id}"),
                    )
                ]
            )
    body = "\n\n".join(render_authorisations(ctx, v, today) for v in owned)
    await ctx.send(f"{ctx.t('vehicles-auth-title')}\n\n{body}", buttons(*rows))


@feature("vehicle_auth", title="vehicles-auth-menu", section="business", order=30)
async def vehicle_auth(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    await show_authorisations(ctx, citizen, normalize_plate(ctx.arg) if ctx.arg else None)


@feature("vauth_new", title="vehicles-auth-menu")
async def vauth_new(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    plate = normalize_plate(ctx.arg) if ctx.arg else None
    if plate is None or await owned_vehicle(ctx.services, citizen, plate) is None:
        await ctx.say("vehicles-auth-not-owner")
        return
    await forms.begin(ctx, "vauth_new", AuthForm.grantee_id, arg=plate, data={"plate": plate})
    await ctx.say("vehicles-auth-ask-id", None, plate=plate)


@feature("vauth_revoke", title="vehicles-auth-menu")
async def vauth_revoke(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    raw_plate, _, auth_id = ctx.arg.partition("|")
    plate = normalize_plate(raw_plate)
    if plate is not None and auth_id and await revoke_authorisation(ctx.services, citizen, plate, auth_id):
        await ctx.say("vehicles-auth-revoked", None, plate=plate)
    else:
        await ctx.say("vehicles-auth-revoke-unknown")
    await show_authorisations(ctx, citizen, plate)


async def on_grantee_id(message: Message, ctx: Ctx) -> None:
    citizen = await require_citizen_in_form(ctx)
    if citizen is None:
        return
    raw = (message.text or "")[:64]
    today = today_of(ctx.services)
    hint = explain_id_number(raw, today=today)
    if hint is not None:
        await ctx.send(ctx.t(hint) + "\n" + ctx.t("vehicles-form-hint"))
        return
    id_number = normalize_id_number(raw, today=today)
    if id_number == citizen.id_number:
        await ctx.say("vehicles-auth-self")
        return
    await ctx.state.update_data(grantee_id=id_number)
    await ctx.state.set_state(AuthForm.grantee_name)
    await ctx.say("vehicles-auth-ask-name")


async def on_grantee_name(message: Message, ctx: Ctx) -> None:
    name = normalize_person_name((message.text or "")[:200])
    if name is None:
        await ctx.send(ctx.t("vehicles-auth-name-format") + "\n" + ctx.t("vehicles-form-hint"))
        return
    await ctx.state.update_data(grantee_name=name)
    await ctx.state.set_state(AuthForm.period)
    today = today_of(ctx.services)
    presets: list[Button] = [
        (ctx.t("vehicles-auth-preset", days=d), AuthCb(action="days", value=str(d))) for d in AUTH_PRESETS
    ]
    await ctx.send(ctx.t("vehicles-auth-ask-period", today=day(today)), buttons(*grid(presets, 2)))


async def confirm_authorisation(ctx: Ctx, start: date, end: date) -> None:
    await ctx.state.update_data(valid_from=start.isoformat(), valid_to=end.isoformat())
    await ctx.state.set_state(AuthForm.confirm)
    form = await ctx.state.get_data()
    await ctx.send(
        ctx.t(
            "vehicles-auth-summary",
            plate=str(form["plate"]),
            name=str(form["grantee_name"]),
            id=mask_id_number(str(form["grantee_id"])),
            start=day(start),
            end=day(end),
        ),
        buttons(
            [
                (
                    ctx.t("vehicles-auth-button-confirm"),
                    AuthCb(action="confirm", value=await forms.submission_key(ctx)),
                ),
                (ctx.t("vehicles-auth-button-cancel"), AuthCb(action="cancel")),
            ]
        ),
    )


async def on_period(message: Message, ctx: Ctx) -> None:
    today = today_of(ctx.services)
    period = parse_period((message.text or "")[:200], today)
    if isinstance(period, PeriodError):
        await ctx.say(f"vehicles-auth-period-{dashed(period.value)}", None, today=day(today))
        return
    await confirm_authorisation(ctx, *period)


async def on_confirm_text(message: Message, ctx: Ctx) -> None:
    await ctx.say("vehicles-auth-press-button")


async def on_auth_button(query: CallbackQuery, callback_data: AuthCb, ctx: Ctx) -> None:
    await query.answer()
    current = await ctx.state.get_state()
    form = await ctx.state.get_data()
    if callback_data.action == "cancel" and current is not None and current in AuthForm.__state_names__:
        if await forms.settle(ctx, "forms-cancel-submitted"):  # granted already: a crash came before the end
            return
        await forms.end(ctx)
        await ctx.say("vehicles-auth-cancelled")
        return
    if callback_data.action == "days" and current == AuthForm.period.state:
        days = int(callback_data.value) if callback_data.value.isdigit() and len(callback_data.value) <= 4 else 0
        if days in AUTH_PRESETS:
            await confirm_authorisation(ctx, *preset_period(days, today_of(ctx.services)))
            return
    if callback_data.action == "confirm" and current == AuthForm.confirm.state:
        citizen = await require_citizen_in_form(ctx)
        if citizen is None:
            return
        key = await forms.submission_key(ctx)
        if callback_data.value and callback_data.value != key:  # the Confirm of an earlier form
            await forms.stale_submit(ctx, callback_data.value, "vauth_new")
            return
        result = await grant_authorisation(
            ctx.services,
            citizen,
            str(form["plate"]),
            grantee_id_number=str(form["grantee_id"]),
            grantee_name=str(form["grantee_name"]),
            valid_from=date.fromisoformat(str(form["valid_from"])),
            valid_to=date.fromisoformat(str(form["valid_to"])),
            key=key,
        )
        # Stored durably (once per form), then told, then the form ends: a crash in between, and
        # the redelivered press finds this authorisation and tells it again.
        if result.outcome == GrantOutcome.GRANTED:
            await _tell_granted(ctx, citizen, result, ctx.t("forms-already-submitted") if result.repeated else "")
        elif result.outcome == GrantOutcome.BAD_PERIOD and result.period_error is not None:
            refusal = f"vehicles-auth-period-{dashed(result.period_error.value)}"
            await ctx.say(refusal, None, today=day(today_of(ctx.services)))
        else:
            end = day(result.existing.valid_to) if result.existing is not None else ""
            await ctx.say(f"vehicles-auth-refused-{dashed(result.outcome.value)}", None, end=end)
        await forms.end(ctx)
        return
    if callback_data.action == "confirm" and (current is None or current not in AuthForm.__state_names__):
        await forms.stale_submit(ctx, callback_data.value, "vauth_new")  # the form ended or was lost
        return
    await forms.outdated(ctx)


async def _tell_granted(ctx: Ctx, citizen: Citizen, result: GrantResult, note: str = "") -> None:
    await ctx.send(forms.with_note(note, ctx.t("vehicles-auth-granted", plate=result.plate)))
    await show_authorisations(ctx, citizen, result.plate)


@forms.receipt("vauth_new")
async def authorisation_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The authorisation the form ``opened.key`` granted, told as granted; False if none was."""
    citizen = await bound_citizen(ctx)
    found = await authorisation_submitted(ctx.services, citizen, opened.key) if citizen is not None else None
    if citizen is None or found is None:
        return False
    await _tell_granted(ctx, citizen, found, note)
    return True
