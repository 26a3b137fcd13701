"""Staff sign-in: argon2 password hashes, server-side sessions in Redis, CSRF tokens, lock-out.

- The session cookie holds a random 256-bit token (HttpOnly, SameSite=Strict, Secure on https,
  Path=/staff); Redis keeps the session under an HMAC of the token (keyed with
  STAFF_SESSION_SECRET when set), so a Redis dump does not hand out live cookies.
- Each session has its own CSRF token: every form posts it (`csrf`), scripts send it in the
  `X-CSRF-Token` header, and the websocket in its query string (plus an Origin check).
- After `staff_max_failures` wrong passwords for a username, sign-in is refused (even with the
  right password) for `staff_lockout_seconds`.
- Every request re-reads the account, so disabling it or changing its role applies at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from actions.services import Services
from storage.models import StaffRole, StaffUser
from storage.repositories import Repositories

COOKIE = "staff_session"
LANG_COOKIE = "staff_lang"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
ONLINE_WINDOW = 90  # seconds: an agent seen this recently is "online"
RANK: dict[StaffRole, int] = {StaffRole.AGENT: 1, StaffRole.SUPERVISOR: 2, StaffRole.ADMIN: 3}

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")  # same verification cost for unknown usernames


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def allowed(user: StaffUser, role: StaffRole) -> bool:
    return RANK[user.role] >= RANK[role]


@dataclass(frozen=True)
class StaffSession:
    username: str
    csrf: str
    created: float


class SignIn(StrEnum):
    OK = "ok"
    BAD = "bad"
    LOCKED = "locked"


def _digest(services: Services, token: str) -> str:
    secret = services.settings.staff_session_secret
    key = secret.get_secret_value().encode() if secret else b"staff-session"
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _session_key(services: Services, token: str) -> str:
    return services.keys("staff", "sess", _digest(services, token))


def _fail_key(services: Services, username: str) -> str:
    return services.keys("staff", "fail", username.lower())


def online_key(services: Services) -> str:
    return services.keys("staff", "online")


async def sign_in(services: Services, username: str, password: str) -> tuple[SignIn, str | None]:
    """(outcome, session token when OK)."""
    settings = services.settings
    fail_key = _fail_key(services, username)
    failures = int(await services.redis.get(fail_key) or 0)
    if failures >= settings.staff_max_failures:
        return SignIn.LOCKED, None
    user = await services.repos.staff.by_username(username)
    ok = await verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or user.disabled:
        async with services.redis.pipeline(transaction=True) as pipe:
            pipe.incr(fail_key)
            pipe.expire(fail_key, settings.staff_lockout_seconds)
            count, _ = await pipe.execute()
        return (SignIn.LOCKED if count >= settings.staff_max_failures else SignIn.BAD), None
    await services.redis.delete(fail_key)
    token = secrets.token_urlsafe(32)
    session = StaffSession(username=user.username, csrf=secrets.token_urlsafe(32), created=time.time())
    await services.redis.set(_session_key(services, token), json.dumps(asdict(session)), ex=settings.staff_session_ttl)
    return SignIn.OK, token


async def load_session(services: Services, token: str | None) -> tuple[StaffSession, StaffUser] | None:
    """The session and its (enabled) account; slides the session's expiry."""
    if not token or len(token) > 100:
        return None
    key = _session_key(services, token)
    raw = await services.redis.get(key)
    if raw is None:
        return None
    session = StaffSession(**json.loads(raw))
    user = await services.repos.staff.by_username(session.username)
    if user is None or user.disabled:
        await services.redis.delete(key)
        return None
    await services.redis.expire(key, services.settings.staff_session_ttl)
    return session, user


async def sign_out(services: Services, token: str) -> None:
    await services.redis.delete(_session_key(services, token))


def csrf_ok(session: StaffSession, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf.encode(), (given or "").encode())


async def seen(services: Services, username: str) -> None:
    await services.redis.zadd(online_key(services), {username: time.time()})


async def online(services: Services) -> list[str]:
    since = time.time() - ONLINE_WINDOW
    await services.redis.zremrangebyscore(online_key(services), "-inf", since)
    return sorted(name.decode() for name in await services.redis.zrangebyscore(online_key(services), since, "+inf"))


async def add_staff(
    repos: Repositories, *, username: str, password: str, role: StaffRole, display_name: str, now: datetime
) -> StaffUser:
    """Create an account (raises `storage.repositories.StaffExists` when the username is taken)."""
    if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise ValueError("username: letters, digits, '.', '_' and '-' only")
    if len(password) < 8:
        raise ValueError("password: at least 8 characters")
    user = StaffUser(
        username=username,
        password_hash=await hash_password(password),
        role=role,
        display_name=display_name or username,
        created_at=now,
    )
    await repos.staff.create(user)
    return user
