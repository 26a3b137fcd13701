"""Filing a complaint: a form of topic, place (text or a shared location), description and photos,
then a summary to submit, edit or cancel.

The form keeps its draft in the FSM data (Redis, expires after ``settings.form_ttl``); every
answer is checked, and anything it cannot use (bad input, a sticker, a voice note, an overlong
message) is answered while the form stays where it was. Fields the citizen's opening message
already gave (topic, place, plate) are not asked again.
"""

from __future__ import annotations

from aiogram import Router
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
from markupsafe import Markup
from redis.exceptions import RedisError

from actions import complaints as actions
from actions.complaints import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_PHOTOS,
    PLACE_MAX,
    PLACE_MIN,
    ComplaintDraft,
    FormField,
    followers,
    reporter,
)
from actions.complaints.reporter import ContactMode, ReportContact
from actions.identity import CODE_TTL, CheckOutcome, SendOutcome, normalize_code
from bot import forms
from bot.context import Ctx, ReplyMarkup, feature
from bot.guards import bound_citizen
from bot.routers.complaints.render import place_text, shortened, status_name, summary_text, topic_name
from bot.ui.callbacks import CplCb, GoCb, MenuCb
from bot.ui.format import local_time
from bot.ui.keyboards import Button, buttons, grid, main_menu, web_app_row
from core.i18n import Translator
from core.identifiers import explain_phone, mask_phone, normalize_phone
from core.language import LANGUAGES
from core.typed import label_key
from storage.models import Citizen, Complaint, ComplaintTopic, GeoPoint


class ComplaintForm(StatesGroup):
    contact = State()  # without a linked identity: a verified phone, or anonymous (issue 15)
    phone = State()
    code = State()
    topic = State()
    place = State()
    description = State()
    photos = State()
    confirm = State()
    edit = State()
    duplicate = State()  # an open report on the same problem nearby: follow it (+1), or file anyway


def build_router() -> Router:
    router = Router(name="complaints-filing")
    router.message.register(on_form_message, StateFilter(ComplaintForm), forms.NOT_COMMAND)
    router.callback_query.register(on_form_button, CplCb.filter(), StateFilter(ComplaintForm))
    router.callback_query.register(on_stale_button, CplCb.filter())
    return router


forms.REPLY_KEYBOARD_FORMS.add("complaint")
forms.REPLY_KEYBOARD_STATES.add(str(ComplaintForm.place.state))

FIELD_STATES: dict[FormField, State] = {
    "topic": ComplaintForm.topic,
    "place": ComplaintForm.place,
    "description": ComplaintForm.description,
    "photos": ComplaintForm.photos,
}


def topic_keyboard(t: Translator, app: list[Button] | None = None) -> InlineKeyboardMarkup:
    """The topics; ``app``: the row that opens the Mini App's report form instead (web_app_row)."""
    topics: list[Button] = [
        (topic_name(t, topic), CplCb(action="topic", value=topic.value)) for topic in ComplaintTopic
    ]
    return buttons(*grid(topics, 2), app or [], [(t("complaints-button-cancel"), CplCb(action="cancel"))])


def place_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("complaints-button-share-location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=t("complaints-place-placeholder"),
    )


def is_location_label(ctx: Ctx, text: str) -> bool:
    """``text`` is the "📍 Share my location" button's label (either language), not a place:
    Telegram Desktop and some web clients send a ``request_location`` button's text instead."""
    catalog = ctx.services.catalog
    return label_key(text) in {label_key(catalog.text(lang, "complaints-button-share-location")) for lang in LANGUAGES}


def photos_keyboard(t: Translator, count: int) -> InlineKeyboardMarkup:
    label = "complaints-button-photos-done" if count else "complaints-button-photos-skip"
    return buttons([(t(label), CplCb(action="photos_done"))], [(t("complaints-button-cancel"), CplCb(action="cancel"))])


def summary_keyboard(t: Translator, key: str) -> InlineKeyboardMarkup:
    """Submit (carrying the draft's idempotency key ``key``), edit, cancel."""
    return buttons(
        [(t("complaints-button-submit"), CplCb(action="submit", value=key))],
        [(t("complaints-button-edit"), CplCb(action="edit")), (t("complaints-button-cancel"), CplCb(action="cancel"))],
    )


