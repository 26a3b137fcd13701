"""What the citizen reads about a payment: the receipt (amount, surcharge, time, order and charge
ids, each violation, the license's points after), and how an order ended when it was not paid.
The chat (bot/routers/payments.py) and the push notification (push/render.py) word it the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from actions.payments.orders import POINTS_LIMIT, Outcome
from actions.penalties import format_fen
from core.dates import local_time
from storage.models import PaymentOrder, Violation, ViolationEventKind

Text = Callable[..., str]  # t(msg_id, **args): a catalog lookup in the citizen's language


def order_lines(t: Text, order: PaymentOrder, lang: str) -> list[str]:
    """One line per violation: plate, act, fine, and the surcharge where there is one."""
    lines: list[str] = []
    for line in order.lines:
        args: dict[str, object] = {
            "plate": line.plate,
            "behaviour": line.behaviour.get(lang),
            "fine": format_fen(line.fine_fen),
        }
        if line.surcharge_fen:
            lines.append(
                str(t("payments-line-surcharge", **args, surcharge=format_fen(line.surcharge_fen), days=line.days_late))
            )
        else:
            lines.append(str(t("payments-line", **args)))
    return lines


def receipt(t: Text, order: PaymentOrder, lang: str, *, points: int | None) -> str:
    """The receipt of a paid order."""
    assert order.paid_at is not None
    parts = [
        str(t("payments-receipt-title")),
        str(
            t(
                "payments-receipt-paid",
                total=format_fen(order.paid_fen if order.paid_fen is not None else order.total_fen),
                time=local_time(order.paid_at),
                provider=t(f"payments-provider-{order.provider.value}"),
            )
        ),
        *order_lines(t, order, lang),
    ]
    if order.surcharge_fen:
        parts.append(str(t("payments-receipt-surcharge", surcharge=format_fen(order.surcharge_fen))))
    parts.append(str(t("payments-receipt-order", order=order.id)))
    if order.charge_id:
        parts.append(str(t("payments-receipt-charge", charge=order.charge_id)))
    if order.provider_charge_id:
        parts.append(str(t("payments-receipt-provider-charge", charge=order.provider_charge_id)))
    if order.refund_violation_ids:
        parts.append(str(t("payments-receipt-refund", count=len(order.refund_violation_ids))))
    if points is not None:
        key = "payments-receipt-points-limit" if points >= POINTS_LIMIT else "payments-receipt-points"
        parts.append(str(t(key, points=points, left=max(0, POINTS_LIMIT - points))))
    return "\n".join(parts)


def outcome_text(t: Text, order: PaymentOrder, outcome: Outcome, lang: str, *, points: int | None) -> str:
    """How an order ended: its receipt when paid, otherwise why nothing was charged."""
    if outcome in (Outcome.PAID, Outcome.REFUND_DUE) and order.paid_at is not None:
        return receipt(t, order, lang, points=points)
    return str(t(f"payments-outcome-{outcome.value}", order=order.id, total=format_fen(order.total_fen)))


def paid_line(t: Text, violation: Violation) -> str | None:
    """The receipt kept in a paid violation's history, in one line (None when there is none)."""
    paid = next((e for e in reversed(violation.history) if e.kind == ViolationEventKind.PAID), None)
    if paid is None:
        return None
    amount = (paid.fine_fen or 0) + (paid.surcharge_fen or 0)
    key = "payments-history-paid-surcharge" if paid.surcharge_fen else "payments-history-paid"
    return str(
        t(
            key,
            total=format_fen(amount),
            surcharge=format_fen(paid.surcharge_fen or 0),
            time=local_time(paid.at),
            order=paid.order_id or "",
            charge=paid.charge_id or "",
        )
    )
