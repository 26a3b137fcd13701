"""Telegram Payments as a ``PaymentProvider`` (actions/payments/providers.py): the order becomes
an invoice in the chat (``sendInvoice``, prices in fen, currency CNY, the order id as payload,
the provider token from PAYMENT_PROVIDER_TOKEN); Telegram then asks ``pre_checkout_query``
(bot/routers/payments.py answers after ``authorize_telegram``) and sends ``successful_payment``."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import LabeledPrice
from pydantic import SecretStr

from actions.payments.orders import CURRENCY
from actions.payments.providers import Checkout, ProviderState, ProviderStatus, ProviderUnavailable
from storage.models import PaymentOrder, PaymentProviderKind

TITLE_MAX = 32
DESCRIPTION_MAX = 255


class TelegramPayments:
    kind = PaymentProviderKind.TELEGRAM

    def __init__(self, bot: Bot, chat_id: int, token: SecretStr) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self._token = token

    async def start(self, order: PaymentOrder, *, title: str, description: str, labels: list[str]) -> Checkout:
        """``labels``: one per price, in order: each line's fine, then its surcharge when it has one."""
        amounts = [amount for line in order.lines for amount in (line.fine_fen, line.surcharge_fen) if amount]
        if len(labels) != len(amounts):
            raise ValueError("one label per price")
        prices = [LabeledPrice(label=label, amount=amount) for label, amount in zip(labels, amounts, strict=True)]
        try:
            await self.bot.send_invoice(
                chat_id=self.chat_id,
                title=title[:TITLE_MAX],
                description=description[:DESCRIPTION_MAX],
                payload=order.id,
                provider_token=self._token.get_secret_value(),
                currency=CURRENCY,
                prices=prices,
            )
        except TelegramAPIError as exc:
            raise ProviderUnavailable(type(exc).__name__) from None
        return Checkout(url=None)

    async def status(self, order: PaymentOrder) -> ProviderStatus:
        """Telegram cannot be asked about an invoice: its successful_payment is the only word."""
        return ProviderStatus(state=ProviderState.UNKNOWN)
