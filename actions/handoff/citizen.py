"""The citizen's side: ask for a person (bot -> waiting), stop waiting, leave a message for a
call-back, say something while a person has the conversation, rate the help; and the waiting
room's offer to leave a message after a long wait."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog
from redis.exceptions import RedisError

from actions.handoff.link import CitizenLink, CitizenNotice
from actions.handoff.markers import (
    CALLBACK_TOPIC,
    clear_chat_marker,
    forget_activity,
    idle_since,
    is_live,
    mark_chat,
    offered_key,
    publish,
    recall_intents,
    turn_event,
)
from actions.services import Services
from actions.transcripts import mask_identifiers, mask_turn_text, transcript_text
from core.config import parse_staff_hours
from core.identifiers import mask_id_number, mask_name
from core.language import Language
from storage.models import LOCAL_TZ, ConversationTurn, Handoff, HandoffState, TurnKind, TurnRole

log = structlog.get_logger(__name__)

DEFAULT_WAIT_PER_PERSON = 3 * 60  # seconds, until enough claims were seen to estimate


class RequestOutcome(StrEnum):
    QUEUED = "queued"
    ALREADY_WAITING = "already_waiting"
    WITH_AGENT = "with_agent"
    CLOSED_HOURS = "closed_hours"  # nobody answers now: offer to leave a message


@dataclass(frozen=True)
class HandoffRequest:
    outcome: RequestOutcome
    handoff: Handoff | None = None
    position: int = 0
    wait_minutes: int = 0


async def build_context(
    services: Services,
    *,
    user_id: int | None,
    lang: Language,
    entities: dict[str, list[str]] | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """What the handoff carries: language, recent intents, entities collected (identifiers
    masked), the bound identity (masked) and the name the citizen shows in Telegram."""
    memory: dict[str, Any] = {"intents": [], "entities": {}}
    citizen = None
    if user_id is not None:
        memory = await recall_intents(services, user_id)
        citizen = await services.repos.citizens.by_telegram_user(user_id)
    collected: dict[str, list[str]] = {k: list(v) for k, v in memory["entities"].items()}
    for kind, values in (entities or {}).items():
        collected[kind] = list(dict.fromkeys(collected.get(kind, []) + values))
    return {
        "language": lang,
        "recent_intents": list(memory["intents"]),
        "entities": {key: [_masked_entity(key, v) for v in values] for key, values in collected.items()},
        "telegram_name": (name or "").strip()[:64] or None,
        "citizen": None
        if citizen is None
        else {
            "id_number": mask_id_number(citizen.id_number),
            "name": mask_name(citizen.name),
            "city": citizen.city,
        },
    }


def _masked_entity(kind: str, value: str) -> str:
    return mask_id_number(value) if kind == "id_number" else mask_identifiers(value)


def within_staff_hours(services: Services, at: datetime | None = None) -> bool:
    start, end = parse_staff_hours(services.settings.staff_hours)
    local = (at or services.clock()).astimezone(LOCAL_TZ)
    minute = local.hour * 60 + local.minute
    return start <= minute < end


async def estimate_wait_minutes(services: Services, position: int) -> int:
    """Rough: the position times the average wait before a claim over the last day."""
    since = services.clock() - timedelta(days=1)
    waits = await services.repos.handoffs.recent_claim_waits(since=since, limit=20)
    per_person = sum(waits) / len(waits) if waits else DEFAULT_WAIT_PER_PERSON
    return max(1, math.ceil(position * per_person / 60))


async def queue_status(services: Services, handoff: Handoff) -> HandoffRequest:
    if handoff.state == HandoffState.WITH_AGENT:
        return HandoffRequest(RequestOutcome.WITH_AGENT, handoff)
    position = await services.repos.handoffs.queue_position(handoff)
    return HandoffRequest(
        RequestOutcome.ALREADY_WAITING, handoff, position, await estimate_wait_minutes(services, position)
    )


async def request_handoff(
    services: Services,
    *,
    chat_id: int,
    user_id: int | None,
    lang: Language,
    topic: str | None = None,
    entities: dict[str, list[str]] | None = None,
    actor: str = "citizen",
    name: str | None = None,
) -> HandoffRequest:
    """The citizen asks for a person: queue them (bot -> waiting), unless they already are, or
    nobody answers at this hour."""
    existing = await services.repos.handoffs.active_for_chat(chat_id)
    if existing is not None:
        await mark_chat(services, existing)
        return await queue_status(services, existing)
    if not within_staff_hours(services):
        return HandoffRequest(RequestOutcome.CLOSED_HOURS)
    context = await build_context(services, user_id=user_id, lang=lang, entities=entities, name=name)
    citizen = await services.repos.citizens.by_telegram_user(user_id) if user_id is not None else None
    handoff, created = await services.repos.handoffs.open(
        chat_id=chat_id,
        actor=actor,
        now=services.clock(),
        user_id=user_id,
        citizen_id_number=citizen.id_number if citizen else None,
        language=Language(lang),
        topic=topic or (context["recent_intents"][-1] if context["recent_intents"] else None),
        context=context,
    )
    await mark_chat(services, handoff)
    if not created:
        return await queue_status(services, handoff)
    await publish(services, handoff.id, {"type": "state", "state": handoff.state.value})
    log.info("handoff queued", handoff_id=handoff.id, topic=handoff.topic)
    position = await services.repos.handoffs.queue_position(handoff)
    return HandoffRequest(RequestOutcome.QUEUED, handoff, position, await estimate_wait_minutes(services, position))


async def cancel_waiting(services: Services, chat_id: int, actor: str = "citizen") -> Handoff | None:
    """The citizen stops waiting (waiting -> closed). None unless they were waiting."""
    handoff = await services.repos.handoffs.active_for_chat(chat_id)
    if handoff is None or handoff.state != HandoffState.WAITING:
        return None
    closed = await services.repos.handoffs.close(
        handoff.id, actor=actor, now=services.clock(), resolution_code="citizen_cancelled"
    )
    if closed is None:
        return None
    await mark_chat(services, closed)
    await publish(services, closed.id, {"type": "state", "state": closed.state.value})
    return closed


async def request_callback(
    services: Services,
    *,
    chat_id: int,
    user_id: int | None,
    lang: Language,
    message: str,
    key: str | None = None,
    phone: str | None = None,
    phone_source: str | None = None,
    name: str | None = None,
) -> Handoff:
    """Outside staff hours or after a long wait: a message for a person to call back at
    ``phone`` (the linked citizen's, or one they confirmed with a code: ``phone_source``), or,
    without a phone, to answer in the chat. It waits in the staff queue (topic "callback")
    without taking the chat away from the bot.

    ``key``: the citizen's form (idempotency key, unique on the stored request); the same form
    sent again (a redelivered message after a crash) returns the first request."""
    if key is not None and (earlier := await callback_requested(services, chat_id, key)) is not None:
        return earlier
    context = await build_context(services, user_id=user_id, lang=lang, name=name)
    citizen = await services.repos.citizens.by_telegram_user(user_id) if user_id is not None else None
    context["callback_message"] = mask_identifiers(message[:2000])
    context["callback_phone"] = phone
    context["callback_phone_source"] = phone_source if phone else None
    handoff = await services.repos.handoffs.open_callback(
        chat_id=chat_id,
        user_id=user_id,
        citizen_id_number=citizen.id_number if citizen else None,
        language=Language(lang),
        context=context,
        now=services.clock(),
        key=key,
    )
    await publish(services, handoff.id, {"type": "state", "state": handoff.state.value, "callback": True})
    return handoff


async def callback_requested(services: Services, chat_id: int, key: str) -> Handoff | None:
    """The call-back request the form ``key`` stored from ``chat_id``, if any."""
    return await services.repos.handoffs.callback_by_submission_key(key, chat_id)


async def citizen_turn(
    services: Services,
    handoff_id: str,
    *,
    chat_id: int,
    user_id: int | None,
    kind: TurnKind,
    text: str | None,
    meta: dict[str, Any],
) -> None:
    """Something the citizen sent while a person has (or is about to have) the conversation
    (already in the transcript): show it on the consoles, typing first; identifiers masked as
    in the transcript."""
    shown = mask_turn_text(transcript_text(text))
    turn = ConversationTurn(
        chat_id=chat_id, user_id=user_id, role=TurnRole.CITIZEN, kind=kind, text=shown, at=services.clock(), meta=meta
    )
    await publish(services, handoff_id, {"type": "typing", "who": "citizen"}, turn_event(turn) | {"meta": meta})


async def rate(services: Services, handoff_id: str, chat_id: int, score: int) -> bool:
    """The citizen rates the help they got (1-5), once, for their own closed conversation."""
    handoff = await services.repos.handoffs.by_id(handoff_id)
    if handoff is None or handoff.chat_id != chat_id:
        return False
    return await services.repos.handoffs.rate(handoff_id, score)


LOW_RATING = 2  # a rating up to this asks what went wrong
LOW_RATING_REASONS = ("not_solved", "too_slow", "unclear", "other")


async def explain_low_rating(services: Services, handoff_id: str, chat_id: int, reason: str, text: str) -> bool:
    """What went wrong, as the citizen chose after a low rating of their own conversation: kept as
    a note on it (author "citizen") for the supervisors who read the ratings."""
    handoff = await services.repos.handoffs.by_id(handoff_id)
    if handoff is None or handoff.chat_id != chat_id or handoff.rating is None or handoff.rating > LOW_RATING:
        return False
    if reason not in LOW_RATING_REASONS:
        return False
    return await services.repos.handoffs.add_note(handoff_id, "citizen", f"{handoff.rating}★: {text}", services.clock())


async def offer_after_long_wait(services: Services, link: CitizenLink) -> int:
    """Tell each citizen who has waited longer than `handoff_max_wait` (once, across instances)
    that they can leave a message instead. Returns how many were told."""
    limit = services.clock() - timedelta(seconds=services.settings.handoff_max_wait)
    told = 0
    for handoff in await services.repos.handoffs.queue(limit=500):
        if handoff.topic == CALLBACK_TOPIC or handoff.waiting_since is None or handoff.waiting_since > limit:
            continue
        try:
            first = await services.redis.set(offered_key(services, handoff.id), "1", nx=True, ex=24 * 3600)
        except RedisError:
            continue
        if first:
            await link.notice(handoff, CitizenNotice.OFFER_MESSAGE)
            told += 1
    return told


async def citizen_end(services: Services, handoff_id: str, *, chat_id: int) -> Handoff | None:
    """The citizen ends their chat with a person ("End chat", /cancel, /menu, /start): closed,
    back with the bot, the consoles told. None unless that conversation is this chat's and live."""
    handoff = await services.repos.handoffs.by_id(handoff_id)
    if handoff is None or handoff.chat_id != chat_id or not handoff.active:
        # The marker named a conversation that is over: the chat's live one, if any, ends instead.
        handoff = await services.repos.handoffs.active_for_chat(chat_id)
        if handoff is None or not is_live(handoff):
            await clear_chat_marker(services, chat_id)
            return None
    closed = await services.repos.handoffs.close(
        handoff.id, actor="citizen", now=services.clock(), resolution_code="citizen_ended"
    )
    if closed is None:
        return None
    await mark_chat(services, closed)
    await forget_activity(services, closed.id)
    await publish(services, closed.id, {"type": "state", "state": closed.state.value, "by": "citizen"})
    log.info("handoff ended by the citizen", handoff_id=closed.id)
    return closed


async def close_idle(services: Services, link: CitizenLink) -> int:
    """End each live conversation in which nobody wrote for `handoff_idle_timeout` seconds: the
    citizen is back with the bot, and both sides are told. Returns how many were ended."""
    timeout = services.settings.handoff_idle_timeout
    if timeout <= 0:
        return 0
    ended = 0
    for handoff_id in await idle_since(services, services.clock().timestamp() - timeout):
        handoff = await services.repos.handoffs.by_id(handoff_id)
        closed = (
            await services.repos.handoffs.close(
                handoff_id, actor="system", now=services.clock(), resolution_code="idle_timeout"
            )
            if handoff is not None and handoff.state == HandoffState.WITH_AGENT
            else None
        )
        await forget_activity(services, handoff_id)
        if handoff is None or closed is None:
            continue
        await mark_chat(services, closed)
        await publish(services, closed.id, {"type": "state", "state": closed.state.value, "by": "timeout"})
        agent = await services.repos.staff.by_username(handoff.agent or "")
        await link.notice(
            closed,
            CitizenNotice.IDLE_CLOSED,
            name=agent.display_name if agent else "",
            minutes=str(max(1, timeout // 60)),
        )
        log.info("handoff ended after inactivity", handoff_id=handoff_id)
        ended += 1
    return ended
