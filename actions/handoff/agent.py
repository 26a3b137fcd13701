"""The agent's side: claim a waiting conversation (atomically), write to the citizen, type,
transfer to a colleague (with a note for them), add a note, close with a resolution code (the
citizen is back with the bot and asked to rate the help). A call-back request is answered by
phone, or in the chat: the agent's first message there makes it a live conversation."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from actions.handoff.callback import callback_ref
from actions.handoff.link import CitizenLink, CitizenNotice
from actions.handoff.markers import (
    CALLBACK_TOPIC,
    forget_activity,
    is_live,
    mark_chat,
    publish,
    touch_activity,
    turn_event,
)
from actions.services import Services
from actions.transcripts import mask_turn_text
from core.identifiers import mask_phone
from storage.models import ConversationTurn, Handoff, HandoffState, StaffUser, TurnRole

log = structlog.get_logger(__name__)

MAX_AGENT_TEXT = 4000
MAX_NOTE = 2000
RESOLUTION_CODES: tuple[str, ...] = (
    "resolved",
    "information_given",
    "referred",
    "complaint_filed",
    "no_response",
    "duplicate",
)
CALLBACK_RESOLUTION_CODES: tuple[str, ...] = ("called_back", "answered_in_chat", "unreachable", "duplicate")
# Set by the system, never chosen by an agent (the console shows them too).
SYSTEM_RESOLUTION_CODES: tuple[str, ...] = ("citizen_cancelled", "citizen_ended", "idle_timeout")


def resolution_codes(handoff: Handoff) -> tuple[str, ...]:
    """The codes an agent may close this conversation with."""
    return CALLBACK_RESOLUTION_CODES if handoff.topic == CALLBACK_TOPIC else RESOLUTION_CODES


@dataclass(frozen=True)
class ClaimResult:
    handoff: Handoff | None
    taken_by: str | None = None  # when someone else got it first


def holds(handoff: Handoff | None, staff: StaffUser) -> bool:
    return handoff is not None and handoff.state == HandoffState.WITH_AGENT and handoff.agent == staff.username


async def joined(services: Services, link: CitizenLink, handoff: Handoff, staff: StaffUser) -> None:
    """After a claim or a take-over: mark the chat, tell the consoles, and tell the citizen who joined."""
    await mark_chat(services, handoff)
    await publish(
        services,
        handoff.id,
        {"type": "state", "state": handoff.state.value, "agent": staff.username, "agent_name": staff.display_name},
    )
    if is_live(handoff):
        await touch_activity(services, handoff.id)
        await link.notice(handoff, CitizenNotice.JOINED, name=staff.display_name)


async def claim(services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser) -> ClaimResult:
    """Atomic: of two agents claiming at once, one gets it and the other learns who did."""
    handoff = await services.repos.handoffs.claim(handoff_id, agent.username, services.clock())
    if handoff is None:
        current = await services.repos.handoffs.by_id(handoff_id)
        return ClaimResult(None, current.agent if current else None)
    await joined(services, link, handoff, agent)
    log.info("handoff claimed", handoff_id=handoff_id, agent=agent.username)
    return ClaimResult(handoff)


async def agent_message(
    services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser, text: str
) -> ConversationTurn | None:
    """The agent writes to the citizen: delivered, recorded (role agent, identifiers masked),
    shown on every console.

    The holder is checked in MongoDB (a transfer or a close on another instance takes effect at
    once); the turn is queued for the transcript writer, and the first response recorded only
    while there is none, so the relay waits on one MongoDB read. A call-back request answered
    this way becomes a live conversation: the citizen is told, and their replies come here."""
    text = text.strip()[:MAX_AGENT_TEXT]
    handoff = await services.repos.handoffs.by_id(handoff_id)
    if not text or handoff is None or not holds(handoff, agent):
        return None
    if not is_live(handoff):
        live = await services.repos.handoffs.set_in_chat(handoff.id, agent.username)
        if live is None:
            return None
        handoff = live
        await mark_chat(services, handoff)
        await touch_activity(services, handoff.id)
        await link.notice(handoff, CitizenNotice.CALLBACK_ANSWERING, name=agent.display_name, ref=callback_ref(handoff))
        await publish(services, handoff.id, {"type": "state", "state": handoff.state.value, "in_chat": True})
    message_id = await link.relay_text(handoff, text, agent.display_name)
    now = services.clock()
    turn = await services.repos.conversations.append_turn(
        chat_id=handoff.chat_id,
        role=TurnRole.AGENT,
        at=now,
        text=mask_turn_text(text, role=TurnRole.AGENT),
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
    if handoff is None or not holds(handoff, agent) or not is_live(handoff):
        return False
    await link.typing(handoff.chat_id)
    await publish(services, handoff.id, {"type": "typing", "who": "agent", "author": agent.display_name})
    return True


async def transfer(
    services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser, to_username: str, note: str = ""
) -> Handoff | None:
    """Hand the conversation to a colleague, with an optional note for them (kept with the
    private notes); their console alerts them (the event names them and carries the note)."""
    target = await services.repos.staff.by_username(to_username)
    if target is None or target.disabled or target.username == agent.username:
        return None
    handoff = await services.repos.handoffs.transfer(handoff_id, agent.username, target.username, services.clock())
    if handoff is None:
        return None
    note = note.strip()[:MAX_NOTE]
    now = services.clock()
    if note:
        await services.repos.handoffs.add_note(handoff.id, agent.username, note, now, transfer_to=target.username)
    await publish(
        services,
        handoff.id,
        {
            "type": "state",
            "state": handoff.state.value,
            "agent": target.username,
            "agent_name": target.display_name,
            "transfer": {"from": agent.username, "from_name": agent.display_name, "note": note, "at": now.isoformat()},
        },
    )
    if is_live(handoff):
        await link.notice(handoff, CitizenNotice.TRANSFERRED, name=target.display_name)
    log.info("handoff transferred", handoff_id=handoff_id, agent=agent.username, to=target.username)
    return handoff


async def tell_closed(services: Services, link: CitizenLink, closed: Handoff, resolution_code: str) -> None:
    """The citizen hears how their conversation or call-back request ended."""
    if closed.topic == CALLBACK_TOPIC:
        phone = closed.context.get("callback_phone") or ""
        await link.notice(
            closed,
            CitizenNotice.CALLBACK_CLOSED,
            ref=callback_ref(closed),
            how=resolution_code,
            phone=mask_phone(phone) if phone else "",
        )
    else:
        await link.notice(closed, CitizenNotice.LEFT)


async def close(
    services: Services, link: CitizenLink, handoff_id: str, agent: StaffUser, resolution_code: str
) -> Handoff | None:
    """with_agent -> closed: the citizen is back with the bot, told how it ended and asked to
    rate the help."""
    current = await services.repos.handoffs.by_id(handoff_id)
    if current is not None and resolution_code not in resolution_codes(current):
        raise ValueError(f"unknown resolution code {resolution_code!r}")
    if not holds(current, agent):
        return None
    closed = await services.repos.handoffs.close(
        handoff_id, actor=agent.username, now=services.clock(), resolution_code=resolution_code
    )
    if closed is None:
        return None
    await mark_chat(services, closed)
    await forget_activity(services, closed.id)
    await publish(services, closed.id, {"type": "state", "state": closed.state.value, "by": agent.username})
    await tell_closed(services, link, closed, resolution_code)
    log.info("handoff closed", handoff_id=handoff_id, agent=agent.username, resolution=resolution_code)
    return closed


async def add_note(services: Services, handoff_id: str, author: StaffUser, text: str) -> bool:
    text = text.strip()[:MAX_NOTE]
    if not text:
        return False
    now = services.clock()
    added = await services.repos.handoffs.add_note(handoff_id, author.username, text, now)
    if added:
        await publish(
            services, handoff_id, {"type": "note", "author": author.display_name, "text": text, "at": now.isoformat()}
        )
    return added
