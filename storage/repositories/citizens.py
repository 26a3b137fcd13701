"""Citizens and their Telegram binding (one Telegram account <-> one identity)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from core.language import Language
from storage.models import Citizen, NotificationPreferences, TelegramBinding

from .base import MongoDoc, Repository


class BindingConflict(Exception):
    """A concurrent bind took the Telegram account or the identity first; ask to retry."""


@dataclass(frozen=True)
class BindResult:
    citizen: Citizen
    # The Telegram account this identity was bound to before (to be notified), if any other.
    previous_binding: TelegramBinding | None
    # The identity this Telegram account was bound to before, if any other.
    previous_id_number: str | None


class CitizenRepository(Repository):
    COLLECTION = "citizens"
    INDEXES: ClassVar[list[IndexModel]] = [
        # by_telegram_user / bind: one identity per Telegram account.
        IndexModel(
            [("telegram.user_id", ASCENDING)],
            name="telegram_user_unique",
            unique=True,
            partialFilterExpression={"telegram.user_id": {"$exists": True}},
        ),
        # by_chat_id (worker marks a chat unreachable).
        IndexModel(
            [("telegram.chat_id", ASCENDING)],
            name="telegram_chat",
            partialFilterExpression={"telegram.chat_id": {"$exists": True}},
        ),
    ]

    @staticmethod
    def _doc(citizen: Citizen) -> MongoDoc:
        doc = citizen.to_doc()
        if doc.get("telegram") is None:
            doc.pop("telegram", None)
        return doc

    async def insert(self, citizen: Citizen) -> None:
        await self.collection.insert_one(self._doc(citizen))

    async def insert_many(self, citizens: list[Citizen]) -> None:
        if citizens:
            await self.collection.insert_many([self._doc(c) for c in citizens], ordered=False)

    async def by_id_number(self, id_number: str) -> Citizen | None:
        doc = await self.collection.find_one({"_id": id_number})
        return Citizen.from_doc(doc) if doc else None

    async def by_id_numbers(self, id_numbers: list[str]) -> dict[str, Citizen]:
        """The citizens with these ID numbers (one query), by ID number; unknown ones left out."""
        if not id_numbers:
            return {}
        cursor = self.collection.find({"_id": {"$in": id_numbers}})
        return {doc["_id"]: Citizen.from_doc(doc) async for doc in cursor}

    async def by_telegram_user(self, user_id: int) -> Citizen | None:
        doc = await self.collection.find_one({"telegram.user_id": user_id})
        return Citizen.from_doc(doc) if doc else None

    async def by_chat_id(self, chat_id: int) -> Citizen | None:
        doc = await self.collection.find_one({"telegram.chat_id": chat_id})
        return Citizen.from_doc(doc) if doc else None

    async def by_chat_ids(self, chat_ids: list[int]) -> dict[int, Citizen]:
        """The citizens bound in these chats (one query), by chat id."""
        if not chat_ids:
            return {}
        cursor = self.collection.find({"telegram.chat_id": {"$in": chat_ids}})
        found: dict[int, Citizen] = {}
        async for doc in cursor:
            citizen = Citizen.from_doc(doc)
            if citizen.telegram is not None:
                found[citizen.telegram.chat_id] = citizen
        return found

    async def bind(
        self, id_number: str, *, user_id: int, chat_id: int, language: Language, now: datetime
    ) -> BindResult:
        """Bind ``user_id`` to the identity ``id_number`` (which must exist: KeyError if not).

        The Telegram account is first released from any other identity, then the identity is
        taken over from any other account; the result names both previous owners so they can
        be told. Preferences carry over when the same account binds again.
        """
        released = await self.collection.find_one_and_update(
            {"telegram.user_id": user_id, "_id": {"$ne": id_number}},
            {"$unset": {"telegram": ""}},
            projection={"_id": 1},
        )
        current = await self.by_id_number(id_number)
        if current is None:
            raise KeyError(id_number)
        preferences = NotificationPreferences()
        if current.telegram is not None and current.telegram.user_id == user_id:
            preferences = current.telegram.preferences
        binding = TelegramBinding(
            user_id=user_id, chat_id=chat_id, language=language, bound_at=now, preferences=preferences
        )
        try:
            before = await self.collection.find_one_and_update(
                {"_id": id_number},
                {"$set": {"telegram": binding.model_dump(mode="python")}},
                return_document=ReturnDocument.BEFORE,
            )
        except DuplicateKeyError as exc:
            raise BindingConflict(id_number) from exc
        if before is None:
            raise KeyError(id_number)
        previous = Citizen.from_doc(before).telegram
        if previous is not None and previous.user_id == user_id:
            previous = None
        updated = current.model_copy(update={"telegram": binding})
        return BindResult(
            citizen=updated,
            previous_binding=previous,
            previous_id_number=released["_id"] if released else None,
        )

    async def unbind(self, user_id: int) -> Citizen | None:
        """Remove the binding of ``user_id``; returns the citizen as it was, or None."""
        before = await self.collection.find_one_and_update(
            {"telegram.user_id": user_id},
            {"$unset": {"telegram": ""}},
            return_document=ReturnDocument.BEFORE,
        )
        return Citizen.from_doc(before) if before else None

    async def set_language(self, user_id: int, language: Language) -> bool:
        result = await self.collection.update_one(
            {"telegram.user_id": user_id}, {"$set": {"telegram.language": language.value}}
        )
        return result.matched_count == 1

    async def set_preferences(self, user_id: int, preferences: NotificationPreferences) -> bool:
        result = await self.collection.update_one(
            {"telegram.user_id": user_id},
            {"$set": {"telegram.preferences": preferences.model_dump(mode="python")}},
        )
        return result.matched_count == 1

    async def mark_unreachable(self, chat_id: int, *, reason: str, now: datetime) -> bool:
        """403/400 from Telegram: stop sending to this chat until the citizen writes again."""
        result = await self.collection.update_one(
            {"telegram.chat_id": chat_id, "telegram.unreachable": False},
            {
                "$set": {
                    "telegram.unreachable": True,
                    "telegram.unreachable_reason": reason,
                    "telegram.unreachable_since": now,
                }
            },
        )
        return result.modified_count == 1

    async def mark_reachable(self, user_id: int) -> bool:
        result = await self.collection.update_one(
            {"telegram.user_id": user_id, "telegram.unreachable": True},
            {
                "$set": {"telegram.unreachable": False},
                "$unset": {"telegram.unreachable_reason": "", "telegram.unreachable_since": ""},
            },
        )
        return result.modified_count == 1

    async def update_contact(
        self,
        id_number: str,
        *,
        phone: str | None = None,
        mailing_address: str | None = None,
        postal_code: str | None = None,
    ) -> Citizen | None:
        """Information changes: phone (after re-verification) and/or mailing address."""
        fields = {
            key: value
            for key, value in (
                ("phone", phone),
                ("mailing_address", mailing_address),
                ("postal_code", postal_code),
            )
            if value is not None
        }
        if not fields:
            return await self.by_id_number(id_number)
        doc = await self.collection.find_one_and_update(
            {"_id": id_number}, {"$set": fields}, return_document=ReturnDocument.AFTER
        )
        return Citizen.from_doc(doc) if doc else None
