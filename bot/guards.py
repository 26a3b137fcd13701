"""Checks a feature makes before it shows anything personal."""

from __future__ import annotations

from bot import forms
from bot.context import Ctx
from bot.ui.callbacks import GoCb
from bot.ui.keyboards import buttons
from storage.models import Citizen


async def bound_citizen(ctx: Ctx) -> Citizen | None:
    """The citizen bound to this Telegram account, or None (nothing is said)."""
    return await ctx.services.repos.citizens.by_telegram_user(ctx.user.id)


async def require_citizen(ctx: Ctx) -> Citizen | None:
    """The citizen bound to this Telegram account, or None after asking them to bind first.

    Nothing personal is shown before binding, and only the bound identity's data ever is.
    """
    citizen = await bound_citizen(ctx)
    if citizen is None:
        await ctx.say("bind-required", buttons([(ctx.t("bind-start-button"), GoCb(feature="bind"))]))
    return citizen


async def require_citizen_in_form(ctx: Ctx) -> Citizen | None:
    """``require_citizen`` for a step of a form: when nobody is bound (any more), the form ends."""
    citizen = await require_citizen(ctx)
    if citizen is None:
        await forms.end(ctx)
    return citizen
