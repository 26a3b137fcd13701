"""Move my car (一键挪车): a form of plate, place (typed or a shared location), 1-3 photos and a
reason, a summary to submit or cancel; then the request's status and "notify again". The owner's
side is a push notification (push/render.py) whose buttons run the features below: the photos,
and the answers "coming", "not my car", "report abuse". Rules: actions/move_car.py.

Exactly once: the form's key is unique on the stored request, and every notification has a dedupe
key, so a redelivered Submit files one request and notifies once ("already submitted")."""

from __future__ import annotations

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from actions import move_car
from actions.complaints import is_done_word
from actions.move_car import MAX_PHOTOS, REPORT_PHONE, AnswerOutcome, Filed, Refusal
from bot import forms
from bot.context import Ctx, feature
from bot.guards import bound_citizen, require_citizen
from bot.ui.callbacks import GoCb, MoveCb
from bot.ui.format import local_time
from bot.ui.keyboards import buttons, main_menu
from core.i18n import Translator
from core.identifiers import explain_plate, normalize_plate
from core.typed import label_key
from storage.models import GeoPoint, MoveRequest, MoveState

FORM = "move_car"
PRESETS = ("exit", "garage", "lane")  # catalog move-reason-<preset>
PRESET_PREFIX = "preset:"


class MoveForm(StatesGroup):
    plate = State()
    place = State()
    photos = State()
    reason = State()
    confirm = State()


forms.REPLY_KEYBOARD_FORMS.add(FORM)
forms.REPLY_KEYBOARD_STATES.add(str(MoveForm.place.state))


def build_router() -> Router:
    router = Router(name="move-car")
    router.message.register(on_form_message, StateFilter(MoveForm), forms.NOT_COMMAND)
    router.callback_query.register(on_form_button, MoveCb.filter(), StateFilter(MoveForm))
    router.callback_query.register(on_stale_button, MoveCb.filter())
    return router


def reason_text(t: Translator, reason: str) -> str:
    """A stored reason as ``t``'s reader sees it (a preset in their language, typed text as typed)."""
    if reason.startswith(PRESET_PREFIX):
        return t(f"move-reason-{reason.removeprefix(PRESET_PREFIX)}")
    return reason


def place_of(t: Translator, place_text: str | None, location: GeoPoint | None) -> str:
    if place_text:
        return place_text
    if location is not None:
        return t("move-place-coordinates", lat=f"{location.lat:.5f}", lon=f"{location.lon:.5f}")
    return "-"


def cancel_row(t: Translator) -> list[tuple[str, MoveCb]]:
    return [(t("move-button-cancel"), MoveCb(action="cancel"))]


