"""A notification as the citizen sees it: text in their language naming the thing concretely,
and buttons leading to the feature that shows more (bot/ui/callbacks.GoCb)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.i18n import Catalog
from core.language import Language
from storage.models import LOCAL_TZ, Notification, NotificationType

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
            text = t("push-complaint-updated", ticket=ticket, status=t(f"push-complaint-status-{status}"))
        reply = _s(p, "text")
        if reply:
            text += "\n" + t("push-complaint-reply", text=reply)
        if kind == T.COMPLAINT_RATING_REQUEST:
            rows.append(button("push-btn-rate", F_COMPLAINT_RATE, ticket))
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
    else:  # ACCOUNT_REBOUND
        text = t("push-account-rebound")
    if kind != T.ACCOUNT_REBOUND:
        rows.append(button("push-btn-settings", F_NOTIFICATIONS))
    return Rendered(text=text, markup={"inline_keyboard": rows} if rows else None)