def edit_keyboard(t: Translator) -> InlineKeyboardMarkup:
    fields = [(t(f"complaints-field-{f}"), CplCb(action="field", value=f)) for f in FIELD_STATES]
    return buttons(fields[:2], fields[2:], [(t("complaints-button-back-summary"), CplCb(action="back"))])


def contact_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """How a reporter without a linked identity is answered: a verified phone, or not at all."""
    return buttons(
        [(t("complaints-button-contact-phone"), CplCb(action="contact", value=ContactMode.PHONE.value))],
        [(t("complaints-button-contact-anonymous"), CplCb(action="contact", value=ContactMode.ANONYMOUS.value))],
        [(t("bind-start-button"), GoCb(feature="bind"))],
        [(t("complaints-button-cancel"), CplCb(action="cancel"))],
    )


async def _contact(ctx: Ctx) -> ReportContact | None:
    raw = (await ctx.state.get_data()).get("contact")
    return ReportContact.model_validate(raw) if raw else None


async def _save_contact(ctx: Ctx, contact: ReportContact) -> None:
    await ctx.state.update_data(contact=contact.model_dump(mode="json"))


def duplicate_keyboard(t: Translator, ticket: str) -> InlineKeyboardMarkup:
    return buttons(
        [(t("complaints-button-follow"), CplCb(action="follow", value=ticket))],
        [(t("complaints-button-file-anyway"), CplCb(action="anyway"))],
        [(t("complaints-button-cancel"), CplCb(action="cancel"))],
    )


async def _offer_existing(ctx: Ctx, draft: ComplaintDraft, note: str, *, remove_keyboard: bool) -> bool:
    """Once topic and place are known (and once per form): offer an open report on the same
    problem nearby to follow instead (issue 15). True when the offer was made."""
    if draft.topic is None or not draft.has_place or (await ctx.state.get_data()).get("existing_checked"):
        return False
    await ctx.state.update_data(existing_checked=True)
    existing = await followers.open_nearby(ctx.services, draft)
    if existing is None:
        return False
    await ctx.state.set_state(ComplaintForm.duplicate)
    if remove_keyboard:  # the place's reply keyboard goes: an inline keyboard follows
        await ctx.send(note or ctx.t("complaints-value-none"), ReplyKeyboardRemove())
        note = ""
    text = ctx.t(
        "complaints-existing-offer",
        ticket=existing.ticket_id,
        topic=topic_name(ctx.t, existing.topic),
        place=place_text(ctx.t, existing.place_text, existing.location),
        filed=local_time(existing.created_at),
        status=status_name(ctx.t, existing.status),
        count=len(existing.followers) + 1,
    )
    await ctx.send(f"{note}\n{text}" if note else text, duplicate_keyboard(ctx.t, existing.ticket_id))
    return True


async def _follow(ctx: Ctx, ticket: str) -> None:
    """ "+1" on the open report ``ticket``: the form ends; nothing new is filed."""
    citizen = await bound_citizen(ctx)
    contact = None if citizen is not None else await _contact(ctx)
    complaint, added = await followers.follow(
        ctx.services,
        ticket,
        citizen=citizen,
        contact=contact,
        user_id=ctx.user.id,
        chat_id=ctx.chat_id,
        language=ctx.lang,
    )
    await ctx.clear_buttons()
    await forms.end(ctx)
    if complaint is None:
        await ctx.say("complaints-follow-gone", main_menu(ctx.t))
        return
    told = citizen is not None or (contact is not None and contact.mode == ContactMode.PHONE and contact.ready)
    msg = "complaints-followed" if told else "complaints-followed-anonymous"
    note = "" if added else ctx.t("complaints-follow-already")
    menu = buttons([(ctx.t("menu-title-short"), MenuCb(section="main"))])
    await ctx.send(
        forms.with_note(note, ctx.t(msg, ticket=complaint.ticket_id, count=len(complaint.followers) + 1)), menu
    )


