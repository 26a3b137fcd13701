"""The bot's side of Rasa: an HTTP client with a circuit breaker, and the pure helpers around it.

* `NluClient.parse` calls `POST /model/parse` on one pooled aiohttp session (keep-alive), with a
  short per-attempt timeout and a bounded retry for connection errors and 5xx answers only (a
  timeout means Rasa is slow: retrying would only double the wait). Every failure - Rasa down,
  slow, erroring, or the breaker open - raises the single exception type `NluUnavailable`, which
  the bot turns into "please use the menu".
* `CircuitBreaker`: closed -> open after N consecutive failures -> half-open after a cool-down
  (one probe request) -> closed on success, or open again on failure. The clock is injectable.
* `decide` is the confidence policy; `normalize_entities` validates and de-duplicates entities;
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import aiohttp
import structlog

from core import identifiers

log = structlog.get_logger(__name__)

FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
REGEX_EXTRACTOR = "RegexEntityExtractor"

Health = Literal["up", "degraded", "down"]


class NluUnavailable(Exception):
    """Rasa cannot answer now: down, too slow, erroring, or the circuit breaker is open."""


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    name: str
    value: str
    start: int | None
    end: int | None
    extractor: str | None


@dataclass(frozen=True)
class NluResult:
    text: str
    intent: str | None
    confidence: float
    ranking: tuple[tuple[str, float], ...]
    entities: tuple[Entity, ...]

    @classmethod
    def from_rasa(cls, text: str, payload: Mapping[str, Any]) -> NluResult:
        """Build a result from the JSON body of Rasa's `/model/parse`."""
        intent_data = payload.get("intent") or {}
        intent = intent_data.get("name")
        confidence = float(intent_data.get("confidence") or 0.0)
        ranking = tuple(
            (str(item["name"]), float(item.get("confidence") or 0.0))
            for item in payload.get("intent_ranking") or ()
            if item.get("name")
        )
        if not ranking and intent:
            ranking = ((str(intent), confidence),)
        entities = tuple(
            Entity(
                name=str(item["entity"]),
                value=str(item.get("value", "")),
                start=_int_or_none(item.get("start")),
                end=_int_or_none(item.get("end")),
                extractor=item.get("extractor"),
            )
            for item in payload.get("entities") or ()
            if item.get("entity")
        )
        return cls(
            text=text,
            intent=str(intent) if intent else None,
            confidence=confidence,
            ranking=ranking,
            entities=entities,
        )


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None


# --------------------------------------------------------------------------------------------
# Circuit breaker
# --------------------------------------------------------------------------------------------


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Consecutive-failure circuit breaker.

    `allow()` is asked before each call and `record_success()` / `record_failure()` after it.
    In the half-open state exactly one probe call is let through; a probe whose outcome is never
    recorded (its caller was cancelled) stops blocking others after one more cool-down.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 3,
        cooldown: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if cooldown <= 0:
            raise ValueError("cooldown must be positive")
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_started_at: float | None = None

    @property
    def state(self) -> BreakerState:
        """The current state; an open breaker whose cool-down is over reads as half-open."""
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.cooldown:
            return BreakerState.HALF_OPEN
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def allow(self) -> bool:
        now = self._clock()
        if self._state is BreakerState.CLOSED:
            return True
        if self._state is BreakerState.OPEN:
            if now - self._opened_at < self.cooldown:
                return False
            self._transition(BreakerState.HALF_OPEN)
            self._probe_started_at = now
            return True
        # Half-open: one probe at a time.
        if self._probe_started_at is None or now - self._probe_started_at >= self.cooldown:
            self._probe_started_at = now
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._probe_started_at = None
        if self._state is not BreakerState.CLOSED:
            self._transition(BreakerState.CLOSED)

    def record_failure(self) -> None:
        self._failures += 1
        self._probe_started_at = None
        if self._state is BreakerState.HALF_OPEN or (
            self._state is BreakerState.CLOSED and self._failures >= self.failure_threshold
        ):
            self._opened_at = self._clock()
            self._transition(BreakerState.OPEN)

    def release(self) -> None:
        """Forget a half-open probe whose outcome will never be known (its caller was cancelled)."""
        self._probe_started_at = None

    def _transition(self, new: BreakerState) -> None:
        if new is not self._state:
            log.info("nlu_breaker_state", old=self._state.value, new=new.value, failures=self._failures)
            self._state = new


# --------------------------------------------------------------------------------------------
# HTTP client
# --------------------------------------------------------------------------------------------


class _Retryable(Exception):
    """A connection error or a 5xx answer: worth one more attempt."""


