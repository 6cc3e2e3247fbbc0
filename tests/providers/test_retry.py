"""RetryPolicy, status classification and the retry/parse event vocabulary."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meallog.providers.retry import (
    AttemptEvent,
    FailReason,
    NullProviderEvents,
    ParseEvent,
    RecordingProviderEvents,
    RetryPolicy,
    reason_for_status,
)


@given(
    base=st.floats(min_value=0.0, max_value=10.0),
    cap=st.floats(min_value=0.0, max_value=60.0),
    attempt=st.integers(min_value=1, max_value=10_000),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_delay_is_full_jitter_under_the_capped_exponential(
    base: float, cap: float, attempt: int, seed: int
) -> None:
    policy = RetryPolicy(base_s=base, cap_s=cap)
    delay = policy.delay(attempt, random.Random(seed))
    assert 0.0 <= delay <= min(cap, base * 2.0 ** min(attempt - 1, 62))


def test_ceiling_doubles_then_caps() -> None:
    policy = RetryPolicy(base_s=0.5, cap_s=3.0)
    assert [policy.ceiling(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_delay_is_deterministic_for_a_seed_and_spreads() -> None:
    policy = RetryPolicy(base_s=1.0, cap_s=8.0)
    a = [policy.delay(3, random.Random(42)) for _ in range(3)]
    assert len(set(a)) == 1
    rng = random.Random(1)
    spread = [policy.delay(3, rng) for _ in range(200)]
    assert min(spread) < 0.5 and max(spread) > 3.5  # full jitter: the whole [0, 4] range is used


@pytest.mark.parametrize(
    ("status", "reason", "retryable"),
    [
        (429, FailReason.RATE_LIMITED, True),
        (408, FailReason.TIMEOUT, True),
        (500, FailReason.SERVER_ERROR, True),
        (503, FailReason.SERVER_ERROR, True),
        (400, FailReason.CLIENT_ERROR, False),
        (401, FailReason.CLIENT_ERROR, False),
        (403, FailReason.CLIENT_ERROR, False),
        (404, FailReason.CLIENT_ERROR, False),
        (302, FailReason.ERROR, False),
    ],
)
def test_reason_for_status(status: int, reason: FailReason, retryable: bool) -> None:
    assert reason_for_status(status) is reason
    assert reason.retryable is retryable


def test_should_retry_respects_reason_and_budget() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert policy.should_retry(1, FailReason.MALFORMED)
    assert policy.should_retry(2, FailReason.TRANSPORT)
    assert not policy.should_retry(3, FailReason.SERVER_ERROR)
    assert not policy.should_retry(1, FailReason.CLIENT_ERROR)
    assert not RetryPolicy(max_attempts=1).should_retry(1, FailReason.TIMEOUT)


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"base_s": -1.0}, {"cap_s": -1.0}])
def test_policy_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_ceiling_rejects_zero_based_attempts() -> None:
    with pytest.raises(ValueError):
        RetryPolicy().ceiling(0)


@pytest.mark.parametrize(
    ("attempts", "outcome", "retry_outcome"),
    [(1, "ok", None), (1, "fail", None), (2, "ok", "success"), (3, "fail", "fail")],
)
def test_parse_event_retry_outcome(attempts: int, outcome: str, retry_outcome: str | None) -> None:
    event = ParseEvent("gemini", "m", attempts, outcome)  # type: ignore[arg-type]
    assert event.retried is (attempts > 1)
    assert event.retry_outcome == retry_outcome


def test_event_twins() -> None:
    attempt = AttemptEvent("gemini", "m", 1, "ok")
    parse = ParseEvent("gemini", "m", 1, "ok")
    NullProviderEvents().on_attempt(attempt)
    NullProviderEvents().on_parse(parse)
    rec = RecordingProviderEvents()
    rec.on_attempt(attempt)
    rec.on_parse(parse)
    assert (rec.attempts, rec.parses) == ([attempt], [parse])