async def _needs_contact(ctx: Ctx) -> bool:
    data = await ctx.state.get_data()
    if not data.get("unlinked"):
        return False
    raw = data.get("contact")
    return raw is None or not ReportContact.model_validate(raw).ready


async def _summary(ctx: Ctx, draft: ComplaintDraft) -> str:
    """The summary to confirm, with how the answer comes when the reporter is not linked."""
    text = summary_text(ctx.t, draft)
    line = _contact_line(ctx.t, await _contact(ctx))
    return f"{text}\n{line}" if line else text


def _contact_line(t: Translator, contact: ReportContact | None) -> str:
    if contact is None or not contact.ready:
        return ""
    if contact.mode == ContactMode.ANONYMOUS:
        return t("complaints-summary-contact-anonymous")
    return t("complaints-summary-contact-phone", phone=mask_phone(contact.phone or ""))


async def _within_limit(ctx: Ctx, citizen: Citizen | None, contact: ReportContact | None) -> bool:
    """True if one more report may be filed now; else the citizen is told how long to wait."""
    phone = reporter.reporter_phone(citizen, contact)
    check = await reporter.report_limit(ctx.services, user_id=ctx.user.id, phone=phone)
    if not check.allowed:
        await ctx.say("complaints-limit", None, minutes=check.wait_minutes)
    return check.allowed


async def _load(ctx: Ctx) -> ComplaintDraft:
    data = await ctx.state.get_data()
    return ComplaintDraft.model_validate(data.get("draft") or {})


async def _save(ctx: Ctx, draft: ComplaintDraft) -> None:
    await ctx.state.update_data(draft=draft.model_dump(mode="json"))


Question = tuple[str, ReplyMarkup | None]


def _question(t: Translator, field: FormField, draft: ComplaintDraft, app: list[Button] | None = None) -> Question:
    if field == "topic":
        return t("complaints-ask-topic"), topic_keyboard(t, app)
    if field == "place":
        return t("complaints-ask-place"), place_keyboard(t)
    if field == "description":
        return t("complaints-ask-description", min=DESCRIPTION_MIN, max=DESCRIPTION_MAX), None
    return t("complaints-ask-photos", count=len(draft.photos), max=MAX_PHOTOS), photos_keyboard(t, len(draft.photos))


async def _advance(ctx: Ctx, draft: ComplaintDraft, note: str = "", *, remove_keyboard: bool = False) -> None:
    """Save the draft and ask the next question (after ``note``, in one message), or show the
    summary when nothing is missing. ``remove_keyboard``: the place's reply keyboard is done with."""
    await _save(ctx, draft)
    if await _needs_contact(ctx):  # not linked, and how to answer is not settled yet
        await ctx.state.set_state(ComplaintForm.contact)
        await ctx.send(
            f"{note}\n{ctx.t('complaints-contact-ask')}" if note else ctx.t("complaints-contact-ask"),
            contact_keyboard(ctx.t),
        )
        return
    if await _offer_existing(ctx, draft, note, remove_keyboard=remove_keyboard):
        return
    field = draft.next_field()
    markup: ReplyMarkup | None
    if field is None:
        await ctx.state.set_state(ComplaintForm.confirm)
        text, markup = await _summary(ctx, draft), summary_keyboard(ctx.t, await forms.submission_key(ctx))
    else:
        await ctx.state.set_state(FIELD_STATES[field])
        app = web_app_row(ctx.t, ctx.services.settings, "miniapp-button-report", "report")
        text, markup = _question(ctx.t, field, draft, app)
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


OFFERED_PHOTO = "photo"  # the feature's argument: start with the photo the chat just offered


async def _take_offered_photo(ctx: Ctx) -> str | None:
    try:
        raw = await ctx.services.redis.getdel(ctx.services.keys.offered_photo(ctx.user.id))
    except RedisError:
        return None
    return raw.decode() if isinstance(raw, bytes) else raw


