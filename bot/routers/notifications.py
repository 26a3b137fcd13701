"""`/notifications`: which push notifications a citizen gets (per type on/off) and quiet hours
(non-urgent ones held from 22:00 to 07:00 local time). The push worker reads these preferences
at send time (push/worker.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from actions import profile
from bot.context import Ctx, feature
from bot.guards import require_citizen
from bot.ui.callbacks import MenuCb, NotifCb
from bot.ui.keyboards import Button, buttons, grid
from core.i18n import Translator
from storage.models import NotificationPreferences, NotificationType

# What a citizen may switch off; the security notice about their account is always sent.
CHOOSABLE: tuple[NotificationType, ...] = tuple(
    t for t in NotificationType if t not in (NotificationType.ACCOUNT_REBOUND, NotificationType.PAYMENT)
)


def build_router() -> Router:
    router = Router(name="notifications")
    router.message.register(cmd_notifications, Command("notifications"))
    router.callback_query.register(on_toggle, NotifCb.filter())
    return router


def preferences_markup(t: Translator, prefs: NotificationPreferences) -> InlineKeyboardMarkup:
    kinds: list[Button] = []
    for kind in CHOOSABLE:
        mark = t("push-prefs-state-on") if prefs.wants(kind) else t("push-prefs-state-off")
        kinds.append((f"{mark} {t(f'push-type-{kind.value}')}", NotifCb(action="type", value=kind.value)))
    quiet = t("push-prefs-quiet-on") if prefs.quiet_hours else t("push-prefs-quiet-off")
    return buttons(*grid(kinds, 2), [(quiet, NotifCb(action="quiet"))], [(t("menu-back"), MenuCb(section="main"))])


def preferences_text(t: Translator, prefs: NotificationPreferences) -> str:
    return t("push-prefs-title", quiet="on" if prefs.quiet_hours else "off")


def toggled(prefs: NotificationPreferences, action: str, value: str) -> NotificationPreferences:
    """The preferences after pressing a button (unknown values change nothing)."""
    if action == "quiet":
        return prefs.model_copy(update={"quiet_hours": not prefs.quiet_hours})
    if action == "type" and value in {k.value for k in CHOOSABLE}:
        kind = NotificationType(value)
        disabled = [k for k in prefs.disabled_types if k != kind]
        if prefs.wants(kind):
            disabled.append(kind)
        return prefs.model_copy(update={"disabled_types": disabled})
    return prefs


@feature("notifications", title="push-prefs-button", section="changes", order=80)
async def show_preferences(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None or citizen.telegram is None:
        return
    prefs = citizen.telegram.preferences
    await ctx.send(preferences_text(ctx.t, prefs), preferences_markup(ctx.t, prefs))


async def cmd_notifications(message: Message, ctx: Ctx) -> None:
    await show_preferences(ctx)


async def on_toggle(query: CallbackQuery, callback_data: NotifCb, ctx: Ctx) -> None:
    citizen = await ctx.services.repos.citizens.by_telegram_user(ctx.user.id)
    if citizen is None or citizen.telegram is None:
        await query.answer()
        await require_citizen(ctx)
        return
    prefs = toggled(citizen.telegram.preferences, callback_data.action, callback_data.value)
    await profile.set_notification_preferences(ctx.services, ctx.user.id, prefs)
    await query.answer()
    await ctx.update_message(preferences_text(ctx.t, prefs), preferences_markup(ctx.t, prefs))
