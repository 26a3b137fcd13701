"""Identity binding: name + ID number, confirmed by a one-time code sent to the phone on file.

Rules (issue 4):

* A 6-digit code, valid 5 minutes (`CODE_TTL`), stored in Redis only as a salted PBKDF2 hash.
* 5 wrong codes (`MAX_WRONG`) lock binding for 15 minutes (`LOCK_SECONDS`), both for the
  Telegram account and for the identity that was claimed; wrong codes are counted over a
  15-minute window.
* Sending is limited: one code per account per minute (`RESEND_COOLDOWN`), and at most
  `MAX_SENDS` codes per hour per account and per identity (so nobody can flood a person's phone).
* One Telegram account <-> one identity (`repos.citizens.bind`); the account the identity was
  bound to before is returned so the caller can tell it.

Non-disclosure decision: a stranger must not learn whether an ID number exists or which name
goes with it. Unknown ID numbers and wrong names get exactly the same answer as a match ("if
these details match our records, a code was sent to the mobile number registered with them";
no digits of that number are shown, since showing them only for matches would tell), and the
conversation continues the same way: a code is "pending" (a decoy that no code matches), wrong
codes are counted and lock out the same way. Only the real owner of the phone gets a code.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import structlog

from actions.services import Services
from actions.sms import SmsDeliveryError
from core.identifiers import mask_id_number
from core.language import Language
from storage.models import Citizen
from storage.repositories import BindingConflict, BindResult

log = structlog.get_logger(__name__)

# Codes being sent in the background (binding answers before the SMS gateway does, so a match
# and a mismatch take the same time). Kept here so the tasks are not collected, and drained on stop.
_deliveries: set[asyncio.Task[bool]] = set()


async def deliveries_done() -> None:
    """Wait until every code being sent in the background was handed to the gateway (or failed)."""
    while _deliveries:
        await asyncio.gather(*_deliveries, return_exceptions=True)


CODE_TTL = 5 * 60
MAX_WRONG = 5
LOCK_SECONDS = 15 * 60
RESEND_COOLDOWN = 60
MAX_SENDS = 5
SEND_WINDOW = 60 * 60
_PBKDF2_ROUNDS = 20_000


class Purpose(StrEnum):
    BIND = "bind"
    PHONE = "phone"
    CALLBACK = "callback"  # the number a person calls back (actions/handoff/callback.py)
    REPORT = "report"  # the number a reporter without a linked identity is answered at (issue 15)


class SendOutcome(StrEnum):
    SENT = "sent"  # sent, or (for details that match nothing) answered as if sent
    LOCKED = "locked"  # too many wrong codes: wait `wait_seconds`
    TOO_SOON = "too_soon"  # a code was sent less than a minute ago: wait `wait_seconds`
    TOO_MANY = "too_many"  # hourly limit of codes reached: wait `wait_seconds`
    UNAVAILABLE = "unavailable"  # the SMS gateway is not configured or did not accept it


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    wait_seconds: int = 0

    @property
    def wait_minutes(self) -> int:
        return max(1, -(-self.wait_seconds // 60))


class CheckOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # `attempts_left` more tries
    LOCKED = "locked"  # this was the 5th wrong code, or a lock is in force
    EXPIRED = "expired"  # no pending code (expired after 5 minutes, or never sent)


@dataclass(frozen=True)
class CheckResult:
    outcome: CheckOutcome
    attempts_left: int = 0
    wait_seconds: int = 0
    # What the code was for (the identity claimed, or the new phone number).
    subject: str | None = None

    @property
    def wait_minutes(self) -> int:
        return max(1, -(-self.wait_seconds // 60))


def generate_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def hash_code(code: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", code.encode(), salt, _PBKDF2_ROUNDS).hex()


def normalize_code(raw: str) -> str | None:
    """Six digits (full-width digits and spaces accepted), or None."""
    text = "".join(unicodedata.normalize("NFKC", raw).split())
    return text if len(text) == 6 and text.isascii() and text.isdigit() else None


def names_match(given: str, on_file: str) -> bool:
    def fold(name: str) -> str:
        return "".join(unicodedata.normalize("NFKC", name).split()).replace("·", "").replace(".", "").casefold()

    return bool(given.strip()) and hmac.compare_digest(fold(given).encode(), fold(on_file).encode())


def explain_name(raw: str) -> str | None:
    """None for a plausible name, else the id of the hint."""
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not 2 <= len(name) <= 40:
        return "identity-error-name"
    if not all(ch.isalpha() or ch in " ·.-'" for ch in name):
        return "identity-error-name"
    return None


class OneTimeCodes:
    """Pending codes and their limits in Redis, per purpose (binding, phone change)."""

    def __init__(self, services: Services, purpose: Purpose) -> None:
        self.services = services
        self.purpose = purpose

    def _key(self, *parts: object) -> str:
        return self.services.keys.otp(self.purpose.value, *parts)

    async def lock_wait(self, user_id: int, subject: str | None) -> int:
        """Seconds left of a lock on the account (or on the subject), 0 if none."""
        redis = self.services.redis
        ttls = [await redis.ttl(self._key("lock", "u", user_id))]
        if subject is not None:
            ttls.append(await redis.ttl(self._key("lock", "s", subject)))
        return max([0, *ttls])

    async def _send_allowed(self, user_id: int, subject: str) -> SendResult | None:
        redis = self.services.redis
        if (wait := await self.lock_wait(user_id, subject)) > 0:
            return SendResult(SendOutcome.LOCKED, wait)
        cooldown = self._key("cooldown", user_id)
        if not await redis.set(cooldown, 1, ex=RESEND_COOLDOWN, nx=True):
            return SendResult(SendOutcome.TOO_SOON, max(1, await redis.ttl(cooldown)))
        for counter in (self._key("sends", "u", user_id), self._key("sends", "s", subject)):
            async with redis.pipeline(transaction=True) as pipe:
                # The window opens with the first send (SET NX EX, not EXPIRE NX: Redis 6.2 lacks it).
                pipe.set(counter, 0, ex=SEND_WINDOW, nx=True)
                pipe.incr(counter)
                pipe.ttl(counter)
                _, count, ttl = await pipe.execute()
            if count > MAX_SENDS:
                return SendResult(SendOutcome.TOO_MANY, max(1, ttl))
        return None

    async def issue(
        self, user_id: int, subject: str, phone: str | None, text_for: SmsText, *, background: bool = False
    ) -> SendResult:
        """Create a pending code for `subject` and send it to `phone`; with `phone` None (the
        details matched nothing) a decoy is stored that no code matches, and nothing is sent.

        `background`: answer before the gateway does (the code is sent in a task), so that whether
        `phone` was found cannot be read from the time the answer takes; a failed delivery is
        logged and the citizen can ask again at once."""
        refused = await self._send_allowed(user_id, subject)
        if refused is not None:
            return refused
        sms = self.services.sms
        if sms is None:  # not configured: the same answer whoever asks
            await self.services.redis.delete(self._key("cooldown", user_id))
            return SendResult(SendOutcome.UNAVAILABLE)
        salt = secrets.token_bytes(16)
        code = generate_code()
        digest = hash_code(code, salt) if phone is not None else secrets.token_hex(32)  # a decoy matches no code
        pending = {"subject": subject, "salt": salt.hex(), "hash": digest}
        await self.services.redis.set(self._key("code", user_id), json.dumps(pending), ex=CODE_TTL)
        if phone is None:
            return SendResult(SendOutcome.SENT)
        if background:
            task = asyncio.create_task(self._deliver(user_id, phone, text_for(code)), name="otp-delivery")
            _deliveries.add(task)
            task.add_done_callback(_deliveries.discard)
            return SendResult(SendOutcome.SENT)
        if not await self._deliver(user_id, phone, text_for(code)):
            await self.services.redis.delete(self._key("code", user_id))
            return SendResult(SendOutcome.UNAVAILABLE)
        return SendResult(SendOutcome.SENT)

    async def _deliver(self, user_id: int, phone: str, text: str) -> bool:
        assert self.services.sms is not None
        try:
            await self.services.sms.send(phone, text)
        except SmsDeliveryError:
            log.warning("one-time code not delivered", purpose=self.purpose.value)
            await self.services.redis.delete(self._key("cooldown", user_id))  # asking again works at once
            return False
        return True

    async def pending_subject(self, user_id: int) -> str | None:
        raw = await self.services.redis.get(self._key("code", user_id))
        return str(json.loads(raw)["subject"]) if raw else None

    async def check(self, user_id: int, code: str) -> CheckResult:
        """Check a typed code (already 6 digits); the pending code is used up when it matches."""
        redis = self.services.redis
        raw = await redis.get(self._key("code", user_id))
        subject = str(json.loads(raw)["subject"]) if raw else None
        if (wait := await self.lock_wait(user_id, subject)) > 0:
            return CheckResult(CheckOutcome.LOCKED, wait_seconds=wait, subject=subject)
        if raw is None or subject is None:
            return CheckResult(CheckOutcome.EXPIRED)
        pending = json.loads(raw)
        if hmac.compare_digest(hash_code(code, bytes.fromhex(pending["salt"])), pending["hash"]):
            await redis.delete(
                self._key("code", user_id), self._key("wrong", "u", user_id), self._key("cooldown", user_id)
            )
            return CheckResult(CheckOutcome.OK, subject=subject)
        worst = 0
        for counter in (self._key("wrong", "u", user_id), self._key("wrong", "s", subject)):
            async with redis.pipeline(transaction=True) as pipe:
                pipe.set(counter, 0, ex=LOCK_SECONDS, nx=True)
                pipe.incr(counter)
                _, count = await pipe.execute()
            worst = max(worst, int(count))
        if worst >= MAX_WRONG:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.set(self._key("lock", "u", user_id), 1, ex=LOCK_SECONDS)
                pipe.set(self._key("lock", "s", subject), 1, ex=LOCK_SECONDS)
                pipe.delete(
                    self._key("code", user_id), self._key("wrong", "u", user_id), self._key("wrong", "s", subject)
                )
                await pipe.execute()
            log.info("one-time code locked out", purpose=self.purpose.value)
            return CheckResult(CheckOutcome.LOCKED, wait_seconds=LOCK_SECONDS, subject=subject)
        return CheckResult(CheckOutcome.WRONG, attempts_left=MAX_WRONG - worst, subject=subject)

    async def discard(self, user_id: int) -> None:
        await self.services.redis.delete(self._key("code", user_id))


class SmsText:
    """The SMS body in the citizen's language (from the catalogs)."""

    def __init__(self, services: Services, lang: Language, msg_id: str) -> None:
        self.services = services
        self.lang = lang
        self.msg_id = msg_id

    def __call__(self, code: str) -> str:
        minutes = CODE_TTL // 60
        return self.services.catalog.text(self.lang.value, self.msg_id, code=code, minutes=minutes)


