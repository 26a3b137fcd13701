"""What no feature handled: unknown commands, stickers and voice notes, and free text (NLU).

Free text goes to Rasa. Confidence policy (issue 3): above the threshold, act; when the top two
intents are too close, ask which was meant with buttons; below, say what the bot can do; after
two misunderstandings in a row, offer a person. With Rasa down, free text gets a plain "use the
menu" answer and everything else keeps working.
"""

from __future__ import annotations

from dataclasses import replace

import structlog
from aiogram import Router
from aiogram.types import CallbackQuery, Message
from redis.exceptions import RedisError

from actions.handoff import remember_intent
from bot import filters, forms
from bot.context import FEATURES, INTENTS, Ctx
from bot.routers import typed
from bot.routers.complaints.filing import OFFERED_PHOTO
from bot.ui.callbacks import GoCb, MenuCb
from bot.ui.keyboards import buttons, main_menu, menu_button
from core.metrics import ERRORS, NLU_CALLS
from core.text import is_noise
from core.typed import is_key_mash
from nlu.client import NluUnavailable, decide, normalize_entities

log = structlog.get_logger(__name__)

THANKS_EMOJI = frozenset(
    {"👍", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿", "🙏", "👌", "🤝", "👏", "❤️", "❤", "🌹", "💐", "😊", "🥰", "💯"}
)
SMALL_TALK = ("greet", "goodbye", "thanks", "affirm", "deny", "out_of_scope")
MISUNDERSTANDING_TTL = 15 * 60
MAX_TEXT = 4096


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_command, filters.COMMAND)
    router.message.register(unsupported_content, filters.NOT_TEXT)
    router.callback_query.register(stale_button, filters.HAS_DATA)
    router.message.register(free_text, filters.TEXT)
    return router


async def unknown_command(message: Message, ctx: Ctx) -> None:
    command = (message.text or "/").split()[0][:64]
    await ctx.say("unknown-command", None, command=command)


async def unsupported_content(message: Message, ctx: Ctx) -> None:
    if await ctx.state.get_state() is not None:
        await ctx.say("unsupported-content-in-form")
        return
    if await forms.announce_expired(ctx):
        return
    if message.sticker is not None and (message.sticker.emoji or "") in THANKS_EMOJI:  # a 👍 is thanks
        await _reset_misunderstandings(ctx)
        await ctx.say("smalltalk-thanks", menu_button(ctx.t))
        return
    if message.photo and await _offer_report_with_photo(ctx, message.photo[-1].file_id):
        return
    kind = getattr(message.content_type, "value", message.content_type)
    await ctx.say("unsupported-content", main_menu(ctx.t), kind=kind)


async def _offer_report_with_photo(ctx: Ctx, file_id: str) -> bool:
    """A photo outside a form: offer to file a report with it (the photo is kept for a while)."""
    if "complaint" not in FEATURES:
        return False
    try:
        await ctx.services.redis.set(
            ctx.services.keys.offered_photo(ctx.user.id), file_id, ex=ctx.services.settings.form_ttl
        )
    except RedisError:
        ERRORS.labels("redis-offered-photo").inc()
        return False
    await ctx.say(
        "photo-offer-report",
        buttons(
            [(ctx.t("photo-offer-report-button"), GoCb(feature="complaint", arg=OFFERED_PHOTO))],
            [(ctx.t("menu-title-short"), MenuCb(section="main"))],
        ),
    )
    return True


async def stale_button(query: CallbackQuery, ctx: Ctx) -> None:
    """A button from an old message whose payload no handler understands any more."""
    if await forms.announce_expired(ctx):
        await query.answer()
        return
    await query.answer(ctx.t("button-expired"), show_alert=True)


