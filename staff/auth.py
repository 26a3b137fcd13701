"""Staff sign-in: argon2 password hashes, server-side sessions in Redis, CSRF tokens, lock-out.

- The session cookie holds a random 256-bit token (HttpOnly, SameSite=Strict, Secure on https,
  Path=/staff); Redis keeps the session under an HMAC of the token (keyed with
  STAFF_SESSION_SECRET when set), so a Redis dump does not hand out live cookies.
- Each session has its own CSRF token: every form posts it (`csrf`), scripts send it in the
  `X-CSRF-Token` header, and the websocket in its query string (plus an Origin check).
- Lock-out (`Lockout`): every attempt first takes a slot in three failure counters at once (one
  Lua script): the account from this source address (`staff_max_failures`), the account from
  everywhere (`staff_account_max_failures`), this address across all accounts
  (`staff_address_max_failures`, against password spraying). When any is full the attempt is
  refused before the password is looked at, right or wrong; only then is the password checked.
  A wrong one keeps its slot; the right one frees the slots of this account from this address.
  So concurrent attempts can never check more than the limit. Counters count failures less than
  `staff_lockout_seconds` apart and hold a lock that long after the last failure; a supervisor
  lifts them from the console (`/staff/accounts`).
- Every request re-reads the account, so disabling it or changing its role applies at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum

import structlog

from actions.services import Services
from core.passwords import DUMMY_HASH, verify_password
from storage.models import StaffRole, StaffUser
from storage.redis import as_text

COOKIE = "staff_session"
LANG_COOKIE = "staff_lang"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
ONLINE_WINDOW = 90  # seconds: an agent seen this recently is "online"
RANK: dict[StaffRole, int] = {StaffRole.AGENT: 1, StaffRole.SUPERVISOR: 2, StaffRole.ADMIN: 3}
log = structlog.get_logger(__name__)


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
    return services.keys.staff_session(_digest(services, token))


def online_key(services: Services) -> str:
    return services.keys.staff_online()


LOCKED_SCOPES = ("pair", "account", "address")

# KEYS: the pair, account and address counters, the account's set of addresses, the address index.
# ARGV: the three limits, the window (s), the address, now (epoch s).
# Refused (0, counts) when a counter is full; else every counter takes one (1, counts after).
_RESERVE = """
local counts = {}
for i = 1, 3 do
  counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  if counts[i] >= tonumber(ARGV[i]) then
    return {0, counts[1], counts[2] or 0, counts[3] or 0}
  end
end
local window = tonumber(ARGV[4])
for i = 1, 3 do
  counts[i] = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], window)
end
redis.call('SADD', KEYS[4], ARGV[5])
redis.call('EXPIRE', KEYS[4], window)
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', tonumber(ARGV[6]) - window)
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[5])
redis.call('EXPIRE', KEYS[5], window)
return {1, counts[1], counts[2], counts[3]}
"""

# KEYS: the pair, account and address counters. The right password: this account's failures
# from this address were its owner's (their slots included), so they leave all three counters.
_RELEASE = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  if v <= n then redis.call('DEL', KEYS[i]) else redis.call('DECRBY', KEYS[i], n) end
end
return n
"""

MAX_USERNAME = 64
_NO_ACCOUNT = "*"  # the counters of names no account can have (add_staff's rule)


def account_name(username: str) -> str:
    """The name failures are counted under: the lower-cased username, or one shared bucket for
    anything that cannot be a username (so typed junk cannot mint keys or collide with others)."""
    name = username.lower()
    plain = name.replace("_", "").replace("-", "").replace(".", "")
    return name if name and len(name) <= MAX_USERNAME and plain.isalnum() else _NO_ACCOUNT


@dataclass(frozen=True)
class Lock:
    """A sign-in lock: of an account from one `address`, of an account from everywhere
    (`address` None), or of an address for every account (`username` None)."""

    username: str | None
    address: str | None
    failures: int
    until: datetime


