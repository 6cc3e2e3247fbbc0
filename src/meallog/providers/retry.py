"""Retry policy for AI provider calls (capped exponential backoff, full jitter) and the attempt events.

Pure: no I/O, no clock, no global random state. The caller owns sleeping and passes its own
``random.Random`` so tests are deterministic.

Delay before retry ``n`` (``attempt`` = the 1-based number of the attempt that just failed)::

    delay = uniform(0, min(cap_s, base_s * 2 ** (attempt - 1)))     # "full jitter"

Full jitter spreads the retries of many replicas hit by the same 429/5xx burst instead of letting
them return in lockstep (AWS Architecture Blog, "Exponential Backoff And Jitter").
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol

# 408 and 429 are the only 4xx answers that may succeed when asked again; 400/401/403/404 will not.
RETRYABLE_CLIENT_STATUSES: frozenset[int] = frozenset({408, 429})


class FailReason(StrEnum):
    """Why one attempt failed; ``retryable`` says whether asking again can help."""

    RATE_LIMITED = "rate_limited"  # HTTP 429
    SERVER_ERROR = "server_error"  # HTTP 5xx
    TIMEOUT = "timeout"  # no answer within the timeout (HTTP 408 included)
    TRANSPORT = "transport"  # connection refused/reset, DNS, TLS
    MALFORMED = "malformed"  # HTTP 200 whose JSON does not validate against the schema, or no text
    CLIENT_ERROR = "client_error"  # HTTP 4xx other than 408/429: bad request, key, permission, model
    ERROR = "error"  # anything else the SDK raised

    @property
    def retryable(self) -> bool:
        return self not in (FailReason.CLIENT_ERROR, FailReason.ERROR)


def reason_for_status(status: int) -> FailReason:
    """Classify a non-2xx HTTP status."""
    if status == 429:
        return FailReason.RATE_LIMITED
    if status == 408:
        return FailReason.TIMEOUT
    if 500 <= status < 600:
        return FailReason.SERVER_ERROR
    if 400 <= status < 500:
        return FailReason.CLIENT_ERROR
    return FailReason.ERROR


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most ``max_attempts`` tries; before retry n wait uniform(0, min(cap_s, base_s * 2**(n-1)))."""

    base_s: float = 0.5
    cap_s: float = 8.0
    max_attempts: int = 3

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {self.max_attempts}")
        if self.base_s < 0 or self.cap_s < 0:
            raise ValueError("base_s and cap_s must be >= 0")

    def ceiling(self, attempt: int) -> float:
        """Upper bound of the delay after failed attempt ``attempt`` (1-based)."""
        if attempt < 1:
            raise ValueError(f"attempt is 1-based, got {attempt}")
        # min() before the power would still overflow for huge attempts; clamp the exponent.
        return min(self.cap_s, self.base_s * 2.0 ** min(attempt - 1, 62))

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based) before the next one."""
        return rng.uniform(0.0, self.ceiling(attempt))

    def should_retry(self, attempt: int, reason: FailReason) -> bool:
        """True when attempt ``attempt`` failed for ``reason`` and another attempt is allowed."""
        return reason.retryable and attempt < self.max_attempts


# --- attempt events: what a metrics subscriber counts, without this package importing prometheus ---

AttemptOutcome = Literal["ok", "fail"]
RetryOutcome = Literal["success", "fail"]


@dataclass(frozen=True, slots=True)
class AttemptEvent:
    """One call to the upstream model, reported once it has succeeded or failed.

    ``will_retry`` says whether another attempt follows; ``delay_s`` is the backoff slept before it.
    """

    provider: str
    model: str
    attempt: int  # 1-based
    outcome: AttemptOutcome
    reason: FailReason | None = None  # None when outcome == "ok"
    status: int | None = None  # HTTP status, when the upstream answered with one
    duration_s: float = 0.0
    will_retry: bool = False
    delay_s: float = 0.0


@dataclass(frozen=True, slots=True)
class ParseEvent:
    """One ``parse()`` call, reported after its last attempt (and before any fallback runs)."""

    provider: str
    model: str
    attempts: int
    outcome: AttemptOutcome  # "ok": the upstream gave a valid parse; "fail": it did not
    reason: FailReason | None = None  # reason of the last failed attempt when outcome == "fail"
    fallback: bool = False  # the result came from the fallback provider

    @property
    def retried(self) -> bool:
        return self.attempts > 1

    @property
    def retry_outcome(self) -> RetryOutcome | None:
        """``success``/``fail`` for a parse that needed a retry, ``None`` for one that did not."""
        if not self.retried:
            return None
        return "success" if self.outcome == "ok" else "fail"


class ProviderEvents(Protocol):
    """Subscriber to a provider's attempts and parses (the metrics module implements it)."""

    def on_attempt(self, event: AttemptEvent) -> None: ...

    def on_parse(self, event: ParseEvent) -> None: ...


class NullProviderEvents:
    """Ignores every event."""

    def on_attempt(self, event: AttemptEvent) -> None:
        return None

    def on_parse(self, event: ParseEvent) -> None:
        return None


@dataclass(slots=True)
class RecordingProviderEvents:
    """Keeps every event in memory, in order; the in-memory twin for tests and debugging."""

    attempts: list[AttemptEvent] = field(default_factory=list)
    parses: list[ParseEvent] = field(default_factory=list)

    def on_attempt(self, event: AttemptEvent) -> None:
        self.attempts.append(event)

    def on_parse(self, event: ParseEvent) -> None:
        self.parses.append(event)


class AiParseCounters(Protocol):
    """The two counters the events feed; ``observability.metrics.Metrics`` and ``NullMetrics`` fit."""

    def ai_parse(self, outcome: AttemptOutcome) -> None: ...

    def ai_retry(self, outcome: RetryOutcome) -> None: ...


@dataclass(frozen=True, slots=True)
class CountingProviderEvents:
    """``meal_log_ai_parse_total`` += 1 per attempt; ``meal_log_ai_retry_total`` += 1 per retried parse."""

    counters: AiParseCounters

    def on_attempt(self, event: AttemptEvent) -> None:
        self.counters.ai_parse(event.outcome)

    def on_parse(self, event: ParseEvent) -> None:
        if event.retry_outcome is not None:
            self.counters.ai_retry(event.retry_outcome)
