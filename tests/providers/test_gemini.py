"""GeminiProvider against a local fake :generateContent endpoint (the SDK's real HTTP stack runs)."""

from __future__ import annotations

import json
import random
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from meallog.nutrition.types import ProviderItem
from meallog.providers.gemini import GeminiMeal, GeminiProvider, guess_locale, resolve_model
from meallog.providers.retry import FailReason, RetryPolicy
from tests.providers.conftest import API_KEY, Harness, StubFallback
from tests.providers.fake_gemini import error_reply, hang_reply, items_reply, text_reply

MakeProvider = Callable[..., Harness]

EGGS = {
    "name": "eggs",
    "quantity": 2,
    "unit": "piece",
    "grams": 100,
    "kcal": 142,
    "protein_g": 12.2,
    "fat_g": 10.2,
    "carbs_g": 0.4,
    "alcohol_g": 0,
    "confidence": 0.9,
}
COFFEE = {
    "name": "black coffee",
    "quantity": 1,
    "unit": "cup",
    "grams": 240,
    "kcal": 2,
    "protein_g": 0.3,
    "fat_g": 0,
    "carbs_g": 0,
    "alcohol_g": None,
    "confidence": 0.8,
}
SCHEMA_FIELDS = {
    "name",
    "quantity",
    "unit",
    "grams",
    "kcal",
    "protein_g",
    "fat_g",
    "carbs_g",
    "alcohol_g",
    "confidence",
}


def expected_delays(seed: int, policy: RetryPolicy, failed_attempts: int) -> list[float]:
    rng = random.Random(seed)
    return [policy.delay(n, rng) for n in range(1, failed_attempts + 1)]


# --- the happy path and the request on the wire ---


def test_good_answer_maps_items(make_provider: MakeProvider) -> None:
    h = make_provider()
    h.fake.then(items_reply([EGGS, COFFEE]))

    result = h.provider.parse("2 eggs, black coffee")

    assert result.provider == "gemini"
    assert result.model == "gemini-2.5-flash"
    assert result.attempts == 1
    assert result.fallback is False
    assert result.locale == "en"
    assert result.items[0] == ProviderItem(
        name="eggs",
        food_id=None,
        quantity=2.0,
        unit="piece",
        grams=100.0,
        kcal=142.0,
        protein_g=12.2,
        fat_g=10.2,
        carbs_g=0.4,
        alcohol_g=0.0,
        confidence=0.9,
        raw="eggs",
    )
    assert result.items[1].alcohol_g is None
    assert h.fallback.calls == []
    assert h.sleep.calls == []
    [attempt] = h.events.attempts
    assert (attempt.outcome, attempt.attempt, attempt.reason, attempt.will_retry) == ("ok", 1, None, False)
    [parse] = h.events.parses
    assert (parse.outcome, parse.attempts, parse.fallback, parse.retry_outcome) == ("ok", 1, False, None)


def test_request_carries_model_path_key_and_response_schema(make_provider: MakeProvider) -> None:
    h = make_provider(model="gemini-2.5-flash-lite")
    h.fake.then(items_reply([]))

    h.provider.parse("ご飯 1杯と味噌汁")

    [req] = h.fake.requests
    assert req.method == "POST"
    assert req.path.endswith("/models/gemini-2.5-flash-lite:generateContent")
    assert req.headers["x-goog-api-key"] == API_KEY
    assert req.body["contents"][0]["parts"][0]["text"] == "ご飯 1杯と味噌汁"
    assert "'ja'" in req.body["systemInstruction"]["parts"][0]["text"]
    gen = req.body["generationConfig"]
    assert gen["responseMimeType"] == "application/json"
    schema = gen["responseSchema"]
    assert schema["type"] == "OBJECT" and schema["required"] == ["items"]
    item_schema = schema["properties"]["items"]["items"]
    assert set(item_schema["properties"]) == SCHEMA_FIELDS
    assert {"name", "confidence"} <= set(item_schema["required"])
    assert item_schema["properties"]["kcal"]["type"] == "NUMBER"


def test_locale_is_passed_through_or_guessed(make_provider: MakeProvider) -> None:
    h = make_provider()
    h.fake.then(items_reply([]), items_reply([]))
    assert h.provider.parse("焼き鮭").locale == "ja"
    assert h.provider.parse("焼き鮭", locale="en").locale == "en"
    assert guess_locale("toast with butter") == "en"
    assert guess_locale("ﾊﾟﾝ") == "ja"


