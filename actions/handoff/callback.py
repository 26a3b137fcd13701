"""Call-back requests (issue 17): the number a person calls is the one on file for a linked
citizen, or one the citizen proves is theirs with a one-time code (`OneTimeCodes`, its own
purpose and limits); or the citizen asks to be answered in the chat instead. The request waits
in the staff queue (actions.handoff.citizen.request_callback); the agent calls, or answers in
the chat (actions.handoff.agent.agent_message), and closing it tells the citizen how it ended."""

from __future__ import annotations

from actions.identity import CheckResult, OneTimeCodes, Purpose, SendResult, SmsText
from actions.services import Services
from core.language import Language
from storage.models import Handoff

PHONE_LINKED = "linked"  # the number on file for the linked citizen
PHONE_VERIFIED = "verified"  # a number the citizen confirmed with a code


def callback_ref(handoff: Handoff) -> str:
    """The reference the citizen is given for a call-back request."""
    return handoff.id[-6:].upper()


async def linked_phone(services: Services, user_id: int) -> str | None:
    """The phone number on file for a linked citizen (None when not linked)."""
    citizen = await services.repos.citizens.by_telegram_user(user_id)
    return citizen.phone if citizen is not None else None


async def send_phone_code(services: Services, *, user_id: int, phone: str, lang: Language) -> SendResult:
    """A code to ``phone`` (already normalised), to prove the citizen can be called there."""
    codes = OneTimeCodes(services, Purpose.CALLBACK)
    return await codes.issue(user_id, phone, phone, SmsText(services, lang, "handoff-callback-sms"))


async def check_phone_code(services: Services, *, user_id: int, code: str) -> CheckResult:
    """The code typed (6 digits); when right, ``subject`` is the phone number it proved."""
    return await OneTimeCodes(services, Purpose.CALLBACK).check(user_id, code)
