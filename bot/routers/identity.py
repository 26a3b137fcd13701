"""Identity binding (name + ID number + SMS code) and /unbind. Rules: actions/identity.py."""

from __future__ import annotations

from datetime import timedelta

import structlog
from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from actions import identity
from actions.identity import CheckOutcome, SendOutcome, SendResult
from actions.services import today_of
from bot import forms
from bot.context import Ctx, feature
from bot.resume import resume_request
from bot.ui.callbacks import GoCb, MenuCb
from bot.ui.keyboards import buttons, main_menu
from core.dates import LOCAL_TZ
from core.identifiers import explain_id_number, mask_id_number, mask_name, normalize_id_number
from messenger.webapp import reset_menu_button, set_linked_menu_button
from storage.models import TelegramBinding

log = structlog.get_logger(__name__)


class BindForm(StatesGroup):
    name = State()
    id_number = State()
    code = State()


def build_router() -> Router:
    router = Router(name="identity")
    router.message.register(on_name, StateFilter(BindForm.name), forms.FORM_TEXT)
    router.message.register(on_id_number, StateFilter(BindForm.id_number), forms.FORM_TEXT)
    router.message.register(on_code, StateFilter(BindForm.code), forms.FORM_TEXT)
    router.message.register(cmd_unbind, Command("unbind"))
    return router


def _who(name: str, id_number: str) -> dict[str, str]:
    return {"name": mask_name(name), "id": mask_id_number(id_number)}


@feature("bind", title="identity-menu-bind", section="changes", intents=("bind_identity",), order=10)
async def bind(ctx: Ctx) -> None:
    current = await identity.current_identity(ctx.services, ctx.user.id)
    if current is not None and ctx.arg != "new":
        await ctx.say(
            "identity-already-bound",
            buttons(
                [(ctx.t("identity-bind-other-button"), GoCb(feature="bind", arg="new"))],
                [(ctx.t("identity-unbind-button"), GoCb(feature="unbind"))],
            ),
            **_who(current.name, current.id_number),
        )
        return
    if await say_if_locked(ctx):  # at once, not after the name and ID number are typed again
        return
    given = ctx.entities.get("id_number", [])
    await forms.begin(ctx, "bind", BindForm.name, data={"id_number": given[0] if given else None})
    await ctx.say("identity-ask-name")


