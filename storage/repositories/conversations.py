"""Conversation transcripts: one document per turn (never a growing array)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, IndexModel

from storage.models import ConversationTurn, TurnKind, TurnRole

from .base import Repository


class ConversationRepository(Repository):
    COLLECTION = "conversation_turns"
    INDEXES: ClassVar[list[IndexModel]] = [
        IndexModel([("chat_id", ASCENDING), ("at", DESCENDING)], name="chat_time"),  # recent_turns / transcript
    ]

    async def append_turn(
        self,
        *,
        chat_id: int,
        role: TurnRole,
        at: datetime,
        text: str | None = None,
        kind: TurnKind = TurnKind.TEXT,
        user_id: int | None = None,
        meta: dict[str, Any] | None = None,
    ) -> ConversationTurn:
        turn = ConversationTurn(
            chat_id=chat_id, user_id=user_id, role=role, kind=kind, text=text, at=at, meta=meta or {}
        )
        await self.collection.insert_one(turn.to_doc())
        return turn

    async def recent_turns(self, chat_id: int, limit: int = 20) -> list[ConversationTurn]:
        """The last ``limit`` turns of a chat, oldest first."""
        cursor = self.collection.find({"chat_id": chat_id}).sort([("at", DESCENDING), ("_id", DESCENDING)]).limit(limit)
        turns = [ConversationTurn.from_doc(doc) async for doc in cursor]
        turns.reverse()
        return turns

    async def transcript(self, chat_id: int, *, since: datetime, limit: int = 500) -> list[ConversationTurn]:
        """Turns since ``since`` (e.g. the start of a handoff), oldest first."""
        cursor = (
            self.collection.find({"chat_id": chat_id, "at": {"$gte": since}})
            .sort([("at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [ConversationTurn.from_doc(doc) async for doc in cursor]