async def free_text(message: Message, ctx: Ctx) -> None:
    if await forms.announce_expired(ctx):  # the citizen's form expired: this text was probably an answer to it
        return
    services = ctx.services
    text = (message.text or "")[:MAX_TEXT]
    # "aaaa..." x 4,096 was read as "talk to a person" with confidence 1.0, "asdfgh" as "yes"
    if is_noise(text) or is_key_mash(text):
        await _not_understood(ctx)
        return
    # A button's label typed, or one identifier alone (a bare ID number was read as "goodbye").
    if await typed.answer_label(ctx, text) or await typed.answer_identifier(ctx, text):
        await _reset_misunderstandings(ctx)
        return
    if services.nlu is None:
        await ctx.say("nlu-down", main_menu(ctx.t))
        return
    try:
        result = await services.nlu.parse(text)
    except NluUnavailable as exc:
        NLU_CALLS.labels("unavailable").inc()
        log.warning("nlu unavailable", reason=str(exc))
        await ctx.say("nlu-down", main_menu(ctx.t))
        return
    NLU_CALLS.labels("ok").inc()
    check = normalize_entities(result.entities)
    decision = decide(result, threshold=services.settings.nlu_threshold, ambiguity_band=services.settings.nlu_ambiguity)
    log.info(
        "nlu",
        intent=decision.intent,
        kind=decision.kind,
        confidence=round(decision.confidence, 3),
        entities=sorted(check.valid),
    )
    if check.invalid and not check.valid:
        _, raw, hint = check.invalid[0]
        await ctx.say(hint, None, value=raw)
        return
    if decision.kind == "act" and decision.intent is not None:
        if decision.intent in SMALL_TALK:
            await _reset_misunderstandings(ctx)
            # One way back to the menu: the six-button menu again after every "thanks" is noise.
            await ctx.say(f"smalltalk-{decision.intent.replace('_', '-')}", menu_button(ctx.t))
            return
        target = INTENTS.get(decision.intent)
        if target is not None:
            await _reset_misunderstandings(ctx)
            ctx = replace(ctx, entities=check.valid)
            await _remember_intent(ctx, decision.intent, check.valid)  # context for a person
            await target.fn(ctx)
            return
    if decision.kind == "clarify":
        options = [INTENTS[i] for i in decision.options if i in INTENTS]
        if len(options) == 2:
            await ctx.say("nlu-clarify", buttons([(ctx.t(f.title_id), GoCb(feature=f.name)) for f in options]))
            return
    await _not_understood(ctx)


async def _not_understood(ctx: Ctx) -> None:
    try:
        key = ctx.services.keys.misunderstood(ctx.user.id)
        async with ctx.services.redis.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, MISUNDERSTANDING_TTL)
            count, _ = await pipe.execute()
    except RedisError:
        ERRORS.labels("redis-misunderstood").inc()
        count = 1
    human = INTENTS.get("human_handoff")
    if count >= 2 and human is not None:
        await ctx.say(
            "nlu-offer-human",
            buttons(
                [(ctx.t(human.title_id), GoCb(feature=human.name))],
                [(ctx.t("menu-title-short"), MenuCb(section="main"))],
            ),
        )
        return
    await ctx.say("nlu-not-understood", main_menu(ctx.t))


async def _reset_misunderstandings(ctx: Ctx) -> None:
    key = ctx.services.keys.misunderstood(ctx.user.id)
    if ctx.prefetched is not None:  # nothing reads it again in this update: written with its last round trip
        ctx.prefetched.defer(lambda pipe: pipe.delete(key))
        return
    try:
        await ctx.services.redis.delete(key)
    except RedisError:
        ERRORS.labels("redis-misunderstood").inc()


async def _remember_intent(ctx: Ctx, intent: str, entities: dict[str, list[str]]) -> None:
    """Written at once (a person asked for in this very update gets it along), but without
    reading it first when the update's first round trip did."""
    prefetched, services = ctx.prefetched, ctx.services
    if prefetched is None or not prefetched.intent_memory_known:
        await remember_intent(services, ctx.user.id, intent, entities)
        return
    stored = await remember_intent(services, ctx.user.id, intent, entities, stored=prefetched.intent_memory, read=False)
    prefetched.intent_memory, prefetched.intent_memory_known = stored, stored is not None
