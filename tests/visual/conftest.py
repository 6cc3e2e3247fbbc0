"""Chromium through Playwright for Python, a served app seeded with the fixture days, and the
snapshot store. Artifacts land in test-results/ and playwright-report/ under the working directory
(VISUAL_ARTIFACTS_DIR moves them). With MEALLOG_VISUAL_RECORD=1 each run is recorded with
`meallog visual record` against the configured DATABASE_URL (the CI job of a deployment does this)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from meallog.app import build_services, create_app
from meallog.clock import FrozenClock
from meallog.settings import Settings
from meallog.store.db import make_engine, session_scope
from tests.serving import serve
from tests.visual import fixture_days
from tests.visual.record import record_run
from tests.visual.snapshots import BASELINES, Snapshots

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--font-render-hinting=none", "--disable-lcd-text",
        "--force-color-profile=srgb", "--hide-scrollbars"]
ADMIN = "admin-secret"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(os.environ.get("VISUAL_ARTIFACTS_DIR", "."))


def _update(config: pytest.Config) -> bool:
    return bool(config.getoption("--update-snapshots")) or os.environ.get("UPDATE_SNAPSHOTS", "") in ("1", "true")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make tools` installs it")
    home = tmp_path_factory.mktemp("chromium-home")
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS,
                                   env={**os.environ, "HOME": str(home)})
    yield b
    b.close()


@pytest.fixture(scope="session")
def snapshots(request: pytest.FixtureRequest) -> Snapshots:
    results, report = ARTIFACTS / "test-results", ARTIFACTS / "playwright-report"
    for stale in (results, report):  # each run's artifacts describe that run only
        shutil.rmtree(stale, ignore_errors=True)
    return Snapshots(baselines=BASELINES, results=results, report=report, update=_update(request.config))


def make_services(db_path: Path, template: Path, **settings: Any) -> Any:
    shutil.copyfile(template, db_path)
    base: dict[str, Any] = {"database_url": f"sqlite:///{db_path}", "admin_token": ADMIN, "run_worker": False,
                            "run_scheduler": False, "web_secret": "visual-tests"}
    base.update(settings)
    s = Settings.model_validate(base)
    return build_services(s, engine=make_engine(s.database_url), clock=FrozenClock(fixture_days.NOW))


@pytest.fixture(scope="session")
def visual_site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[dict[str, Any]]:
    """A served app holding every fixture day (and the ops page's data); yields base URL and tokens."""
    from tests.visual.ops_fixture import seed_ops

    services = make_services(tmp_path_factory.mktemp("visual") / "visual.sqlite3", sqlite_template)
    tokens: dict[str, str] = {}
    with session_scope(services.sessions) as s:
        fixture_days.seed(s, tokens)
        seed_ops(s, services)
    app = create_app(services=services)
    with serve(app) as url:
        yield {"url": url, "tokens": tokens, "app": app, "services": services}
    services.engine.dispose()


@pytest.fixture
def context_for(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    opened: list[BrowserContext] = []

    def _open(*, token: str | None = None, admin: bool = False, viewport: dict[str, int] = DESKTOP,
              locale: str = "ja-JP", admin_token: str = ADMIN) -> BrowserContext:
        """A context authenticated by header: a user token, the admin header (for ?view=), or both."""
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if admin:
            headers["X-Meallog-Admin"] = admin_token
            if not token:
                headers["Authorization"] = f"Bearer {admin_token}"
        ctx = browser.new_context(viewport=viewport, device_scale_factor=1, locale=locale,
                                  timezone_id="Asia/Tokyo", reduced_motion="reduce", extra_http_headers=headers)
        opened.append(ctx)
        return ctx

    yield _open
    for ctx in opened:
        ctx.close()


def shot(ctx: BrowserContext, url: str, *, mask: bool = False) -> bytes:
    page = ctx.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"GET {url}: {response.status if response else '-'}"
    page.evaluate("document.fonts.ready")
    masks = [page.locator("[data-num]")] if mask else []
    png = page.screenshot(full_page=True, animations="disabled", caret="hide", mask=masks, mask_color="#ff00ff")
    page.close()
    return png


# ---- run recording (runbook §8: the gate reads visual_runs) ------------------------------------
_RESULTS: dict[str, list[bool]] = {"visual": []}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "tests/visual/" in report.nodeid.replace("\\", "/") and report.when == "call":
        _RESULTS["visual"].append(report.passed)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    runs = _RESULTS["visual"]
    if runs and os.environ.get("MEALLOG_VISUAL_RECORD", "") in ("1", "true"):
        record_run(passed=all(runs), report=ARTIFACTS / "playwright-report")
