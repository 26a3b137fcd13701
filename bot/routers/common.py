"""Commands that work everywhere (/start, /help, /menu, /cancel, /language) and menu navigation."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from actions import profile
from bot import forms
from bot.context import FEATURES, Ctx, feature
from bot.middlewares.context import remember_language
from bot.ui.callbacks import GoCb, LangCb, MenuCb
from bot.ui.format import full_name
from bot.ui.keyboards import SECTIONS, language_menu, main_menu, section_menu
from core.language import Language
from messenger.commands import set_chat_commands


def build_router() -> Router:
    router = Router(name="common")
    router.message.register(cmd_start, CommandStart())
    router.message.register(cmd_help, Command("help"))
    router.message.register(cmd_menu, Command("menu"))
    router.message.register(cmd_cancel, Command("cancel"))
    router.message.register(cmd_language, Command("language"))
    router.callback_query.register(on_language, LangCb.filter())
    router.callback_query.register(on_menu, MenuCb.filter())
    router.callback_query.register(on_go, GoCb.filter())
    return router


async def show_main_menu(ctx: Ctx, msg_id: str = "menu-title") -> None:
    await ctx.send(ctx.t(msg_id), main_menu(ctx.t))


async def cmd_start(message: Message, ctx: Ctx) -> None:
    await forms.settle(ctx, "forms-already-submitted")  # a form that filed before a crash: say so
    state = await ctx.state.get_state()
    await ctx.state.clear()
    await forms.forget(ctx.services, ctx.user.id, ctx.prefetched)
    name = full_name(ctx.user.first_name, ctx.user.last_name)
    if state in forms.REPLY_KEYBOARD_STATES:  # a form's reply keyboard goes with it; the menu apart
        await ctx.say("start-greeting", ReplyKeyboardRemove(), name=name)
        await show_main_menu(ctx)
        return
    await ctx.say("start-greeting", main_menu(ctx.t), name=name)


@feature("help", title="menu-help", intents=("help",))
async def show_help(ctx: Ctx) -> None:
    await ctx.send(ctx.t("help-text"), main_menu(ctx.t))


async def cmd_help(message: Message, ctx: Ctx) -> None:
    await show_help(ctx)


async def cmd_menu(message: Message, ctx: Ctx) -> None:
    await show_main_menu(ctx)


async def cmd_cancel(message: Message, ctx: Ctx) -> None:
    if await ctx.state.get_state() is None:
        if await forms.announce_expired(ctx):
            return
        await ctx.say("cancel-nothing", main_menu(ctx.t))
        return
    if await forms.settle(ctx, "forms-cancel-submitted"):  # filed already (a crash came before the form ended)
        return
    state = await ctx.state.get_state()
    await ctx.state.clear()
    await forms.forget(ctx.services, ctx.user.id, ctx.prefetched)
    if state in forms.REPLY_KEYBOARD_STATES:  # its reply keyboard goes too; the menu follows apart
        await ctx.say("cancel-done-short", ReplyKeyboardRemove())
        await show_main_menu(ctx)
        return
    await ctx.say("cancel-done", main_menu(ctx.t))


@feature("language", title="menu-language")
async def choose_language(ctx: Ctx) -> None:
    await ctx.send(ctx.t("language-choose"), language_menu())


async def cmd_language(message: Message, ctx: Ctx) -> None:
    await choose_language(ctx)


async def on_language(query: CallbackQuery, callback_data: LangCb, ctx: Ctx) -> None:
    lang = Language.ZH if callback_data.code == "zh" else Language.EN
    services = ctx.services
    await remember_language(services, ctx.user.id, lang)
    await profile.set_language(services, ctx.user.id, lang)
    t = services.catalog.translator(lang)
    await query.answer()
    await ctx.send(t("language-set"), main_menu(t))
    await set_chat_commands(ctx.bot, services.catalog, ctx.chat_id, lang)  # the "/" menu follows


async def on_menu(query: CallbackQuery, callback_data: MenuCb, ctx: Ctx) -> None:
    await query.answer()
    t = ctx.t
    if callback_data.section in SECTIONS:
        markup = section_menu(t, callback_data.section)
        text = t(f"menu-section-{callback_data.section}-title")
    else:
        markup, text = main_menu(t), t("menu-title")
    await ctx.update_message(text, markup)


async def on_go(query: CallbackQuery, callback_data: GoCb, ctx: Ctx) -> None:
    item = FEATURES.get(callback_data.feature)
    if item is None:
        await query.answer(ctx.t("button-expired"), show_alert=True)
        return
    await query.answer()
    ctx = replace(ctx, arg=callback_data.arg)
    await forms.announce_expired(ctx)  # a form left open expired: say so, then do what was asked
    await item.fn(ctx)
