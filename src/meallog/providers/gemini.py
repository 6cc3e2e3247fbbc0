"""Gemini provider: meal text to items via google-genai structured JSON output; never raises upstream errors.

Contract of ``GeminiProvider.parse(text, locale=None) -> ProviderResult``:

- One attempt = one ``models.generate_content`` call with ``response_mime_type="application/json"``
  and ``response_schema=GeminiMeal``, bounded by ``timeout_s``. The SDK's own retry is switched off
  (``HttpRetryOptions(attempts=1)``) so the policy below is the only one that counts.
- An attempt fails on HTTP 4xx/5xx, timeout, transport error, or an answer that does not validate
  against ``GeminiMeal`` (``resp.parsed`` is ``None`` on bad JSON, so ``resp.text`` is validated again
  with pydantic). 429, 408, 5xx, timeouts, transport errors and malformed answers are retried up to
  ``RetryPolicy.max_attempts`` with capped exponential backoff and full jitter (``retry.py``);
  400/401/403/404 are not.
- After the last failed attempt the ``fallback`` provider (the offline parser) answers; the result is
  the fallback's own (its ``provider`` and ``model``: those numbers are what got logged) with
  ``fallback=True``, ``attempts`` = Gemini attempts made, and a note naming the last failure.
- Items get ``food_id`` from the optional ``match_food(name)``; without it, or when it finds nothing,
  ``food_id`` is ``None`` and v2 normalization does the canonical match.

Counting (every attempt and every parse is reported through ``ProviderEvents``/``on_attempt``;
``CountingProviderEvents(metrics)`` turns them into the counters of ``observability/metrics.py``;
nothing here imports prometheus):

- ``meal_log_ai_parse_total{outcome="ok"|"fail"}`` += 1 per ``AttemptEvent`` (``event.outcome``).
  The ``ai_parse_fail`` ratio is ``fail / (ok + fail)`` over attempts, so a flaky upstream shows up
  even when retries hide it from users. A parse that ends in the fallback contributes its failed
  attempts (``fail``), never an ``ok``.
- ``meal_log_ai_retry_total{outcome="success"|"fail"}`` += 1 per ``ParseEvent`` that needed a retry
  (``event.retry_outcome`` is not ``None``): ``success`` if a later attempt produced a valid parse,
  ``fail`` if it gave up (then ``event.fallback`` is true). The ``retry_success`` ratio is
  ``success / (success + fail)``. A parse that failed once without retrying (e.g. HTTP 400) counts
  in ``ai_parse_total{outcome="fail"}`` only.

Importing this module does not import ``google.genai``; building a ``GeminiProvider`` does.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from meallog.nutrition.types import Provider, ProviderItem, ProviderResult
from meallog.providers.retry import (
    AttemptEvent,
    AttemptOutcome,
    CountingProviderEvents,
    FailReason,
    NullProviderEvents,
    ParseEvent,
    ProviderEvents,
    RecordingProviderEvents,
    RetryPolicy,
    reason_for_status,
)

if TYPE_CHECKING:
    import httpx
    from google import genai

__all__ = [
    "DEFAULT_MODEL",
    "MODEL_ENV_VARS",
    "AttemptEvent",
    "CountingProviderEvents",
    "FailReason",
    "GeminiItem",
    "GeminiMeal",
    "GeminiProvider",
    "NullProviderEvents",
    "ParseEvent",
    "ProviderEvents",
    "RecordingProviderEvents",
    "RetryPolicy",
    "guess_locale",
    "resolve_model",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "gemini-2.5-flash"
MODEL_ENV_VARS: tuple[str, ...] = ("GEMINI_MODEL", "GENERATIVE_MODEL")


def resolve_model(env: Mapping[str, str]) -> str:
    """The model named by ``GEMINI_MODEL``, else ``GENERATIVE_MODEL``, else ``gemini-2.5-flash``."""
    for var in MODEL_ENV_VARS:
        value = env.get(var, "").strip()
        if value:
            return value
    return DEFAULT_MODEL


def guess_locale(text: str) -> str:
    """``ja`` or ``en``: the parser's locale detection, so both providers read a text alike."""
    from meallog.nutrition.parser import detect_locale

    return detect_locale(text)


# --- the response schema sent to Gemini and used to validate its answer ---


class GeminiItem(BaseModel):
    """One food or drink as Gemini reads it; amounts are for the whole portion eaten."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, description="Food or drink as written in the text, in its language.")
    quantity: float | None = Field(
        default=None, ge=0, description="Number of units as written; 0.5 for half."
    )
    unit: str | None = Field(
        default=None,
        description="Unit or counter as written: 杯 個 枚 本 切れ 人前, g, ml, cup, slice, piece, tbsp, tsp.",
    )
    grams: float | None = Field(
        default=None, ge=0, description="Estimated edible weight of the portion in grams."
    )
    kcal: float | None = Field(default=None, ge=0, description="Energy of the portion in kcal.")
    protein_g: float | None = Field(default=None, ge=0, description="Protein of the portion in grams.")
    fat_g: float | None = Field(default=None, ge=0, description="Fat of the portion in grams.")
    carbs_g: float | None = Field(
        default=None, ge=0, description="Available carbohydrate of the portion in grams."
    )
    alcohol_g: float | None = Field(default=None, ge=0, description="Alcohol of the portion in grams.")
    confidence: float = Field(ge=0, le=1, description="How sure the reading and the numbers are, 0 to 1.")


class GeminiMeal(BaseModel):
    """Gemini's answer for one meal text."""

    model_config = ConfigDict(extra="ignore")

    items: list[GeminiItem]


