"""A complaint's status by ticket number, and "my complaints" a page at a time."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from markupsafe import Markup

from actions import complaints as actions
from bot import forms
from bot.context import Ctx, feature
from bot.guards import require_citizen
from bot.routers.complaints.render import deadline_text, history_lines, place_text, shortened, status_name, topic_name
from bot.ui.callbacks import MAX_PAGE, GoCb
from bot.ui.format import local_time, stars
from bot.ui.keyboards import Button, buttons, grid, page_row
from core.identifiers import TICKET_RE, fold_text, normalize_ticket_id
from storage.models import Citizen

PAGE_SIZE = 5


class ComplaintLookup(StatesGroup):
    ticket = State()


def build_router() -> Router:
    router = Router(name="complaints-status")
    router.message.register(on_ticket_typed, StateFilter(ComplaintLookup.ticket), forms.NOT_COMMAND)
    return router


async def show_ticket(ctx: Ctx, citizen: Citizen, raw: str) -> None:
    """One of the citizen's complaints; an unknown ticket and someone else's answer the same."""
    ticket = normalize_ticket_id(raw)
    if ticket is None:
        await forms.begin(ctx, "complaint_find", ComplaintLookup.ticket)
        await ctx.say("ticket-error-format")
        return
    complaint = await actions.own_complaint(ctx.services, citizen, ticket)
    mine: Button = (ctx.t("complaints-menu-mine"), GoCb(feature="my_complaints"))
    if complaint is None:
        await ctx.say("complaints-not-found", buttons([mine]), ticket=ticket)
        return
    t = ctx.t
    rate: list[Button] = []
    if actions.can_rate(complaint) is None:
        rate.append((t("complaints-menu-rate"), GoCb(feature="complaint_rate", arg=complaint.ticket_id)))
    rating = t("complaints-view-rating", stars=stars(complaint.rating)) if complaint.rating else ""
    await ctx.say(
        "complaints-view",
        buttons(rate, [mine]),
        ticket=complaint.ticket_id,
        status=status_name(t, complaint.status),
        topic=topic_name(t, complaint.topic),
        place=place_text(t, complaint.place_text, complaint.location),
        plate=complaint.plate if complaint.plate else t("complaints-value-none"),
        photos=len(complaint.photos),
        filed=local_time(complaint.created_at),
        deadline=deadline_text(t, complaint),
        description=shortened(complaint.description, 1000),
        history=Markup("\n").join(history_lines(t, complaint)),
        rating=rating,
    )


def _ticket_in(text: str) -> str:
    match = TICKET_RE.search(fold_text(text))
    return match.group(0) if match else text.strip()


@feature("my_complaints", title="complaints-menu-mine", section="consult", intents=("complaint_status",), order=11)
async def my_complaints(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx, purpose="complaints-menu-mine")
    if citizen is None:
        return
    tickets = ctx.entities.get("ticket_id") or []
    if tickets:
        await show_ticket(ctx, citizen, tickets[0])
        return
    page = int(ctx.arg) if ctx.arg.isdigit() and int(ctx.arg) <= MAX_PAGE else 1
    result = await actions.list_own(ctx.services, citizen, page=page, page_size=PAGE_SIZE)
    t = ctx.t
    find: Button = (t("complaints-menu-find"), GoCb(feature="complaint_find"))
    new: Button = (t("complaints-menu-file"), GoCb(feature="complaint"))
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
    tickets_shown: list[Button] = [(c.ticket_id, GoCb(feature="complaint_view", arg=c.ticket_id)) for c in result.items]
    nav = page_row(
        t,
        result.page,
        has_previous=result.page > 1,
        has_next=result.has_more,
        to_page=lambda n: GoCb(feature="my_complaints", arg=str(n)),
        labels=("complaints-button-prev", "complaints-button-next"),
    )
    markup = buttons(*grid(tickets_shown, 2), nav, [find, new])
    if isinstance(ctx.event, CallbackQuery) and ctx.arg:  # a page turn: the list changes in place
        await ctx.update_message(text, markup)
    else:
        await ctx.send(text, markup)


@feature("complaint_view", title="complaints-button-view")
async def view_complaint(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx, purpose="complaints-menu-mine")
    if citizen is None:
        return
    if not ctx.arg:
        await find_complaint(ctx)
        return
    await show_ticket(ctx, citizen, ctx.arg)


@feature("complaint_find", title="complaints-menu-find")
async def find_complaint(ctx: Ctx) -> None:
    if await require_citizen(ctx, purpose="complaints-menu-mine") is None:
        return
    await forms.begin(ctx, "complaint_find", ComplaintLookup.ticket)
    await ctx.say("complaints-ask-ticket")


async def on_ticket_typed(message: Message, ctx: Ctx) -> None:
    if message.text is None:
        await ctx.say("complaints-ask-ticket")
        return
    raw = _ticket_in(message.text)
    if normalize_ticket_id(raw) is None:
        await ctx.say("ticket-error-format")
        return
    citizen = await require_citizen(ctx, purpose="complaints-menu-mine")
    await forms.end(ctx)
    if citizen is not None:
        await show_ticket(ctx, citizen, raw)
