"""Payment orders (collection ``payment_orders``): one payment of one or more violations.

Exactly once: a citizen's confirmation makes one order (unique ``submission_key``); a provider's
charge is recorded once (unique ``charge_id``); every state change is conditional on the state it
leaves, so a replayed update or notification finds nothing to change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, IndexModel, ReturnDocument

from storage.models import OPEN_ORDER_STATUSES, PaymentOrder, PaymentOrderStatus

from .base import Repository, insert_once, submission_key_index


class PaymentOrderRepository(Repository):
    COLLECTION = "payment_orders"
    INDEXES: ClassVar[list[IndexModel]] = [
        submission_key_index(),
        IndexModel(
            [("charge_id", ASCENDING)],
            name="charge_id_unique",
            unique=True,
            partialFilterExpression={"charge_id": {"$type": "string"}},
        ),
        IndexModel([("status", ASCENDING), ("expires_at", ASCENDING)], name="status_expiry"),  # reconcile
        IndexModel([("lines.violation_id", ASCENDING)], name="violations"),
    ]

    async def insert(self, order: PaymentOrder) -> tuple[PaymentOrder, bool]:
        """Store ``order`` unless one was made for its confirmation already: (the stored order,
        True when it is new)."""
        doc, created = await insert_once(self.collection, order.to_doc())
        return PaymentOrder.from_doc(doc), created

    async def by_id(self, order_id: str) -> PaymentOrder | None:
        doc = await self.collection.find_one({"_id": order_id})
        return PaymentOrder.from_doc(doc) if doc else None

    async def by_submission_key(self, key: str) -> PaymentOrder | None:
        doc = await self.collection.find_one({"submission_key": key})
        return PaymentOrder.from_doc(doc) if doc else None

    async def delete_unstarted(self, order_id: str) -> None:
        """Forget an order no provider ever heard of (its violations could not all be held)."""
        await self.collection.delete_one({"_id": order_id, "pay_url": None, "status": PaymentOrderStatus.CREATED})

    async def transition(
        self,
        order_id: str,
        from_statuses: tuple[PaymentOrderStatus, ...],
        to: PaymentOrderStatus,
        now: datetime,
        **fields: Any,
    ) -> PaymentOrder | None:
        """Move the order from one of ``from_statuses`` to ``to`` (with ``fields`` set); None when
        it is in none of them (already moved by a replay or by another process)."""
        doc = await self.collection.find_one_and_update(
            {"_id": order_id, "status": {"$in": [s.value for s in from_statuses]}},
            {"$set": {"status": to.value, "updated_at": now, **fields}},
            return_document=ReturnDocument.AFTER,
        )
        return PaymentOrder.from_doc(doc) if doc else None

    async def set_fields(self, order_id: str, now: datetime, **fields: Any) -> PaymentOrder | None:
        doc = await self.collection.find_one_and_update(
            {"_id": order_id}, {"$set": {"updated_at": now, **fields}}, return_document=ReturnDocument.AFTER
        )
        return PaymentOrder.from_doc(doc) if doc else None

    async def open_holding(self, violation_ids: list[str]) -> list[PaymentOrder]:
        """Open orders (created or authorised) that hold any of ``violation_ids``."""
        cursor = self.collection.find(
            {
                "lines.violation_id": {"$in": violation_ids},
                "status": {"$in": [s.value for s in OPEN_ORDER_STATUSES]},
            }
        )
        return [PaymentOrder.from_doc(doc) async for doc in cursor]

    async def due_for_reconcile(self, now: datetime, limit: int = 200) -> list[PaymentOrder]:
        """Open orders past their expiry, and paid ones whose violations are not all marked yet."""
        cursor = self.collection.find(
            {
                "$or": [
                    {"status": {"$in": [s.value for s in OPEN_ORDER_STATUSES]}, "expires_at": {"$lte": now}},
                    {
                        "status": {"$in": [PaymentOrderStatus.PAID.value, PaymentOrderStatus.REFUND_DUE.value]},
                        "applied": False,
                    },
                ]
            }
        ).sort("expires_at", ASCENDING)
        return [PaymentOrder.from_doc(doc) async for doc in cursor.limit(limit)]

    async def by_citizen(self, id_number: str, limit: int = 20) -> list[PaymentOrder]:
        cursor = self.collection.find({"citizen_id_number": id_number}).sort("created_at", -1).limit(limit)
        return [PaymentOrder.from_doc(doc) async for doc in cursor]
