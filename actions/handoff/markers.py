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
PREVIEW_MAX = 200  # characters of the citizen's last message the desk shows
INBOX_TTL = 7 * 24 * 3600


def is_live(handoff: Handoff) -> bool:
    """The citizen's messages go to people, not to the bot: an active conversation, except a
    call-back request that nobody has answered in the chat yet."""
    return handoff.active and (handoff.topic != CALLBACK_TOPIC or bool(handoff.context.get("in_chat")))


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
    in one round trip). In the same round trip, a message keeps the conversation from timing out
    (`touch_activity`, for one already being timed) and a citizen's message goes to the desk's
    unread count and preview (`inboxes`)."""
    channel = events_channel(services, handoff_id)
    try:
        async with services.redis.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.publish(channel, json.dumps(event | {"handoff_id": handoff_id}, ensure_ascii=False, default=str))
                if event.get("type") != "message":
                    continue
                now = services.clock().timestamp()
                pipe.zadd(services.keys.handoff_activity(), {handoff_id: now}, xx=True)
                if event.get("role") == "citizen":
                    inbox = services.keys.handoff_inbox(handoff_id)
                    pipe.hincrby(inbox, "n", 1)
                    preview = str(event.get("text") or "")[:PREVIEW_MAX]
                    pipe.hset(inbox, mapping={"text": preview, "kind": str(event.get("kind") or "text"), "at": now})
                    pipe.expire(inbox, INBOX_TTL)
            await pipe.execute()
    except RedisError:
        log.exception("could not publish a handoff event", handoff_id=handoff_id)


# --- the desk: unread counts and previews, the idle timeout -------------------------------------------


@dataclass(frozen=True)
class Inbox:
    """What the citizen wrote in a conversation that nobody read yet."""

    unread: int = 0
    preview: str = ""  # the last message's text (masked), shortened
    kind: str = "text"  # and what it was (a TurnKind value: photo, location...)
    at: float = 0.0  # when (a Unix time)


async def inboxes(services: Services, handoff_ids: list[str]) -> dict[str, Inbox]:
    """The inbox of each conversation (one round trip)."""
    if not handoff_ids:
        return {}
    try:
        async with services.redis.pipeline(transaction=False) as pipe:
            for handoff_id in handoff_ids:
                pipe.hgetall(services.keys.handoff_inbox(handoff_id))
            found = await pipe.execute()
    except RedisError:
        log.warning("could not read the desk's unread counts")
        return {}
    result: dict[str, Inbox] = {}
    for handoff_id, raw in zip(handoff_ids, found, strict=True):
        fields = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in raw.items()
        }
        result[handoff_id] = Inbox(
            int(fields.get("n") or 0),
            fields.get("text") or "",
            fields.get("kind") or "text",
            float(fields.get("at") or 0),
        )
    return result


async def mark_read(services: Services, handoff_id: str) -> None:
    """The holder has seen everything the citizen wrote so far."""
    try:
        await services.redis.hset(services.keys.handoff_inbox(handoff_id), "n", 0)
    except RedisError:
        log.warning("could not mark a conversation read", handoff_id=handoff_id)


async def touch_activity(services: Services, handoff_id: str) -> None:
    """Start (or restart) timing a live conversation for the idle timeout."""
    try:
        await services.redis.zadd(services.keys.handoff_activity(), {handoff_id: services.clock().timestamp()})
    except RedisError:
        log.warning("could not note the conversation's activity", handoff_id=handoff_id)


async def forget_activity(services: Services, handoff_id: str) -> None:
    try:
        async with services.redis.pipeline(transaction=False) as pipe:
            pipe.zrem(services.keys.handoff_activity(), handoff_id)
            pipe.delete(services.keys.handoff_inbox(handoff_id))
            await pipe.execute()
    except RedisError:
        log.warning("could not forget the conversation's activity", handoff_id=handoff_id)


async def idle_since(services: Services, cutoff: float) -> list[str]:
    """Live conversations with no message since ``cutoff`` (a Unix time)."""
    try:
        members = await services.redis.zrangebyscore(services.keys.handoff_activity(), "-inf", cutoff)
    except RedisError:
        log.warning("could not read the conversations' activity")
        return []
    return [m.decode() if isinstance(m, bytes) else str(m) for m in members]


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
        if is_live(handoff):
            await services.redis.set(key, f"{handoff.id}:{handoff.state.value}:{handoff.language.value}")
            current = await services.repos.handoffs.by_id(handoff.id)
            if current is None or current.state != handoff.state:
                await services.redis.delete(key)
                if current is not None and is_live(current):
                    await services.redis.set(key, f"{current.id}:{current.state.value}:{current.language.value}")
        else:
            marker = parse_chat_marker(await services.redis.get(key))
            if marker is not None and marker.handoff_id == handoff.id:  # not another conversation's marker
                await services.redis.delete(key)
    except RedisError:
        log.exception("could not mark the chat's handoff state", chat_id=handoff.chat_id)


async def clear_chat_marker(services: Services, chat_id: int) -> None:
    """The chat has no conversation with a person (a stale marker is forgotten)."""
    try:
        await services.redis.delete(chat_key(services, chat_id))
    except RedisError:
        log.warning("could not clear the chat's handoff marker", chat_id=chat_id)


def parse_chat_marker(raw: bytes | str | None) -> ChatMarker | None:
    """The marker's stored value (read along with other keys, e.g. at the start of an update)."""
    if raw is None:
        return None
    handoff_id, state, language = (raw.decode() if isinstance(raw, bytes) else raw).split(":")
    return ChatMarker(handoff_id, HandoffState(state), language)


