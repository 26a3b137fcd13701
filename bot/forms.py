"""The one mechanism every form of the bot runs on: start, answers, end, and expiry.

A form is a feature that asks questions (its FSM states) until it is submitted or cancelled:

    await forms.begin(ctx, "complaint", ComplaintForm.topic)     # starts afresh (other forms dropped)
    await forms.begin(ctx, "complaint_rate", ComplaintRating.comment, arg=ticket, data={...})
    await forms.end(ctx)                                         # submitted, refused or cancelled

``form`` is the name of the feature that starts it: its menu title labels the expiry notice and
``GoCb(feature=form, arg=arg)`` restarts it. A form's message handlers take ``FORM_TEXT`` (typed
text that is not a command) or ``NOT_COMMAND`` (any message but a command) as their filter, so a
/command is never taken as an answer: /start, /cancel, /menu ... work, an unknown one is answered
as such (bot/routers/fallback.py) and the form stays where it was.

Expiry ("a form abandoned for 30 minutes expires"): the FSM storage forgets a form's state after
``settings.form_ttl`` of silence; ``begin`` also remembers, a day longer, THAT a form was open, so
the citizen who comes back is told plainly that it expired and nothing was submitted, with a
button to start again. /start and /cancel call ``forget`` (bot/routers/common.py); the fallback
paths (free text, non-text messages, stale buttons) call ``announce_expired``, which answers and
returns True when the citizen's form expired. A form's own button pressed when that form is no
longer open calls ``outdated``. Only one form per citizen is remembered: starting another replaces it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import F
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery
from redis.exceptions import RedisError

from actions.services import Services
from bot.context import FEATURES, Ctx
from bot.ui.callbacks import GoCb, MenuCb
from bot.ui.keyboards import buttons, main_menu
from core.metrics import ERRORS

log = structlog.get_logger(__name__)

NOTICE_WINDOW = 24 * 3600  # how long after expiry the citizen is still told about it

NOT_COMMAND = ~F.text.startswith("/")  # any message but a command (text, photo, location, ...)
FORM_TEXT = F.text & NOT_COMMAND  # a typed answer to a form


@dataclass(frozen=True)
class OpenForm:
    form: str  # the feature that starts it
    arg: str = ""


def _key(services: Services, user_id: int) -> str:
    return services.keys("form", user_id)


async def _remember(ctx: Ctx, form: str, arg: str) -> None:
    """Remember that ``form`` is open for this citizen (until it ends, or expiry + a day)."""
    services = ctx.services
    try:
        await services.redis.set(
            _key(services, ctx.user.id),
            json.dumps({"form": form, "arg": arg}),
            ex=services.settings.form_ttl + NOTICE_WINDOW,
        )
    except RedisError:
        ERRORS.labels("redis-forms").inc()


async def begin(
    ctx: Ctx, form: str, state: State | None = None, *, arg: str = "", data: dict[str, Any] | None = None
) -> None:
    """Start ``form`` afresh at ``state`` with ``data`` (any other form's state and data are
    dropped) and remember that it is open. ``state`` None: the caller sets the first one."""
    await ctx.state.clear()
    if data:
        await ctx.state.set_data(data)
    if state is not None:
        await ctx.state.set_state(state)
    await _remember(ctx, form, arg)


async def forget(services: Services, user_id: int) -> None:
    """Forget the citizen's open form (it was submitted or cancelled)."""
    try:
        await services.redis.delete(_key(services, user_id))
    except RedisError:
        ERRORS.labels("redis-forms").inc()


async def end(ctx: Ctx) -> None:
    """The form is over (submitted, refused, locked or cancelled): clear its FSM state and data,
    and no "your form expired" notice later."""
    await ctx.state.clear()
    await forget(ctx.services, ctx.user.id)


async def take_expired(ctx: Ctx) -> OpenForm | None:
    """The form that expired for this citizen (and forget it), or None.

    A form expired when it was started and not finished, and the FSM no longer holds a state.
    """
    if await ctx.state.get_state() is not None:
        return None
    services = ctx.services
    try:
        raw = await services.redis.getdel(_key(services, ctx.user.id))
    except RedisError:
        ERRORS.labels("redis-forms").inc()
        return None
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        return OpenForm(form=str(data["form"]), arg=str(data.get("arg", "")))
    except (ValueError, KeyError, TypeError):
        log.warning("unreadable form marker", user_id=ctx.user.id)
        return None


async def announce_expired(ctx: Ctx) -> bool:
    """If the citizen's form expired, say so (nothing was submitted; start again) and return True."""
    expired = await take_expired(ctx)
    if expired is None:
        return False
    minutes = max(1, math.ceil(ctx.services.settings.form_ttl / 60))
    item = FEATURES.get(expired.form)
    if item is None:
        await ctx.say("forms-expired", main_menu(ctx.t), title="", minutes=minutes)
        return True
    markup = buttons(
        [(ctx.t("forms-restart", title=ctx.t(item.title_id)), GoCb(feature=item.name, arg=expired.arg))],
        [(ctx.t("menu-title-short"), MenuCb(section="main"))],
    )
    await ctx.say("forms-expired", markup, title=ctx.t(item.title_id), minutes=minutes)
    return True


async def outdated(ctx: Ctx) -> None:
    """A form's button pressed when that form is no longer open: it expired (said so, with a
    button to start again) or it was already submitted or cancelled."""
    if not await announce_expired(ctx):
        await ctx.say("forms-outdated", main_menu(ctx.t))


async def outdated_button(query: CallbackQuery, ctx: Ctx) -> None:
    """Handler for a form's buttons, registered after the form's own (which filter on its states)."""
    await query.answer()
    await outdated(ctx)