class NluClient:
    """Client for a Rasa server started with `rasa run --enable-api`.

    The aiohttp session (one connection pool, keep-alive) is created on first use, inside the
    running event loop; a session passed in is used as is and not closed by `close()`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 0.8,
        retries: int = 1,
        breaker: CircuitBreaker | None = None,
        session: aiohttp.ClientSession | None = None,
        slow_after: float | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if retries < 0:
            raise ValueError("retries must not be negative")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        # health() calls Rasa "degraded" when /status takes longer than this.
        self.slow_after = slow_after if slow_after is not None else timeout / 2
        self._session = session
        self._owns_session = session is None
        self._parse_timeout = aiohttp.ClientTimeout(total=timeout)

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=64, keepalive_timeout=30.0, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector,
                raise_for_status=False,
            )
            self._owns_session = True
        return self._session

    async def close(self) -> None:
        if self._session is not None and self._owns_session and not self._session.closed:
            await self._session.close()
        self._session = None if self._owns_session else self._session

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def parse(self, text: str) -> NluResult:
        if not self.breaker.allow():
            raise NluUnavailable("circuit breaker open")
        try:
            payload = await self._parse_with_retry(text)
        except NluUnavailable:
            self.breaker.record_failure()
            raise
        except asyncio.CancelledError:
            self.breaker.release()
            raise
        self.breaker.record_success()
        return NluResult.from_rasa(text, payload)

    async def _parse_with_retry(self, text: str) -> Mapping[str, Any]:
        attempt = 0
        while True:
            try:
                return await self._parse_once(text)
            except _Retryable as exc:
                if attempt >= self.retries:
                    raise NluUnavailable(str(exc)) from exc.__cause__
                attempt += 1
                log.debug("nlu_parse_retry", attempt=attempt, error=str(exc))

    async def _parse_once(self, text: str) -> Mapping[str, Any]:
        session = self._get_session()
        url = f"{self.base_url}/model/parse"
        try:
            async with session.post(url, json={"text": text}, timeout=self._parse_timeout) as resp:
                if resp.status >= 500:
                    raise _Retryable(f"Rasa answered HTTP {resp.status}")
                if resp.status != 200:
                    raise NluUnavailable(f"Rasa answered HTTP {resp.status}")
                body = await resp.json(content_type=None)
        except TimeoutError as exc:
            raise NluUnavailable(f"Rasa did not answer within {self.timeout} s") from exc
        except aiohttp.ClientConnectionError as exc:
            raise _Retryable(f"connection to Rasa failed: {exc!r}") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise NluUnavailable(f"bad answer from Rasa: {exc!r}") from exc
        if not isinstance(body, dict):
            raise NluUnavailable("Rasa's answer is not a JSON object")
        return body

    async def health(self) -> Health:
        """`up`, `degraded` (answers, but slowly or while the breaker is not closed) or `down`."""
        session = self._get_session()
        probe_timeout = aiohttp.ClientTimeout(total=min(self.timeout, 1.0) * 2)
        started = time.perf_counter()
        try:
            async with session.get(f"{self.base_url}/status", timeout=probe_timeout) as resp:
                await resp.read()
                ok = resp.status == 200
        except (TimeoutError, aiohttp.ClientError):
            return "down"
        if not ok:  # 409: the server runs but has no model loaded, so it cannot parse.
            return "down"
        elapsed = time.perf_counter() - started
        if elapsed > self.slow_after or self.breaker.state is not BreakerState.CLOSED:
            return "degraded"
        return "up"


# --------------------------------------------------------------------------------------------
# Confidence policy
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What the bot does with a parse result.

    * `act`: handle `intent` (confidence at or above the threshold, clear of the runner-up).
    * `clarify`: the top two are within the ambiguity band and together carry at least the
      threshold: ask which of `options` (two intents, best first) was meant.
    * `not_understood`: say what the bot can do (after two in a row the bot offers a person).
    """

    kind: Literal["act", "clarify", "not_understood"]
    intent: str | None
    confidence: float
    options: tuple[str, ...] = ()