async def say_locked(ctx: Ctx, seconds: int) -> None:
    """Linking is locked: until when (the bureau's local time) and how long that is."""
    until = ctx.services.clock() + timedelta(seconds=seconds)
    await ctx.say(
        "identity-locked-until",
        buttons([(ctx.t("menu-title-short"), MenuCb(section="main"))]),
        until=until.astimezone(LOCAL_TZ).strftime("%H:%M"),
        minutes=max(1, -(-seconds // 60)),
    )


async def say_if_locked(ctx: Ctx) -> bool:
    """When too many wrong codes locked this account, say until when and return True."""
    seconds = await identity.binding_lock_seconds(ctx.services, ctx.user.id)
    if seconds <= 0:
        return False
    await say_locked(ctx, seconds)
    return True


async def on_name(message: Message, ctx: Ctx) -> None:
    name = " ".join((message.text or "").split())
    if (hint := identity.explain_name(name)) is not None:
        await ctx.say(hint)
        return
    await ctx.state.update_data(name=name)
    id_number = (await ctx.state.get_data()).get("id_number")
    if id_number:
        await _send_code(ctx, name, id_number, resend=False)
        return
    await ctx.state.set_state(BindForm.id_number)
    await ctx.say("identity-ask-id")


async def on_id_number(message: Message, ctx: Ctx) -> None:
    raw = message.text or ""
    today = today_of(ctx.services)
    id_number = normalize_id_number(raw, today=today)
    if id_number is None:
        hint = explain_id_number(raw, today=today) or "id-error-length"
        await ctx.send(ctx.t(hint) + "\n" + ctx.t("identity-id-retry"))
        return
    await ctx.state.update_data(id_number=id_number)
    name = str((await ctx.state.get_data()).get("name", ""))
    await _send_code(ctx, name, id_number, resend=False)


async def _send_code(ctx: Ctx, name: str, id_number: str, *, resend: bool) -> None:
    result = await identity.start_binding(
        ctx.services, user_id=ctx.user.id, name=name, id_number=id_number, language=ctx.lang
    )
    if result.outcome == SendOutcome.SENT:
        await ctx.state.set_state(BindForm.code)
        await ctx.say(
            "identity-code-sent",
            buttons([(ctx.t("identity-resend-button"), GoCb(feature="bind_resend"))]),
            minutes=identity.CODE_TTL // 60,
        )
        return
    await _refused(ctx, result, keep_form=resend)


async def _refused(ctx: Ctx, result: SendResult, *, keep_form: bool) -> None:
    if result.outcome == SendOutcome.TOO_SOON and keep_form:
        await ctx.say("identity-resend-too-soon", None, seconds=result.wait_seconds)
        return
    await forms.end(ctx)
    match result.outcome:
        case SendOutcome.LOCKED:
            await say_locked(ctx, result.wait_seconds)
        case SendOutcome.TOO_SOON:
            await ctx.say("identity-too-soon", None, seconds=result.wait_seconds)
        case SendOutcome.TOO_MANY:
            await ctx.say("identity-too-many", None, minutes=result.wait_minutes)
        case _:
            await ctx.say("identity-sms-unavailable", main_menu(ctx.t))


@feature("bind_resend", title="identity-resend-button")
async def resend(ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    if await ctx.state.get_state() != BindForm.code.state or not data.get("name") or not data.get("id_number"):
        await ctx.say("identity-resend-nothing", buttons([(ctx.t("identity-menu-bind"), GoCb(feature="bind"))]))
        return
    await _send_code(ctx, str(data["name"]), str(data["id_number"]), resend=True)


async def on_code(message: Message, ctx: Ctx) -> None:
    code = identity.normalize_code(message.text or "")
    if code is None:
        await ctx.say("identity-error-code")
        return
    outcome = await identity.confirm_binding(
        ctx.services, user_id=ctx.user.id, chat_id=ctx.chat_id, code=code, language=ctx.lang
    )
    check = outcome.check
    match check.outcome:
        case CheckOutcome.WRONG:
            await ctx.say("identity-code-wrong", None, left=check.attempts_left)
            return
        case CheckOutcome.LOCKED:
            await forms.end(ctx)
            await say_locked(ctx, check.wait_seconds)
            return
        case CheckOutcome.EXPIRED:
            await forms.end(ctx)
            await ctx.say("identity-code-expired", buttons([(ctx.t("identity-menu-bind"), GoCb(feature="bind"))]))
            return
    await forms.end(ctx)
    if outcome.bind is None:
        await ctx.say("identity-bind-conflict", buttons([(ctx.t("identity-menu-bind"), GoCb(feature="bind"))]))
        return
    citizen = outcome.bind.citizen
    text = ctx.t("identity-bound", **_who(citizen.name, citizen.id_number))
    if outcome.bind.previous_id_number is not None:
        text += "\n" + ctx.t("identity-bound-replaced")
    await ctx.send(text, main_menu(ctx.t))
    # The chat's menu button now opens the Mini App (the default one asks to link first).
    await set_linked_menu_button(ctx.bot, ctx.services.settings, ctx.services.catalog, ctx.chat_id, ctx.lang)
    if outcome.bind.previous_binding is not None:
        await _tell_previous_account(ctx, outcome.bind.previous_binding)
    # The request that needed the link (e.g. "how do I appeal this ticket?") is answered now.
    await resume_request(ctx)


async def _tell_previous_account(ctx: Ctx, previous: TelegramBinding) -> None:
    """The identity was bound to another Telegram account: that account is told at once."""
    t = ctx.services.catalog.translator(previous.language.value)
    await reset_menu_button(ctx.bot, ctx.services.settings, previous.chat_id)
    try:
        await ctx.bot.send_message(
            previous.chat_id,
            t("identity-rebound-notice"),
            reply_markup=buttons([(t("identity-menu-bind"), GoCb(feature="bind"))]),
        )
    except TelegramAPIError as exc:
        log.warning("could not tell the previous account about a re-binding", error=type(exc).__name__)


@feature("unbind", title="identity-menu-unbind", section="changes", order=90)
async def unbind(ctx: Ctx) -> None:
    current = await identity.current_identity(ctx.services, ctx.user.id)
    if current is None:
        await ctx.say("identity-not-bound", buttons([(ctx.t("identity-menu-bind"), GoCb(feature="bind"))]))
        return
    if ctx.arg != "yes":
        await ctx.say(
            "identity-unbind-confirm",
            buttons(
                [(ctx.t("identity-unbind-yes"), GoCb(feature="unbind", arg="yes"))],
                [(ctx.t("identity-unbind-no"), MenuCb(section="main"))],
            ),
            **_who(current.name, current.id_number),
        )
        return
    await identity.unbind(ctx.services, ctx.user.id)
    await reset_menu_button(ctx.bot, ctx.services.settings, ctx.chat_id)
    await ctx.say("identity-unbound", main_menu(ctx.t))


async def cmd_unbind(message: Message, ctx: Ctx) -> None:
    await unbind(ctx)
