"""Payments in the sandbox: Telegram Payments and the bureau's payment gateway, emulated.

**Telegram Payments.** Bot API ``sendInvoice`` (an ``invoice`` message with a Pay button; the
provider token must be non-empty, prices positive integers in the currency's smallest unit) and
``answerPreCheckoutQuery``. A citizen pays with ``POST /api/chats/{chat}/pay`` ``{"message_id",
"outcome": "success" | "declined" | "abandoned", "deliveries": 1}``: as Telegram does, the bot
gets a ``pre_checkout_query`` and has 10 seconds to answer; only after ``ok`` is the card charged
(``declined``: the card is refused, the bot hears nothing more), and the bot gets a message with
``successful_payment`` (``deliveries: 2``: the same payment delivered twice, as a redelivered
update would be). ``abandoned``: the citizen never pays. The answer says what happened.

**The bureau's gateway** (protocol: actions/payments/gateway.py), signed with the merchant key:
``POST /gateway/orders`` (idempotent by order id), ``GET /gateway/orders/{order_id}``, the payment
page ``GET /gateway/pay/{gateway_order_id}`` for a person, and for tests
``POST /api/gateway/pay/{gateway_order_id}`` ``{"outcome": "success" | "declined" | "abandoned",
"notify": "now" | "hold", "repeat": 1}``: the payment, then its signed notification to the
merchant's ``notify_url`` (``repeat: 2``: sent twice, each a fresh signed request; ``hold``: not
sent until ``POST /api/gateway/orders/{order_id}/deliver``: a late notification). An order past
its ``expires_at`` cannot be paid (409). ``GET /api/gateway/orders`` lists the orders with every
notification sent (its headers and body: a test can replay one).
"""

from __future__ import annotations

import asyncio
import html
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from actions.payments.gateway import SignatureError, signed_headers, verify
from sandbox.botapi.params import ApiError, Params, bad_request
from sandbox.botapi.sending import chat_of, deliver, ensure_reachable
from sandbox.citizen.common import as_int, fail, json_body
from sandbox.citizen.common import chat_of as citizen_chat_of
from sandbox.records import JSON, BotState
from sandbox.state import SandboxState

PRE_CHECKOUT_TIMEOUT = 10.0  # seconds Telegram gives the bot to answer a pre_checkout_query
SIGNATURE_WINDOW = 300


@dataclass
class Invoice:
    chat_id: int
    message_id: int
    title: str
    payload: str
    currency: str
    total_amount: int
    paid: bool = False


@dataclass
class PreCheckout:
    id: str
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    ok: bool | None = None
    error_message: str | None = None


@dataclass
class Notification:
    at: float
    status: int | None  # the merchant's HTTP answer (None: not reached)
    headers: dict[str, str]
    body: str


@dataclass
class GatewayOrder:
    order_id: str
    gateway_order_id: str
    amount_fen: int
    description: str
    notify_url: str
    expires_at: int
    status: str = "pending"  # pending, paid, failed
    transaction_id: str | None = None
    paid_at: str | None = None
    held: list[bytes] = field(default_factory=list)  # notifications not sent yet (late ones)
    sent: list[Notification] = field(default_factory=list)

    def view(self) -> JSON:
        return {
            "order_id": self.order_id,
            "gateway_order_id": self.gateway_order_id,
            "amount_fen": self.amount_fen,
            "description": self.description,
            "status": self.status,
            "transaction_id": self.transaction_id,
            "paid_at": self.paid_at,
            "expires_at": self.expires_at,
            "held": len(self.held),
            "notifications": [n.__dict__ for n in self.sent],
        }


