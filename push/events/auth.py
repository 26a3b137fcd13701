"""Authentication of the events API.

Each system has a key (EVENTS_API_KEYS=key_id:secret,...). A request carries `X-Key-Id`,
`X-Timestamp` (Unix seconds) and `X-Signature` = hex HMAC-SHA256(secret, timestamp + "." + body).
Unknown key, bad signature or a timestamp more than 5 minutes away -> 401 and nothing is stored (a
captured request cannot be replayed later; within the window a replay is a duplicate event and
changes nothing). The key and timestamp are checked before the body is read (`check_headers`), the
signature once it is (`check_signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from actions.services import Services
from push.schemas import SIGNATURE_WINDOW


class AuthError(Exception):
    """The request's key, timestamp or signature is not acceptable (answered with 401)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(key_id: str, secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """Headers a client sends (used by tests and the benchmark)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Key-Id": key_id, "X-Timestamp": ts, "X-Signature": sign(secret, ts, body)}


@dataclass(frozen=True)
class Credentials:
    """A known key and a fresh timestamp, from the headers (the signature is checked once the body is read)."""

    key_id: str
    secret: str
    stamp: str
    signature: str


def check_headers(services: Services, headers: Any, now: float) -> Credentials:
    """The request's key is known and its timestamp fresh; AuthError otherwise. Needs no body."""
    key_id = headers.get("X-Key-Id", "")
    secret = services.settings.events_api_keys.get(key_id)
    if secret is None:
        raise AuthError("unknown key")
    stamp = headers.get("X-Timestamp", "")
    try:
        ts = int(stamp) if len(stamp) <= 20 else None
    except ValueError:
        ts = None
    if ts is None:
        raise AuthError("X-Timestamp must be Unix seconds")
    if abs(now - ts) > SIGNATURE_WINDOW:
        raise AuthError("timestamp outside the 5-minute window")
    signature = headers.get("X-Signature", "").strip().lower().removeprefix("sha256=")
    return Credentials(key_id=str(key_id), secret=secret.get_secret_value(), stamp=stamp, signature=signature)


def check_signature(credentials: Credentials, body: bytes) -> str:
    """The key id when the signature covers this body; AuthError otherwise."""
    expected = sign(credentials.secret, credentials.stamp, body)
    if not hmac.compare_digest(credentials.signature.encode(errors="replace"), expected.encode()):
        raise AuthError("bad signature")
    return credentials.key_id


def authenticate(services: Services, headers: Any, body: bytes, now: float) -> str:
    """The key id of a correctly signed, fresh request; AuthError otherwise."""
    return check_signature(check_headers(services, headers, now), body)
