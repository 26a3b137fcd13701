"""Who files a report, and how the answer reaches them (issue 15: anyone can report).

Three ways, none of which asks for a passport or an ID number:

* a **linked** citizen (as before): the answer goes to their bound chat, with their preferences;
* an unlinked person with a **verified phone** (a one-time code, ``Purpose.REPORT``, with the
  same limits as every other code): the answer goes to the chat they filed from, and staff see
  the number (masked in logs);
* **anonymous**: nothing about the reporter is stored and no answer is promised (said plainly
  before they file).

Abuse limits, for everyone: at most ``complaint_reports_per_account`` reports per Telegram
account and ``complaint_reports_per_phone`` per phone number (the verified one, or the linked
citizen's) within ``complaint_report_window`` seconds. Counted in Redis when a report is filed
(once: a repeated submission does not count again); the phone is kept there only as a hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from actions.identity import CheckResult, OneTimeCodes, Purpose, SendResult, SmsText
from actions.notify import notify
from actions.services import Services
from core.language import Language
from storage.models import Citizen, Complaint, NotificationType


class ContactMode(StrEnum):
    PHONE = "phone"  # a number verified with a one-time code: answered in the chat
    ANONYMOUS = "anonymous"  # no answer


class ReportContact(BaseModel):
    """How an unlinked reporter chose to be reached (kept in the form's data)."""

    mode: ContactMode
    phone: str | None = None  # set once verified (mode PHONE)

    @property
    def ready(self) -> bool:
        """The choice is complete: anonymous, or a phone that was verified."""
        return self.mode == ContactMode.ANONYMOUS or self.phone is not None


class AnswerRoute(StrEnum):
    CITIZEN = "citizen"  # the linked citizen's bound chat (their preferences apply)
    CHAT = "chat"  # the chat the report was filed from (a verified phone, no linked identity)
    NONE = "none"  # anonymous: no answer


def answer_route(complaint: Complaint) -> AnswerRoute:
    """Where staff's answers to ``complaint`` go."""
    if complaint.citizen_id_number is not None:
        return AnswerRoute.CITIZEN
    if not complaint.anonymous and complaint.contact_phone is not None and complaint.chat_id is not None:
        return AnswerRoute.CHAT
    return AnswerRoute.NONE


async def tell_reporter(
    services: Services,
    complaint: Complaint,
    *,
    type: NotificationType,
    payload: dict[str, Any],
    dedupe_key: str,
    urgent: bool = False,
) -> bool:
    """Tell the complaint's reporter (``answer_route``) and its followers ("+1", each once);
    True when a new notification was written for the reporter.

    Only the reporter rates; a reporter without a linked identity cannot rate through their
    records, and a follower did not file it: for them a resolution is told as an update."""
    created = False
    route = answer_route(complaint)
    if route != AnswerRoute.NONE:
        kind = type
        if route == AnswerRoute.CHAT and type == NotificationType.COMPLAINT_RATING_REQUEST:
            kind = NotificationType.COMPLAINT_UPDATED
        _, created = await notify(
            services,
            citizen_id_number=complaint.citizen_id_number,
            type=kind,
            payload=payload,
            urgent=urgent,
            dedupe_key=dedupe_key,
            direct_chat_id=complaint.chat_id if route == AnswerRoute.CHAT else None,
            direct_language=complaint.language,
        )
    for follower in complaint.followers:
        if follower.citizen_id_number is None and follower.chat_id is None:
            continue  # an anonymous "+1": counted, not told
        await notify(
            services,
            citizen_id_number=follower.citizen_id_number,
            type=NotificationType.COMPLAINT_UPDATED,
            payload={**payload, "following": True},
            urgent=urgent,
            dedupe_key=f"{dedupe_key}:follower:{follower.key}",
            direct_chat_id=follower.chat_id,
            direct_language=follower.language,
        )
    return created


# --- the verified phone ---------------------------------------------------------------------------


async def send_report_code(services: Services, *, user_id: int, phone: str, lang: Language) -> SendResult:
    """A code to ``phone`` (normalised), to prove the answer to a report can reach its owner."""
    codes = OneTimeCodes(services, Purpose.REPORT)
    return await codes.issue(user_id, phone, phone, SmsText(services, lang, "complaints-contact-sms"))


async def check_report_code(services: Services, *, user_id: int, code: str) -> CheckResult:
    """The code typed (6 digits); when right, ``subject`` is the phone number it proved."""
    return await OneTimeCodes(services, Purpose.REPORT).check(user_id, code)


# --- abuse limits ---------------------------------------------------------------------------------


def phone_key(phone: str) -> str:
    """How a phone number is named in the counters: a hash, never the number."""
    return hashlib.sha256(f"report-phone:{phone}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class LimitCheck:
    """``wait_seconds`` 0: a report may be filed; else how long until the window frees one."""

    wait_seconds: int = 0
    by: str = ""  # "account" or "phone": which limit was reached

    @property
    def allowed(self) -> bool:
        return self.wait_seconds == 0

    @property
    def wait_minutes(self) -> int:
        return max(1, -(-self.wait_seconds // 60))


def over_limit(count: int, limit: int, ttl: int, window: int) -> int:
    """Seconds to wait when ``count`` reports were filed in the window (``ttl`` seconds left of it)
    and ``limit`` is the most allowed; 0 when one more may be filed."""
    if count < limit:
        return 0
    return max(1, min(ttl, window)) if ttl > 0 else window


def reporter_phone(citizen: Citizen | None, contact: ReportContact | None) -> str | None:
    """The phone number a report counts against: the verified one, else the linked citizen's."""
    if contact is not None and contact.phone is not None:
        return contact.phone
    return citizen.phone if citizen is not None else None


def _counters(services: Services, user_id: int, phone: str | None) -> list[tuple[str, str, int]]:
    settings, keys = services.settings, services.keys
    found = [("account", keys.report_count("u", str(user_id)), settings.complaint_reports_per_account)]
    if phone is not None:
        found.append(("phone", keys.report_count("p", phone_key(phone)), settings.complaint_reports_per_phone))
    return found


async def report_limit(services: Services, *, user_id: int, phone: str | None) -> LimitCheck:
    """Whether this account (and this phone number) may file one more report now."""
    window = services.settings.complaint_report_window
    for by, key, limit in _counters(services, user_id, phone):
        raw = await services.redis.get(key)
        count = int(raw) if raw else 0
        wait = over_limit(count, limit, await services.redis.ttl(key) if count else 0, window)
        if wait:
            return LimitCheck(wait, by)
    return LimitCheck()


async def count_report(services: Services, *, user_id: int, phone: str | None) -> None:
    """One more report filed by this account (and phone number) in the window."""
    window = services.settings.complaint_report_window
    for _, key, _ in _counters(services, user_id, phone):
        async with services.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=window, nx=True)  # the window opens with the first report
            pipe.incr(key)
            await pipe.execute()