async def chat_marker(services: Services, chat_id: int) -> ChatMarker | None:
    """The chat's active handoff as the marker says (one Redis GET; no MongoDB on the hot path)."""
    try:
        raw = await services.redis.get(chat_key(services, chat_id))
    except RedisError:
        log.warning("could not read the chat's handoff marker", chat_id=chat_id)
        return None
    return parse_chat_marker(raw)


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


def intent_memory_after(raw: bytes | str | None, intent: str, entities: dict[str, list[str]]) -> str:
    """The stored intent memory ``raw`` (JSON, None: none yet) with ``intent`` and ``entities`` added."""
    memory: dict[str, Any] = json.loads(raw) if raw else {"intents": [], "entities": {}}
    memory["intents"] = (memory["intents"] + [intent])[-RECENT_INTENTS:]
    for name, values in entities.items():
        known: list[str] = memory["entities"].setdefault(name, [])
        memory["entities"][name] = (known + [v for v in values if v not in known])[-5:]
    return json.dumps(memory, ensure_ascii=False)


async def remember_intent(
    services: Services,
    user_id: int,
    intent: str,
    entities: dict[str, list[str]],
    *,
    stored: bytes | str | None = None,
    read: bool = True,
) -> str | None:
    """Called by the NLU fallback for each understood request: the last intents and the entities
    collected travel with a handoff. ``read=False``: the caller read the memory already (``stored``,
    e.g. with the other keys at the start of an update), so it is only written. Returns what is
    stored now (None when Redis did not answer)."""
    key = memory_key(services, user_id)
    try:
        if read:
            stored = await services.redis.get(key)
        memory = intent_memory_after(stored, intent, entities)
        await services.redis.set(key, memory, ex=INTENT_MEMORY_TTL)
    except RedisError:
        log.warning("could not remember the intent", user_id=user_id)
        return None
    return memory


async def recall_intents(services: Services, user_id: int) -> dict[str, Any]:
    """What `remember_intent` kept: {"intents": [...], "entities": {name: [values]}}."""
    try:
        raw = await services.redis.get(memory_key(services, user_id))
    except RedisError:
        log.warning("could not read the intent memory", user_id=user_id)
        return {"intents": [], "entities": {}}
    memory: dict[str, Any] = json.loads(raw) if raw else {"intents": [], "entities": {}}
    return memory
