"""The ``PaymentProvider`` port: what the payment use cases need from a way of paying.

Two adapters: Telegram Payments (an invoice in the chat: messenger/payments.py, it needs the Bot)
and the bureau's HTTP payment gateway (a payment page and a signed notification:
actions/payments/gateway.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from storage.models import PaymentOrder, PaymentProviderKind


class ProviderUnavailable(Exception):
    """The provider could not be reached or refused the request (the citizen may try again later)."""


@dataclass(frozen=True)
class Checkout:
    """How the citizen pays: the invoice is in the chat already (``url`` None), or a payment page."""

    url: str | None = None


class ProviderState(StrEnum):
    PENDING = "pending"  # not paid (yet), as far as the provider knows
    PAID = "paid"
    FAILED = "failed"  # declined or closed: it will not be paid
    UNKNOWN = "unknown"  # the provider cannot be asked (Telegram: no query)


@dataclass(frozen=True)
class ProviderStatus:
    state: ProviderState
    amount_fen: int | None = None
    charge_id: str | None = None
    paid_at: datetime | None = None


class PaymentProvider(Protocol):
    kind: PaymentProviderKind

    async def start(self, order: PaymentOrder, *, title: str, description: str, labels: list[str]) -> Checkout:
        """Offer ``order`` to the citizen (``labels``: one per line, in the citizen's language)."""
        ...

    async def status(self, order: PaymentOrder) -> ProviderStatus:
        """What the provider knows of ``order`` now (reconciliation)."""
        ...
