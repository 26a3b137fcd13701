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

Exactly once ("a crash during Submit neither loses the ticket nor files twice"): ``begin`` gives
every form an idempotency key (FSM data, and the marker). A form that files a record passes
``submission_key(ctx)`` to its action, which stores it under a unique index and returns the first
record when the same key comes again; the form then tells the citizen, and only then ends. Its
submit button carries the key too. A form that files registers a ``receipt`` (find the record by
key; if stored, tell the citizen): so a redelivered Submit after a crash, a Submit pressed when the
form was ended or lost (``stale_submit``), /cancel or /start at a submitted form (``settle``), and
the expiry notice all tell the truth, "already submitted: here is your ticket", never "nothing
was submitted" when something was.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ReplyKeyboardRemove
from redis.exceptions import RedisError

from actions.services import Services
from bot import filters
from bot.context import FEATURES, Ctx
from bot.prefetch import Prefetched, known_form_absent, writes_with_state
from bot.ui.callbacks import GoCb, MenuCb
from bot.ui.keyboards import buttons, main_menu
from core.metrics import ERRORS

log = structlog.get_logger(__name__)

NOTICE_WINDOW = 24 * 3600  # how long after expiry the citizen is still told about it
FORM_DATA = "_form"  # the FSM data entry every form has: {"form": ..., "arg": ..., "key": ...}

# A form's message filters (async: bot/filters.py).
NOT_COMMAND = filters.NOT_COMMAND  # any message but a command (text, photo, location, ...)
FORM_TEXT = filters.FORM_TEXT  # a typed answer to a form


@dataclass(frozen=True)
class OpenForm:
    form: str  # the feature that starts it
    arg: str = ""
    key: str = ""  # its idempotency key ("" for a form started before forms had one)

    def to_json(self) -> dict[str, str]:
        return {"form": self.form, "arg": self.arg, "key": self.key}

    @classmethod
    def from_json(cls, raw: object) -> OpenForm | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("form"), str):
            return None
        return cls(form=raw["form"], arg=str(raw.get("arg") or ""), key=str(raw.get("key") or ""))


# Forms (by name) and states that show a reply keyboard (the complaint's "📍 Share my location"):
# leaving them by /cancel or by expiry takes the keyboard away, or it stays on screen with a button
# that no longer belongs to anything (issue 18).
REPLY_KEYBOARD_FORMS: set[str] = set()
REPLY_KEYBOARD_STATES: set[str] = set()


# A form that files a record registers how to find it by key and tell the citizen: given the
# form and a note to put first (already translated), it answers True when the record is stored
# (and said so), False when nothing was stored.
Receipt = Callable[[Ctx, OpenForm, str], Awaitable[bool]]
RECEIPTS: dict[str, Receipt] = {}


def receipt(*forms: str) -> Callable[[Receipt], Receipt]:
    """Register the receipt of the forms named ``forms`` (the names given to ``begin``)."""

    def register(fn: Receipt) -> Receipt:
        for form in forms:
            RECEIPTS[form] = fn
        return fn

    return register


def with_note(note: str, text: str) -> str:
    """``text`` under a ``note`` line (e.g. "already submitted"), or alone when there is none."""
    return f"{note}\n{text}" if note else text


def new_key() -> str:
    """A fresh idempotency key: 16 URL-safe characters (fits a button's payload)."""
    return secrets.token_urlsafe(12)


def _key(services: Services, user_id: int) -> str:
    return services.keys.form(user_id)


async def _remember(ctx: Ctx, opened: OpenForm) -> None:
    """Remember that ``form`` is open for this citizen (until it ends, or expiry + a day). Written
    with the FSM state (the update's last round trip) when the update holds the prefetched lock:
    the marker and the state a crash leaves behind agree."""
    services, prefetched = ctx.services, ctx.prefetched
    key, value = _key(services, ctx.user.id), json.dumps(opened.to_json())
    ttl = services.settings.form_ttl + NOTICE_WINDOW
    if writes_with_state(prefetched):
        assert prefetched is not None
        prefetched.defer(lambda pipe: pipe.set(key, value, ex=ttl))
        prefetched.form_marker_changed(open_=True)
        return
    try:
        await services.redis.set(key, value, ex=ttl)
    except RedisError:
        ERRORS.labels("redis-forms").inc()
        if prefetched is not None:
            prefetched.form_marker_unknown()
        return
    if prefetched is not None:
        prefetched.form_marker_changed(open_=True)


async def begin(
    ctx: Ctx, form: str, state: State | None = None, *, arg: str = "", data: dict[str, Any] | None = None
) -> None:
    """Start ``form`` afresh at ``state`` with ``data`` (any other form's state and data are
    dropped) and remember that it is open. ``state`` None: the caller sets the first one.

    A form left open after it filed its record (a crash before it ended) is told first."""
    await settle(ctx, "forms-already-submitted")
    opened = OpenForm(form=form, arg=arg, key=new_key())
    await ctx.state.clear()
    await ctx.state.set_data({**(data or {}), FORM_DATA: opened.to_json()})
    if state is not None:
        await ctx.state.set_state(state)
    await _remember(ctx, opened)


async def current(ctx: Ctx) -> OpenForm | None:
    """The form open in the FSM (None when none is, or it was started before forms had keys)."""
    return OpenForm.from_json((await ctx.state.get_data()).get(FORM_DATA))


async def submission_key(ctx: Ctx) -> str:
    """The open form's idempotency key, to file its record with (one is made and kept for a form
    started before forms had one)."""
    opened = await current(ctx)
    if opened is not None and opened.key:
        return opened.key
    key = new_key()
    await ctx.state.update_data({FORM_DATA: OpenForm(form=opened.form if opened else "", key=key).to_json()})
    return key


