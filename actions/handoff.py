"""Human handoff: a conversation goes bot -> waiting -> with an agent -> closed -> bot.

The state of each episode lives in MongoDB (`repos.handoffs`, every transition stored with its
time and actor); a small Redis marker per chat (`handoff:chat:<chat_id>`) lets every update be
checked cheaply. Live traffic between the citizen and the agent crosses processes over Redis
pub/sub: everything said in a conversation is published on `handoff:ev:<handoff_id>`, and every
instance's relay listener hands it to the consoles connected there (staff/relay.py).

Channel independence: telling the citizen something (queued, a person joined, left...) goes
through a `CitizenLink` (the Telegram one is `bot.routers.handoff.TelegramCitizenLink`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import structlog
from redis.exceptions import RedisError

from actions.services import Services
from core.config import parse_staff_hours
from core.i18n import Lang
from core.identifiers import mask_id_number, mask_name
from storage.models import (
    LOCAL_TZ,
    ConversationTurn,
    Handoff,
    HandoffState,
    Language,
    StaffUser,
    TurnKind,
    TurnRole,
)

log = structlog.get_logger(__name__)

RECENT_INTENTS = 5
INTENT_MEMORY_TTL = 60 * 60
TRANSCRIPT_TURNS = 30
DEFAULT_WAIT_PER_PERSON = 3 * 60  # seconds, until enough claims were seen to estimate
MAX_AGENT_TEXT = 4000

RESOLUTION_CODES: tuple[str, ...] = (
    "resolved",
    "information_given",
    "referred",
    "complaint_filed",
    "no_response",
    "duplicate",
)
CALLBACK_TOPIC = "callback"


class CitizenNotice(StrEnum):
    """What the citizen is told about their conversation with a person."""

    JOINED = "joined"  # args: name
    TRANSFERRED = "transferred"  # args: name
    LEFT = "left"  # the conversation was closed; asks for a rating
    OFFER_MESSAGE = "offer_message"  # waited too long: leave a message instead


class CitizenLink(Protocol):
    """How actions reach the citizen's chat (Telegram in production, the sandbox in tests)."""

    async def notice(self, handoff: Handoff, notice: CitizenNotice, **args: str) -> None: ...

    async def relay_text(self, handoff: Handoff, text: str, author: str) -> int | None: ...

    async def typing(self, chat_id: int) -> None: ...


# --- keys and events ------------------------------------------------------------------------------


def events_channel(services: Services, handoff_id: str) -> str:
    return services.keys("handoff", "ev", handoff_id)


def events_pattern(services: Services) -> str:
    return services.keys("handoff", "ev", "*")


def chat_key(services: Services, chat_id: int) -> str:
    return services.keys("handoff", "chat", chat_id)


def _memory_key(services: Services, user_id: int) -> str:
    return services.keys("handoff", "mem", user_id)


def _offered_key(services: Services, handoff_id: str) -> str:
    return services.keys("handoff", "offered", handoff_id)


async def publish(services: Services, handoff_id: str, *events: dict[str, Any]) -> None:
    """Tell every console watching this conversation, on any instance (several events: in order,
    in one round trip)."""
    channel = events_channel(services, handoff_id)
    try:
        async with services.redis.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(channel, json.dumps(event | {"handoff_id": handoff_id}, ensure_ascii=False, default=str))
            await pipe.execute()
    except RedisError:
        log.exception("could not publish a handoff event", handoff_id=handoff_id)


def turn_event(turn: ConversationTurn, *, author: str | None = None) -> dict[str, Any]:
    return {
        "type": "message",
        "role": turn.role.value,
        "kind": turn.kind.value,
        "text": turn.text or "",
        "at": turn.at.isoformat(),
        "turn_id": turn.id,
        "author": author or turn.meta.get("author_name", ""),
    }


@dataclass(frozen=True)
class ChatMarker:
    """What the Redis marker of a chat says: its active handoff, in a few fields."""

    handoff_id: str
    state: HandoffState
    language: str


