"""A notification as the citizen sees it: text in their language naming the thing concretely,
and buttons leading to the feature that shows more (bot/ui/callbacks.GoCb)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from actions.payments.orders import Outcome
from actions.payments.receipt import outcome_text
from core.i18n import Catalog
from core.language import Language
from storage.models import LOCAL_TZ, Notification, NotificationType, PaymentOrder

T = NotificationType

# Features other engineers own (bot/routers/*): the buttons' targets. A test checks that each
# exists in bot.context.FEATURES (tests/push/test_push_units.py).
F_DELIVERY_VIEW = "delivery_view"
F_DELIVERIES = "deliveries"
F_ELICENSE_SHOW = "elicense_show"
F_ELICENSE = "elicense_check"
F_COMPLAINT_VIEW = "complaint_view"
F_COMPLAINT_RATE = "complaint_rate"
F_VIOLATIONS = "violations"
F_LICENSE = "license"
F_RENEW = "renewal"
F_VEHICLES = "vehicles"
F_NOTIFICATIONS = "notifications"
F_PAY = "pay_fines"
F_MOVE_STATUS = "move_car_status"
F_MOVE_REPLY = "move_car_reply"
F_MOVE_PHOTOS = "move_car_photos"

Button = dict[str, str]


def go_callback(feature: str, arg: str = "") -> str:
    """`bot.ui.callbacks.GoCb(feature=..., arg=...).pack()` without importing aiogram in the worker."""
    return f"go:{feature}:{arg}"


@dataclass(frozen=True)
class Rendered:
    text: str
    markup: dict[str, list[list[Button]]] | None  # Bot API InlineKeyboardMarkup


def _date(catalog: Catalog, lang: Language, value: date) -> str:
    return catalog.text(lang, "push-date", y=str(value.year), m=f"{value.month:02d}", d=f"{value.day:02d}")


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            return datetime.fromisoformat(value).astimezone(LOCAL_TZ).date()
        except ValueError:
            return None
    return None


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)
    return None


def _bilingual(payload: dict[str, Any], name: str, lang: Language) -> str:
    value = payload.get(name)
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("zh") or "")
    return str(payload.get(f"{name}_{lang}") or payload.get(name) or "")


def _s(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    return "" if value is None else str(value)


def render(notification: Notification, lang: Language, catalog: Catalog, *, today: date) -> Rendered:
    """Text and buttons of one notification in `lang` (`today` in LOCAL_TZ, for "mailed today")."""
    p = notification.payload

    def t(msg_id: str, **args: object) -> str:
        return catalog.text(lang, msg_id, **args)

    def button(msg_id: str, feature: str, arg: str = "") -> list[Button]:
        return [{"text": t(msg_id), "callback_data": go_callback(feature, arg)}]

    def track_button() -> list[Button]:
        delivery_id = _s(p, "delivery_id")
        if delivery_id:
            return button("push-btn-track", F_DELIVERY_VIEW, delivery_id)
        return button("push-btn-deliveries", F_DELIVERIES)

    rows: list[list[Button]] = []
    kind = notification.type
    if kind == T.PAYMENT:  # a receipt or an order that did not complete: not a preference
        return _render_payment(p, lang, t)
    if kind == T.LICENSE_MAILED:
        mailed = _parse_date(p.get("mailed_at")) or notification.created_at.astimezone(LOCAL_TZ).date()
        when = t("push-today") if mailed == today else t("push-on-date", date=_date(catalog, lang, mailed))
        tracking = _s(p, "tracking_number")
        if tracking:
            text = t("push-license-mailed", when=when, courier=_s(p, "courier"), tracking=tracking)
        else:
            text = t("push-license-mailed-no-tracking", when=when)
        rows.append(track_button())
    elif kind == T.LICENSE_DELIVERED:
        tracking = " ".join(x for x in (_s(p, "courier"), _s(p, "tracking_number")) if x)
        text = t("push-license-delivered", tracking=tracking if tracking else "none")
        rows.append(track_button())
    elif kind == T.PLATE_DELIVERY:
        stage = _s(p, "stage") or "materials_collected"
        tracking = " ".join(x for x in (_s(p, "courier"), _s(p, "tracking_number")) if x)
        text = t(f"push-plate-{stage}", plate=_s(p, "plate"), tracking=tracking if tracking else "none")
        rows.append(track_button())
    elif kind == T.ELICENSE_REVIEW_DECIDED:
        office = _bilingual(p, "office", lang) or t("push-btn-elicense-check")
        if p.get("approved"):
            text = t("push-elicense-approved", office=office)
            rows.append(button("push-btn-elicense", F_ELICENSE_SHOW))
        else:
            reason = _s(p, "reason")
            text = t("push-elicense-rejected", office=office, reason=reason if reason else "none")
            rows.append(button("push-btn-elicense-check", F_ELICENSE))
    elif kind in (T.COMPLAINT_UPDATED, T.COMPLAINT_RATING_REQUEST):
        ticket = _s(p, "ticket_id")
        if kind == T.COMPLAINT_RATING_REQUEST:
            text = t("push-complaint-rating", ticket=ticket)
        else:
            status = _s(p, "status") or "in_progress"
            msg = "push-complaint-followed" if p.get("following") is True else "push-complaint-updated"
            text = t(msg, ticket=ticket, status=t(f"push-complaint-status-{status}"))
        reply = _s(p, "text")
        if reply:
            text += "\n" + t("push-complaint-reply", text=reply)
        if p.get("late") is True:  # answered after the promised date (actions/dispatch.py)
            text += "\n" + t("dispatch-push-late")
        if kind == T.COMPLAINT_RATING_REQUEST:  # the bureau's answer first, then the question about it
            text += "\n" + t("push-complaint-rate-ask")
            rows.append(button("push-btn-rate", F_COMPLAINT_RATE, ticket))
        if notification.citizen_id_number is not None and p.get("following") is not True:  # theirs, in their records
            rows.append(button("push-btn-complaint", F_COMPLAINT_VIEW, ticket))
    elif kind == T.VIOLATION_RECORDED:
        at = _parse_datetime(p.get("occurred_at"))
        when = ""
        if at is not None:
            local = at.astimezone(LOCAL_TZ)
            when = t(
                "push-datetime",
                y=str(local.year),
                m=f"{local.month:02d}",
                d=f"{local.day:02d}",
                time=local.strftime("%H:%M"),
            )
        text = t(
            "push-violation-recorded",
            plate=_s(p, "plate"),
            behaviour=_bilingual(p, "behaviour", lang),
            place=_bilingual(p, "place", lang),
            time=when,
            fine=_s(p, "fine_yuan"),
            points=_s(p, "points"),
        )
        rows.append(button("push-btn-violations", F_VIOLATIONS))
    elif kind == T.LICENSE_EXPIRY_REMINDER:
        due = _parse_date(p.get("valid_to")) or today
        text = t("push-license-expiry", days=(due - today).days, date=_date(catalog, lang, due))
        rows.append(button("push-btn-renew", F_RENEW))
        rows.append(button("push-btn-license", F_LICENSE))
    elif kind == T.PHYSICAL_EXAM_REMINDER:
        due = _parse_date(p.get("due")) or today
        text = t("push-exam-due", days=(due - today).days, date=_date(catalog, lang, due))
        rows.append(button("push-btn-license", F_LICENSE))
    elif kind == T.INSPECTION_REMINDER:
        due = _parse_date(p.get("due")) or today
        text = t("push-inspection-due", plate=_s(p, "plate"), days=(due - today).days, date=_date(catalog, lang, due))
        rows.append(button("push-btn-vehicles", F_VEHICLES))
    elif kind == T.APPEAL_DECIDED:
        behaviour = _bilingual(p, "behaviour", lang)
        if p.get("accepted"):
            text = t("push-appeal-accepted", plate=_s(p, "plate"), behaviour=behaviour)
        else:
            reason = _s(p, "reason")
            text = t(
                "push-appeal-rejected", plate=_s(p, "plate"), behaviour=behaviour, reason=reason if reason else "none"
            )
        rows.append(button("push-btn-violations", F_VIOLATIONS))
    elif kind == T.MOVE_CAR_REQUEST:  # someone is blocked by the citizen's vehicle (actions/move_car.py)
        request_id = _s(p, "request_id")
        reason = _s(p, "reason")
        if reason.startswith("preset:"):
            reason = t("move-reason-" + reason.removeprefix("preset:"))
        place = _s(p, "place")
        if not place and p.get("lat") is not None and p.get("lon") is not None:
            place = t("move-place-coordinates", lat=f"{float(p['lat']):.5f}", lon=f"{float(p['lon']):.5f}")
        again = isinstance(p.get("round"), int) and p["round"] > 1
        text = t(
            "push-move-request-again" if again else "push-move-request",
            plate=_s(p, "plate"),
            place=place or "-",
            reason=reason or "-",
            photos=_s(p, "photos") or "0",
        )
        rows.append(button("move-button-photos", F_MOVE_PHOTOS, request_id))
        rows.append(button("move-button-coming", F_MOVE_REPLY, f"{request_id}.coming"))
        rows.append(
            button("move-button-not-mine", F_MOVE_REPLY, f"{request_id}.not_mine")
            + button("move-button-abuse", F_MOVE_REPLY, f"{request_id}.abuse")
        )
    elif kind == T.MOVE_CAR_ANSWER:  # the owner answered the citizen's request
        answer = "coming" if _s(p, "answer") == "coming" else "not_mine"
        text = t(f"push-move-answer-{answer}", plate=_s(p, "plate"))
        rows.append(button("move-button-status", F_MOVE_STATUS, _s(p, "request_id")))
    elif kind == T.ANNOUNCEMENT:  # the bureau's words to a segment (actions/announcements.py)
        text = t("announcement-push", text=_bilingual(p, "text", lang))
    else:  # ACCOUNT_REBOUND
        text = t("push-account-rebound")
    if kind != T.ACCOUNT_REBOUND:
        rows.append(button("push-btn-settings", F_NOTIFICATIONS))
    return Rendered(text=text, markup={"inline_keyboard": rows} if rows else None)


def _render_payment(p: dict[str, Any], lang: Language, t: Any) -> Rendered:
    try:
        order = PaymentOrder.model_validate(p.get("order") or {})
        outcome = Outcome(_s(p, "outcome"))
    except ValueError:  # not a payment's payload (pydantic's ValidationError is a ValueError)
        pay = [{"text": t("payments-menu"), "callback_data": go_callback(F_PAY)}]
        return Rendered(text=t("payments-outcome-unknown"), markup={"inline_keyboard": [pay]})
    points = p.get("points")
    text = outcome_text(t, order, outcome, lang, points=points if isinstance(points, int) else None)
    feature = F_LICENSE if outcome in (Outcome.PAID, Outcome.REFUND_DUE) else F_PAY
    label = "payments-button-license" if feature == F_LICENSE else "payments-menu"
    return Rendered(
        text=text, markup={"inline_keyboard": [[{"text": t(label), "callback_data": go_callback(feature)}]]}
    )
