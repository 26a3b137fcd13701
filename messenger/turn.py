"""The update being handled, as the outgoing side needs it: which update (so a redelivered one
makes the same send tickets and finds what was sent before), the citizen's language (for the
"many people are asking" notice) and a counter of the sends it made. Set by the bot's update
middleware in a context variable; the Bot API session middlewares read it."""

from __future__ import annotations

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
