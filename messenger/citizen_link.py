"""The handoff's link to the citizen's Telegram chat, shared by the bot (its buttons, its
handlers) and the staff console (which tells the citizen a person joined, relays the agent's
words, asks for a rating): `TelegramCitizenLink`, the `HandoffCb` payloads and their keyboards."""

from __future__ import annotations

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from pydantic import Field

from actions.handoff import CitizenNotice
from core.i18n import Catalog, Translator
from core.language import LANGUAGES, Language
from storage.models import Handoff

# The bot's feature that the "file a complaint" button runs (bot/routers/complaints/filing.py); a test
# checks that it is registered (tests/unit/test_citizen_link.py).
COMPLAINT_FEATURE = "complaint"


class HandoffCb(CallbackData, prefix="ho"):
    action: (
        str  # stop | rate | why (after a low rating) | complaint | callback | cbchat (a call-back answered in the chat)
    )
    id: str = ""
    n: int = Field(default=0, ge=0, le=5)  # stars; a forged payload with other numbers matches nothing


def _keyboard(*rows: list[tuple[str, HandoffCb]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=payload.pack()) for text, payload in row] for row in rows
        ]
    )


def stop_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """The "stop waiting" button: leave the queue."""
    return _keyboard([(t("handoff-stop-button"), HandoffCb(action="stop"))])


def leave_message_keyboard(t: Translator, *, waiting: bool) -> InlineKeyboardMarkup:
    """Nobody answers now (or not soon): file a complaint, ask for a call back (or stop waiting)."""
    rows: list[list[tuple[str, HandoffCb]]] = [
        [(t("handoff-complaint-button"), HandoffCb(action="complaint"))],
        [(t("handoff-callback-button"), HandoffCb(action="callback"))],
    ]
    if waiting:
        rows.append([(t("handoff-stop-button"), HandoffCb(action="stop"))])
    return _keyboard(*rows)


def callback_chat_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """A call-back request without a phone number: "answer me here in the chat"."""
    return _keyboard([(t("handoff-callback-chat-button"), HandoffCb(action="cbchat"))])


def rating_keyboard(handoff_id: str) -> InlineKeyboardMarkup:
    """1 to 5 stars for the help the citizen got."""
    # "1 ⭐" as the complaint rating's buttons (complaints-rate-button) read, in both languages
    return _keyboard([(f"{n} ⭐", HandoffCb(action="rate", id=handoff_id, n=n)) for n in range(1, 6)])


def end_chat_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    """While a person has the conversation: the "End chat" button under the message box."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("handoff-end-button"))]], resize_keyboard=True, is_persistent=True
    )


END_COMMANDS = ("/cancel", "/menu", "/start")


def ends_chat(text: str | None, catalog: Catalog) -> str | None:
    """What the citizen sent to end a chat with a person: "cancel", "menu" or "start" (a
    command, or "cancel" for the "End chat" button in either language); None for anything else."""
    if not text:
        return None
    word = text.strip().split(maxsplit=1)[0].split("@")[0].lower() if text.strip() else ""
    if word in END_COMMANDS:
        return word[1:]
    if text.strip() in {str(catalog.text(lang, "handoff-end-button")) for lang in LANGUAGES}:
        return "cancel"
    return None


async def send_ended(bot: Bot, chat_id: int, t: Translator, text: str, handoff_id: str | None) -> None:
    """The chat with a person is over: ``text`` (the "End chat" button goes), then, with
    ``handoff_id``, the request to rate the help."""
    await bot.send_message(chat_id, text, reply_markup=ReplyKeyboardRemove())
    if handoff_id is not None:
        await bot.send_message(chat_id, t("handoff-rate-ask"), reply_markup=rating_keyboard(handoff_id))


def _lang(handoff: Handoff) -> Language:
    return handoff.language


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
        chat = handoff.chat_id
        if notice == CitizenNotice.JOINED:
            await self.bot.send_message(chat, t("handoff-joined", **args), reply_markup=end_chat_keyboard(t))
        elif notice == CitizenNotice.CALLBACK_ANSWERING:
            await self.bot.send_message(
                chat, t("handoff-callback-answering", **args), reply_markup=end_chat_keyboard(t)
            )
        elif notice == CitizenNotice.TRANSFERRED:
            await self.bot.send_message(chat, t("handoff-transferred", **args))
        elif notice == CitizenNotice.LEFT:
            await send_ended(self.bot, chat, t, t("handoff-left"), handoff.id)
        elif notice == CitizenNotice.IDLE_CLOSED:
            await send_ended(self.bot, chat, t, t("handoff-idle-closed", **args), None)
        elif notice == CitizenNotice.CALLBACK_CLOSED:
            how = args.get("how", "")
            msg_id = f"handoff-callback-closed-{how.replace('_', '-')}"
            text = t(msg_id if self.catalog.has(t.lang, msg_id) else "handoff-callback-closed", **args)
            await send_ended(self.bot, chat, t, text, handoff.id)
        elif notice == CitizenNotice.OFFER_MESSAGE:
            await self.bot.send_message(
                chat, t("handoff-long-wait"), reply_markup=leave_message_keyboard(t, waiting=True)
            )

    async def relay_text(self, handoff: Handoff, text: str, author: str) -> int | None:
        t = self.catalog.translator(_lang(handoff))
        sent = await self.relay_bot.send_message(handoff.chat_id, t("handoff-agent-says", name=author, text=text))
        return sent.message_id

    async def typing(self, chat_id: int) -> None:
        await self.relay_bot.send_chat_action(chat_id, "typing")
