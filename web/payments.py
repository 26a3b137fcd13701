"""The bureau payment gateway's server-to-server notification: ``POST /api/v1/payments/gateway/notify``.

Signed with the merchant key (actions/payments/gateway.py): a bad signature, a timestamp outside
PAYMENT_NOTIFY_WINDOW or a nonce seen before (a replayed request) is answered 401 and changes
nothing. The gateway's own repeats are fresh requests (a new nonce) and are idempotent by order
id: the payment is recorded once, the citizen told once. A verified notification whose amount is
not the order's is refused (400) and changes nothing; an unknown order is 404.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog
from aiohttp import web

from actions.payments.gateway import NOTIFY_PATH, GatewayNotification, SignatureError, verify
from actions.payments.orders import Recorded, settle_notification
from actions.services import Services

log = structlog.get_logger(__name__)

MAX_BODY = 64 * 1024


def setup(app: web.Application, services: Callable[[], Services]) -> None:
    async def notify(request: web.Request) -> web.Response:
        return await handle_notification(request, services())

    app.router.add_post(NOTIFY_PATH, notify, name="payments_gateway_notify")


def _problem(status: int, detail: str) -> web.Response:
    return web.json_response({"ok": False, "error": detail}, status=status)


async def handle_notification(request: web.Request, services: Services) -> web.Response:
    settings = services.settings
    key = settings.gateway_secret
    if key is None:
        return _problem(404, "no payment gateway is configured")
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _problem(413, "body too large")
    body = await request.read()  # bounded by the app's client_max_size as well
    if len(body) > MAX_BODY:
        return _problem(413, "body too large")
    window = settings.payment_notify_window
    try:
        signed = verify(request.headers, body, key=key.get_secret_value(), window=window)
    except SignatureError as exc:
        log.warning("gateway notification refused", reason=str(exc))
        return _problem(401, str(exc))
    if not await services.redis.set(services.keys("payments", "nonce", signed.nonce), "1", nx=True, ex=2 * window):
        log.warning("gateway notification replayed", reason="nonce seen before")
        return _problem(401, "replayed request")
    note = GatewayNotification.parse(body)
    if note is None or note.status not in ("paid", "failed"):
        return _problem(400, "not a payment notification")
    result = await settle_notification(
        services,
        note.order_id,
        paid=note.status == "paid",
        amount_fen=note.amount_fen,
        charge_id=note.transaction_id or f"gateway-{note.gateway_order_id or note.order_id}",
        paid_at=note.paid_at,
    )
    if result is None:
        return _problem(404, "unknown order")
    if result.outcome == Recorded.AMOUNT_MISMATCH:
        return _problem(400, "amount differs from the order")
    log.info("gateway notification", order_id=note.order_id, status=note.status, outcome=result.outcome.value)
    return web.json_response({"ok": True, "outcome": result.outcome.value})