async def tell_if_submitted(ctx: Ctx, opened: OpenForm, note_id: str) -> bool:
    """When the form ``opened`` (by its key) filed its record already, tell the citizen
    (``note_id`` first, then the form's receipt) and return True; False when nothing was stored."""
    tell = RECEIPTS.get(opened.form)
    if tell is None or not opened.key:
        return False
    return await tell(ctx, opened, ctx.t(note_id))


async def settle(ctx: Ctx, note_id: str) -> bool:
    """If the citizen's open form filed its record already (the process died after the write,
    before the form ended), tell them so, end the form and return True."""
    opened = await current(ctx)
    if opened is None or not await tell_if_submitted(ctx, opened, note_id):
        return False
    await end(ctx)
    return True


async def stale_submit(ctx: Ctx, key: str, *forms: str, arg: str = "") -> None:
    """A submit button pressed when its form is no longer open (ended, expired, cancelled, or an
    older draft's): the record if that draft (``key``, from the button) filed one, else plainly
    that nothing was submitted. ``forms``: the forms whose button it is (``arg``: as begun)."""
    for form in forms:
        opened = OpenForm(form=form, arg=arg, key=key)
        if key and await tell_if_submitted(ctx, opened, "forms-already-submitted"):
            await _forget_marker_of(ctx, key)
            return
    if await announce_expired(ctx):
        return
    await ctx.say("forms-not-submitted" if key else "forms-outdated", main_menu(ctx.t))


async def _forget_marker_of(ctx: Ctx, key: str) -> None:
    """Forget the open-form marker if it is the form ``key``'s (no expiry notice for it later)."""
    services, prefetched = ctx.services, ctx.prefetched
    if known_form_absent(prefetched):
        return
    try:
        raw = await services.redis.get(_key(services, ctx.user.id))
        marked = OpenForm.from_json(json.loads(raw)) if raw is not None else None
        if marked is not None and marked.key == key:
            await services.redis.delete(_key(services, ctx.user.id))
            raw = None
    except (RedisError, ValueError):
        ERRORS.labels("redis-forms").inc()
        if prefetched is not None:
            prefetched.form_marker_unknown()
        return
    if prefetched is not None:
        prefetched.form_marker_changed(open_=raw is not None)


async def forget(services: Services, user_id: int, prefetched: Prefetched | None = None) -> None:
    """Forget the citizen's open form (it was submitted or cancelled). ``prefetched``: what the
    update knows of the marker (nothing to delete when it knows there is none)."""
    if known_form_absent(prefetched):
        return
    key = _key(services, user_id)
    if writes_with_state(prefetched):  # with the FSM state, at the end of the update
        assert prefetched is not None
        prefetched.defer(lambda pipe: pipe.delete(key))
        prefetched.form_marker_changed(open_=False)
        return
    try:
        await services.redis.delete(key)
    except RedisError:
        ERRORS.labels("redis-forms").inc()
        if prefetched is not None:
            prefetched.form_marker_unknown()
        return
    if prefetched is not None:
        prefetched.form_marker_changed(open_=False)


async def end(ctx: Ctx) -> None:
    """The form is over (submitted, refused, locked or cancelled): clear its FSM state and data,
    and no "your form expired" notice later."""
    await ctx.state.clear()
    await forget(ctx.services, ctx.user.id, ctx.prefetched)


async def take_expired(ctx: Ctx) -> OpenForm | None:
    """The form that expired for this citizen (and forget it), or None.

    A form expired when it was started and not finished, and the FSM no longer holds a state.
    """
    if await ctx.state.get_state() is not None:
        return None
    services, prefetched = ctx.services, ctx.prefetched
    if known_form_absent(prefetched):  # the update's first round trip found none (the usual case)
        return None
    try:
        raw = await services.redis.getdel(_key(services, ctx.user.id))
    except RedisError:
        ERRORS.labels("redis-forms").inc()
        return None
    if prefetched is not None:
        prefetched.form_marker_changed(open_=False)
    if raw is None:
        return None
    try:
        found = OpenForm.from_json(json.loads(raw))
    except ValueError:
        found = None
    if found is None:
        log.warning("unreadable form marker", user_id=ctx.user.id)
    return found


async def announce_expired(ctx: Ctx) -> bool:
    """If the citizen's form expired, say so (nothing was submitted; start again) and return True.
    A form that expired after it filed its record (a crash before it ended) is told as submitted."""
    expired = await take_expired(ctx)
    if expired is None:
        return False
    if await tell_if_submitted(ctx, expired, "forms-already-submitted"):
        return True
    minutes = max(1, math.ceil(ctx.services.settings.form_ttl / 60))
    item = FEATURES.get(expired.form)
    title = ctx.t(item.title_id) if item is not None else ""
    markup = main_menu(ctx.t)
    if item is not None:
        markup = buttons(
            [(ctx.t("forms-restart", title=title), GoCb(feature=item.name, arg=expired.arg))],
            [(ctx.t("menu-title-short"), MenuCb(section="main"))],
        )
    if expired.form in REPLY_KEYBOARD_FORMS:  # its keyboard goes with it; the buttons follow apart
        await ctx.say("forms-expired-gone", ReplyKeyboardRemove(), title=title, minutes=minutes)
        await ctx.say("forms-restart-prompt", markup)
        return True
    await ctx.say("forms-expired", markup, title=title, minutes=minutes)
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
