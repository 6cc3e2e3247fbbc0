"""Fixtures for provider tests: a local fake Gemini endpoint, a stub fallback, a provider factory."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from meallog.nutrition.types import ProviderItem, ProviderResult
from meallog.providers.gemini import GeminiProvider
from meallog.providers.retry import RecordingProviderEvents, RetryPolicy
from tests.providers.fake_gemini import FakeGemini, start_fake_gemini

API_KEY = "test-key-not-a-secret"


@dataclass
class StubFallback:
    """A Provider twin that answers one fixed item and remembers what it was asked."""

    name: str = "offline"
    model: str = "offline-test"
    calls: list[tuple[str, str | None]] = field(default_factory=list)

    def parse(self, text: str, *, locale: str | None = None) -> ProviderResult:
        self.calls.append((text, locale))
        item = ProviderItem(name=text, food_id="stub", kcal=100.0)
        return ProviderResult(items=(item,), provider=self.name, model=self.model, locale=locale or "ja")


@dataclass
class FakeSleep:
    """Records requested sleeps instead of sleeping."""

    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    fake = start_fake_gemini()
    try:
        yield fake
    finally:
        fake.close()


@dataclass
class Harness:
    provider: GeminiProvider
    fake: FakeGemini
    fallback: StubFallback
    events: RecordingProviderEvents
    sleep: FakeSleep
    seed: int


@pytest.fixture
def make_provider(fake_gemini: FakeGemini) -> Iterator[Callable[..., Harness]]:
    """Factory: a GeminiProvider wired to the fake endpoint, with recording events and a fake sleep."""
    built: list[GeminiProvider] = []

    def make(**overrides: Any) -> Harness:
        fallback = StubFallback()
        events = RecordingProviderEvents()
        sleep = FakeSleep()
        seed = overrides.pop("seed", 1234)
        kwargs: dict[str, Any] = {
            "api_key": API_KEY,
            "model": "gemini-2.5-flash",
            "fallback": fallback,
            "timeout_s": 2.0,
            "backoff": RetryPolicy(base_s=0.5, cap_s=8.0, max_attempts=3),
            "base_url": fake_gemini.url,
            "events": events,
            "sleep": sleep,
            "rng": random.Random(seed),
        }
        kwargs.update(overrides)
        provider = GeminiProvider(**kwargs)
        built.append(provider)
        return Harness(provider, fake_gemini, kwargs["fallback"], events, sleep, seed)

    yield make
    for p in built:
        p.close()
