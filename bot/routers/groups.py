"""The assistant works in private chats only: everything it shows is personal (a license, a
vehicle, a complaint), and in a group everyone would read it. In a group it answers a command
with where to find it, once per command, and ignores everything else."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.context import Ctx
from bot.filters import COMMAND, NOT_PRIVATE, NOT_PRIVATE_BUTTON, PRIVATE, PRIVATE_BUTTON

__all__ = ["PRIVATE", "PRIVATE_BUTTON", "build_router"]


def build_router() -> Router:
    router = Router(name="groups")
    router.message.filter(NOT_PRIVATE)
    router.callback_query.filter(NOT_PRIVATE_BUTTON)
    router.message.register(command_in_a_group, COMMAND)
    router.message.register(ignore)
    router.callback_query.register(button_in_a_group)
    return router


async def command_in_a_group(message: Message, ctx: Ctx) -> None:
    await ctx.say("groups-private-only")


async def ignore(message: Message) -> None:
    """Group conversation is not for the assistant: it is not answered."""


async def button_in_a_group(query: CallbackQuery, ctx: Ctx) -> None:
    await query.answer(ctx.t("groups-private-only"), show_alert=True)