# --- binding -------------------------------------------------------------------------------------


async def start_binding(
    services: Services, *, user_id: int, name: str, id_number: str, language: Language
) -> SendResult:
    """Send a binding code to the phone on file when `name` and `id_number` match a citizen;
    answer identically (a decoy code) when they do not."""
    codes = OneTimeCodes(services, Purpose.BIND)
    citizen = await services.repos.citizens.by_id_number(id_number)
    phone = citizen.phone if citizen is not None and names_match(name, citizen.name) else None
    # In the background: the answer must not take longer when the name and ID number match.
    result = await codes.issue(
        user_id, id_number, phone, SmsText(services, language, "identity-sms-code"), background=True
    )
    log.info("binding code requested", id_number=mask_id_number(id_number), outcome=result.outcome.value)
    return result


async def resend_binding_code(
    services: Services, *, user_id: int, name: str, id_number: str, language: Language
) -> SendResult:
    """Another code for the same details (the same limits apply)."""
    return await start_binding(services, user_id=user_id, name=name, id_number=id_number, language=language)


@dataclass(frozen=True)
class BindOutcome:
    check: CheckResult
    bind: BindResult | None = None
    conflict: bool = False  # a concurrent binding won; ask to try again


async def confirm_binding(
    services: Services, *, user_id: int, chat_id: int, code: str, language: Language
) -> BindOutcome:
    """Check the code; when right, bind this Telegram account to the identity (taking it over
    from another account, whose binding is returned in `bind.previous_binding`)."""
    check = await OneTimeCodes(services, Purpose.BIND).check(user_id, code)
    if check.outcome != CheckOutcome.OK or check.subject is None:
        return BindOutcome(check)
    now = services.clock()
    try:
        result = await services.repos.citizens.bind(
            check.subject, user_id=user_id, chat_id=chat_id, language=language, now=now
        )
    except BindingConflict:
        return BindOutcome(check, conflict=True)
    await services.repos.notifications.release_for_citizen(check.subject, now)
    log.info("identity bound", id_number=mask_id_number(check.subject), rebound=result.previous_binding is not None)
    return BindOutcome(check, bind=result)


async def binding_lock_seconds(services: Services, user_id: int) -> int:
    """Seconds left of this account's lock-out after too many wrong codes (binding or a phone
    change), 0 when none: told at once, before the citizen types their details again."""
    waits = [
        await OneTimeCodes(services, purpose).lock_wait(user_id, None) for purpose in (Purpose.BIND, Purpose.PHONE)
    ]
    return max(waits)


async def current_identity(services: Services, user_id: int) -> Citizen | None:
    return await services.repos.citizens.by_telegram_user(user_id)


async def unbind(services: Services, user_id: int) -> Citizen | None:
    """Remove this account's binding; the citizen as it was, or None if it was not bound."""
    citizen = await services.repos.citizens.unbind(user_id)
    if citizen is not None:
        log.info("identity unbound", id_number=mask_id_number(citizen.id_number))
    return citizen
