"""Complaints in the chat: the filing form, status by ticket number, "my complaints", rating.

Features: ``complaint`` (file; intent complaint_file), ``my_complaints`` (list, or one ticket
when the NLU found a ``ticket_id``; intent complaint_status; arg = page), ``complaint_view``
(arg = ticket id), ``complaint_find`` (asks for a ticket number), ``complaint_rate`` (arg =
ticket id). The push pipeline may attach ``rating_keyboard(t, ticket_id)`` to a rating request.

The form keeps its draft in the FSM data (Redis, expires after ``settings.form_ttl``); every
answer is checked, and anything it cannot use (bad input, a sticker, a voice note, an overlong
message) is answered while the form stays where it was. Fields the citizen's opening message
already gave (topic, place, plate) are not asked again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Router, html
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from actions import complaints as actions
from actions.complaints import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_PHOTOS,
    PLACE_MAX,
    PLACE_MIN,
    RATING_COMMENT_MAX,
    ComplaintDraft,
    FormField,
    RatingOutcome,
)
from bot import forms
from bot.callbacks import GoCb, MenuCb
from bot.context import Ctx, feature
from bot.guards import require_citizen
from bot.keyboards import buttons, main_menu
from bot.routers.common import make_ctx
from core.i18n import Translator
from core.identifiers import TICKET_RE, fold_text, normalize_ticket_id
from storage.models import LOCAL_TZ, Citizen, Complaint, ComplaintStatus, ComplaintTopic, GeoPoint, Language

router = Router(name="complaints")

PAGE_SIZE = 5


class ComplaintForm(StatesGroup):
    topic = State()
    place = State()
    description = State()
    photos = State()
    confirm = State()
    edit = State()


class ComplaintLookup(StatesGroup):
    ticket = State()


class ComplaintRating(StatesGroup):
    comment = State()


class CplCb(CallbackData, prefix="cpl"):
    """Buttons of the filing form: topic, photos_done, submit, edit, field, back, cancel."""

    action: str
    value: str = ""


class RateCb(CallbackData, prefix="crate"):
    ticket: str
    stars: int


class RateSkipCb(CallbackData, prefix="crskip"):
    ticket: str


FIELD_STATES: dict[FormField, State] = {
    "topic": ComplaintForm.topic,
    "place": ComplaintForm.place,
    "description": ComplaintForm.description,
    "photos": ComplaintForm.photos,
}


# --- rendering ------------------------------------------------------------------------------------


def _dash(name: str) -> str:
    return name.replace("_", "-")


def topic_name(t: Translator, topic: ComplaintTopic) -> str:
    return t(f"complaints-topic-{_dash(topic.value)}")


def status_name(t: Translator, status: ComplaintStatus) -> str:
    return t(f"complaints-status-{_dash(status.value)}")


def local_time(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars)


def place_text(t: Translator, text: str | None, location: GeoPoint | None) -> str:
    parts = [html.quote(text)] if text else []
    if location is not None:
        parts.append(t("complaints-place-location", lat=f"{location.lat:.5f}", lon=f"{location.lon:.5f}"))
    return " · ".join(parts) if parts else t("complaints-value-none")


def topic_keyboard(t: Translator) -> InlineKeyboardMarkup:
    topics = [(topic_name(t, topic), CplCb(action="topic", value=topic.value)) for topic in ComplaintTopic]
    rows = [topics[i : i + 2] for i in range(0, len(topics), 2)]
    return buttons(*rows, [(t("complaints-button-cancel"), CplCb(action="cancel"))])


def place_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("complaints-button-share-location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=t("complaints-place-placeholder"),
    )


def photos_keyboard(t: Translator, count: int) -> InlineKeyboardMarkup:
    label = "complaints-button-photos-done" if count else "complaints-button-photos-skip"
    return buttons([(t(label), CplCb(action="photos_done"))], [(t("complaints-button-cancel"), CplCb(action="cancel"))])


def summary_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return buttons(
        [(t("complaints-button-submit"), CplCb(action="submit"))],
        [(t("complaints-button-edit"), CplCb(action="edit")), (t("complaints-button-cancel"), CplCb(action="cancel"))],
    )


def edit_keyboard(t: Translator) -> InlineKeyboardMarkup:
    fields = [(t(f"complaints-field-{f}"), CplCb(action="field", value=f)) for f in FIELD_STATES]
    return buttons(fields[:2], fields[2:], [(t("complaints-button-back-summary"), CplCb(action="back"))])


def rating_keyboard(t: Translator, ticket_id: str) -> InlineKeyboardMarkup:
    """1 to 5 stars for ``ticket_id`` (also for the push pipeline's rating request)."""
    return buttons([(t("complaints-rate-button", stars=n), RateCb(ticket=ticket_id, stars=n)) for n in range(1, 6)])


def summary_text(t: Translator, draft: ComplaintDraft) -> str:
    return t(
        "complaints-summary",
        topic=topic_name(t, draft.topic) if draft.topic else t("complaints-value-none"),
        place=place_text(t, draft.place_text, draft.location),
        plate=html.quote(draft.plate) if draft.plate else t("complaints-value-none"),
        photos=len(draft.photos),
        description=html.quote(draft.description or ""),
    )


def deadline_text(t: Translator, complaint: Complaint) -> str:
    if complaint.status == ComplaintStatus.NEW:
        return t("complaints-deadline-acknowledge", at=local_time(complaint.acknowledge_by))
    if complaint.status in (ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.IN_PROGRESS):
        return t("complaints-deadline-answer", at=local_time(complaint.answer_by))
    return t("complaints-deadline-done", at=local_time(complaint.updated_at))


def history_lines(t: Translator, complaint: Complaint) -> list[str]:
    """What the citizen may see of the history (staff's private notes are left out)."""
    lines: list[str] = []
    for event in complaint.history:
        at = local_time(event.at)
        if event.action == "created":
            lines.append(t("complaints-history-created", at=at))
        elif event.action == "status_changed" and event.status is not None:
            status = status_name(t, event.status)
            if event.text:
                lines.append(t("complaints-history-status-text", at=at, status=status, text=html.quote(event.text)))
            else:
                lines.append(t("complaints-history-status", at=at, status=status))
        elif event.action == "reply" and event.text:
            lines.append(t("complaints-history-reply", at=at, text=html.quote(event.text)))
        elif event.action == "rated" and complaint.rating is not None:
            lines.append(t("complaints-history-rated", at=at, stars=stars_text(complaint.rating)))
    return lines


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the filing form ------------------------------------------------------------------------------


async def _load(ctx: Ctx) -> ComplaintDraft:
    data = await ctx.state.get_data()
    return ComplaintDraft.model_validate(data.get("draft") or {})


async def _save(ctx: Ctx, draft: ComplaintDraft) -> None:
    await ctx.state.update_data(draft=draft.model_dump(mode="json"))


Question = tuple[str, InlineKeyboardMarkup | ReplyKeyboardMarkup | None]


def _question(t: Translator, field: FormField, draft: ComplaintDraft) -> Question:
    if field == "topic":
        return t("complaints-ask-topic"), topic_keyboard(t)
    if field == "place":
        return t("complaints-ask-place"), place_keyboard(t)
    if field == "description":
        return t("complaints-ask-description", min=DESCRIPTION_MIN, max=DESCRIPTION_MAX), None
    return t("complaints-ask-photos", count=len(draft.photos), max=MAX_PHOTOS), photos_keyboard(t, len(draft.photos))


async def _advance(ctx: Ctx, draft: ComplaintDraft, note: str = "", *, remove_keyboard: bool = False) -> None:
    """Save the draft and ask the next question (after ``note``, in one message), or show the
    summary when nothing is missing. ``remove_keyboard``: the place's reply keyboard is done with."""
    await _save(ctx, draft)
    field = draft.next_field()
    if field is None:
        await ctx.state.set_state(ComplaintForm.confirm)
        text, markup = summary_text(ctx.t, draft), summary_keyboard(ctx.t)
    else:
        await ctx.state.set_state(FIELD_STATES[field])
        text, markup = _question(ctx.t, field, draft)
    if remove_keyboard and markup is None:
        markup = ReplyKeyboardRemove()
    elif remove_keyboard:  # an inline keyboard cannot remove the reply keyboard: say the note apart
        await ctx.send(note or ctx.t("complaints-value-none"), ReplyKeyboardRemove())
        note = ""
    await ctx.send(f"{note}\n{text}" if note else text, markup)


def _capture_plate(draft: ComplaintDraft, text: str) -> bool:
    plate = actions.find_plate(text)
    if plate is not None:
        draft.plate = plate
    return plate is not None


@feature("complaint", title="complaints-menu-file", section="consult", intents=("complaint_file",), order=10)
async def start_complaint(ctx: Ctx) -> None:
    if await require_citizen(ctx) is None:
        return
    draft = actions.draft_from_opening(ctx.text, ctx.entities)
    await ctx.state.set_state(None)
    await ctx.state.set_data({})
    await forms.started(ctx, "complaint")
    known = []
    if draft.topic is not None:
        known.append(ctx.t("complaints-known-topic", topic=topic_name(ctx.t, draft.topic)))
    if draft.place_text:
        known.append(ctx.t("complaints-known-place", place=html.quote(draft.place_text)))
    if draft.plate:
        known.append(ctx.t("complaints-known-plate", plate=html.quote(draft.plate)))
    await _advance(ctx, draft, ctx.t("complaints-intro", known="\n".join(known)).strip())


@router.message(StateFilter(ComplaintForm))
async def on_form_message(message: Message, **data: Any) -> None:
    ctx = make_ctx(message, data)
    draft = await _load(ctx)
    current = await ctx.state.get_state()
    if message.location is not None:
        draft.location = GeoPoint(lat=message.location.latitude, lon=message.location.longitude)
        if draft.editing == "place":
            draft.editing = None
        await _advance(
            ctx,
            draft,
            ctx.t("complaints-place-noted", place=place_text(ctx.t, draft.place_text, draft.location)),
            remove_keyboard=current == ComplaintForm.place.state,
        )
    elif message.photo:
        await _on_photo(ctx, draft, current, message)
    elif message.text is not None:
        await _on_text(ctx, draft, current, message.text)
    else:
        kind = getattr(message.content_type, "value", str(message.content_type))
        await _reask(ctx, draft, current, ctx.t("complaints-form-kept", kind=kind))


async def _reask(ctx: Ctx, draft: ComplaintDraft, current: str | None, note: str) -> None:
    """Answer ``note`` and ask the current question again: the form stays where it was."""
    if current == ComplaintForm.edit.state:
        await _save(ctx, draft)
        await ctx.send(f"{note}\n{ctx.t('complaints-edit-choose')}", edit_keyboard(ctx.t))
    else:
        await _advance(ctx, draft, note)


async def _on_photo(ctx: Ctx, draft: ComplaintDraft, current: str | None, message: Message) -> None:
    assert message.photo
    if not draft.add_photo(message.photo[-1].file_id):
        await _reask(ctx, draft, current, ctx.t("complaints-error-photos-max", max=MAX_PHOTOS))
        return
    caption = message.caption or ""
    if caption:
        _capture_plate(draft, caption)
        if draft.description is None and actions.check_description(caption) is None:
            draft.description = caption.strip()
    if current == ComplaintForm.photos.state:
        await _advance(ctx, draft)  # the question counts the photos
    else:
        await _reask(ctx, draft, current, ctx.t("complaints-photo-kept", count=len(draft.photos), max=MAX_PHOTOS))


async def _on_text(ctx: Ctx, draft: ComplaintDraft, current: str | None, text: str) -> None:
    t = ctx.t
    if current == ComplaintForm.topic.state:
        _capture_plate(draft, text)
        if not draft.has_place and (place := actions.guess_place(text)) is not None:
            draft.place_text = place
        topic = actions.guess_topic(text)
        if topic is None:
            await _save(ctx, draft)
            await ctx.say("complaints-error-topic", topic_keyboard(t))
            return
        draft.topic = topic
        if draft.editing == "topic":
            draft.editing = None
        await _advance(ctx, draft, t("complaints-topic-chosen", topic=topic_name(t, topic)))
    elif current == ComplaintForm.place.state:
        had_plate = _capture_plate(draft, text)
        place = actions.place_beside_plate(text) if had_plate else text.strip()
        if (hint := actions.check_place(place)) is not None:
            await _save(ctx, draft)
            if had_plate and len(place) < PLACE_MIN:
                await ctx.say("complaints-plate-noted-ask-place", None, plate=html.quote(draft.plate or ""))
            else:
                await ctx.say(hint, None, min=PLACE_MIN, max=PLACE_MAX, length=len(place))
            return
        draft.place_text = place
        if draft.editing == "place":
            draft.editing = None
        await _advance(
            ctx,
            draft,
            t("complaints-place-noted", place=place_text(t, draft.place_text, draft.location)),
            remove_keyboard=True,
        )
    elif current == ComplaintForm.description.state:
        if (hint := actions.check_description(text)) is not None:
            await ctx.say(hint, None, min=DESCRIPTION_MIN, max=DESCRIPTION_MAX, length=len(text.strip()))
            return
        _capture_plate(draft, text)
        draft.description = text.strip()
        if draft.editing == "description":
            draft.editing = None
        await _advance(ctx, draft)
    elif current == ComplaintForm.photos.state:
        _capture_plate(draft, text)
        if actions.is_done_word(text):
            draft.photos_done = True
            if draft.editing == "photos":
                draft.editing = None
            await _advance(ctx, draft)
            return
        await _save(ctx, draft)
        await ctx.say(
            "complaints-error-photos", photos_keyboard(t, len(draft.photos)), count=len(draft.photos), max=MAX_PHOTOS
        )
    elif current == ComplaintForm.confirm.state:
        if _capture_plate(draft, text):
            await _advance(ctx, draft, t("complaints-plate-noted", plate=html.quote(draft.plate or "")))
        elif actions.is_confirm_word(text):
            await _submit(ctx, draft, None)
        else:
            await _advance(ctx, draft, t("complaints-error-confirm"))
    else:
        await ctx.say("complaints-edit-choose", edit_keyboard(t))


@router.callback_query(CplCb.filter(), StateFilter(ComplaintForm))
async def on_form_button(query: CallbackQuery, callback_data: CplCb, **data: Any) -> None:
    await query.answer()
    ctx = make_ctx(query, data)
    draft = await _load(ctx)
    current = await ctx.state.get_state()
    action, value = callback_data.action, callback_data.value
    if action == "topic" and value in {topic.value for topic in ComplaintTopic}:
        draft.topic = ComplaintTopic(value)
        if draft.editing == "topic":
            draft.editing = None
        await _clear_buttons(query)
        await _advance(ctx, draft, ctx.t("complaints-topic-chosen", topic=topic_name(ctx.t, draft.topic)))
    elif action == "photos_done":
        draft.photos_done = True
        if draft.editing == "photos":
            draft.editing = None
        await _clear_buttons(query)
        await _advance(ctx, draft)
    elif action == "submit" and current == ComplaintForm.confirm.state:
        await _submit(ctx, draft, query)
    elif action == "edit":
        await ctx.state.set_state(ComplaintForm.edit)
        await _clear_buttons(query)
        await ctx.say("complaints-edit-choose", edit_keyboard(ctx.t))
    elif action == "field" and value in FIELD_STATES:
        await _clear_buttons(query)
        draft.start_edit(value)  # type: ignore[arg-type]  # checked against FIELD_STATES
        await _advance(ctx, draft)
    elif action == "cancel":
        await forms.end(ctx)
        await _clear_buttons(query)
        await ctx.say("complaints-cancelled", main_menu(ctx.t))
    else:  # "back", or a button of an earlier step: show where the form is
        await _clear_buttons(query)
        draft.editing = None
        await _advance(ctx, draft)


async def _clear_buttons(query: CallbackQuery) -> None:
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            pass  # already without buttons


async def _submit(ctx: Ctx, draft: ComplaintDraft, query: CallbackQuery | None) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    try:
        complaint = await actions.submit(ctx.services, citizen, draft, chat_id=ctx.chat_id, language=Language(ctx.lang))
    except actions.IncompleteDraft:
        await _advance(ctx, draft)
        return
    # Stored durably: only now is the ticket number given.
    await forms.end(ctx)
    if query is not None:
        await _clear_buttons(query)
    markup = buttons(
        [
            (ctx.t("complaints-button-view"), GoCb(feature="complaint_view", arg=complaint.ticket_id)),
            (ctx.t("complaints-menu-mine"), GoCb(feature="my_complaints")),
        ]
    )
    await ctx.say(
        "complaints-filed",
        markup,
        ticket=complaint.ticket_id,
        acknowledge_by=local_time(complaint.acknowledge_by),
        answer_by=local_time(complaint.answer_by),
    )


# --- status ---------------------------------------------------------------------------------------


async def show_ticket(ctx: Ctx, citizen: Citizen, raw: str) -> None:
    """One of the citizen's complaints; an unknown ticket and someone else's answer the same."""
    ticket = normalize_ticket_id(raw)
    if ticket is None:
        await ctx.state.set_state(ComplaintLookup.ticket)
        await ctx.say("ticket-error-format")
        return
    complaint = await actions.own_complaint(ctx.services, citizen, ticket)
    mine = buttons([(ctx.t("complaints-menu-mine"), GoCb(feature="my_complaints"))])
    if complaint is None:
        await ctx.say("complaints-not-found", mine, ticket=ticket)
        return
    t = ctx.t
    rows: list[list[tuple[str, GoCb | MenuCb | str]]] = []
    if actions.can_rate(complaint) is None:
        rows.append([(t("complaints-menu-rate"), GoCb(feature="complaint_rate", arg=complaint.ticket_id))])
    rows.append([(t("complaints-menu-mine"), GoCb(feature="my_complaints"))])
    rating = t("complaints-view-rating", stars=stars_text(complaint.rating)) if complaint.rating else ""
    await ctx.say(
        "complaints-view",
        buttons(*rows),
        ticket=complaint.ticket_id,
        status=status_name(t, complaint.status),
        topic=topic_name(t, complaint.topic),
        place=place_text(t, complaint.place_text, complaint.location),
        plate=html.quote(complaint.plate) if complaint.plate else t("complaints-value-none"),
        photos=len(complaint.photos),
        filed=local_time(complaint.created_at),
        deadline=deadline_text(t, complaint),
        description=html.quote(_short(complaint.description, 1000)),
        history="\n".join(history_lines(t, complaint)),
        rating=rating,
    )


def _ticket_in(text: str) -> str:
    match = TICKET_RE.search(fold_text(text))
    return match.group(0) if match else text.strip()


@feature("my_complaints", title="complaints-menu-mine", section="consult", intents=("complaint_status",), order=11)
async def my_complaints(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    tickets = ctx.entities.get("ticket_id") or []
    if tickets:
        await show_ticket(ctx, citizen, tickets[0])
        return
    page = int(ctx.arg) if ctx.arg.isdigit() else 1
    result = await actions.list_own(ctx.services, citizen, page=page, page_size=PAGE_SIZE)
    t = ctx.t
    find = (t("complaints-menu-find"), GoCb(feature="complaint_find"))
    new = (t("complaints-menu-file"), GoCb(feature="complaint"))
    if not result.items:
        await ctx.say("complaints-list-empty", buttons([new], [find]))
        return
    items = []
    for c in result.items:
        history = history_lines(t, c)
        items.append(
            t(
                "complaints-list-item",
                ticket=c.ticket_id,
                topic=topic_name(t, c.topic),
                status=status_name(t, c.status),
                filed=local_time(c.created_at),
                deadline=deadline_text(t, c),
                latest=history[-1] if history else "",
                entries=len(history),
            )
        )
    text = t("complaints-list-title", page=result.page) + "\n\n" + "\n\n".join(items)
    rows: list[list[tuple[str, GoCb | MenuCb | str]]] = [
        [(c.ticket_id, GoCb(feature="complaint_view", arg=c.ticket_id)) for c in result.items[i : i + 2]]
        for i in range(0, len(result.items), 2)
    ]
    nav: list[tuple[str, GoCb | MenuCb | str]] = []
    if result.page > 1:
        nav.append((t("complaints-button-prev"), GoCb(feature="my_complaints", arg=str(result.page - 1))))
    if result.has_more:
        nav.append((t("complaints-button-next"), GoCb(feature="my_complaints", arg=str(result.page + 1))))
    if nav:
        rows.append(nav)
    rows.append([find, new])
    markup = buttons(*rows)
    if isinstance(ctx.event, CallbackQuery) and ctx.arg and isinstance(ctx.event.message, Message):
        try:
            await ctx.event.message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest:
            pass  # unchanged or too old to edit: send it anew
    await ctx.send(text, markup)


@feature("complaint_view", title="complaints-button-view")
async def view_complaint(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    if not ctx.arg:
        await find_complaint(ctx)
        return
    await show_ticket(ctx, citizen, ctx.arg)


@feature("complaint_find", title="complaints-menu-find")
async def find_complaint(ctx: Ctx) -> None:
    if await require_citizen(ctx) is None:
        return
    await ctx.state.set_state(ComplaintLookup.ticket)
    await ctx.say("complaints-ask-ticket")


@router.message(ComplaintLookup.ticket)
async def on_ticket_typed(message: Message, **data: Any) -> None:
    ctx = make_ctx(message, data)
    if message.text is None:
        await ctx.say("complaints-ask-ticket")
        return
    raw = _ticket_in(message.text)
    if normalize_ticket_id(raw) is None:
        await ctx.say("ticket-error-format")
        return
    citizen = await require_citizen(ctx)
    await ctx.state.clear()
    if citizen is not None:
        await show_ticket(ctx, citizen, raw)


# --- rating ---------------------------------------------------------------------------------------


async def _rating_refusal(ctx: Ctx, outcome: RatingOutcome, ticket: str, complaint: Complaint | None) -> None:
    mine = buttons([(ctx.t("complaints-menu-mine"), GoCb(feature="my_complaints"))])
    if outcome == RatingOutcome.ALREADY_RATED and complaint is not None and complaint.rating is not None:
        await ctx.say("complaints-rate-already", mine, ticket=ticket, stars=stars_text(complaint.rating))
    elif outcome == RatingOutcome.NOT_RESOLVED and complaint is not None:
        await ctx.say("complaints-rate-not-yet", mine, ticket=ticket, status=status_name(ctx.t, complaint.status))
    else:
        await ctx.say("complaints-not-found", mine, ticket=ticket)


async def _rateable(ctx: Ctx, raw: str) -> tuple[Citizen, Complaint] | None:
    """The citizen and their complaint if it can be rated now; otherwise say why not."""
    citizen = await require_citizen(ctx)
    if citizen is None:
        return None
    ticket = normalize_ticket_id(raw)
    if ticket is None:
        await ctx.say("ticket-error-format")
        return None
    complaint = await actions.own_complaint(ctx.services, citizen, ticket)
    if complaint is None:
        await _rating_refusal(ctx, RatingOutcome.NOT_FOUND, ticket, None)
        return None
    if (reason := actions.can_rate(complaint)) is not None:
        await _rating_refusal(ctx, reason, ticket, complaint)
        return None
    return citizen, complaint


@feature("complaint_rate", title="complaints-menu-rate")
async def start_rating(ctx: Ctx) -> None:
    found = await _rateable(ctx, ctx.arg)
    if found is None:
        return
    _, complaint = found
    await ctx.say("complaints-rate-ask", rating_keyboard(ctx.t, complaint.ticket_id), ticket=complaint.ticket_id)


@router.callback_query(RateCb.filter())
async def on_stars(query: CallbackQuery, callback_data: RateCb, **data: Any) -> None:
    await query.answer()
    ctx = make_ctx(query, data)
    if not 1 <= callback_data.stars <= 5:
        return
    found = await _rateable(ctx, callback_data.ticket)
    if found is None:
        return
    _, complaint = found
    await _clear_buttons(query)
    await ctx.state.set_state(ComplaintRating.comment)
    await ctx.state.set_data({"ticket": complaint.ticket_id, "stars": callback_data.stars})
    await forms.started(ctx, "complaint_rate", arg=complaint.ticket_id)
    await ctx.say(
        "complaints-rate-ask-comment",
        buttons([(ctx.t("complaints-button-skip-comment"), RateSkipCb(ticket=complaint.ticket_id))]),
        stars=stars_text(callback_data.stars),
        max=RATING_COMMENT_MAX,
    )


@router.callback_query(RateSkipCb.filter(), ComplaintRating.comment)
async def on_skip_comment(query: CallbackQuery, **data: Any) -> None:
    await query.answer()
    await _clear_buttons(query)
    await _finish_rating(make_ctx(query, data), None)


@router.message(ComplaintRating.comment)
async def on_rating_comment(message: Message, **data: Any) -> None:
    ctx = make_ctx(message, data)
    skip = buttons(
        [
            (
                ctx.t("complaints-button-skip-comment"),
                RateSkipCb(ticket=str((await ctx.state.get_data()).get("ticket", ""))),
            )
        ]
    )
    if message.text is None:
        await ctx.say("complaints-rate-comment-text", skip)
        return
    comment = message.text.strip()
    if len(comment) > RATING_COMMENT_MAX:
        await ctx.say("complaints-error-comment-long", skip, max=RATING_COMMENT_MAX, length=len(comment))
        return
    await _finish_rating(ctx, comment or None)


async def _finish_rating(ctx: Ctx, comment: str | None) -> None:
    data = await ctx.state.get_data()
    ticket, stars = str(data.get("ticket", "")), int(data.get("stars", 0))
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    await forms.end(ctx)
    if not 1 <= stars <= 5:
        await _rating_refusal(ctx, RatingOutcome.NOT_FOUND, ticket, None)
        return
    outcome, complaint = await actions.rate(ctx.services, citizen, ticket, stars, comment)
    if outcome != RatingOutcome.RATED:
        await _rating_refusal(ctx, outcome, ticket, complaint)
        return
    await ctx.say("complaints-rate-thanks", main_menu(ctx.t), ticket=ticket, stars=stars_text(stars))