def test_match_food_sets_food_id_and_unmatched_stay_none(make_provider: MakeProvider) -> None:
    h = make_provider(match_food={"eggs": "egg_whole"}.get)
    h.fake.then(items_reply([EGGS, COFFEE]))
    items = h.provider.parse("2 eggs, black coffee").items
    assert [i.food_id for i in items] == ["egg_whole", None]


def test_json_in_a_code_fence_is_accepted_without_retry(make_provider: MakeProvider) -> None:
    h = make_provider()
    h.fake.then(text_reply("```json\n" + json.dumps({"items": [EGGS]}) + "\n```"))
    result = h.provider.parse("2 eggs")
    assert (result.attempts, result.fallback, result.items[0].name) == (1, False, "eggs")


def test_blank_text_makes_no_request(make_provider: MakeProvider) -> None:
    h = make_provider()
    result = h.provider.parse("   ")
    assert (result.items, result.attempts, result.fallback) == ((), 0, False)
    assert h.fake.requests == [] and h.events.attempts == [] and h.events.parses == []


# --- retries ---


def test_malformed_json_then_good_is_a_retry_success(make_provider: MakeProvider) -> None:
    h = make_provider()
    h.fake.then(text_reply('{"items": [{"name": "eggs", "kcal": 14'), items_reply([EGGS]))

    result = h.provider.parse("2 eggs")

    assert (result.provider, result.attempts, result.fallback) == ("gemini", 2, False)
    assert len(h.fake.requests) == 2
    first, second = h.events.attempts
    assert (first.outcome, first.reason, first.status, first.will_retry) == (
        "fail",
        FailReason.MALFORMED,
        None,
        True,
    )
    assert (second.outcome, second.attempt) == ("ok", 2)
    assert h.sleep.calls == [first.delay_s] == expected_delays(h.seed, h.provider.policy, 1)
    assert 0.0 <= first.delay_s <= 0.5
    [parse] = h.events.parses
    assert (parse.outcome, parse.retry_outcome) == ("ok", "success")


@pytest.mark.parametrize(
    "bad",
    [
        json.dumps({"items": [{"name": "eggs"}]}),  # confidence missing
        json.dumps({"items": [{**EGGS, "kcal": -5}]}),  # negative energy
        json.dumps({"food": []}),  # wrong shape
        "",  # no text at all
    ],
    ids=["missing-field", "negative", "wrong-shape", "empty"],
)
def test_schema_violations_are_malformed_and_retried(make_provider: MakeProvider, bad: str) -> None:
    h = make_provider()
    h.fake.then(text_reply(bad), items_reply([EGGS]))
    result = h.provider.parse("2 eggs")
    assert result.attempts == 2 and not result.fallback
    assert h.events.attempts[0].reason is FailReason.MALFORMED


def test_429_then_good_is_a_retry_success(make_provider: MakeProvider) -> None:
    h = make_provider()
    h.fake.then(error_reply(429, "quota"), items_reply([EGGS]))

    result = h.provider.parse("2 eggs")

    assert (result.attempts, result.fallback) == (2, False)
    first = h.events.attempts[0]
    assert (first.reason, first.status, first.will_retry) == (FailReason.RATE_LIMITED, 429, True)
    assert h.events.parses[0].retry_outcome == "success"


def test_500_three_times_gives_up_and_falls_back(make_provider: MakeProvider) -> None:
    h = make_provider()
    h.fake.then(error_reply(500), error_reply(503), error_reply(500))

    result = h.provider.parse("2 eggs", locale="en")

    assert len(h.fake.requests) == 3
    assert result.fallback is True
    assert (result.provider, result.model, result.attempts) == ("offline", "offline-test", 3)
    assert result.items[0].food_id == "stub"
    assert result.notes[-1] == "gemini/gemini-2.5-flash failed after 3 attempt(s): server_error (HTTP 500)"
    assert h.fallback.calls == [("2 eggs", "en")]
    assert [(e.outcome, e.status, e.will_retry) for e in h.events.attempts] == [
        ("fail", 500, True),
        ("fail", 503, True),
        ("fail", 500, False),
    ]
    assert h.sleep.calls == expected_delays(h.seed, h.provider.policy, 2)
    assert h.events.attempts[-1].delay_s == 0.0
    [parse] = h.events.parses
    assert (parse.outcome, parse.attempts, parse.fallback, parse.retry_outcome) == ("fail", 3, True, "fail")
    assert parse.reason is FailReason.SERVER_ERROR


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(make_provider: MakeProvider, status: int) -> None:
    h = make_provider()
    h.fake.then(error_reply(status), items_reply([EGGS]))

    result = h.provider.parse("2 eggs")

    assert len(h.fake.requests) == 1
    assert (result.fallback, result.attempts) == (True, 1)
    assert h.sleep.calls == []
    [attempt] = h.events.attempts
    assert (attempt.reason, attempt.status, attempt.will_retry) == (FailReason.CLIENT_ERROR, status, False)
    [parse] = h.events.parses
    assert (parse.outcome, parse.fallback, parse.retry_outcome) == ("fail", True, None)


