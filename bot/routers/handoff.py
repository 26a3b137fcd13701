"""Citizen side of talking to a person (issue 6).

Reached from the menu ("consult"), the `human_handoff` intent, or the fallback's offer after two
misunderstandings. Queues the citizen (position, rough wait), lets them stop waiting, offers a
complaint or a call-back outside staff hours or after a long wait, and takes the 1-5 rating
once the person hands the conversation back. While a person has the conversation, the
middleware (bot/middlewares/handoff.py) relays everything and keeps the bot silent.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router, html
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from actions import handoff as actions
from actions.handoff import CitizenNotice, RequestOutcome
from bot.context import FEATURES, Ctx, feature
from bot.keyboards import buttons, main_menu
from bot.routers.common import make_ctx
from core.i18n import Catalog, Lang, Translator
from core.identifiers import mask_phone
from storage.models import Handoff, Language

router = Router(name="handoff")

COMPLAINT_FEATURE = "complaint"


class HandoffCb(CallbackData, prefix="ho"):
    action: str  # stop | rate | complaint | callback
    id: str = ""
    n: int = 0


class HandoffForm(StatesGroup):
    callback_message = State()


def _lang(handoff: Handoff) -> Lang:
    return "zh" if handoff.language == Language.ZH else "en"


def stop_keyboard(t: Translator) -> Any:
    return buttons([(t("handoff-stop-button"), HandoffCb(action="stop"))])


def leave_message_keyboard(t: Translator, *, waiting: bool) -> Any:
    rows: list[list[tuple[str, Any]]] = []
    if COMPLAINT_FEATURE in FEATURES:
        rows.append([(t("handoff-complaint-button"), HandoffCb(action="complaint"))])
    rows.append([(t("handoff-callback-button"), HandoffCb(action="callback"))])
    if waiting:
        rows.append([(t("handoff-stop-button"), HandoffCb(action="stop"))])
    return buttons(*rows)


def rating_keyboard(handoff_id: str) -> Any:
    return buttons([(f"{n}⭐", HandoffCb(action="rate", id=handoff_id, n=n)) for n in range(1, 6)])


class TelegramCitizenLink:
    """`actions.handoff.CitizenLink` over Telegram. Notices go through the app's bot (recorded as
    bot turns by the transcript middleware); the agents' own words through `relay_bot`, a bot
    without that middleware, because `agent_message` records them as agent turns."""

    def __init__(self, bot: Bot, relay_bot: Bot, catalog: Catalog) -> None:
        self.bot = bot
        self.relay_bot = relay_bot
        self.catalog = catalog

    async def notice(self, handoff: Handoff, notice: CitizenNotice, **args: str) -> None:
        t = self.catalog.translator(_lang(handoff))
        quoted = {k: html.quote(v) for k, v in args.items()}
        if notice == CitizenNotice.JOINED:
            await self.bot.send_message(handoff.chat_id, t("handoff-joined", **quoted))
        elif notice == CitizenNotice.TRANSFERRED:
            await self.bot.send_message(handoff.chat_id, t("handoff-transferred", **quoted))
        elif notice == CitizenNotice.LEFT:
            await self.bot.send_message(handoff.chat_id, t("handoff-left"), reply_markup=rating_keyboard(handoff.id))
        elif notice == CitizenNotice.OFFER_MESSAGE:
            await self.bot.send_message(
                handoff.chat_id, t("handoff-long-wait"), reply_markup=leave_message_keyboard(t, waiting=True)
            )

    async def relay_text(self, handoff: Handoff, text: str, author: str) -> int | None:
        t = self.catalog.translator(_lang(handoff))
        sent = await self.relay_bot.send_message(
            handoff.chat_id, t("handoff-agent-says", name=html.quote(author), text=html.quote(text))
        )
        return sent.message_id

    async def typing(self, chat_id: int) -> None:
        await self.relay_bot.send_chat_action(chat_id, "typing")


@feature("human", title="handoff-title", section="consult", intents=("human_handoff",), order=90)
async def talk_to_person(ctx: Ctx) -> None:
    result = await actions.request_handoff(
        ctx.services, chat_id=ctx.chat_id, user_id=ctx.user.id, lang=ctx.lang, entities=ctx.entities
    )
    if result.outcome == RequestOutcome.QUEUED:
        await ctx.say("handoff-queued", stop_keyboard(ctx.t), position=result.position, minutes=result.wait_minutes)
    elif result.outcome == RequestOutcome.ALREADY_WAITING:
        await ctx.say(
            "handoff-already-waiting", stop_keyboard(ctx.t), position=result.position, minutes=result.wait_minutes
        )
    elif result.outcome == RequestOutcome.WITH_AGENT:
        await ctx.say("handoff-already-with-agent")
    else:
        await ctx.say(
            "handoff-closed-hours",
            leave_message_keyboard(ctx.t, waiting=False),
            hours=ctx.services.settings.staff_hours,
        )


async def stop_waiting(ctx: Ctx) -> None:
    stopped = await actions.cancel_waiting(ctx.services, ctx.chat_id)
    await ctx.say("handoff-stopped" if stopped is not None else "handoff-not-waiting", main_menu(ctx.t))


@router.callback_query(HandoffCb.filter(F.action == "stop"))
async def on_stop(query: CallbackQuery, **data: Any) -> None:
    await query.answer()
    await stop_waiting(make_ctx(query, data))


@router.callback_query(HandoffCb.filter(F.action == "rate"))
async def on_rate(query: CallbackQuery, callback_data: HandoffCb, t: Translator, **data: Any) -> None:
    ctx = make_ctx(query, data | {"t": t})
    if not 1 <= callback_data.n <= 5:
        await query.answer(t("button-expired"), show_alert=True)
        return
    rated = await actions.rate(ctx.services, callback_data.id, ctx.chat_id, callback_data.n)
    await query.answer()
    await ctx.say("handoff-rated" if rated else "handoff-rate-already", main_menu(t))


@router.callback_query(HandoffCb.filter(F.action == "complaint"))
async def on_complaint(query: CallbackQuery, t: Translator, **data: Any) -> None:
    ctx = make_ctx(query, data | {"t": t})
    target = FEATURES.get(COMPLAINT_FEATURE)
    if target is None:
        await query.answer(t("button-expired"), show_alert=True)
        return
    await query.answer()
    await actions.cancel_waiting(ctx.services, ctx.chat_id)
    await target.fn(ctx)


@router.callback_query(HandoffCb.filter(F.action == "callback"))
async def on_callback_request(query: CallbackQuery, **data: Any) -> None:
    ctx = make_ctx(query, data)
    await query.answer()
    await actions.cancel_waiting(ctx.services, ctx.chat_id)
    await ctx.state.set_state(HandoffForm.callback_message)
    await ctx.say("handoff-callback-ask")


@router.message(HandoffForm.callback_message, F.text, ~F.text.startswith("/"))
async def on_callback_message(message: Message, **data: Any) -> None:
    ctx = make_ctx(message, data)
    handoff = await actions.request_callback(
        ctx.services, chat_id=ctx.chat_id, user_id=ctx.user.id, lang=ctx.lang, message=message.text or ""
    )
    await ctx.state.clear()
    phone = handoff.context.get("callback_phone")
    ref = handoff.id[-6:].upper()
    if phone:
        await ctx.say("handoff-callback-done", main_menu(ctx.t), ref=ref, phone=mask_phone(phone))
    else:
        await ctx.say("handoff-callback-done-chat", main_menu(ctx.t), ref=ref)


@router.message(HandoffForm.callback_message, ~F.text)
async def on_callback_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("handoff-callback-text-only"))
