from __future__ import annotations

from pathlib import Path

import pytest

from meallog.nutrition.foods import FoodTable, load_foods
from meallog.providers.offline import OfflineProvider

FIXTURE_CSV = Path(__file__).resolve().parent / "fixture_foods.csv"


@pytest.fixture(scope="session")
def table() -> FoodTable:
    return load_foods()


@pytest.fixture(scope="session")
def small_table() -> FoodTable:
    return load_foods(FIXTURE_CSV)


@pytest.fixture(scope="session")
def offline() -> OfflineProvider:
    return OfflineProvider()