class Lockout:
    """The failure counters in Redis (keys under `staff:fail:`)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings

    def pair_key(self, name: str, address: str) -> str:
        return self.services.keys.staff_failures("pair", name, address)

    def account_key(self, name: str) -> str:
        return self.services.keys.staff_failures("acct", name)

    def address_key(self, address: str) -> str:
        return self.services.keys.staff_failures("addr", address)

    def addresses_of_key(self, name: str) -> str:
        """Set of the addresses this account has failures from."""
        return self.services.keys.staff_failures("from", name)

    def address_index_key(self) -> str:
        """Sorted set of the addresses with recent failures (score: the last one, epoch s)."""
        return self.services.keys.staff_failures("addrs")

    def limits(self) -> tuple[int, int, int]:
        s = self.settings
        return s.staff_max_failures, s.staff_account_max_failures, s.staff_address_max_failures

    def counters(self, name: str, address: str) -> list[str]:
        return [self.pair_key(name, address), self.account_key(name), self.address_key(address)]

    async def reserve(self, name: str, address: str) -> tuple[bool, list[int]]:
        """Take a failure slot in each counter, atomically: (taken, the counts)."""
        keys = [*self.counters(name, address), self.addresses_of_key(name), self.address_index_key()]
        args: list[str | float] = [*self.limits(), self.settings.staff_lockout_seconds, address, time.time()]
        taken, *counts = await self.services.redis.register_script(_RESERVE)(keys=keys, args=args)
        return bool(taken), [int(c) for c in counts]

    async def release(self, name: str, address: str) -> None:
        """The right password: forget this account's failures from this address."""
        await self.services.redis.register_script(_RELEASE)(keys=self.counters(name, address))

    def full(self, counts: list[int]) -> list[str]:
        """The scopes (`LOCKED_SCOPES`) whose counter is at its limit."""
        return [
            scope for scope, count, limit in zip(LOCKED_SCOPES, counts, self.limits(), strict=True) if count >= limit
        ]

    async def _read(self, keys: list[str]) -> list[tuple[int, int]]:
        """(count, seconds left) of each counter."""
        async with self.services.redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.get(key)
                pipe.ttl(key)
            raw = await pipe.execute()
        return [(int(raw[i] or 0), max(int(raw[i + 1]), 0)) for i in range(0, len(raw), 2)]

    def _until(self, seconds_left: int) -> datetime:
        return datetime.fromtimestamp(time.time() + seconds_left, UTC)

    async def account_locks(self, usernames: list[str]) -> dict[str, list[Lock]]:
        """The locks on these accounts (username -> its locks; unlocked accounts left out)."""
        names = {username: account_name(username) for username in usernames}
        async with self.services.redis.pipeline(transaction=False) as pipe:
            for name in names.values():
                pipe.smembers(self.addresses_of_key(name))
            members = await pipe.execute()
        pairs = [
            (username, as_text(address) or "")
            for (username, _), addresses in zip(names.items(), members, strict=True)
            for address in sorted(addresses)
        ]
        account_counts = await self._read([self.account_key(name) for name in names.values()])
        pair_counts = await self._read([self.pair_key(names[u], a) for u, a in pairs])
        pair_limit, account_limit, _ = self.limits()
        locks: dict[str, list[Lock]] = {}
        for username, (count, left) in zip(names, account_counts, strict=True):
            if count >= account_limit:
                locks.setdefault(username, []).append(Lock(username, None, count, self._until(left)))
        for (username, address), (count, left) in zip(pairs, pair_counts, strict=True):
            if count >= pair_limit:
                locks.setdefault(username, []).append(Lock(username, address, count, self._until(left)))
        return locks

    async def address_locks(self) -> list[Lock]:
        """Source addresses refused for failures across accounts (spraying)."""
        index = self.address_index_key()
        await self.services.redis.zremrangebyscore(index, "-inf", time.time() - self.settings.staff_lockout_seconds)
        members = await self.services.redis.zrange(index, 0, -1)
        addresses = sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members)
        counts = await self._read([self.address_key(a) for a in addresses])
        limit = self.settings.staff_address_max_failures
        return [
            Lock(None, address, count, self._until(left))
            for address, (count, left) in zip(addresses, counts, strict=True)
            if count >= limit
        ]

    async def unlock_account(self, username: str) -> int:
        """Forget the account's failures from everywhere; returns how many there were."""
        name = account_name(username)
        redis = self.services.redis
        addresses = [as_text(a) or "" for a in await redis.smembers(self.addresses_of_key(name))]
        failures = int(await redis.get(self.account_key(name)) or 0)
        await redis.delete(
            self.account_key(name), self.addresses_of_key(name), *(self.pair_key(name, a) for a in addresses)
        )
        return failures

    async def unlock_address(self, address: str) -> int:
        """Forget the failures from this address across accounts; returns how many there were."""
        redis = self.services.redis
        failures = int(await redis.get(self.address_key(address)) or 0)
        await redis.delete(self.address_key(address))
        await redis.zrem(self.address_index_key(), address)
        return failures


async def sign_in(services: Services, username: str, password: str, address: str) -> tuple[SignIn, str | None]:
    """(outcome, session token when OK) for an attempt from the source `address`."""
    settings = services.settings
    lockout = Lockout(services)
    name = account_name(username)
    taken, counts = await lockout.reserve(name, address)
    if not taken:
        return SignIn.LOCKED, None
    user = await services.repos.staff.by_username(username) if name != _NO_ACCOUNT else None
    ok = await verify_password(user.password_hash if user else DUMMY_HASH, password)
    if user is None or not ok or user.disabled:
        scopes = lockout.full(counts)  # this failure took the last slot of these counters
        if not scopes:
            return SignIn.BAD, None
        log.warning("staff sign-in locked", account=name, address=address, scopes=scopes)
        return SignIn.LOCKED, None
    await lockout.release(name, address)
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
    members = await services.redis.zrangebyscore(online_key(services), since, "+inf")
    return sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members)