async def _mark_chat(services: Services, handoff: Handoff) -> None:
    """Keep the chat's marker in step with MongoDB after a transition. Set, then confirm against
    MongoDB, so that two transitions racing (a claim and a cancel) cannot leave a stale marker."""
    key = chat_key(services, handoff.chat_id)
    try:
        if handoff.active and handoff.topic != CALLBACK_TOPIC:
            await services.redis.set(key, f"{handoff.id}:{handoff.state.value}:{handoff.language.value}")
            current = await services.repos.handoffs.by_id(handoff.id)
            if current is None or current.state != handoff.state:
                await services.redis.delete(key)
                if current is not None and current.active:
                    await services.redis.set(key, f"{current.id}:{current.state.value}:{current.language.value}")
        else:
            await services.redis.delete(key)
    except RedisError:
        log.exception("could not mark the chat's handoff state", chat_id=handoff.chat_id)


async def chat_marker(services: Services, chat_id: int) -> ChatMarker | None:
    """The chat's active handoff as the marker says (one Redis GET; no MongoDB on the hot path)."""
    try:
        raw = await services.redis.get(chat_key(services, chat_id))
    except RedisError:
        log.warning("could not read the chat's handoff marker", chat_id=chat_id)
        return None
    if raw is None:
        return None
    handoff_id, state, language = raw.decode().split(":")
    return ChatMarker(handoff_id, HandoffState(state), language)


async def active_for_chat(services: Services, chat_id: int) -> Handoff | None:
    """The chat's waiting or claimed conversation, if any: one Redis GET when there is none,
    confirmed in MongoDB (the source of truth) when the marker says there is."""
    if await chat_marker(services, chat_id) is None:
        return None
    handoff = await services.repos.handoffs.active_for_chat(chat_id)
    if handoff is None:
        try:
            await services.redis.delete(chat_key(services, chat_id))
        except RedisError:
            log.warning("could not clear the chat's handoff marker", chat_id=chat_id)
    return handoff


# --- what the handoff carries ----------------------------------------------------------------------


async def remember_intent(services: Services, user_id: int, intent: str, entities: dict[str, list[str]]) -> None:
    """Called by the NLU fallback for each understood request: the last intents and the entities
    collected travel with a handoff."""
    key = _memory_key(services, user_id)
    try:
        raw = await services.redis.get(key)
        memory: dict[str, Any] = json.loads(raw) if raw else {"intents": [], "entities": {}}
        memory["intents"] = (memory["intents"] + [intent])[-RECENT_INTENTS:]
        for name, values in entities.items():
            known: list[str] = memory["entities"].setdefault(name, [])
            memory["entities"][name] = (known + [v for v in values if v not in known])[-5:]
        await services.redis.set(key, json.dumps(memory, ensure_ascii=False), ex=INTENT_MEMORY_TTL)
    except RedisError:
        log.warning("could not remember the intent", user_id=user_id)


