"""Commands that work everywhere (/start, /help, /menu, /cancel, /language) and menu navigation."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from actions.services import Services
from bot import forms
from bot.callbacks import GoCb, LangCb, MenuCb
from bot.context import FEATURES, Ctx, feature
from bot.keyboards import SECTIONS, language_menu, main_menu, section_menu
from bot.middlewares.context import remember_language
from core.i18n import Lang, Translator
from storage.models import Language

router = Router(name="common")


def make_ctx(event: Message | CallbackQuery, data: dict[str, Any], *, arg: str = "") -> Ctx:
    chat = data["event_chat"]
    return Ctx(
        bot=data["bot"],
        services=data["services"],
        chat_id=chat.id,
        user=data["event_from_user"],
        lang=data["lang"],
        t=data["t"],
        state=data["state"],
        event=event,
        arg=arg,
    )


async def show_main_menu(ctx: Ctx, msg_id: str = "menu-title") -> None:
    await ctx.send(ctx.t(msg_id), main_menu(ctx.t))


@router.message(CommandStart())
async def cmd_start(message: Message, state: FSMContext, t: Translator, **data: Any) -> None:
    await state.clear()
    if message.from_user is not None:
        await forms.forget(data["services"], message.from_user.id)
    name = message.from_user.first_name if message.from_user else ""
    await message.answer(t("start-greeting", name=name), reply_markup=main_menu(t))


@feature("help", title="menu-help", intents=("help",))
async def show_help(ctx: Ctx) -> None:
    await ctx.send(ctx.t("help-text"), main_menu(ctx.t))


@router.message(Command("help"))
async def cmd_help(message: Message, **data: Any) -> None:
    await show_help(make_ctx(message, data))


@router.message(Command("menu"))
async def cmd_menu(message: Message, **data: Any) -> None:
    await show_main_menu(make_ctx(message, data))


@router.message(Command("cancel"))
async def cmd_cancel(message: Message, state: FSMContext, t: Translator, **data: Any) -> None:
    if await state.get_state() is None:
        if await forms.announce_expired(make_ctx(message, {**data, "state": state, "t": t})):
            return
        await message.answer(t("cancel-nothing"), reply_markup=main_menu(t))
        return
    await state.clear()
    if message.from_user is not None:
        await forms.forget(data["services"], message.from_user.id)
    await message.answer(t("cancel-done"), reply_markup=main_menu(t))


@feature("language", title="menu-language")
async def choose_language(ctx: Ctx) -> None:
    await ctx.send(ctx.t("language-choose"), language_menu())


@router.message(Command("language"))
async def cmd_language(message: Message, **data: Any) -> None:
    await choose_language(make_ctx(message, data))


@router.callback_query(LangCb.filter())
async def on_language(query: CallbackQuery, callback_data: LangCb, services: Services, bot: Bot) -> None:
    lang: Lang = "zh" if callback_data.code == "zh" else "en"
    await remember_language(services, query.from_user.id, lang)
    await services.repos.citizens.set_language(query.from_user.id, Language(lang))
    t = services.catalog.translator(lang)
    await query.answer()
    if query.message is not None:
        await bot.send_message(query.message.chat.id, t("language-set"), reply_markup=main_menu(t))


@router.callback_query(MenuCb.filter())
async def on_menu(query: CallbackQuery, callback_data: MenuCb, t: Translator, bot: Bot) -> None:
    await query.answer()
    if query.message is None:
        return
    if callback_data.section in SECTIONS:
        markup = section_menu(t, callback_data.section)
        text = t(f"menu-section-{callback_data.section}-title")
    else:
        markup, text = main_menu(t), t("menu-title")
    await bot.edit_message_text(
        text=text, chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=markup
    )


@router.callback_query(GoCb.filter())
async def on_go(query: CallbackQuery, callback_data: GoCb, t: Translator, **data: Any) -> None:
    item = FEATURES.get(callback_data.feature)
    if item is None or query.message is None:
        await query.answer(t("button-expired"), show_alert=True)
        return
    await query.answer()
    ctx = make_ctx(query, {**data, "t": t}, arg=callback_data.arg)
    await forms.announce_expired(ctx)  # a form left open expired: say so, then do what was asked
    await item.fn(ctx)