@feature("complaint", title="complaints-menu-file", section="consult", intents=("complaint_file",), order=10)
async def start_complaint(ctx: Ctx) -> None:
    """Anyone can report (issue 15): a linked citizen at once; anyone else first chooses how to
    be answered (a phone verified with a code, or anonymously: no answer)."""
    citizen = await bound_citizen(ctx)
    if not await _within_limit(ctx, citizen, None):
        return
    draft = actions.draft_from_opening(ctx.text, ctx.entities)
    if ctx.arg == OFFERED_PHOTO and (photo := await _take_offered_photo(ctx)) is not None:
        draft.add_photo(photo)  # sent outside a form, then "file a report with this photo"
    await forms.begin(ctx, "complaint")  # `_advance` sets the first unanswered question's state
    known = []
    if draft.topic is not None:
        known.append(ctx.t("complaints-known-topic", topic=topic_name(ctx.t, draft.topic)))
    if draft.place_text:
        known.append(ctx.t("complaints-known-place", place=draft.place_text))
    if draft.plate:
        known.append(ctx.t("complaints-known-plate", plate=draft.plate))
    if draft.photos:
        known.append(ctx.t("complaints-known-photos", count=len(draft.photos)))
    if draft.description:  # the problem described straight away: offered as a report (issue 15)
        known.append(ctx.t("complaints-known-description", description=shortened(draft.description, 200)))
    intro_id = "complaints-intro-described" if draft.description else "complaints-intro"
    intro = ctx.t(intro_id, known=Markup("\n").join(known)).strip()
    if citizen is None:
        await ctx.state.update_data(unlinked=True)
    await _advance(ctx, draft, intro)


async def on_form_message(message: Message, ctx: Ctx) -> None:
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
    if current == ComplaintForm.contact.state:
        await _save(ctx, draft)
        await ctx.say("complaints-contact-choose", contact_keyboard(t))
    elif current == ComplaintForm.duplicate.state:
        await ctx.state.update_data(existing_checked=False)  # the offer again, with its buttons
        await _advance(ctx, draft, t("complaints-existing-choose"))
    elif current == ComplaintForm.phone.state:
        await _on_phone(ctx, text)
    elif current == ComplaintForm.code.state:
        await _on_code(ctx, draft, text)
    elif current == ComplaintForm.topic.state:
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
        if is_location_label(ctx, text):  # the button's text, sent by a client that cannot share a location
            await ctx.say("complaints-location-label", place_keyboard(t))
            return
        had_plate = _capture_plate(draft, text)
        place = actions.place_beside_plate(text) if had_plate else text.strip()
        if (hint := actions.check_place(place)) is not None:
            await _save(ctx, draft)
            if had_plate and len(place) < PLACE_MIN:
                await ctx.say("complaints-plate-noted-ask-place", None, plate=draft.plate or "")
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
            await _advance(ctx, draft, t("complaints-plate-noted", plate=draft.plate or ""))
        elif actions.is_confirm_word(text):
            await _submit(ctx, draft)
        else:
            await _advance(ctx, draft, t("complaints-error-confirm"))
    else:
        await ctx.say("complaints-edit-choose", edit_keyboard(t))