async def build_context(
    services: Services, *, user_id: int | None, lang: Lang, entities: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """Language, recent intents, entities collected and the bound identity (masked)."""
    memory: dict[str, Any] = {"intents": [], "entities": {}}
    citizen = None
    if user_id is not None:
        try:
            raw = await services.redis.get(_memory_key(services, user_id))
            if raw:
                memory = json.loads(raw)
        except RedisError:
            log.warning("could not read the intent memory", user_id=user_id)
        citizen = await services.repos.citizens.by_telegram_user(user_id)
    collected: dict[str, list[str]] = {k: list(v) for k, v in memory["entities"].items()}
    for name, values in (entities or {}).items():
        collected[name] = list(dict.fromkeys(collected.get(name, []) + values))
    return {
        "language": lang,
        "recent_intents": list(memory["intents"]),
        "entities": collected,
        "citizen": None
        if citizen is None
        else {
            "id_number": mask_id_number(citizen.id_number),
            "name": mask_name(citizen.name),
            "city": citizen.city,
        },
    }


# --- the citizen's side ------------------------------------------------------------------------------


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
    lang: Lang,
    topic: str | None = None,
    entities: dict[str, list[str]] | None = None,
    actor: str = "citizen",
) -> HandoffRequest:
    """The citizen asks for a person: queue them (bot -> waiting), unless they already are, or
    nobody answers at this hour."""
    existing = await services.repos.handoffs.active_for_chat(chat_id)
    if existing is not None:
        await _mark_chat(services, existing)
        return await queue_status(services, existing)
    if not within_staff_hours(services):
        return HandoffRequest(RequestOutcome.CLOSED_HOURS)
    context = await build_context(services, user_id=user_id, lang=lang, entities=entities)
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
    await _mark_chat(services, handoff)
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
    await _mark_chat(services, closed)
    await publish(services, closed.id, {"type": "state", "state": closed.state.value})
    return closed


