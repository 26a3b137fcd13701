"""Handoffs to staff: bot -> waiting -> with_agent -> closed, each transition recorded.

At most one active (waiting or with_agent) handoff per chat, enforced by a unique index on
``active_chat_id``, a field present only while the handoff is active.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.language import Language
from storage.models import Handoff, HandoffNote, HandoffState, HandoffTransition

from .base import SUBMISSION_KEY, MongoDoc, Repository, insert_once, submission_key_index

H = HandoffState


class HandoffRepository(Repository):
    COLLECTION = "handoffs"
    INDEXES: ClassVar[list[IndexModel]] = [
        # open / active_for_chat: one active episode per chat.
        IndexModel(
            [("active_chat_id", ASCENDING)],
            name="active_chat_unique",
            unique=True,
            partialFilterExpression={"active_chat_id": {"$exists": True}},
        ),
        IndexModel([("state", ASCENDING), ("waiting_since", ASCENDING)], name="state_waiting"),  # queue
        IndexModel([("agent", ASCENDING), ("state", ASCENDING)], name="agent_state"),  # by_agent
        submission_key_index(),  # open_callback: one call-back request per citizen's form
        IndexModel([("chat_id", ASCENDING), ("created_at", ASCENDING)], name="chat_history"),  # by_chat
    ]

    @staticmethod
    def _transition(old: HandoffState, new: HandoffState, actor: str, at: datetime) -> MongoDoc:
        return HandoffTransition(from_state=old, to_state=new, at=at, actor=actor).model_dump(mode="python")

    async def open(
        self,
        *,
        chat_id: int,
        actor: str,
        now: datetime,
        user_id: int | None = None,
        citizen_id_number: str | None = None,
        language: Language = Language.ZH,
        topic: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> tuple[Handoff, bool]:
        """Queue the chat for a person (bot -> waiting). Returns (handoff, created); when the
        chat already has an active handoff, that one is returned with created=False."""
        handoff = Handoff(
            chat_id=chat_id,
            user_id=user_id,
            citizen_id_number=citizen_id_number,
            language=language,
            state=H.WAITING,
            topic=topic,
            context=context or {},
            transitions=[HandoffTransition(from_state=H.BOT, to_state=H.WAITING, at=now, actor=actor)],
            created_at=now,
            waiting_since=now,
        )
        doc = handoff.to_doc() | {"active_chat_id": chat_id}
        try:
            await self.collection.insert_one(doc)
            return handoff, True
        except DuplicateKeyError:
            existing = await self.active_for_chat(chat_id)
            if existing is None:
                raise
            return existing, False

    async def by_id(self, handoff_id: str) -> Handoff | None:
        doc = await self.collection.find_one({"_id": handoff_id})
        return Handoff.from_doc(doc) if doc else None

    async def active_for_chat(self, chat_id: int) -> Handoff | None:
        doc = await self.collection.find_one({"active_chat_id": chat_id})
        return Handoff.from_doc(doc) if doc else None

    async def queue(self, *, limit: int = 100) -> list[Handoff]:
        """Waiting handoffs, longest wait first."""
        cursor = self.collection.find({"state": H.WAITING.value}).sort("waiting_since", ASCENDING).limit(limit)
        return [Handoff.from_doc(doc) async for doc in cursor]

    async def queue_position(self, handoff: Handoff) -> int:
        """1-based position in the waiting queue."""
        if handoff.state != H.WAITING or handoff.waiting_since is None:
            return 0
        ahead = await self.collection.count_documents(
            {"state": H.WAITING.value, "waiting_since": {"$lt": handoff.waiting_since}}
        )
        return ahead + 1

    async def by_agent(self, agent: str) -> list[Handoff]:
        cursor = self.collection.find({"agent": agent, "state": H.WITH_AGENT.value}).sort("claimed_at", ASCENDING)
        return [Handoff.from_doc(doc) async for doc in cursor]

    async def active(self) -> list[Handoff]:
        """Every waiting or claimed handoff (supervisor view)."""
        cursor = self.collection.find({"active_chat_id": {"$exists": True}}).sort("created_at", ASCENDING)
        return [Handoff.from_doc(doc) async for doc in cursor]

    async def claim(self, handoff_id: str, agent: str, now: datetime) -> Handoff | None:
        """waiting -> with_agent, atomically: of two agents claiming at once, one gets the
        handoff and the other gets None."""
        doc = await self.collection.find_one_and_update(
            {"_id": handoff_id, "state": H.WAITING.value},
            {
                "$set": {"state": H.WITH_AGENT.value, "agent": agent, "claimed_at": now},
                "$push": {"transitions": self._transition(H.WAITING, H.WITH_AGENT, agent, now)},
            },
            return_document=ReturnDocument.AFTER,
        )
        return Handoff.from_doc(doc) if doc else None

    async def take_over(self, handoff_id: str, supervisor: str, now: datetime) -> Handoff | None:
        """A supervisor takes an active handoff (waiting or with another agent)."""
        current = await self.by_id(handoff_id)
        if current is None or not current.active:
            return None
        doc = await self.collection.find_one_and_update(
            {"_id": handoff_id, "state": current.state.value, "agent": current.agent},
            {
                "$set": {"state": H.WITH_AGENT.value, "agent": supervisor, "claimed_at": now},
                "$push": {"transitions": self._transition(current.state, H.WITH_AGENT, supervisor, now)},
            },
            return_document=ReturnDocument.AFTER,
        )
        return Handoff.from_doc(doc) if doc else None

    async def transfer(self, handoff_id: str, from_agent: str, to_agent: str, now: datetime) -> Handoff | None:
        """Hand a claimed conversation to another agent; None unless ``from_agent`` holds it."""
        doc = await self.collection.find_one_and_update(
            {"_id": handoff_id, "state": H.WITH_AGENT.value, "agent": from_agent},
            {
                "$set": {"agent": to_agent, "claimed_at": now},
                "$push": {"transitions": self._transition(H.WITH_AGENT, H.WITH_AGENT, from_agent, now)},
            },
            return_document=ReturnDocument.AFTER,
        )
        return Handoff.from_doc(doc) if doc else None

    async def record_first_response(self, handoff_id: str, now: datetime) -> bool:
        result = await self.collection.update_one(
            {"_id": handoff_id, "first_response_at": None}, {"$set": {"first_response_at": now}}
        )
        return result.modified_count == 1

    async def close(
        self, handoff_id: str, *, actor: str, now: datetime, resolution_code: str | None = None
    ) -> Handoff | None:
        """waiting/with_agent -> closed (the citizen stopped waiting, or the agent closed); the
        chat is back with the bot. None if it was not active."""
        current = await self.by_id(handoff_id)
        if current is None or not current.active:
            return None
        doc = await self.collection.find_one_and_update(
            {"_id": handoff_id, "state": current.state.value},
            {
                "$set": {"state": H.CLOSED.value, "closed_at": now, "resolution_code": resolution_code},
                "$unset": {"active_chat_id": ""},
                "$push": {"transitions": self._transition(current.state, H.CLOSED, actor, now)},
            },
            return_document=ReturnDocument.AFTER,
        )
        return Handoff.from_doc(doc) if doc else None

    async def add_note(
        self, handoff_id: str, author: str, text: str, now: datetime, *, transfer_to: str | None = None
    ) -> bool:
        note = HandoffNote(at=now, author=author, text=text, transfer_to=transfer_to).model_dump(mode="python")
        result = await self.collection.update_one({"_id": handoff_id}, {"$push": {"notes": note}})
        return result.modified_count == 1

    async def rate(self, handoff_id: str, rating: int) -> bool:
        """The citizen rates a closed handoff once."""
        if not 1 <= rating <= 5:
            raise ValueError("rating must be 1 to 5")
        result = await self.collection.update_one(
            {"_id": handoff_id, "state": H.CLOSED.value, "rating": None}, {"$set": {"rating": rating}}
        )
        return result.modified_count == 1

    # --- added for the staff console (issue 6) ----------------------------------------------------

    async def recent_claim_waits(self, *, since: datetime, limit: int = 20) -> list[float]:
        """Seconds between queueing and claim for the latest claims since ``since`` (wait estimates)."""
        cursor = (
            self.collection.find(
                {"claimed_at": {"$gte": since}, "waiting_since": {"$ne": None}}, {"claimed_at": 1, "waiting_since": 1}
            )
            .sort("claimed_at", -1)
            .limit(limit)
        )
        waits: list[float] = []
        async for doc in cursor:
            waits.append(max(0.0, (doc["claimed_at"] - doc["waiting_since"]).total_seconds()))
        return waits

    async def open_callback(
        self,
        *,
        chat_id: int,
        now: datetime,
        user_id: int | None,
        citizen_id_number: str | None,
        language: Language,
        context: dict[str, Any],
        key: str | None = None,
    ) -> Handoff:
        """A call-back request: waits in the staff queue (topic "callback") without taking the chat
        from the bot (no ``active_chat_id``). Once per citizen's form (``key``): the same form sent
        again returns the request it stored."""
        handoff = Handoff(
            chat_id=chat_id,
            user_id=user_id,
            citizen_id_number=citizen_id_number,
            language=language,
            state=H.WAITING,
            topic="callback",
            context=context,
            transitions=[HandoffTransition(from_state=H.BOT, to_state=H.WAITING, at=now, actor="citizen")],
            created_at=now,
            waiting_since=now,
            submission_key=key,
        )
        doc, created = await insert_once(self.collection, handoff.to_doc())
        return handoff if created else Handoff.from_doc(doc)

    async def callback_by_submission_key(self, key: str, chat_id: int) -> Handoff | None:
        """The call-back request the form ``key`` stored from ``chat_id``, if any."""
        doc = await self.collection.find_one({SUBMISSION_KEY: key, "chat_id": chat_id})
        return Handoff.from_doc(doc) if doc else None

    async def recent(self, *, limit: int = 50) -> list[Handoff]:
        """The latest closed handoffs (supervisor view: ratings and resolutions)."""
        cursor = self.collection.find({"state": H.CLOSED.value}).sort("closed_at", -1).limit(limit)
        return [Handoff.from_doc(doc) async for doc in cursor]

    # --- the staff desk (issue 17) -----------------------------------------------------------------

    async def by_chat(self, chat_id: int, *, limit: int = 20) -> list[Handoff]:
        """A citizen's conversations with people (and call-back requests), latest first."""
        cursor = self.collection.find({"chat_id": chat_id}).sort("created_at", -1).limit(limit)
        return [Handoff.from_doc(doc) async for doc in cursor]

    async def load_by_agent(self) -> dict[str, int]:
        """How many conversations each agent holds now."""
        cursor = await self.collection.aggregate(
            [
                {"$match": {"state": H.WITH_AGENT.value, "agent": {"$ne": None}}},
                {"$group": {"_id": "$agent", "n": {"$sum": 1}}},
            ]
        )
        return {doc["_id"]: int(doc["n"]) async for doc in cursor}

    async def set_in_chat(self, handoff_id: str, agent: str) -> Handoff | None:
        """A call-back request its holder answers in the chat: from now on the citizen's messages
        go to them (``context.in_chat``). None unless ``agent`` holds it."""
        query = {"_id": handoff_id, "state": H.WITH_AGENT.value, "agent": agent}
        current = await self.collection.find_one(query, {"chat_id": 1})
        if current is None:
            return None
        try:  # the chat's one active conversation now (unless it is waiting for a person already)
            doc = await self.collection.find_one_and_update(
                query,
                {"$set": {"context.in_chat": True, "active_chat_id": current["chat_id"]}},
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            doc = await self.collection.find_one_and_update(
                query, {"$set": {"context.in_chat": True}}, return_document=ReturnDocument.AFTER
            )
        return Handoff.from_doc(doc) if doc else None
