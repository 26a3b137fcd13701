"""Telling a citizen that their form expired ("a form abandoned for 30 minutes expires").

The FSM storage already forgets a form's state after ``settings.form_ttl`` of silence; this module
remembers, a day longer, THAT a form was open, so the citizen who comes back is told plainly that
it expired and nothing was submitted, with a button to start again.

How a form uses it (three calls, all explicit):

    await forms.started(ctx, "complaint")                 # when the form begins (after set_state)
    await forms.started(ctx, "complaint_rate", arg=ticket)  # arg: what GoCb(feature, arg) restarts it
    await forms.finished(ctx)                             # on submit and on the form's own cancel button

``forms.begin(ctx, state, form)`` clears the FSM, sets ``state`` and calls ``started``;
``forms.end(ctx)`` clears the FSM state and data and calls ``finished``. A form's text handlers
take ``FORM_TEXT`` (typed text that is not a command) as their filter.

The form name is the name of the feature that starts it (its menu title labels the notice and its
``GoCb`` restarts it). /start and /cancel call ``forget`` (bot/routers/common.py); the fallback
paths (free text, non-text messages, stale buttons) call ``announce_expired``, which answers and
returns True when the citizen's form expired, so the caller stops there. Only one form per
citizen is remembered: starting another replaces it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import structlog
from aiogram import F
from aiogram.fsm.state import State
from redis.exceptions import RedisError

from actions.services import Services
from bot.callbacks import GoCb, MenuCb
from bot.context import FEATURES, Ctx
from bot.keyboards import buttons, main_menu
from core.metrics import ERRORS

log = structlog.get_logger(__name__)

NOTICE_WINDOW = 24 * 3600  # how long after expiry the citizen is still told about it

FORM_TEXT = F.text & ~F.text.startswith("/")  # a typed answer to a form (commands are not answers)


@dataclass(frozen=True)
class OpenForm:
    form: str  # the feature that starts it
    arg: str = ""


def _key(services: Services, user_id: int) -> str:
    return services.keys("form", user_id)


async def started(ctx: Ctx, form: str, *, arg: str = "") -> None:
    """Remember that ``form`` is open for this citizen (until finished, or expiry + a day)."""
    services = ctx.services
    try:
        await services.redis.set(
            _key(services, ctx.user.id),
            json.dumps({"form": form, "arg": arg}),
            ex=services.settings.form_ttl + NOTICE_WINDOW,
        )
    except RedisError:
        ERRORS.labels("redis-forms").inc()


async def begin(ctx: Ctx, state: State, form: str) -> None:
    """Start ``form`` afresh at ``state`` (any other form's state and data are dropped) and
    remember that it is open."""
    await ctx.state.clear()
    await ctx.state.set_state(state)
    await started(ctx, form)


async def forget(services: Services, user_id: int) -> None:
    """Forget the citizen's open form (it was submitted or cancelled)."""
    try:
        await services.redis.delete(_key(services, user_id))
    except RedisError:
        ERRORS.labels("redis-forms").inc()


async def finished(ctx: Ctx) -> None:
    """The form was submitted or cancelled: no expiry notice."""
    await forget(ctx.services, ctx.user.id)


async def end(ctx: Ctx) -> None:
    """The form is over (done, refused or locked): clear its FSM state and data, and no
    "your form expired" notice later."""
    await ctx.state.clear()
    await finished(ctx)


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
