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
    CALLBACK_RESOLUTION_CODES,
    RESOLUTION_CODES,
    SYSTEM_RESOLUTION_CODES,
    ClaimResult,
    add_note,
    agent_message,
    agent_typing,
    claim,
    close,
    holds,
    resolution_codes,
    transfer,
)
from actions.handoff.assign import Assignment, auto_assign
from actions.handoff.callback import (
    PHONE_LINKED,
    PHONE_VERIFIED,
    callback_ref,
    check_phone_code,
    linked_phone,
    send_phone_code,
)
from actions.handoff.citizen import (
    LOW_RATING,
    LOW_RATING_REASONS,
    HandoffRequest,
    RequestOutcome,
    build_context,
    callback_requested,
    cancel_waiting,
    citizen_end,
    citizen_turn,
    close_idle,
    explain_low_rating,
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
    Inbox,
    active_for_chat,
    chat_marker,
    events_pattern,
    inboxes,
    is_live,
    mark_read,
    parse_chat_marker,
    publish,
    remember_intent,
)
from actions.handoff.supervisor import (
    ActiveRow,
    BotChatRow,
    Overview,
    bot_chat_rows,
    overview,
    recent_bot_chats,
    take_over,
    take_over_chat,
)

__all__ = [
    "CALLBACK_RESOLUTION_CODES",
    "CALLBACK_TOPIC",
    "LOW_RATING",
    "LOW_RATING_REASONS",
    "PHONE_LINKED",
    "PHONE_VERIFIED",
    "RESOLUTION_CODES",
    "SYSTEM_RESOLUTION_CODES",
    "ActiveRow",
    "Assignment",
    "BotChatRow",
    "ChatMarker",
    "CitizenLink",
    "CitizenNotice",
    "ClaimResult",
    "HandoffRequest",
    "Inbox",
    "Overview",
    "RequestOutcome",
    "active_for_chat",
    "add_note",
    "agent_message",
    "agent_typing",
    "auto_assign",
    "bot_chat_rows",
    "build_context",
    "callback_ref",
    "callback_requested",
    "cancel_waiting",
    "chat_marker",
    "check_phone_code",
    "citizen_end",
    "citizen_turn",
    "claim",
    "close",
    "close_idle",
    "events_pattern",
    "explain_low_rating",
    "holds",
    "inboxes",
    "is_live",
    "linked_phone",
    "mark_read",
    "offer_after_long_wait",
    "overview",
    "parse_chat_marker",
    "publish",
    "rate",
    "recent_bot_chats",
    "remember_intent",
    "request_callback",
    "request_handoff",
    "resolution_codes",
    "send_phone_code",
    "take_over",
    "take_over_chat",
    "transfer",
    "within_staff_hours",
]
