"""Information changes: mailing address (+ postal code) and phone number.

A new phone number is re-verified: a one-time code goes to the NEW number (same rules as
binding: 6 digits, 5 minutes, 5 wrong codes lock for 15 minutes, sending limited), and the
number is changed only when that code is typed back.
"""

from __future__ import annotations

import structlog

from actions.identity import CheckOutcome, CheckResult, OneTimeCodes, Purpose, SendOutcome, SendResult, SmsText
from actions.services import Services
from core.addresses import (
    ADDRESS_MAX,
    ADDRESS_MIN,
    clean_address,
    explain_address,
    explain_postal_code,
    normalize_postal_code,
)
from core.identifiers import mask_id_number
from core.language import Language
from storage.models import Citizen, NotificationPreferences, NotificationType

log = structlog.get_logger(__name__)


# What a citizen may switch off (in the chat's /notifications and the Mini App alike); the
# security notice about their account and payment receipts are always sent.
CHOOSABLE_NOTIFICATIONS: tuple[NotificationType, ...] = tuple(
    t for t in NotificationType if t not in (NotificationType.ACCOUNT_REBOUND, NotificationType.PAYMENT)
)


async def set_language(services: Services, user_id: int, language: Language) -> bool:
    """The language a bound citizen's notifications and staff replies use (False: not bound)."""
    return await services.repos.citizens.set_language(user_id, language)


async def set_notification_preferences(services: Services, user_id: int, preferences: NotificationPreferences) -> bool:
    """Which notifications the citizen receives, and quiet hours (False: not bound)."""
    return await services.repos.citizens.set_preferences(user_id, preferences)


async def change_address(services: Services, id_number: str, address: str, postal_code: str) -> Citizen | None:
    """Store a validated mailing address and postal code (ValueError if not valid)."""
    if explain_address(address) is not None or (code := normalize_postal_code(postal_code)) is None:
        raise ValueError("address or postal code not valid")
    citizen = await services.repos.citizens.update_contact(
        id_number, mailing_address=clean_address(address), postal_code=code
    )
    log.info("mailing address changed", id_number=mask_id_number(id_number))
    return citizen


async def start_phone_change(
    services: Services, *, user_id: int, citizen: Citizen, new_phone: str, language: Language
) -> SendResult:
    """Send a code to `new_phone` (already normalised). Same number as on file: SENT is not
    returned; the caller checks `new_phone != citizen.phone` first."""
    if new_phone == citizen.phone:
        raise ValueError("the new number is the one on file")
    codes = OneTimeCodes(services, Purpose.PHONE)
    return await codes.issue(user_id, new_phone, new_phone, SmsText(services, language, "profile-sms-code"))


async def confirm_phone_change(services: Services, *, user_id: int, id_number: str, code: str) -> CheckResult:
    """Check the code sent to the new number; when right, store that number."""
    check = await OneTimeCodes(services, Purpose.PHONE).check(user_id, code)
    if check.outcome == CheckOutcome.OK and check.subject is not None:
        await services.repos.citizens.update_contact(id_number, phone=check.subject)
        log.info("phone changed", id_number=mask_id_number(id_number))
    return check


__all__ = [
    "ADDRESS_MAX",
    "ADDRESS_MIN",
    "CHOOSABLE_NOTIFICATIONS",
    "CheckOutcome",
    "SendOutcome",
    "change_address",
    "clean_address",
    "confirm_phone_change",
    "explain_address",
    "explain_postal_code",
    "normalize_postal_code",
    "set_language",
    "set_notification_preferences",
    "start_phone_change",
]
