"""Human handoff: a conversation goes bot -> waiting -> with an agent -> closed -> bot.

The state of each episode lives in MongoDB (`repos.handoffs`, every transition stored with its
time and actor); a small Redis marker per chat (`handoff:chat:<chat_id>`) lets every update be
checked cheaply. Live traffic between the citizen and the agent crosses processes over Redis
pub/sub: everything said in a conversation is published on `handoff:ev:<handoff_id>`, and every
instance's relay listener hands it to the consoles connected there (staff/relay.py).

By actor: `markers` (what Redis keeps), `citizen`, `agent`, `supervisor`. Telling the citizen
something (a person joined, left...) goes through a `CitizenLink` (`link`), so that actions
stay independent of the channel.
"""

from actions.handoff.agent import (
    RESOLUTION_CODES,
    ClaimResult,
    add_note,
    agent_message,
    agent_typing,
    claim,
    close,
    holds,
    transfer,
)
from actions.handoff.citizen import (
    HandoffRequest,
    RequestOutcome,
    build_context,
    callback_requested,
    cancel_waiting,
    citizen_turn,
    offer_after_long_wait,
    rate,
    request_callback,
    request_handoff,
    within_staff_hours,
)
from actions.handoff.link import CitizenLink, CitizenNotice
from actions.handoff.markers import (
    CALLBACK_TOPIC,
    ChatMarker,
    active_for_chat,
    chat_marker,
    events_pattern,
    publish,
    remember_intent,
)
from actions.handoff.supervisor import ActiveRow, Overview, overview, recent_bot_chats, take_over, take_over_chat

__all__ = [
    "CALLBACK_TOPIC",
    "RESOLUTION_CODES",
    "ActiveRow",
    "ChatMarker",
    "CitizenLink",
    "CitizenNotice",
    "ClaimResult",
    "HandoffRequest",
    "Overview",
    "RequestOutcome",
    "active_for_chat",
    "add_note",
    "agent_message",
    "agent_typing",
    "build_context",
    "callback_requested",
    "cancel_waiting",
    "chat_marker",
    "citizen_turn",
    "claim",
    "close",
    "events_pattern",
    "holds",
    "offer_after_long_wait",
    "overview",
    "publish",
    "rate",
    "recent_bot_chats",
    "remember_intent",
    "request_callback",
    "request_handoff",
    "take_over",
    "take_over_chat",
    "transfer",
    "within_staff_hours",
]
