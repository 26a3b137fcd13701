"""Checks a feature makes before it shows anything personal."""

from __future__ import annotations

from bot import forms
from bot.context import FEATURES, Ctx
from bot.resume import remember_request
from bot.ui.callbacks import GoCb
from bot.ui.keyboards import buttons
from storage.models import Citizen


async def bound_citizen(ctx: Ctx) -> Citizen | None:
    """The citizen bound to this Telegram account, or None (nothing is said)."""
    return await ctx.services.repos.citizens.by_telegram_user(ctx.user.id)


async def require_citizen(
    ctx: Ctx, *, resume: str | None = None, arg: str = "", purpose: str | None = None
) -> Citizen | None:
    """The citizen bound to this Telegram account, or None after asking them to bind first.

    Nothing personal is shown before binding, and only the bound identity's data ever is.
    ``resume``: the feature (with ``arg``) that asked, run again once the citizen has linked.
    ``purpose``: the catalog id of what linking is needed for (default: ``resume``'s title), named
    in the request (issue 15: the message says what it is for).
    """
    citizen = await bound_citizen(ctx)
    if citizen is None:
        if resume is not None:
            await remember_request(ctx, resume, arg)
        if purpose is None and resume is not None and resume in FEATURES:
            purpose = FEATURES[resume].title_id
        markup = buttons([(ctx.t("bind-start-button"), GoCb(feature="bind"))])
        if purpose is not None:
            await ctx.say("bind-required-for", markup, what=ctx.t(purpose))
        else:
            await ctx.say("bind-required", markup)
    return citizen


async def require_citizen_in_form(ctx: Ctx) -> Citizen | None:
    """``require_citizen`` for a step of a form: when nobody is bound (any more), the form ends."""
    citizen = await require_citizen(ctx)
    if citizen is None:
        await forms.end(ctx)
    return citizen