def test_timeout_is_retried_then_falls_back_quickly(make_provider: MakeProvider) -> None:
    h = make_provider(timeout_s=0.2, max_attempts=2)
    h.fake.then(hang_reply(5.0), hang_reply(5.0))

    started = time.monotonic()
    result = h.provider.parse("2 eggs")
    elapsed = time.monotonic() - started

    assert elapsed < 2.0  # two 0.2 s timeouts, not the server's 5 s
    assert (result.fallback, result.attempts) == (True, 2)
    assert [e.reason for e in h.events.attempts] == [FailReason.TIMEOUT, FailReason.TIMEOUT]
    assert all(0.15 <= e.duration_s < 1.5 for e in h.events.attempts)
    assert len(h.sleep.calls) == 1


def test_timeout_then_good(make_provider: MakeProvider) -> None:
    h = make_provider(timeout_s=0.2)
    h.fake.then(hang_reply(5.0), items_reply([EGGS]))
    result = h.provider.parse("2 eggs")
    assert (result.provider, result.attempts, result.fallback) == ("gemini", 2, False)
    assert h.events.parses[0].retry_outcome == "success"


def test_connection_refused_is_a_retried_transport_failure(make_provider: MakeProvider) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nothing listens there
    h = make_provider(base_url=f"http://127.0.0.1:{port}")
    result = h.provider.parse("2 eggs")
    assert (result.fallback, result.attempts) == (True, 3)
    assert [e.reason for e in h.events.attempts] == [FailReason.TRANSPORT] * 3


def test_sdk_does_not_retry_on_its_own(make_provider: MakeProvider) -> None:
    # The SDK's default would retry a 500 up to 5 times; ours allows one attempt here.
    h = make_provider(max_attempts=1)
    h.fake.then(error_reply(500), error_reply(500), items_reply([EGGS]))
    result = h.provider.parse("2 eggs")
    assert len(h.fake.requests) == 1
    assert (result.fallback, result.attempts) == (True, 1)


def test_backoff_grows_and_is_capped(make_provider: MakeProvider) -> None:
    policy = RetryPolicy(base_s=1.0, cap_s=3.0, max_attempts=5)
    h = make_provider(backoff=policy, rng=random.Random(7), seed=7)
    h.fake.then(*[error_reply(503)] * 5)
    h.provider.parse("2 eggs")
    assert h.sleep.calls == expected_delays(7, policy, 4)
    for n, delay in enumerate(h.sleep.calls, start=1):
        assert 0.0 <= delay <= min(3.0, 2.0 ** (n - 1))


# --- subscribers and injection ---


def test_on_attempt_callback_and_broken_hooks_do_not_break_parse(make_provider: MakeProvider) -> None:
    seen: list[Any] = []

    class Broken:
        def on_attempt(self, event: Any) -> None:
            raise RuntimeError("metrics down")

        def on_parse(self, event: Any) -> None:
            raise RuntimeError("metrics down")

    h = make_provider(events=Broken(), on_attempt=seen.append)
    h.fake.then(error_reply(429), items_reply([EGGS]))
    result = h.provider.parse("2 eggs")
    assert (result.attempts, result.fallback) == (2, False)
    assert [e.outcome for e in seen] == ["fail", "ok"]

    def explode(event: Any) -> None:
        raise RuntimeError("callback down")

    h2 = make_provider(on_attempt=explode)
    h2.fake.then(items_reply([EGGS]))
    assert h2.provider.parse("2 eggs").attempts == 1