def place_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("move-button-share-location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def photos_keyboard(t: Translator, count: int) -> InlineKeyboardMarkup:
    rows = [[(t("move-button-photos-done"), MoveCb(action="photos_done"))]] if count else []
    return buttons(*rows, cancel_row(t))


def reason_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return buttons(*[[(t(f"move-reason-{p}"), MoveCb(action="reason", value=p))] for p in PRESETS], cancel_row(t))


def status_keyboard(t: Translator, request: MoveRequest) -> InlineKeyboardMarkup:
    rows = [[(t("move-button-status"), GoCb(feature="move_car_status", arg=request.id))]]
    if request.state == MoveState.NOTIFIED:
        rows.append([(t("move-button-again"), GoCb(feature="move_car_again", arg=request.id))])
    return buttons(*rows)


def status_text(t: Translator, request: MoveRequest) -> str:
    if request.state == MoveState.UNREACHABLE:
        return t("move-unreachable", plate=request.plate, phone=REPORT_PHONE)
    if request.state == MoveState.NOTIFIED:
        return t(
            "move-status-waiting", plate=request.plate, rounds=request.rounds, time=local_time(request.notified_at)
        )
    if request.state == MoveState.COMING:
        return t("move-status-coming", plate=request.plate)
    return t("move-status-not-mine", plate=request.plate, phone=REPORT_PHONE)


async def _refused(ctx: Ctx, refusal: Refusal) -> None:
    await ctx.say(f"move-refused-{refusal.value}", main_menu(ctx.t), per_month=ctx.services.settings.move_car_per_month)


@feature("move_car", title="move-menu", section="business", intents=("move_car",), order=48)
async def move_car_start(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx, resume="move_car")
    if citizen is None:
        return
    standing = await move_car.standing(ctx.services, citizen)
    if standing.refusal is not None:
        await _refused(ctx, standing.refusal)
        return
    await forms.begin(ctx, FORM, MoveForm.plate, data={"photos": []})
    await ctx.send(
        ctx.t("move-intro", left=standing.left, per_month=ctx.services.settings.move_car_per_month)
        + "\n\n"
        + ctx.t("move-ask-plate"),
        buttons(cancel_row(ctx.t)),
    )


async def _ask_photos(ctx: Ctx, count: int) -> None:
    await ctx.state.set_state(MoveForm.photos)
    await ctx.say("move-place-noted", ReplyKeyboardRemove())
    await ctx.say("move-ask-photos", photos_keyboard(ctx.t, count), max=MAX_PHOTOS)


async def _ask_reason(ctx: Ctx) -> None:
    await ctx.state.set_state(MoveForm.reason)
    await ctx.say("move-ask-reason", reason_keyboard(ctx.t))


async def _summary(ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    await ctx.state.set_state(MoveForm.confirm)
    location = data.get("location")
    text = ctx.t(
        "move-summary",
        plate=str(data.get("plate", "")),
        place=place_of(ctx.t, data.get("place"), GeoPoint(**location) if isinstance(location, dict) else None),
        photos=len(data.get("photos") or []),
        reason=reason_text(ctx.t, str(data.get("reason", ""))),
    )
    key = await forms.submission_key(ctx)
    await ctx.send(
        text, buttons([(ctx.t("move-button-submit"), MoveCb(action="submit", value=key))], cancel_row(ctx.t))
    )


def _is_location_label(ctx: Ctx, text: str) -> bool:
    return label_key(text) == label_key(ctx.t("move-button-share-location"))


async def on_form_message(message: Message, ctx: Ctx) -> None:
    current = await ctx.state.get_state()
    data = await ctx.state.get_data()
    photos: list[str] = list(data.get("photos") or [])
    text = (message.text or "").strip()
    if current == MoveForm.plate.state:
        plate = normalize_plate(text) if text else None
        if plate is None:
            await ctx.say(explain_plate(text) or "plate-error-format", buttons(cancel_row(ctx.t)))
            return
        await ctx.state.update_data(plate=plate)
        await ctx.state.set_state(MoveForm.place)
        await ctx.say("move-ask-place", place_keyboard(ctx.t), plate=plate)
    elif current == MoveForm.place.state:
        if message.location is not None:
            loc = {"lat": message.location.latitude, "lon": message.location.longitude}
            await ctx.state.update_data(location=loc, place=None)
            await _ask_photos(ctx, len(photos))
            return
        if not text or _is_location_label(ctx, text):
            await ctx.say("move-ask-place", place_keyboard(ctx.t), plate=str(data.get("plate", "")))
            return
        if (hint := move_car.explain_place(text)) is not None:
            await ctx.say(hint, place_keyboard(ctx.t), min=move_car.PLACE_MIN, max=move_car.PLACE_MAX)
            return
        await ctx.state.update_data(place=text, location=None)
        await _ask_photos(ctx, len(photos))
    elif current == MoveForm.photos.state:
        if message.photo:
            if len(photos) >= MAX_PHOTOS:
                await ctx.say("move-error-photos-max", photos_keyboard(ctx.t, len(photos)), max=MAX_PHOTOS)
                return
            photos.append(message.photo[-1].file_id)
            await ctx.state.update_data(photos=photos)
            if len(photos) >= MAX_PHOTOS:
                await _ask_reason(ctx)
                return
            await ctx.say("move-photo-kept", photos_keyboard(ctx.t, len(photos)), count=len(photos), max=MAX_PHOTOS)
            return
        if text and is_done_word(text) and photos:
            await _ask_reason(ctx)
            return
        hint = "move-error-photos-needed" if message.text is not None else "move-error-not-photo"
        await ctx.say(hint, photos_keyboard(ctx.t, len(photos)), max=MAX_PHOTOS)
    elif current == MoveForm.reason.state:
        if not text:
            await ctx.say("move-ask-reason", reason_keyboard(ctx.t))
            return
        if (hint := move_car.explain_reason(text)) is not None:
            await ctx.say(hint, reason_keyboard(ctx.t), min=move_car.REASON_MIN, max=move_car.REASON_MAX)
            return
        await ctx.state.update_data(reason=text)
        await _summary(ctx)
    else:
        await _summary(ctx)


async def on_form_button(query: CallbackQuery, callback_data: MoveCb, ctx: Ctx) -> None:
    await query.answer()
    current = await ctx.state.get_state()
    action, value = callback_data.action, callback_data.value
    if action == "cancel":
        await ctx.clear_buttons()
        if await forms.settle(ctx, "forms-cancel-submitted"):
            return
        await forms.end(ctx)
        await ctx.say("move-cancelled", ReplyKeyboardRemove())
        await ctx.say("move-cancelled-menu", main_menu(ctx.t))
    elif action == "photos_done" and current == MoveForm.photos.state:
        data = await ctx.state.get_data()
        if not data.get("photos"):
            await ctx.say("move-error-photos-needed", photos_keyboard(ctx.t, 0), max=MAX_PHOTOS)
            return
        await ctx.clear_buttons()
        await _ask_reason(ctx)
    elif action == "reason" and current == MoveForm.reason.state and value in PRESETS:
        await ctx.clear_buttons()
        await ctx.state.update_data(reason=PRESET_PREFIX + value)
        await _summary(ctx)
    elif action == "submit" and current == MoveForm.confirm.state:
        if value and value != await forms.submission_key(ctx):  # the Submit of an earlier form
            await forms.stale_submit(ctx, value, FORM)
            return
        await _submit(ctx)
    else:  # a button of another step: the form stays where it is
        await ctx.say("move-form-kept")


async def on_stale_button(query: CallbackQuery, callback_data: MoveCb, ctx: Ctx) -> None:
    await query.answer()
    if callback_data.action == "submit":
        await forms.stale_submit(ctx, callback_data.value, FORM)
    else:
        await forms.outdated(ctx)


async def _submit(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        await forms.end(ctx)
        return
    data = await ctx.state.get_data()
    key = await forms.submission_key(ctx)
    location = data.get("location")
    try:
        filed = await move_car.file(
            ctx.services,
            citizen,
            plate=str(data.get("plate", "")),
            place_text=data.get("place"),
            location=GeoPoint(**location) if isinstance(location, dict) else None,
            photos=list(data.get("photos") or []),
            reason=str(data.get("reason", "")),
            key=key,
        )
    except ValueError:  # something went missing from the form: start again
        await forms.end(ctx)
        await ctx.say("move-form-incomplete", buttons([(ctx.t("move-menu"), GoCb(feature="move_car"))]))
        return
    await ctx.clear_buttons()
    if filed.request is None:
        await forms.end(ctx)
        await _refused(ctx, filed.refusal or Refusal.QUOTA)
        return
    await _tell_filed(ctx, filed, ctx.t("forms-already-submitted") if filed.repeated else "")
    await forms.end(ctx)


async def _tell_filed(ctx: Ctx, filed: Filed, note: str = "") -> None:
    request = filed.request
    assert request is not None
    if request.state == MoveState.UNREACHABLE:
        text = ctx.t("move-unreachable", plate=request.plate, phone=REPORT_PHONE)
    else:
        minutes = max(1, ctx.services.settings.move_car_renotify_after // 60)
        text = ctx.t("move-sent", plate=request.plate, minutes=minutes)
    await ctx.send(forms.with_note(note, text), status_keyboard(ctx.t, request))


@forms.receipt(FORM)
async def move_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The request the form ``opened.key`` filed, told as filed; False if none was stored."""
    citizen = await bound_citizen(ctx)
    filed = await move_car.submitted(ctx.services, citizen, opened.key) if citizen is not None else None
    if filed is None:
        return False
    await _tell_filed(ctx, filed, note)
    return True


# --- after filing: the requester's status and "notify again"; the owner's answers and photos ------


@feature("move_car_status", title="move-button-status")
async def move_car_status(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    request = await move_car.own_request(ctx.services, citizen, ctx.arg)
    if request is None:
        await ctx.say("move-not-found", main_menu(ctx.t))
        return
    await ctx.update_message(status_text(ctx.t, request), status_keyboard(ctx.t, request))


@feature("move_car_again", title="move-button-again")
async def move_car_again(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    result = await move_car.renotify(ctx.services, citizen, ctx.arg)
    request = result.request
    if request is None:
        await ctx.say("move-not-found", main_menu(ctx.t))
        return
    if result.sent:
        await ctx.send(ctx.t("move-sent-again", plate=request.plate), status_keyboard(ctx.t, request))
    elif request.state == MoveState.NOTIFIED:
        minutes = max(1, (result.wait_seconds + 59) // 60)
        await ctx.send(ctx.t("move-again-wait", minutes=minutes), status_keyboard(ctx.t, request))
    else:
        await ctx.send(status_text(ctx.t, request), status_keyboard(ctx.t, request))


@feature("move_car_reply", title="move-button-coming")
async def move_car_reply(ctx: Ctx) -> None:
    """The owner's (or an authorised driver's) answer; ``arg`` = "<request id>.<answer>"."""
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    request_id, _, code = ctx.arg.partition(".")
    answered = await move_car.answer(ctx.services, citizen, request_id, code)
    if answered.outcome == AnswerOutcome.NOT_FOUND or answered.request is None:
        await ctx.say("move-not-found", main_menu(ctx.t))
        return
    await ctx.clear_buttons()
    request = answered.request
    if answered.outcome == AnswerOutcome.ALREADY:
        await ctx.say(
            "move-reply-already", None, plate=request.plate, answer=ctx.t(f"move-answer-{request.state.value}")
        )
        return
    await ctx.say(f"move-reply-{request.state.value.replace('_', '-')}", None, plate=request.plate)


@feature("move_car_photos", title="move-button-photos")
async def move_car_photos(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    photos = await move_car.photos_for(ctx.services, citizen, ctx.arg)
    if not photos:
        await ctx.say("move-not-found", main_menu(ctx.t))
        return
    for n, file_id in enumerate(photos, start=1):
        try:
            await ctx.bot.send_photo(ctx.chat_id, file_id, caption=ctx.t("move-photo-caption", n=n, count=len(photos)))
        except TelegramBadRequest:  # a file Telegram no longer has
            await ctx.say("move-photo-gone", None, n=n)
