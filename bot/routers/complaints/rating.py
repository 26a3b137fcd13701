"""Rating a resolved complaint: 1 to 5 stars, then an optional comment (a one-question form)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from actions import complaints as actions
from actions.complaints import RATING_COMMENT_MAX, RatingOutcome
from bot import forms
from bot.context import Ctx, feature
from bot.guards import bound_citizen, require_citizen
from bot.routers.complaints.render import status_name
from bot.ui.callbacks import GoCb, RateCb, RateSkipCb
from bot.ui.format import stars
from bot.ui.keyboards import buttons, main_menu
from core.i18n import Translator
from core.identifiers import normalize_ticket_id
from storage.models import Citizen, Complaint


class ComplaintRating(StatesGroup):
    comment = State()


def build_router() -> Router:
    router = Router(name="complaints-rating")
    router.callback_query.register(on_stars, RateCb.filter())
    router.callback_query.register(on_skip_comment, RateSkipCb.filter(), StateFilter(ComplaintRating.comment))
    router.callback_query.register(on_stale_skip, RateSkipCb.filter())
    router.message.register(on_rating_comment, StateFilter(ComplaintRating.comment), forms.NOT_COMMAND)
    return router


def rating_keyboard(t: Translator, ticket_id: str) -> InlineKeyboardMarkup:
    """1 to 5 stars for ``ticket_id``."""
    return buttons([(t("complaints-rate-button", stars=n), RateCb(ticket=ticket_id, stars=n)) for n in range(1, 6)])


def skip_keyboard(t: Translator, ticket_id: str, key: str) -> InlineKeyboardMarkup:
    """Rate without a comment (the rating form's idempotency key ``key`` goes with the press)."""
    return buttons([(t("complaints-button-skip-comment"), RateSkipCb(ticket=ticket_id, key=key))])


async def _rating_refusal(ctx: Ctx, outcome: RatingOutcome, ticket: str, complaint: Complaint | None) -> None:
    mine = buttons([(ctx.t("complaints-menu-mine"), GoCb(feature="my_complaints"))])
    if outcome == RatingOutcome.ALREADY_RATED and complaint is not None and complaint.rating is not None:
        await ctx.say("complaints-rate-already", mine, ticket=ticket, stars=stars(complaint.rating))
    elif outcome == RatingOutcome.NOT_RESOLVED and complaint is not None:
        await ctx.say("complaints-rate-not-yet", mine, ticket=ticket, status=status_name(ctx.t, complaint.status))
    else:
        await ctx.say("complaints-not-found", mine, ticket=ticket)


async def _rateable(ctx: Ctx, raw: str) -> tuple[Citizen, Complaint] | None:
    """The citizen and their complaint if it can be rated now; otherwise say why not."""
    citizen = await require_citizen(ctx, purpose="complaints-menu-mine")
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


async def on_stars(query: CallbackQuery, callback_data: RateCb, ctx: Ctx) -> None:
    await query.answer()
    if not 1 <= callback_data.stars <= 5:
        return
    found = await _rateable(ctx, callback_data.ticket)
    if found is None:
        return
    _, complaint = found
    ticket = complaint.ticket_id
    data = {"ticket": ticket, "stars": callback_data.stars}
    await forms.begin(ctx, "complaint_rate", ComplaintRating.comment, arg=ticket, data=data)
    # The stars become the question that follows them: one edit, no second message.
    await ctx.update_message(
        ctx.t("complaints-rate-ask-comment", stars=stars(callback_data.stars), max=RATING_COMMENT_MAX),
        skip_keyboard(ctx.t, ticket, await forms.submission_key(ctx)),
    )


async def on_skip_comment(query: CallbackQuery, callback_data: RateSkipCb, ctx: Ctx) -> None:
    await query.answer()
    await ctx.clear_buttons()
    if callback_data.key and callback_data.key != await forms.submission_key(ctx):  # an earlier form's
        await forms.stale_submit(ctx, callback_data.key, "complaint_rate", arg=callback_data.ticket)
        return
    await _finish_rating(ctx, None)


async def on_stale_skip(query: CallbackQuery, callback_data: RateSkipCb, ctx: Ctx) -> None:
    """ "Skip" when no rating form is open: the rating if that form stored it, else not submitted."""
    await query.answer()
    await forms.stale_submit(ctx, callback_data.key, "complaint_rate", arg=callback_data.ticket)


async def on_rating_comment(message: Message, ctx: Ctx) -> None:
    skip = skip_keyboard(ctx.t, str((await ctx.state.get_data()).get("ticket", "")), await forms.submission_key(ctx))
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
    ticket, rated = str(data.get("ticket", "")), int(data.get("stars", 0))
    citizen = await require_citizen(ctx, purpose="complaints-menu-mine")
    if citizen is None:
        await forms.end(ctx)
        return
    if not 1 <= rated <= 5:
        await forms.end(ctx)
        await _rating_refusal(ctx, RatingOutcome.NOT_FOUND, ticket, None)
        return
    key = await forms.submission_key(ctx)
    outcome, complaint = await actions.rate(ctx.services, citizen, ticket, rated, comment, key=key)
    # Stored durably (once per form), then told, then the form ends: a crash in between, and the
    # redelivered update finds this rating and tells it again.
    if outcome == RatingOutcome.RATED:
        await _tell_rated(ctx, ticket, rated)
    elif outcome == RatingOutcome.REPEATED and complaint is not None and complaint.rating is not None:
        await _tell_rated(ctx, ticket, complaint.rating, ctx.t("forms-already-submitted"))
    else:
        await _rating_refusal(ctx, outcome, ticket, complaint)
    await forms.end(ctx)


async def _tell_rated(ctx: Ctx, ticket: str, rating: int, note: str = "") -> None:
    text = ctx.t("complaints-rate-thanks", ticket=ticket, stars=stars(rating))
    await ctx.send(forms.with_note(note, text), main_menu(ctx.t))


@forms.receipt("complaint_rate")
async def rating_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The rating the form ``opened.key`` stored for complaint ``opened.arg``; False if none."""
    citizen = await bound_citizen(ctx)
    ticket = normalize_ticket_id(opened.arg)
    complaint = await actions.own_complaint(ctx.services, citizen, ticket) if citizen and ticket else None
    if complaint is None or complaint.rating is None or complaint.rating_key != opened.key:
        return False
    await _tell_rated(ctx, complaint.ticket_id, complaint.rating, note)
    return True