def test_injected_httpx_client_carries_the_requests() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(429, json={"error": {"code": 429, "message": "slow down"}})
        return httpx.Response(
            200, content=items_reply([EGGS]).body, headers={"content-type": "application/json"}
        )

    client = httpx.Client(transport=httpx.MockTransport(handler))
    provider = GeminiProvider(
        api_key=API_KEY,
        model="gemini-2.5-flash",
        fallback=StubFallback(),
        base_url="https://gemini.invalid",
        httpx_client=client,
        sleep=lambda s: None,
        rng=random.Random(0),
    )
    try:
        result = provider.parse("2 eggs")
    finally:
        provider.close()
        client.close()
    assert (result.provider, result.attempts) == ("gemini", 2)
    assert seen[0].url.host == "gemini.invalid"
    assert seen[0].headers["x-goog-api-key"] == API_KEY


def test_constructor_validates_configuration() -> None:
    with pytest.raises(ValueError, match="API key"):
        GeminiProvider(api_key="", fallback=StubFallback())
    with pytest.raises(ValueError, match="timeout_s"):
        GeminiProvider(api_key="k", fallback=StubFallback(), timeout_s=0)


def test_max_attempts_overrides_the_policy() -> None:
    p = GeminiProvider(
        api_key="k",
        fallback=StubFallback(),
        backoff=RetryPolicy(max_attempts=5),
        max_attempts=2,
        base_url="http://127.0.0.1:9",
    )
    try:
        assert p.policy.max_attempts == 2
        assert p.name == "gemini" and p.model == "gemini-2.5-flash"
    finally:
        p.close()


@pytest.mark.parametrize(
    ("env", "model"),
    [
        ({}, "gemini-2.5-flash"),
        ({"GENERATIVE_MODEL": "gemini-2.0-flash"}, "gemini-2.0-flash"),
        ({"GEMINI_MODEL": "gemini-2.5-pro", "GENERATIVE_MODEL": "gemini-2.0-flash"}, "gemini-2.5-pro"),
        ({"GEMINI_MODEL": "  ", "GENERATIVE_MODEL": "x"}, "x"),
    ],
)
def test_resolve_model(env: dict[str, str], model: str) -> None:
    assert resolve_model(env) == model


def test_schema_model_validates_like_the_provider() -> None:
    meal = GeminiMeal.model_validate({"items": [EGGS], "extra": 1})
    assert meal.items[0].kcal == 142.0


def test_falls_back_to_the_real_offline_provider(make_provider: MakeProvider) -> None:
    offline = pytest.importorskip("meallog.providers.offline")
    h = make_provider(fallback=offline.OfflineProvider())
    h.fake.then(error_reply(400))
    result = h.provider.parse("2 eggs")
    assert result.fallback is True and result.provider != "gemini"


# --- counting into the real metrics (fresh registry per test) ---


def _sample(registry: Any, name: str, outcome: str) -> float:
    return registry.get_sample_value(name, {**LABELS, "outcome": outcome}) or 0.0


LABELS = {
    "env": "local",
    "shadow_version": "v2",
    "ai_provider": "gemini",
    "model": "gemini-2.5-flash",
    "app_version": "test",
}


@pytest.mark.parametrize(
    ("script", "parse_ok", "parse_fail", "retry_success", "retry_fail"),
    [
        ([items_reply([EGGS])], 1, 0, 0, 0),
        ([error_reply(429), items_reply([EGGS])], 1, 1, 1, 0),
        ([text_reply("{not json"), items_reply([EGGS])], 1, 1, 1, 0),
        ([error_reply(500)] * 3, 0, 3, 0, 1),
        ([error_reply(400)], 0, 1, 0, 0),
    ],
    ids=["ok", "429-then-ok", "malformed-then-ok", "500x3", "400"],
)
def test_events_feed_ai_parse_and_ai_retry_counters(
    make_provider: MakeProvider,
    script: list[Any],
    parse_ok: int,
    parse_fail: int,
    retry_success: int,
    retry_fail: int,
) -> None:
    metrics_mod = pytest.importorskip("meallog.observability.metrics")
    from prometheus_client import CollectorRegistry

    from meallog.providers.retry import CountingProviderEvents

    registry = CollectorRegistry()
    metrics = metrics_mod.Metrics(labels=metrics_mod.CommonLabels(**LABELS), registry=registry)
    h = make_provider(events=CountingProviderEvents(metrics))
    h.fake.then(*script)

    h.provider.parse("2 eggs")

    assert _sample(registry, "meal_log_ai_parse_total", "ok") == parse_ok
    assert _sample(registry, "meal_log_ai_parse_total", "fail") == parse_fail
    assert _sample(registry, "meal_log_ai_retry_total", "success") == retry_success
    assert _sample(registry, "meal_log_ai_retry_total", "fail") == retry_fail