class SandboxPayments:
    def __init__(self, state: SandboxState, gateway_key: str, merchant_id: str = "sandbox-gateway") -> None:
        self.state = state
        self.gateway_key = gateway_key
        self.merchant_id = merchant_id
        self.invoices: dict[tuple[int, int], Invoice] = {}
        self.pre_checkouts: dict[str, PreCheckout] = {}
        self.orders: dict[str, GatewayOrder] = {}  # by merchant order id
        self.by_gateway_id: dict[str, GatewayOrder] = {}
        self.http: aiohttp.ClientSession | None = None

    # --- Bot API ---------------------------------------------------------------------------------

    def bot_methods(self) -> dict[str, Any]:
        return {"sendinvoice": self.send_invoice, "answerprecheckoutquery": self.answer_pre_checkout_query}

    async def send_invoice(self, bot: BotState, params: Params) -> JSON:
        chat = chat_of(self.state, params)
        ensure_reachable(self.state, chat)
        title = params.text("title", required=True) or ""
        description = params.text("description", required=True) or ""
        payload = params.text("payload", required=True) or ""
        if not params.text("provider_token"):
            raise bad_request("PAYMENT_PROVIDER_INVALID")
        currency = params.text("currency", required=True) or ""
        prices = params.json("prices")
        if not (1 <= len(title) <= 32) or not (1 <= len(description) <= 255) or not (1 <= len(payload.encode()) <= 128):
            raise bad_request("INVOICE_TITLE_EMPTY" if not title else "wrong invoice parameters")
        if len(currency) != 3 or not isinstance(prices, list) or not prices:
            raise bad_request("CURRENCY_INVALID" if len(currency) != 3 else "prices must be non-empty")
        total = 0
        for price in prices:
            amount = price.get("amount") if isinstance(price, dict) else None
            if not isinstance(price, dict) or not price.get("label") or not isinstance(amount, int) or amount <= 0:
                raise bad_request("can't parse prices JSON object")
            total += amount
        if params.json("reply_markup") is None:
            params.values["reply_markup"] = {
                "inline_keyboard": [[{"text": f"Pay {total / 100:.2f} {currency}", "pay": True}]]
            }
        invoice_json = {
            "title": title,
            "description": description,
            "start_parameter": params.text("start_parameter") or "",
            "currency": currency,
            "total_amount": total,
        }
        sent = deliver(
            self.state,
            bot,
            chat,
            "invoice",
            params,
            text=f"{title}\n{description}\n{total / 100:.2f} {currency}",
            media={"invoice": invoice_json},
        )
        message_id = int(sent["message_id"])
        self.invoices[(chat.id, message_id)] = Invoice(chat.id, message_id, title, payload, currency, total)
        return sent

    async def answer_pre_checkout_query(self, bot: BotState, params: Params) -> bool:
        query_id = params.text("pre_checkout_query_id", required=True) or ""
        record = self.pre_checkouts.get(query_id)
        if record is None or record.answered.is_set():
            raise bad_request("QUERY_ID_INVALID")
        ok = params.flag("ok")
        error = params.text("error_message")
        if not ok and not error:
            raise bad_request("error_message is required when ok is false")
        record.ok, record.error_message = ok, error
        record.answered.set()
        return True

    # --- the citizen pays an invoice ---------------------------------------------------------------

    async def pay_invoice(self, request: web.Request) -> web.Response:
        chat = citizen_chat_of(self.state, request)
        body = await json_body(request)
        invoice = self.invoices.get((chat.id, as_int(body.get("message_id"), "message_id")))
        if invoice is None:
            raise fail("no invoice with that message_id in this chat", 404)
        outcome = str(body.get("outcome") or "success")
        if outcome not in ("success", "declined", "abandoned"):
            raise fail("outcome must be success, declined or abandoned")
        deliveries = max(1, min(as_int(body.get("deliveries", 1), "deliveries"), 5))
        if outcome == "abandoned":
            chat.add_event("payment", {"message_id": invoice.message_id, "status": "abandoned"})
            return web.json_response({"status": "abandoned"})
        citizen = self.state.citizens[chat.id]
        query = PreCheckout(id=str(secrets.randbits(63)))
        self.pre_checkouts[query.id] = query
        self.state.push_update(
            "pre_checkout_query",
            {
                "id": query.id,
                "from": citizen.to_telegram(),
                "currency": invoice.currency,
                "total_amount": invoice.total_amount,
                "invoice_payload": invoice.payload,
            },
        )
        try:
            await asyncio.wait_for(query.answered.wait(), PRE_CHECKOUT_TIMEOUT)
        except TimeoutError:
            chat.add_event("payment", {"message_id": invoice.message_id, "status": "timeout"})
            return web.json_response({"status": "timeout"})
        if not query.ok:
            chat.add_event(
                "payment", {"message_id": invoice.message_id, "status": "refused", "error": query.error_message}
            )
            return web.json_response({"status": "refused", "error_message": query.error_message})
        if outcome == "declined":
            chat.add_event("payment", {"message_id": invoice.message_id, "status": "declined"})
            return web.json_response({"status": "declined"})
        charge = {
            "currency": invoice.currency,
            "total_amount": invoice.total_amount,
            "invoice_payload": invoice.payload,
            "telegram_payment_charge_id": f"tg_{secrets.token_hex(10)}",
            "provider_payment_charge_id": f"prov_{secrets.token_hex(10)}",
        }
        invoice.paid = True
        for _ in range(deliveries):
            self.state.user_message(chat, citizen, "successful_payment", media={"successful_payment": charge})
        return web.json_response({"status": "paid", **charge})

    # --- the gateway -----------------------------------------------------------------------------

    def _check(self, request: web.Request, body: bytes) -> None:
        try:
            verify(request.headers, body, key=self.gateway_key, window=SIGNATURE_WINDOW)
        except SignatureError as error:
            raise fail(f"unauthorized: {error}", 401) from None

    async def create_order(self, request: web.Request) -> web.Response:
        body = await request.read()
        self._check(request, body)
        try:
            data = json.loads(body)
            order_id, amount = str(data["order_id"]), int(data["amount_fen"])
            notify_url, expires_at = str(data["notify_url"]), int(data["expires_at"])
        except (ValueError, KeyError, TypeError):
            raise fail("order_id, amount_fen, notify_url and expires_at are required") from None
        if amount <= 0 or str(data.get("currency", "CNY")) != "CNY":
            raise fail("amount_fen must be positive, currency CNY")
        order = self.orders.get(order_id)
        if order is None:
            order = GatewayOrder(
                order_id=order_id,
                gateway_order_id=f"G{secrets.token_hex(8).upper()}",
                amount_fen=amount,
                description=str(data.get("description") or ""),
                notify_url=notify_url,
                expires_at=expires_at,
            )
            self.orders[order_id] = order
            self.by_gateway_id[order.gateway_order_id] = order
        elif order.amount_fen != amount:
            raise fail("order_id already used with another amount", 409)
        pay_url = str(request.url.origin()) + request.path.removesuffix("/orders") + f"/pay/{order.gateway_order_id}"
        return web.json_response(
            {
                "order_id": order.order_id,
                "gateway_order_id": order.gateway_order_id,
                "pay_url": pay_url,
                "status": order.status,
            }
        )

    async def get_order(self, request: web.Request) -> web.Response:
        self._check(request, await request.read())
        order = self.orders.get(request.match_info["order_id"])
        if order is None:
            raise fail("order not found", 404)
        return web.json_response(
            {
                "order_id": order.order_id,
                "status": order.status,
                "amount_fen": order.amount_fen,
                "transaction_id": order.transaction_id,
                "paid_at": order.paid_at,
            }
        )

    async def pay_page(self, request: web.Request) -> web.Response:
        order = self.by_gateway_id.get(request.match_info["gateway_order_id"])
        if order is None:
            raise web.HTTPNotFound(text="order not found")
        amount = f"{order.amount_fen // 100}.{order.amount_fen % 100:02d}"
        action = html.escape(request.path)
        buttons = (
            f'<form method="post" action="{action}"><button name="outcome" value="success">Pay ¥{amount}</button> '
            f'<button name="outcome" value="declined">Decline</button></form>'
            if order.status == "pending"
            else f"<p>Status: {html.escape(order.status)}</p>"
        )
        page = (
            "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            "<title>Payment gateway (sandbox)</title><body style='font-family:sans-serif;max-width:30em;margin:2em auto'>"
            f"<h1>¥{amount}</h1><p>{html.escape(order.description)}</p><p>Order {html.escape(order.order_id)}</p>"
            f"{buttons}</body>"
        )
        return web.Response(text=page, content_type="text/html")

    async def pay_page_post(self, request: web.Request) -> web.Response:
        form = await request.post()
        await self._pay(request.match_info["gateway_order_id"], str(form.get("outcome") or "success"), "now", 1)
        raise web.HTTPSeeOther(request.path)

    async def pay_order(self, request: web.Request) -> web.Response:
        body = await json_body(request)
        notify = str(body.get("notify") or "now")
        if notify not in ("now", "hold"):
            raise fail("notify must be now or hold")
        repeat = max(1, min(as_int(body.get("repeat", 1), "repeat"), 5))
        order = await self._pay(
            request.match_info["gateway_order_id"], str(body.get("outcome") or "success"), notify, repeat
        )
        return web.json_response(order.view())

    async def _pay(self, gateway_order_id: str, outcome: str, notify: str, repeat: int) -> GatewayOrder:
        order = self.by_gateway_id.get(gateway_order_id)
        if order is None:
            raise fail("order not found", 404)
        if outcome not in ("success", "declined", "abandoned"):
            raise fail("outcome must be success, declined or abandoned")
        if outcome == "abandoned":
            return order
        if order.status != "pending":
            raise fail(f"the order is {order.status} already", 409)
        if time.time() > order.expires_at:
            raise fail("the order has expired", 409)
        if outcome == "success":
            order.status = "paid"
            order.transaction_id = f"T{secrets.token_hex(10).upper()}"
            order.paid_at = datetime.now(UTC).isoformat()
        else:
            order.status = "failed"
        note = json.dumps(
            {
                "order_id": order.order_id,
                "gateway_order_id": order.gateway_order_id,
                "status": "paid" if order.status == "paid" else "failed",
                "amount_fen": order.amount_fen,
                "transaction_id": order.transaction_id or "",
                "paid_at": order.paid_at,
            }
        ).encode()
        if notify == "hold":
            order.held.extend([note] * repeat)
        else:
            for _ in range(repeat):
                await self._notify(order, note)
        return order

    async def deliver_held(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["order_id"])
        if order is None:
            raise fail("order not found", 404)
        held, order.held = order.held, []
        for note in held:
            await self._notify(order, note)
        return web.json_response(order.view())

    async def _notify(self, order: GatewayOrder, body: bytes) -> None:
        """POST one freshly signed notification to the merchant; the answer is recorded."""
        headers = signed_headers(self.merchant_id, self.gateway_key, body)
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        status: int | None
        try:
            async with self.http.post(order.notify_url, data=body, headers=headers) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = None
        order.sent.append(Notification(time.time(), status, headers, body.decode()))

    async def list_orders(self, request: web.Request) -> web.Response:
        return web.json_response({"orders": [o.view() for o in self.orders.values()]})

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/api/chats/{chat_id}/pay", self.pay_invoice),
            web.post("/gateway/orders", self.create_order),
            web.get("/gateway/orders/{order_id}", self.get_order),
            web.get("/gateway/pay/{gateway_order_id}", self.pay_page),
            web.post("/gateway/pay/{gateway_order_id}", self.pay_page_post),
            web.post("/api/gateway/pay/{gateway_order_id}", self.pay_order),
            web.post("/api/gateway/orders/{order_id}/deliver", self.deliver_held),
            web.get("/api/gateway/orders", self.list_orders),
        ]

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
            self.http = None


__all__ = ["ApiError", "SandboxPayments"]
