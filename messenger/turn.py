"""The update being handled, as the outgoing side needs it: which update (so a redelivered one
makes the same send tickets and finds what was sent before), the citizen's language (for the
"many people are asking" notice) and a counter of the sends it made. Set by the bot's update
middleware in a context variable; the Bot API session middlewares read it. And whether a reply
of the update is parked in the durable send queue (`reply_parked`)."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass

from core.language import Language


@dataclass
class Turn:
    update_id: int
    language: Language
    sends: int = 0

    def next_ticket(self, bot_id: int) -> str:
        self.sends += 1
        return f"u{bot_id}:{self.update_id}:{self.sends}"


current_turn: ContextVar[Turn | None] = ContextVar("current_turn", default=None)

# Set by whoever feeds the update (the webhook) to an event that the outgoing side sets once a
# reply of this update waits in the durable queue: from then on the update may be acknowledged
# (Telegram need not hold a connection, nor resend it) while the handler waits for its slot.
reply_parked: ContextVar[asyncio.Event | None] = ContextVar("reply_parked", default=None)
