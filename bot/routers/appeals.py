"""Appealing a violation (申诉): how it works (for anyone, linked or not), choosing the violation,
then a form of reason and photos, a summary to submit or cancel. Rules: actions/appeals.py.

Exactly once: the form's key is unique on the stored appeal, so a redelivered Submit after a
crash, or Submit pressed twice, files one appeal and tells it again ("already submitted")."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from actions import appeals
from actions.appeals import MAX_PHOTOS, REASON_MAX, REASON_MIN, Filed, Refusal
from actions.complaints import is_done_word
from bot import forms
from bot.context import Ctx, feature
from bot.guards import bound_citizen, require_citizen
from bot.ui.callbacks import AppealCb, GoCb
from bot.ui.format import local_time
from bot.ui.keyboards import Button, buttons, main_menu
from core.i18n import Translator
from storage.models import Violation


class AppealForm(StatesGroup):
    reason = State()
    photos = State()
    confirm = State()


def build_router() -> Router:
    router = Router(name="appeals")
    router.message.register(on_form_message, StateFilter(AppealForm), forms.NOT_COMMAND)
    router.callback_query.register(on_form_button, AppealCb.filter(), StateFilter(AppealForm))
    router.callback_query.register(on_stale_button, AppealCb.filter())
    return router


def violation_line(t: Translator, v: Violation) -> str:
    return t(
        "appeals-violation",
        time=local_time(v.occurred_at),
        plate=v.plate,
        behaviour=v.behaviour.get(t.lang),
        place=v.place.get(t.lang),
        fine=v.fine_yuan,
        points=v.points,
    )


def how_to(t: Translator) -> str:
    """The general steps, for anyone (no identity needed to read them)."""
    return t("appeals-how", min=REASON_MIN, max=REASON_MAX, photos=MAX_PHOTOS)


@feature("appeal", title="appeals-menu", section="business", intents=("appeal_violation",), order=40)
async def appeal(ctx: Ctx) -> None:
    """Without an argument: how appeals work, and the violations to choose from; with a
    violation's id (its button): start the form."""
    citizen = await bound_citizen(ctx)
    if citizen is None:
        # How to appeal is general knowledge: answered at once; choosing the violation needs the link,
        # and this request resumes right after linking (bot/resume.py).
        await ctx.send(how_to(ctx.t))
        await require_citizen(ctx, resume="appeal", arg=ctx.arg)
        return
    if ctx.arg:
        await _start(ctx, ctx.arg)
        return
    items = await appeals.candidates(ctx.services, citizen)
    open_items = [v for v in items if not v.appeal_pending]
    lines = [how_to(ctx.t), ""]
    rows: list[list[Button]] = []
    if not items:
        lines.append(ctx.t("appeals-none"))
    else:
        lines.append(ctx.t("appeals-choose") if open_items else ctx.t("appeals-all-pending"))
        for n, v in enumerate(items, start=1):
            line = f"{n}. {violation_line(ctx.t, v)}"
            if v.appeal_pending:
                line += "\n   " + ctx.t("appeals-pending-mark")
            else:
                rows.append([(ctx.t("appeals-button-pick", n=n, plate=v.plate), GoCb(feature="appeal", arg=v.id))])
            lines.append(line)
    rows.append([(ctx.t("violations-menu"), GoCb(feature="violations"))])
    await ctx.send("\n".join(lines), buttons(*rows))


async def _refused(ctx: Ctx, refusal: Refusal | None) -> None:
    await ctx.say(
        f"appeals-refused-{(refusal or Refusal.NOT_FOUND).value.replace('_', '-')}",
        buttons([(ctx.t("appeals-menu"), GoCb(feature="appeal"))]),
    )


async def _start(ctx: Ctx, violation_id: str) -> None:
    citizen = await require_citizen(ctx, resume="appeal", arg=violation_id)
    if citizen is None:
        return
    found = await appeals.appealable(ctx.services, citizen, violation_id)
    if not found.ok or found.violation is None:
        await _refused(ctx, found.refusal)
        return
    await forms.begin(
        ctx, "appeal", AppealForm.reason, arg=violation_id, data={"violation": violation_id, "photos": []}
    )
    await ctx.clear_buttons()
    await ctx.send(
        ctx.t("appeals-chosen", violation=violation_line(ctx.t, found.violation))
        + "\n\n"
        + ctx.t("appeals-ask-reason", min=REASON_MIN, max=REASON_MAX),
        buttons([(ctx.t("appeals-button-cancel"), AppealCb(action="cancel"))]),
    )


def photos_keyboard(t: Translator, count: int) -> InlineKeyboardMarkup:
    label = "appeals-button-photos-done" if count else "appeals-button-photos-skip"
    return buttons(
        [(t(label), AppealCb(action="photos_done"))], [(t("appeals-button-cancel"), AppealCb(action="cancel"))]
    )


def summary_keyboard(t: Translator, key: str) -> InlineKeyboardMarkup:
    return buttons(
        [(t("appeals-button-submit"), AppealCb(action="submit", value=key))],
        [(t("appeals-button-cancel"), AppealCb(action="cancel"))],
    )


