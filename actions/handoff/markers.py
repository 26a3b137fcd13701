"""What Redis keeps about handoffs: the chat's marker (one GET tells every update whether a person
is involved), the conversation's pub/sub events (every console on every instance), and the
citizen's recent intents (they travel with a handoff). MongoDB stays the source of truth."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import structlog
from redis.exceptions import RedisError

from actions.services import Services
from storage.models import ConversationTurn, Handoff, HandoffState

log = structlog.get_logger(__name__)

RECENT_INTENTS = 5
INTENT_MEMORY_TTL = 60 * 60
CALLBACK_TOPIC = "callback"  # a call-back request: in the staff queue, the chat stays with the bot


# --- keys and events ------------------------------------------------------------------------------


def events_channel(services: Services, handoff_id: str) -> str:
    return services.keys.handoff_events(handoff_id)


def events_pattern(services: Services) -> str:
    return services.keys.handoff_events_pattern()


def chat_key(services: Services, chat_id: int) -> str:
    return services.keys.handoff_chat(chat_id)


def memory_key(services: Services, user_id: int) -> str:
    return services.keys.handoff_memory(user_id)


def offered_key(services: Services, handoff_id: str) -> str:
    return services.keys.handoff_offered(handoff_id)


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


# --- the chat's marker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatMarker:
    """What the Redis marker of a chat says: its active handoff, in a few fields."""

    handoff_id: str
    state: HandoffState
    language: str


async def mark_chat(services: Services, handoff: Handoff) -> None:
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
    handoff_id, state, language = (raw.decode() if isinstance(raw, bytes) else raw).split(":")
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


# --- the intent memory ------------------------------------------------------------------------------


async def remember_intent(services: Services, user_id: int, intent: str, entities: dict[str, list[str]]) -> None:
    """Called by the NLU fallback for each understood request: the last intents and the entities
    collected travel with a handoff."""
    key = memory_key(services, user_id)
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


async def recall_intents(services: Services, user_id: int) -> dict[str, Any]:
    """What `remember_intent` kept: {"intents": [...], "entities": {name: [values]}}."""
    try:
        raw = await services.redis.get(memory_key(services, user_id))
    except RedisError:
        log.warning("could not read the intent memory", user_id=user_id)
        return {"intents": [], "entities": {}}
    memory: dict[str, Any] = json.loads(raw) if raw else {"intents": [], "entities": {}}
    return memory