def decide(result: NluResult, *, threshold: float, ambiguity_band: float) -> Decision:
    """Apply the confidence policy to a parse result.

    Rasa's FallbackClassifier replaces a low-confidence or ambiguous intent by `nlu_fallback`
    and puts it first in the ranking; the model's own scores follow it, so the policy drops
    `nlu_fallback` and decides on the remaining ranking with the bot's own thresholds.
    """
    ranking = sorted(
        ((name, conf) for name, conf in result.ranking if name != FALLBACK_INTENT),
        key=lambda item: item[1],
        reverse=True,
    )
    if not ranking and result.intent and result.intent != FALLBACK_INTENT:
        ranking = [(result.intent, result.confidence)]
    if not ranking:
        return Decision(kind="not_understood", intent=None, confidence=0.0)
    top, top_conf = ranking[0]
    second, second_conf = ranking[1] if len(ranking) > 1 else (None, 0.0)
    gap = top_conf - second_conf
    if top_conf >= threshold and (second is None or gap >= ambiguity_band):
        return Decision(kind="act", intent=top, confidence=top_conf)
    if (
        second is not None
        and gap < ambiguity_band
        and top_conf + second_conf >= threshold
        and OUT_OF_SCOPE_INTENT not in (top, second)
    ):
        return Decision(kind="clarify", intent=None, confidence=top_conf, options=(top, second))
    return Decision(kind="not_understood", intent=None, confidence=top_conf)


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------

VALIDATED_ENTITIES: frozenset[str] = frozenset(identifiers.ENTITY_KINDS)


@dataclass(frozen=True)
class EntityCheck:
    """Entities after validation: normalised valid values per entity name (each value once, in
    order of appearance) and the invalid ones as (entity, raw value, message id of the hint)."""

    valid: dict[str, list[str]] = field(default_factory=dict)
    invalid: list[tuple[str, str, str]] = field(default_factory=list)

    def first(self, name: str) -> str | None:
        values = self.valid.get(name)
        return values[0] if values else None


@dataclass
class _Candidate:
    entity: Entity
    raw: str
    normalized: str | None
    explanation: str | None
    order: int


def normalize_entities(entities: Iterable[Entity]) -> EntityCheck:
    """Validate, normalise and de-duplicate entities.

    The same entity is often found twice - by the RegexEntityExtractor and by DIET, with equal or
    overlapping spans. Entities of one name whose spans overlap form a group that yields one value:
    a valid candidate if any (the regex's first, then the longest span), otherwise one invalid
    candidate with its hint. Valid values are then de-duplicated by their normalised form.
    Entities without a validator (lookup entities and the like) are kept with whitespace trimmed.
    """
    candidates: list[_Candidate] = []
    for order, entity in enumerate(entities):
        raw = entity.value.strip()
        if not raw:
            continue
        kind = identifiers.ENTITY_KINDS.get(entity.name)
        if kind is not None:
            normalized = kind.normalize(raw)
            explanation = None if normalized is not None else (kind.explain(raw) or kind.format_hint)
        else:
            normalized, explanation = raw, None
        candidates.append(_Candidate(entity, raw, normalized, explanation, order))

    chosen: list[_Candidate] = []
    for group in _overlap_groups(candidates):
        valid = [c for c in group if c.normalized is not None]
        pool = valid or group
        best = min(
            pool,
            key=lambda c: (c.entity.extractor != REGEX_EXTRACTOR, -_span_length(c), c.order),
        )
        chosen.append(best)
    chosen.sort(key=lambda c: c.order)

    result = EntityCheck()
    seen_invalid: set[tuple[str, str]] = set()
    for cand in chosen:
        name = cand.entity.name
        if cand.normalized is not None:
            values = result.valid.setdefault(name, [])
            if cand.normalized not in values:
                values.append(cand.normalized)
        elif (name, cand.raw) not in seen_invalid:
            seen_invalid.add((name, cand.raw))
            assert cand.explanation is not None
            result.invalid.append((name, cand.raw, cand.explanation))
    return result


def _span_length(cand: _Candidate) -> int:
    e = cand.entity
    if e.start is None or e.end is None:
        return len(cand.raw)
    return e.end - e.start


def _overlap_groups(candidates: list[_Candidate]) -> list[list[_Candidate]]:
    """Group candidates of the same entity name whose character spans overlap (transitively)."""
    groups: list[list[_Candidate]] = []
    by_name: dict[str, list[_Candidate]] = {}
    for cand in candidates:
        by_name.setdefault(cand.entity.name, []).append(cand)
    for same_name in by_name.values():
        with_span = sorted(
            (c for c in same_name if c.entity.start is not None and c.entity.end is not None),
            key=lambda c: (c.entity.start, c.entity.end),
        )
        current: list[_Candidate] = []
        current_end = -1
        for cand in with_span:
            assert cand.entity.start is not None and cand.entity.end is not None
            if current and cand.entity.start < current_end:
                current.append(cand)
                current_end = max(current_end, cand.entity.end)
            else:
                if current:
                    groups.append(current)
                current = [cand]
                current_end = cand.entity.end
        if current:
            groups.append(current)
        groups.extend([c] for c in same_name if c.entity.start is None or c.entity.end is None)
    return groups