async def _summary(ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    citizen = await bound_citizen(ctx)
    violation = await appeals.own_violation(ctx.services, citizen, str(data.get("violation"))) if citizen else None
    if violation is None:
        await forms.end(ctx)
        await _refused(ctx, Refusal.NOT_FOUND)
        return
    await ctx.state.set_state(AppealForm.confirm)
    text = ctx.t(
        "appeals-summary",
        violation=violation_line(ctx.t, violation),
        reason=str(data.get("reason", "")),
        photos=len(data.get("photos") or []),
    )
    await ctx.send(text, summary_keyboard(ctx.t, await forms.submission_key(ctx)))


async def on_form_message(message: Message, ctx: Ctx) -> None:
    current = await ctx.state.get_state()
    data = await ctx.state.get_data()
    photos: list[str] = list(data.get("photos") or [])
    if message.photo:
        if len(photos) >= MAX_PHOTOS:
            await ctx.say("appeals-error-photos-max", photos_keyboard(ctx.t, len(photos)), max=MAX_PHOTOS)
            return
        photos.append(message.photo[-1].file_id)
        await ctx.state.update_data(photos=photos)
        if current == AppealForm.reason.state and message.caption and appeals.explain_reason(message.caption) is None:
            await ctx.state.update_data(reason=message.caption.strip())
            current = AppealForm.photos.state
            await ctx.state.set_state(AppealForm.photos)
        if current == AppealForm.photos.state:
            await ctx.say("appeals-photo-kept", photos_keyboard(ctx.t, len(photos)), count=len(photos), max=MAX_PHOTOS)
        else:
            await ctx.say("appeals-photo-kept-ask-reason", None, count=len(photos), min=REASON_MIN, max=REASON_MAX)
        return
    text = message.text
    if text is None:
        await ctx.say("appeals-form-kept")
        return
    if current == AppealForm.reason.state:
        if (hint := appeals.explain_reason(text)) is not None:
            await ctx.say(hint, None, min=REASON_MIN, max=REASON_MAX, length=len(text.strip()))
            return
        await ctx.state.update_data(reason=text.strip())
        await ctx.state.set_state(AppealForm.photos)
        await ctx.say("appeals-ask-photos", photos_keyboard(ctx.t, len(photos)), count=len(photos), max=MAX_PHOTOS)
    elif current == AppealForm.photos.state:
        if is_done_word(text):  # "done", "no photos", "没有", "完成" ...
            await _summary(ctx)
            return
        await ctx.say("appeals-error-photos", photos_keyboard(ctx.t, len(photos)), count=len(photos), max=MAX_PHOTOS)
    else:
        await _summary(ctx)


async def on_form_button(query: CallbackQuery, callback_data: AppealCb, ctx: Ctx) -> None:
    await query.answer()
    current = await ctx.state.get_state()
    action, value = callback_data.action, callback_data.value
    if action == "cancel":
        await ctx.clear_buttons()
        if await forms.settle(ctx, "forms-cancel-submitted"):
            return
        await forms.end(ctx)
        await ctx.say("appeals-cancelled", main_menu(ctx.t))
    elif action == "photos_done" and current == AppealForm.photos.state:
        await ctx.clear_buttons()
        await _summary(ctx)
    elif action == "submit" and current == AppealForm.confirm.state:
        if value and value != await forms.submission_key(ctx):  # the Submit of an earlier form
            await forms.stale_submit(ctx, value, "appeal")
            return
        await _submit(ctx)
    elif current == AppealForm.confirm.state:
        await _summary(ctx)
    else:  # a button of another step: the form stays where it is
        await ctx.clear_buttons()
        await ctx.say("appeals-form-kept")


async def on_stale_button(query: CallbackQuery, callback_data: AppealCb, ctx: Ctx) -> None:
    await query.answer()
    if callback_data.action == "submit":
        await forms.stale_submit(ctx, callback_data.value, "appeal")
    else:
        await forms.outdated(ctx)


async def _submit(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        await forms.end(ctx)
        return
    data = await ctx.state.get_data()
    key = await forms.submission_key(ctx)
    try:
        filed = await appeals.file(
            ctx.services,
            citizen,
            str(data.get("violation")),
            str(data.get("reason", "")),
            list(data.get("photos") or []),
            key=key,
            chat_id=ctx.chat_id,
            language=ctx.lang,
        )
    except ValueError:  # the reason went missing from the form: ask again
        await ctx.state.set_state(AppealForm.reason)
        await ctx.say("appeals-ask-reason", None, min=REASON_MIN, max=REASON_MAX)
        return
    # Stored durably, once per form: only now is the citizen told, and only then does the form end.
    await ctx.clear_buttons()
    if filed.appeal is None:
        await forms.end(ctx)
        await _refused(ctx, filed.refusal)
        return
    await _tell_filed(ctx, filed, ctx.t("forms-already-submitted") if filed.repeated else "")
    await forms.end(ctx)


async def _tell_filed(ctx: Ctx, filed: Filed, note: str = "") -> None:
    assert filed.appeal is not None
    text = ctx.t(
        "appeals-filed",
        violation=violation_line(ctx.t, filed.violation) if filed.violation else filed.appeal.plate,
        photos=len(filed.appeal.photos),
    )
    markup = buttons([(ctx.t("violations-menu"), GoCb(feature="violations"))])
    await ctx.send(forms.with_note(note, text), markup)


@forms.receipt("appeal")
async def appeal_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The appeal the form ``opened.key`` filed, told as filed; False if none was stored."""
    citizen = await bound_citizen(ctx)
    filed = await appeals.submitted(ctx.services, citizen, opened.key) if citizen is not None else None
    if filed is None:
        return False
    await _tell_filed(ctx, filed, note)
    return True