async def _on_phone(ctx: Ctx, text: str) -> None:
    """The number a reporter without a linked identity is answered at: a code is sent to it."""
    phone = normalize_phone(text)
    if phone is None:
        await ctx.say(explain_phone(text) or "phone-error-format")
        return
    if not await _within_limit(ctx, None, ReportContact(mode=ContactMode.PHONE, phone=phone)):
        await forms.end(ctx)
        return
    result = await reporter.send_report_code(ctx.services, user_id=ctx.user.id, phone=phone, lang=ctx.lang)
    match result.outcome:
        case SendOutcome.SENT:
            await ctx.state.set_state(ComplaintForm.code)
            await ctx.say("complaints-contact-code-sent", None, phone=mask_phone(phone), minutes=CODE_TTL // 60)
        case SendOutcome.TOO_SOON:
            await ctx.say("complaints-contact-too-soon", None, seconds=result.wait_seconds)
        case SendOutcome.LOCKED:
            await forms.end(ctx)
            await ctx.say("identity-locked", main_menu(ctx.t), minutes=result.wait_minutes)
        case SendOutcome.TOO_MANY:
            await forms.end(ctx)
            await ctx.say("identity-too-many", main_menu(ctx.t), minutes=result.wait_minutes)
        case _:
            await forms.end(ctx)
            await ctx.say("identity-sms-unavailable", main_menu(ctx.t))


async def _on_code(ctx: Ctx, draft: ComplaintDraft, text: str) -> None:
    code = normalize_code(text)
    if code is None:
        await ctx.say("identity-error-code")
        return
    check = await reporter.check_report_code(ctx.services, user_id=ctx.user.id, code=code)
    match check.outcome:
        case CheckOutcome.OK:
            phone = check.subject or ""
            await _save_contact(ctx, ReportContact(mode=ContactMode.PHONE, phone=phone))
            await _advance(ctx, draft, ctx.t("complaints-contact-verified", phone=mask_phone(phone)))
        case CheckOutcome.WRONG:
            await ctx.say("identity-code-wrong", None, left=check.attempts_left)
        case CheckOutcome.LOCKED:
            await forms.end(ctx)
            await ctx.say("identity-locked", main_menu(ctx.t), minutes=check.wait_minutes)
        case CheckOutcome.EXPIRED:
            await ctx.state.set_state(ComplaintForm.phone)
            await ctx.say("complaints-contact-code-expired")


async def on_form_button(query: CallbackQuery, callback_data: CplCb, ctx: Ctx) -> None:
    await query.answer()
    draft = await _load(ctx)
    current = await ctx.state.get_state()
    action, value = callback_data.action, callback_data.value
    field = next((f for f in FIELD_STATES if f == value), None)
    if action == "follow" and current == ComplaintForm.duplicate.state and value:
        await _follow(ctx, value)
    elif action == "anyway" and current == ComplaintForm.duplicate.state:
        await ctx.clear_buttons()
        await _advance(ctx, draft)
    elif action == "contact" and current == ComplaintForm.contact.state and value == ContactMode.PHONE.value:
        await ctx.clear_buttons()
        await _save_contact(ctx, ReportContact(mode=ContactMode.PHONE))
        await ctx.state.set_state(ComplaintForm.phone)
        await ctx.say("complaints-contact-phone-ask")
    elif action == "contact" and current == ComplaintForm.contact.state and value == ContactMode.ANONYMOUS.value:
        await ctx.clear_buttons()
        await _save_contact(ctx, ReportContact(mode=ContactMode.ANONYMOUS))
        await _advance(ctx, draft, ctx.t("complaints-contact-anonymous"))
    elif action == "topic" and value in {topic.value for topic in ComplaintTopic}:
        draft.topic = ComplaintTopic(value)
        if draft.editing == "topic":
            draft.editing = None
        await ctx.clear_buttons()
        await _advance(ctx, draft, ctx.t("complaints-topic-chosen", topic=topic_name(ctx.t, draft.topic)))
    elif action == "photos_done":
        draft.photos_done = True
        if draft.editing == "photos":
            draft.editing = None
        await ctx.clear_buttons()
        await _advance(ctx, draft)
    elif action == "submit" and current == ComplaintForm.confirm.state:
        if value and value != await forms.submission_key(ctx):  # the Submit of an earlier draft
            await forms.stale_submit(ctx, value, "complaint")
        else:
            await _submit(ctx, draft)
    elif action == "edit" and current == ComplaintForm.confirm.state and draft.next_field() is None:
        # Only the buttons change: the summary stays, with the fields to choose from under it.
        await ctx.state.set_state(ComplaintForm.edit)
        await ctx.update_message(
            f"{await _summary(ctx, draft)}\n\n{ctx.t('complaints-edit-choose')}", edit_keyboard(ctx.t)
        )
    elif action == "edit":
        await ctx.state.set_state(ComplaintForm.edit)
        await ctx.clear_buttons()
        await ctx.say("complaints-edit-choose", edit_keyboard(ctx.t))
    elif action == "field" and field is not None:
        await ctx.clear_buttons()
        draft.start_edit(field)
        await _advance(ctx, draft)
    elif action == "cancel":
        await ctx.clear_buttons()
        if await forms.settle(ctx, "forms-cancel-submitted"):  # filed already: a crash came before the end
            return
        await forms.end(ctx)
        if current in forms.REPLY_KEYBOARD_STATES:  # the place's reply keyboard goes too; the menu apart
            await ctx.say("complaints-cancelled", ReplyKeyboardRemove())
            await ctx.send(ctx.t("menu-title"), main_menu(ctx.t))
            return
        await ctx.say("complaints-cancelled", main_menu(ctx.t))
    elif action == "back" and current == ComplaintForm.edit.state and draft.next_field() is None:
        draft.editing = None  # back from choosing a field: the summary in place of the choice
        await _save(ctx, draft)
        await ctx.state.set_state(ComplaintForm.confirm)
        await ctx.update_message(await _summary(ctx, draft), summary_keyboard(ctx.t, await forms.submission_key(ctx)))
    else:  # "back", or a button of an earlier step: show where the form is
        await ctx.clear_buttons()
        draft.editing = None
        await _advance(ctx, draft)


async def on_stale_button(query: CallbackQuery, callback_data: CplCb, ctx: Ctx) -> None:
    """A button of the complaint form when no complaint form is open: Submit tells whether its
    draft was filed (the ticket) or not; any other button, that the form is no longer open."""
    await query.answer()
    if callback_data.action == "submit":
        await forms.stale_submit(ctx, callback_data.value, "complaint")
    else:
        await forms.outdated(ctx)


async def _submit(ctx: Ctx, draft: ComplaintDraft) -> None:
    citizen = await bound_citizen(ctx)
    contact = None if citizen is not None else await _contact(ctx)
    key = await forms.submission_key(ctx)
    earlier = await actions.submitted(ctx.services, citizen, key)
    if earlier is None and not await _within_limit(ctx, citizen, contact):
        return  # the form stays: it can be submitted once the window frees a report
    try:
        complaint, created = await actions.submit_once(
            ctx.services, citizen, draft, key=key, chat_id=ctx.chat_id, language=ctx.lang, contact=contact
        )
    except actions.IncompleteDraft:
        if citizen is None:
            await ctx.state.update_data(unlinked=True)  # linked when the form began, not any more
        await _advance(ctx, draft)
        return
    if created:
        phone = reporter.reporter_phone(citizen, contact)
        await reporter.count_report(ctx.services, user_id=ctx.user.id, phone=phone)
    # Stored durably, once per draft: only now is the ticket number given, and only then does the
    # form end (a crash in between: the redelivered Submit finds this complaint and tells it).
    await ctx.clear_buttons()
    await _tell_filed(ctx, complaint, "" if created else ctx.t("forms-already-submitted"))
    await forms.end(ctx)


async def _tell_filed(ctx: Ctx, complaint: Complaint, note: str = "") -> None:
    """The ticket number and the promised response times (after ``note``)."""
    if complaint.citizen_id_number is None:  # no linked identity: no records to view it in
        text = ctx.t(
            "complaints-filed-anonymous" if complaint.anonymous else "complaints-filed-contact",
            ticket=complaint.ticket_id,
            acknowledge_by=local_time(complaint.acknowledge_by),
            answer_by=local_time(complaint.answer_by),
        )
        await ctx.send(forms.with_note(note, text), buttons([(ctx.t("menu-title-short"), MenuCb(section="main"))]))
        return
    markup = buttons(
        [
            (ctx.t("complaints-button-view"), GoCb(feature="complaint_view", arg=complaint.ticket_id)),
            (ctx.t("complaints-menu-mine"), GoCb(feature="my_complaints")),
        ],
        [(ctx.t("menu-title-short"), MenuCb(section="main"))],  # the flow ends: a way back to the menu
    )
    text = ctx.t(
        "complaints-filed",
        ticket=complaint.ticket_id,
        acknowledge_by=local_time(complaint.acknowledge_by),
        answer_by=local_time(complaint.answer_by),
    )
    await ctx.send(forms.with_note(note, text), markup)


@forms.receipt("complaint")
async def complaint_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The complaint the draft ``opened.key`` filed, told with its ticket; False if none was."""
    citizen = await bound_citizen(ctx)
    complaint = await actions.submitted(ctx.services, citizen, opened.key)
    if complaint is None:
        return False
    await _tell_filed(ctx, complaint, note)
    return True
