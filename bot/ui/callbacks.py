"""Every inline-button payload of the citizen bot (at most 64 bytes each), in one place so that
no two share a prefix. The handoff buttons' `HandoffCb` lives with the citizen link in messenger/
(staff sends them too); push/render.py writes `GoCb` payloads by hand ("go:<feature>:<arg>")."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

MAX_PAGE = 10_000


class MenuCb(CallbackData, prefix="menu"):
    section: str  # "main" or one of bot.ui.keyboards.SECTIONS


class GoCb(CallbackData, prefix="go"):
    """Run a feature, as if the citizen had asked for it in words."""

    feature: str
    arg: str = ""


class LangCb(CallbackData, prefix="lang"):
    code: str


class CplCb(CallbackData, prefix="cpl"):
    """Buttons of the complaint form: topic, photos_done, submit, edit, field, back, cancel.
    Submit's ``value`` is the draft's idempotency key (bot/forms.py)."""

    action: str
    value: str = ""


class RateCb(CallbackData, prefix="crate"):
    """1 to 5 stars for a resolved complaint."""

    ticket: str
    stars: int = Field(ge=1, le=5)  # a forged payload with other numbers matches no handler


class RateSkipCb(CallbackData, prefix="crskip"):
    """Rate without a comment: submits the rating form (``key``: its idempotency key)."""

    ticket: str
    key: str = ""


class AuthCb(CallbackData, prefix="vauth"):
    """Buttons of the e-license authorisation form."""

    action: str  # "days" (value = number of days), "confirm" (value = the form's idempotency key), "cancel"
    value: str = ""


class BizCb(CallbackData, prefix="biz"):
    """Buttons of the renewal / replacement-plate form."""

    action: str  # "plate", "reason", "confirm" (value = the form's idempotency key), "change", "cancel"
    value: str = ""


class NotifCb(CallbackData, prefix="ntf"):
    action: str  # "type" (toggle one type) or "quiet" (toggle quiet hours)
    value: str = ""


class ViolationPageCb(CallbackData, prefix="vio"):
    page: int = Field(ge=0, le=MAX_PAGE)  # a forged 20-digit page would overflow the database's skip
    plate: str = ""  # "" = all of the citizen's vehicles


class AppealCb(CallbackData, prefix="apl"):
    """Buttons of the appeal form: photos_done, submit (value = the form's idempotency key), cancel."""

    action: str
    value: str = ""


class StudyCb(CallbackData, prefix="pst"):
    """An answer of the study-to-reduce-points exam: exam ``quiz`` (the form's key), question
    ``n`` (0-based), option ``a``. A press for another exam or question changes nothing."""

    quiz: str
    n: int = Field(ge=0, le=50)
    a: int = Field(ge=0, le=9)


class PayCb(CallbackData, prefix="pay"):
    """Handle and pay (bot/routers/payments.py): "t" toggles violation ``value``, "all", "next"
    (the decision), "tg" / "gw" (accept and pay with Telegram / the payment page; ``value`` is the
    confirmation's idempotency key), "back", "cancel"."""

    action: str
    value: str = ""


class MoveCb(CallbackData, prefix="mvc"):
    """Buttons of the move-my-car form (bot/routers/move_car.py): reason (``value`` = a preset),
    photos_done, submit (``value`` = the form's idempotency key), cancel."""

    action: str
    value: str = ""
