"""How actions reach the citizen's chat: a `CitizenLink` (the Telegram one is
`messenger.citizen_link.TelegramCitizenLink`; the tests may pass their own)."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from storage.models import Handoff


class CitizenNotice(StrEnum):
    """What the citizen is told about their conversation with a person."""

    JOINED = "joined"  # args: name; shows the "End chat" button
    TRANSFERRED = "transferred"  # args: name
    LEFT = "left"  # the agent closed the conversation; asks for a rating
    OFFER_MESSAGE = "offer_message"  # waited too long: leave a message instead
    IDLE_CLOSED = "idle_closed"  # args: name, minutes: nobody wrote for that long; back with the bot
    CALLBACK_ANSWERING = "callback_answering"  # args: name, ref: the call-back is answered in the chat
    CALLBACK_CLOSED = "callback_closed"  # args: ref, how (a resolution code), phone (masked); asks for a rating


class CitizenLink(Protocol):
    """How actions reach the citizen's chat (Telegram in production, the sandbox in tests)."""

    async def notice(self, handoff: Handoff, notice: CitizenNotice, **args: str) -> None: ...

    async def relay_text(self, handoff: Handoff, text: str, author: str) -> int | None: ...

    async def typing(self, chat_id: int) -> None: ...