SYSTEM_INSTRUCTION = """\
You read one free-text meal description (Japanese or English) and list every food and drink in it.
For each item give:
- name: the food as written, in the language of the text;
- quantity and unit as written (counters such as 杯 個 枚 本 切れ 人前, or g, ml, cup, slice, piece,
  tbsp, tsp; "half" or 半分 is quantity 0.5); null when the text gives none;
- grams: your estimate of the edible weight of the whole portion;
- kcal, protein_g, fat_g, carbs_g, alcohol_g: for the whole portion eaten, not per 100 g;
- confidence: 0 to 1.
List a set meal (定食, "burger meal") as one item, as written. Never add items the text does not
mention. Water, black coffee and unsweetened tea are 0 kcal. Use null for a number you cannot estimate.
Answer with JSON matching the response schema only."""


class _AttemptFailed(Exception):
    def __init__(self, reason: FailReason, status: int | None, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.status = status
        self.detail = detail


@dataclass(frozen=True, slots=True)
class _Failure:
    reason: FailReason
    status: int | None
    detail: str


def _transport_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(timeout classes, other transport error classes) of whichever httpx flavours are installed."""
    timeouts: list[type[BaseException]] = []
    transports: list[type[BaseException]] = []
    for name in ("httpx", "httpx2"):
        try:
            mod = __import__(name)
        except ImportError:
            continue
        timeouts.append(mod.TimeoutException)
        transports.append(mod.TransportError)
    return tuple(timeouts), tuple(transports)


def _strip_fence(text: str) -> str:
    # Models occasionally wrap JSON in a ```json fence even in JSON mode.
    t = text.strip()
    if t.startswith("```"):
        t = t.split("\n", 1)[1] if "\n" in t else ""
        if t.rstrip().endswith("```"):
            t = t.rstrip()[:-3]
    return t.strip()


class GeminiProvider:
    """Provider ``gemini``: structured-output parse with retries; falls back to ``fallback`` on failure."""

    name = "gemini"

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_MODEL,
        fallback: Provider,
        timeout_s: float = 8.0,
        max_attempts: int | None = None,
        backoff: RetryPolicy = RetryPolicy(),
        base_url: str | None = None,
        api_version: str | None = None,
        httpx_client: httpx.Client | None = None,
        events: ProviderEvents | None = None,
        on_attempt: Callable[[AttemptEvent], None] | None = None,
        match_food: Callable[[str], str | None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not api_key:
            raise ValueError("GeminiProvider needs an API key (GEMINI_API_KEY)")
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
        self.model = model
        self.fallback = fallback
        self.timeout_s = timeout_s
        self.policy = backoff if max_attempts is None else replace(backoff, max_attempts=max_attempts)
        self._events: ProviderEvents = events if events is not None else NullProviderEvents()
        self._on_attempt = on_attempt
        self._match_food = match_food
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        self._monotonic = monotonic
        self._timeouts, self._transport_errors = _transport_errors()
        self._client = self._make_client(
            api_key=api_key, base_url=base_url, api_version=api_version, httpx_client=httpx_client
        )

    def _make_client(
        self,
        *,
        api_key: str,
        base_url: str | None,
        api_version: str | None,
        httpx_client: httpx.Client | None,
    ) -> genai.Client:
        from google import genai
        from google.genai import types

        http_options = types.HttpOptions(
            base_url=base_url,
            api_version=api_version,
            timeout=max(1, round(self.timeout_s * 1000)),  # the SDK takes milliseconds
            retry_options=types.HttpRetryOptions(attempts=1),
            httpx_client=httpx_client,
        )
        return genai.Client(api_key=api_key, vertexai=False, http_options=http_options)

    def close(self) -> None:
        """Release the SDK's HTTP connections."""
        self._client.close()

    # --- parse ---

    def parse(self, text: str, *, locale: str | None = None) -> ProviderResult:
        """Read ``text`` into items; on upstream failure after all attempts, the fallback's result."""
        loc = locale or guess_locale(text)
        if not text.strip():
            return ProviderResult(items=(), provider=self.name, model=self.model, locale=loc, attempts=0)

        attempt = 0
        while True:
            attempt += 1
            started = self._monotonic()
            try:
                meal = self._attempt(text, loc)
            except _AttemptFailed as exc:
                failure = _Failure(exc.reason, exc.status, exc.detail)
            else:
                self._report_attempt(attempt, "ok", None, None, started, will_retry=False, delay_s=0.0)
                self._report_parse(ParseEvent(self.name, self.model, attempt, "ok"))
                items = tuple(self._to_item(i) for i in meal.items)
                return ProviderResult(
                    items=items, provider=self.name, model=self.model, locale=loc, attempts=attempt
                )

            will_retry = self.policy.should_retry(attempt, failure.reason)
            delay_s = self.policy.delay(attempt, self._rng) if will_retry else 0.0
            self._report_attempt(
                attempt,
                "fail",
                failure.reason,
                failure.status,
                started,
                will_retry=will_retry,
                delay_s=delay_s,
            )
            logger.warning(
                "gemini attempt %d/%d failed (%s, status=%s): %s",
                attempt,
                self.policy.max_attempts,
                failure.reason.value,
                failure.status,
                failure.detail,
            )
            if not will_retry:
                break
            self._sleep(delay_s)

        self._report_parse(ParseEvent(self.name, self.model, attempt, "fail", failure.reason, fallback=True))
        result = self.fallback.parse(text, locale=loc)
        note = f"gemini/{self.model} failed after {attempt} attempt(s): {failure.reason.value}"
        if failure.status is not None:
            note += f" (HTTP {failure.status})"
        return replace(result, fallback=True, attempts=attempt, notes=(*result.notes, note))

    def _attempt(self, text: str, locale: str) -> GeminiMeal:
        """One generate_content call, validated; raises _AttemptFailed with a classified reason."""
        from google.genai import errors, types

        config = types.GenerateContentConfig(
            system_instruction=f"{SYSTEM_INSTRUCTION}\nThe text's locale is {locale!r}.",
            response_mime_type="application/json",
            response_schema=GeminiMeal,
            temperature=0.0,
            candidate_count=1,
        )
        try:
            resp = self._client.models.generate_content(model=self.model, contents=text, config=config)
        except errors.APIError as exc:
            status = int(exc.code) if exc.code else None
            reason = reason_for_status(status) if status else FailReason.ERROR
            raise _AttemptFailed(reason, status, str(exc)[:300]) from exc
        except self._timeouts as exc:
            raise _AttemptFailed(FailReason.TIMEOUT, None, type(exc).__name__) from exc
        except self._transport_errors as exc:
            raise _AttemptFailed(FailReason.TRANSPORT, None, f"{type(exc).__name__}: {exc}") from exc
        except errors.UnknownApiResponseError as exc:  # a 2xx body that is not JSON at all
            raise _AttemptFailed(FailReason.MALFORMED, None, str(exc)[:300]) from exc
        except Exception as exc:  # the caller must always get a result: anything else is a failed attempt
            raise _AttemptFailed(FailReason.ERROR, None, f"{type(exc).__name__}: {exc}") from exc

        if isinstance(resp.parsed, GeminiMeal):
            return resp.parsed
        # resp.parsed is None (not an exception) when the text is not valid JSON or misses the schema.
        raw = self._response_text(resp)
        if raw is None:
            raise _AttemptFailed(FailReason.MALFORMED, None, "no text in the answer")
        try:
            return GeminiMeal.model_validate_json(_strip_fence(raw))
        except pydantic.ValidationError as exc:
            raise _AttemptFailed(
                FailReason.MALFORMED, None, f"{exc.error_count()} validation error(s)"
            ) from exc

    @staticmethod
    def _response_text(resp: Any) -> str | None:
        try:
            text = resp.text
        except Exception:  # .text raises on some multi-part answers; treat as no text
            return None
        return text if isinstance(text, str) and text.strip() else None

    def _to_item(self, item: GeminiItem) -> ProviderItem:
        name = item.name.strip()
        return ProviderItem(
            name=name,
            food_id=self._match_food(name) if self._match_food is not None else None,
            quantity=item.quantity,
            unit=(item.unit or "").strip() or None,
            grams=item.grams,
            kcal=item.kcal,
            protein_g=item.protein_g,
            fat_g=item.fat_g,
            carbs_g=item.carbs_g,
            alcohol_g=item.alcohol_g,
            confidence=item.confidence,
            raw=item.name,
        )

    # --- events: a broken subscriber must never break a parse ---

    def _report_attempt(
        self,
        attempt: int,
        outcome: AttemptOutcome,
        reason: FailReason | None,
        status: int | None,
        started: float,
        *,
        will_retry: bool,
        delay_s: float,
    ) -> None:
        event = AttemptEvent(
            provider=self.name,
            model=self.model,
            attempt=attempt,
            outcome=outcome,
            reason=reason,
            status=status,
            duration_s=max(0.0, self._monotonic() - started),
            will_retry=will_retry,
            delay_s=delay_s,
        )
        self._call_hook("on_attempt", self._events.on_attempt, event)
        if self._on_attempt is not None:
            self._call_hook("on_attempt callback", self._on_attempt, event)

    def _report_parse(self, event: ParseEvent) -> None:
        self._call_hook("on_parse", self._events.on_parse, event)

    @staticmethod
    def _call_hook(what: str, hook: Callable[[Any], None], event: object) -> None:
        try:
            hook(event)
        except Exception:
            logger.exception("provider event hook %s raised; ignored", what)
