"""`/notifications`: which push notifications a citizen gets (per type on/off) and quiet hours
(non-urgent ones held from 22:00 to 07:00 local time). The push worker reads these preferences
at send time (push/worker.py)."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import MenuCb
from bot.context import Ctx, feature
from bot.guards import require_citizen
from bot.routers.common import make_ctx
from core.i18n import Translator
from storage.models import NotificationPreferences, NotificationType

router = Router(name="notifications")

# What a citizen may switch off; the security notice about their account is always sent.
CHOOSABLE: tuple[NotificationType, ...] = tuple(t for t in NotificationType if t != NotificationType.ACCOUNT_REBOUND)


class NotifCb(CallbackData, prefix="ntf"):
    action: str  # "type" (toggle one type) or "quiet" (toggle quiet hours)
    value: str = ""


def preferences_markup(t: Translator, prefs: NotificationPreferences) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for kind in CHOOSABLE:
        mark = t("push-prefs-state-on") if prefs.wants(kind) else t("push-prefs-state-off")
        row.append(
            InlineKeyboardButton(
                text=f"{mark} {t(f'push-type-{kind.value}')}",
                callback_data=NotifCb(action="type", value=kind.value).pack(),
            )
        )
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    quiet = t("push-prefs-quiet-on") if prefs.quiet_hours else t("push-prefs-quiet-off")
    rows.append([InlineKeyboardButton(text=quiet, callback_data=NotifCb(action="quiet").pack())])
    rows.append([InlineKeyboardButton(text=t("menu-back"), callback_data=MenuCb(section="main").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


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


@router.message(Command("notifications"))
async def cmd_notifications(message: Message, **data: Any) -> None:
    await show_preferences(make_ctx(message, data))


@router.callback_query(NotifCb.filter())
async def on_toggle(query: CallbackQuery, callback_data: NotifCb, t: Translator, **data: Any) -> None:
    ctx = make_ctx(query, {**data, "t": t})
    citizen = await ctx.services.repos.citizens.by_telegram_user(query.from_user.id)
    if citizen is None or citizen.telegram is None or query.message is None:
        await query.answer()
        await require_citizen(ctx)
        return
    prefs = toggled(citizen.telegram.preferences, callback_data.action, callback_data.value)
    await ctx.services.repos.citizens.set_preferences(query.from_user.id, prefs)
    await query.answer()
    await ctx.bot.edit_message_text(
        text=preferences_text(t, prefs),
        chat_id=query.message.chat.id,
        message_id=query.message.message_id,
        reply_markup=preferences_markup(t, prefs),
    )
