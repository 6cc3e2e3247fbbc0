"""``build_provider``: the one place a provider is chosen by name. Importing it imports no SDK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meallog.nutrition.matching import exact
from meallog.nutrition.types import Provider
from meallog.providers.offline import OfflineProvider

PROVIDERS = ("offline", "gemini")


class UnknownProvider(ValueError):
    """The configured provider name is not one of ``PROVIDERS``."""


def build_provider(
    *,
    name: str,
    model: str | None = None,
    gemini_factory: Callable[..., Provider] | None = None,
    **kw: Any,
) -> Provider:
    """The provider called ``name``. ``gemini`` falls back to (and matches foods with) the offline table.

    Extra keywords (``api_key``, ``base_url``, ``metrics``, ``events``, ``timeout_s`` ...) go to the
    Gemini provider; the offline provider takes only ``foods`` / ``foods_path``.
    """
    key = (name or "offline").strip().lower()
    offline_kw = {k: kw[k] for k in ("foods", "foods_path") if k in kw}
    if key == "offline":
        return OfflineProvider(**offline_kw)
    if key != "gemini":
        raise UnknownProvider(f"unknown provider {name!r}; expected one of {', '.join(PROVIDERS)}")
    fallback = kw.pop("fallback", None) or OfflineProvider(**offline_kw)
    for k in ("foods", "foods_path"):
        kw.pop(k, None)
    metrics = kw.pop("metrics", None)
    if metrics is not None and "events" not in kw:
        from meallog.providers.retry import CountingProviderEvents

        kw["events"] = CountingProviderEvents(metrics)
    table = fallback.foods if isinstance(fallback, OfflineProvider) else None
    if "match_food" not in kw and table is not None:
        def match_food(food_name: str) -> str | None:
            found = exact(food_name, table)  # only a sure name: a family name ("カレー") is no food id
            return found.food.food_id if found.food is not None and found.sure else None

        kw["match_food"] = match_food
    if model:
        kw["model"] = model
    if gemini_factory is None:
        from meallog.providers.gemini import GeminiProvider  # lazy: the default never imports google-genai

        gemini_factory = GeminiProvider
    return gemini_factory(fallback=fallback, **kw)
