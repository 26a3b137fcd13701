"""Handle and pay from the Mini App (actions/payments/): the decision for the violations chosen,
then one order on the bureau's payment gateway, whose page the Mini App opens
(``Telegram.WebApp.openLink``); the receipt comes to the chat when the gateway confirms. The same
use cases as the chat's "Handle and pay", with the same rules (someone else's violation is
answered as an unknown one)."""

from __future__ import annotations

import re
from typing import NoReturn

from aiohttp import web

from actions.payments.gateway import build_gateway
from actions.payments.orders import Quote, Refusal, handle_and_order, quote
from actions.penalties import format_fen
from miniapp.auth import Viewer, for_citizen
from miniapp.http import JSON, answer, fail, runtime, say
from storage.models import PaymentOrder

FORM_KEY = re.compile(r"[A-Za-z0-9_-]{8,40}")


async def _body(request: web.Request, v: Viewer) -> JSON:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("violation_ids"), list):
        fail(400, "bad_body", say(runtime(request).services.catalog, v.lang, "miniapp-error-bad-body"))
    return body


def _refused(request: web.Request, v: Viewer, refusal: Refusal) -> NoReturn:
    status = 404 if refusal == Refusal.NOT_FOUND else 409
    fail(status, refusal.value, say(runtime(request).services.catalog, v.lang, f"payments-refused-{refusal.value}"))


def _summary(request: web.Request, v: Viewer, decided: Quote) -> str:
    catalog = runtime(request).services.catalog
    parts = [
        say(
            catalog,
            v.lang,
            "payments-mini-summary",
            count=len(decided.lines),
            total=format_fen(decided.total_fen),
            surcharge=format_fen(decided.surcharge_fen),
        )
    ]
    if decided.points_to_record and decided.license is not None:
        parts.append(
            say(
                catalog,
                v.lang,
                "payments-mini-points",
                points=decided.points_to_record,
                before=decided.license.points,
                after=decided.points_after or 0,
            )
        )
        if decided.suspends:
            parts.append(say(catalog, v.lang, "payments-mini-suspends"))
    return " ".join(parts)


@for_citizen
async def quote_payment(request: web.Request, v: Viewer) -> web.StreamResponse:
    """The decision to accept for ``violation_ids``: a summary for the confirmation, and the amounts."""
    body = await _body(request, v)
    decided = await quote(runtime(request).services, v.citizen, [str(x) for x in body["violation_ids"]])
    if isinstance(decided, Refusal):
        _refused(request, v, decided)
    return answer(
        {
            "summary": _summary(request, v, decided),
            "total": format_fen(decided.total_fen),
            "surcharge": format_fen(decided.surcharge_fen),
            "lines": [
                {
                    "id": line.violation.id,
                    "fine": format_fen(line.due.fine_fen),
                    "surcharge": format_fen(line.due.surcharge_fen),
                    "days_late": line.due.days_late,
                    "points": line.violation.points,
                    "to_handle": line.to_handle,
                }
                for line in decided.lines
            ],
        }
    )


@for_citizen
async def pay(request: web.Request, v: Viewer) -> web.StreamResponse:
    """Accept the decision and make the order on the payment gateway. Body: ``violation_ids`` and
    ``key`` (the page's confirmation: the same one sent twice makes one order)."""
    services = runtime(request).services
    body = await _body(request, v)
    key = str(body.get("key") or "")
    if not FORM_KEY.fullmatch(key):
        fail(400, "bad_key", say(services.catalog, v.lang, "miniapp-error-bad-body"))
    catalog = services.catalog

    def describe(order: PaymentOrder) -> tuple[str, list[str]]:
        text = say(catalog, v.lang, "payments-invoice-description", order=order.id, count=len(order.lines))
        return text, []

    binding = v.citizen.telegram
    result = await handle_and_order(
        services,
        v.citizen,
        [str(x) for x in body["violation_ids"]],
        build_gateway(services.settings),
        key="mini-" + key,
        chat_id=binding.chat_id if binding is not None else None,
        language=v.lang,
        title=say(catalog, v.lang, "payments-invoice-title"),
        describe=describe,
    )
    if isinstance(result, Refusal):
        _refused(request, v, result)
    if result.url is None:
        _refused(request, v, Refusal.UNAVAILABLE)
    return answer({"order_id": result.order.id, "total": format_fen(result.order.total_fen), "pay_url": result.url})