async def request_callback(
    services: Services, *, chat_id: int, user_id: int | None, lang: Lang, message: str
) -> Handoff:
    """Outside staff hours or after a long wait: a message for a person to call back. It waits
    in the staff queue (topic "callback") without taking the chat away from the bot."""
    context = await build_context(services, user_id=user_id, lang=lang)
    citizen = await services.repos.citizens.by_telegram_user(user_id) if user_id is not None else None
    context["callback_message"] = message[:2000]
    context["callback_phone"] = citizen.phone if citizen else None
    return await services.repos.handoffs.open_callback(
        chat_id=chat_id,
        user_id=user_id,
        citizen_id_number=citizen.id_number if citizen else None,
        language=Language(lang),
        context=context,
        now=services.clock(),
    )


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
    (already in the transcript): show it on the consoles, typing first."""
    turn = ConversationTurn(
        chat_id=chat_id, user_id=user_id, role=TurnRole.CITIZEN, kind=kind, text=text, at=services.clock(), meta=meta
    )
    await publish(services, handoff_id, {"type": "typing", "who": "citizen"}, turn_event(turn) | {"meta": meta})


async def rate(services: Services, handoff_id: str, chat_id: int, score: int) -> bool:
    """The citizen rates the help they got (1-5), once, for their own closed conversation."""
    handoff = await services.repos.handoffs.by_id(handoff_id)
    if handoff is None or handoff.chat_id != chat_id:
        return False
    return await services.repos.handoffs.rate(handoff_id, score)


# --- the staff side ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimResult:
    handoff: Handoff | None
    taken_by: str | None = None  # when someone else got it first


async def _joined(services: Services, link: CitizenLink, handoff: Handoff, staff: StaffUser) -> None:
    await _mark_chat(services, handoff)
    await publish(
        services,
        handoff.id,
        {"type": "state", "state": handoff.state.value, "agent": staff.username, "agent_name": staff.display_name},
    )
    if handoff.topic != CALLBACK_TOPIC:
        await link.notice(handoff, CitizenNotice.JOINED, name=staff.display_name)


async def claim(services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser) -> ClaimResult:
    """Atomic: of two agents claiming at once, one gets it and the other learns who did."""
    handoff = await services.repos.handoffs.claim(handoff_id, agent.username, services.clock())
    if handoff is None:
        current = await services.repos.handoffs.by_id(handoff_id)
        return ClaimResult(None, current.agent if current else None)
    await _joined(services, link, handoff, agent)
    log.info("handoff claimed", handoff_id=handoff_id, agent=agent.username)
    return ClaimResult(handoff)


async def take_over(services: Services, link: CitizenLink, handoff_id: str, supervisor: StaffUser) -> Handoff | None:
    """A supervisor takes an active conversation, waiting or with another agent."""
    handoff = await services.repos.handoffs.take_over(handoff_id, supervisor.username, services.clock())
    if handoff is not None:
        await _joined(services, link, handoff, supervisor)
    return handoff


async def take_over_chat(services: Services, link: CitizenLink, chat_id: int, supervisor: StaffUser) -> Handoff | None:
    """A supervisor steps into a conversation the bot is having (bot -> waiting -> with_agent)."""
    existing = await services.repos.handoffs.active_for_chat(chat_id)
    if existing is None:
        last = await services.repos.conversations.recent_turns(chat_id, limit=1)
        user_id = last[0].user_id if last and last[0].user_id else chat_id
        citizen = await services.repos.citizens.by_telegram_user(user_id)
        lang: Lang = "zh" if citizen is None or (await _last_language(services, user_id)) == "zh" else "en"
        context = await build_context(services, user_id=user_id, lang=lang)
        existing, _ = await services.repos.handoffs.open(
            chat_id=chat_id,
            actor=supervisor.username,
            now=services.clock(),
            user_id=user_id,
            citizen_id_number=citizen.id_number if citizen else None,
            language=Language(lang),
            topic="supervisor",
            context=context,
        )
    return await take_over(services, link, existing.id, supervisor)


async def _last_language(services: Services, user_id: int) -> str | None:
    try:
        chosen, last = await services.redis.mget(services.keys("lang", user_id), services.keys("lastlang", user_id))
    except RedisError:
        return None
    value = chosen or last
    return value.decode() if value else None


def holds(handoff: Handoff | None, staff: StaffUser) -> bool:
    return handoff is not None and handoff.state == HandoffState.WITH_AGENT and handoff.agent == staff.username


async def agent_message(
    services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser, text: str
) -> ConversationTurn | None:
    """The agent writes to the citizen: delivered, recorded (role agent), shown on every console.

    The holder is checked in MongoDB (a transfer or a close on another instance takes effect at
    once); the turn is queued for the transcript writer, and the first response recorded only
    while there is none, so the relay waits on one MongoDB read."""
    text = text.strip()[:MAX_AGENT_TEXT]
    handoff = await services.repos.handoffs.by_id(handoff_id)
    if not text or not holds(handoff, agent):
        return None
    assert handoff is not None
    message_id = await link.relay_text(handoff, text, agent.display_name)
    now = services.clock()
    turn = await services.repos.conversations.append_turn(
        chat_id=handoff.chat_id,
        role=TurnRole.AGENT,
        at=now,
        text=text,
        user_id=handoff.user_id,
        meta={
            "agent": agent.username,
            "author_name": agent.display_name,
            "message_id": message_id,
            "handoff_id": handoff.id,
        },
    )
    await publish(services, handoff.id, turn_event(turn, author=agent.display_name))
    if handoff.first_response_at is None:
        await services.repos.handoffs.record_first_response(handoff.id, now)
    return turn


async def agent_typing(services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser) -> bool:
    handoff = await services.repos.handoffs.by_id(handoff_id)
    if not holds(handoff, agent):
        return False
    assert handoff is not None
    await link.typing(handoff.chat_id)
    await publish(services, handoff.id, {"type": "typing", "who": "agent", "author": agent.display_name})
    return True


async def transfer(
    services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser, to_username: str
) -> Handoff | None:
    target = await services.repos.staff.by_username(to_username)
    if target is None or target.disabled or target.username == agent.username:
        return None
    handoff = await services.repos.handoffs.transfer(handoff_id, agent.username, target.username, services.clock())
    if handoff is None:
        return None
    await publish(
        services,
        handoff.id,
        {"type": "state", "state": handoff.state.value, "agent": target.username, "agent_name": target.display_name},
    )
    if handoff.topic != CALLBACK_TOPIC:
        await link.notice(handoff, CitizenNotice.TRANSFERRED, name=target.display_name)
    return handoff


async def close(
    services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser, resolution_code: str
) -> Handoff | None:
    """with_agent -> closed: the citizen is back with the bot and asked to rate the help."""
    if resolution_code not in RESOLUTION_CODES:
        raise ValueError(f"unknown resolution code {resolution_code!r}")
    current = await services.repos.handoffs.by_id(handoff_id)
    if not holds(current, agent):
        return None
    closed = await services.repos.handoffs.close(
        handoff_id, actor=agent.username, now=services.clock(), resolution_code=resolution_code
    )
    if closed is None:
        return None
    await _mark_chat(services, closed)
    await publish(services, closed.id, {"type": "state", "state": closed.state.value})
    if closed.topic != CALLBACK_TOPIC:
        await link.notice(closed, CitizenNotice.LEFT)
    log.info("handoff closed", handoff_id=handoff_id, agent=agent.username, resolution=resolution_code)
    return closed


async def add_note(services: Services, handoff_id: str, author: StaffUser, text: str) -> bool:
    text = text.strip()[:2000]
    if not text:
        return False
    now = services.clock()
    added = await services.repos.handoffs.add_note(handoff_id, author.username, text, now)
    if added:
        await publish(
            services, handoff_id, {"type": "note", "author": author.display_name, "text": text, "at": now.isoformat()}
        )
    return added


# --- the waiting room: offer to leave a message after a long wait ------------------------------------


async def offer_after_long_wait(services: Services, link: CitizenLink) -> int:
    """Tell each citizen who has waited longer than `handoff_max_wait` (once, across instances)
    that they can leave a message instead. Returns how many were told."""
    limit = services.clock() - timedelta(seconds=services.settings.handoff_max_wait)
    told = 0
    for handoff in await services.repos.handoffs.queue(limit=500):
        if handoff.topic == CALLBACK_TOPIC or handoff.waiting_since is None or handoff.waiting_since > limit:
            continue
        try:
            first = await services.redis.set(_offered_key(services, handoff.id), "1", nx=True, ex=24 * 3600)
        except RedisError:
            continue
        if first:
            await link.notice(handoff, CitizenNotice.OFFER_MESSAGE)
            told += 1
    return told


# --- the supervisor's view -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveRow:
    handoff: Handoff
    wait_seconds: int
    first_response_seconds: int | None  # None: no answer yet
    late: bool  # no first answer within the target, or answered after it


@dataclass(frozen=True)
class Overview:
    queue_length: int
    agents_online: list[str] = field(default_factory=list)
    rows: list[ActiveRow] = field(default_factory=list)


async def overview(services: Services, agents_online: list[str]) -> Overview:
    now = services.clock()
    target = services.settings.handoff_first_response_target
    rows: list[ActiveRow] = []
    queue_length = 0
    for handoff in await services.repos.handoffs.active():
        start = handoff.waiting_since or handoff.created_at
        if handoff.state == HandoffState.WAITING and handoff.topic != CALLBACK_TOPIC:
            queue_length += 1
        if handoff.first_response_at is not None:
            first: int | None = int((handoff.first_response_at - start).total_seconds())
            late = first is not None and first > target
        else:
            first = None
            late = (now - start).total_seconds() > target
        rows.append(ActiveRow(handoff, int((now - start).total_seconds()), first, late))
    return Overview(queue_length=queue_length, agents_online=agents_online, rows=rows)


async def recent_bot_chats(services: Services, *, minutes: int = 30, limit: int = 50) -> list[dict[str, Any]]:
    """Chats the bot talked in recently (for a supervisor to step into): chat id and last turn time."""
    since = services.clock() - timedelta(minutes=minutes)
    pipeline: list[dict[str, Any]] = [
        {"$match": {"at": {"$gte": since}}},
        {"$group": {"_id": "$chat_id", "last": {"$max": "$at"}, "turns": {"$sum": 1}}},
        {"$sort": {"last": -1}},
        {"$limit": limit},
    ]
    cursor = await services.repos.conversations.collection.aggregate(pipeline)
    return [{"chat_id": doc["_id"], "last": doc["last"], "turns": doc["turns"]} async for doc in cursor]
