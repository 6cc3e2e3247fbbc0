"""The one place wiring happens: settings -> engine, provider, services -> FastAPI app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from meallog import __version__
from meallog.api import problems
from meallog.api.admin import router as admin_router
from meallog.api.requests import RequestContext
from meallog.clock import Clock, SystemClock
from meallog.logging_setup import get_logger
from meallog.logs.facade import MealLogs
from meallog.logs.router import router as logs_router
from meallog.logs.service import LogService
from meallog.migration.paths import Guard, PhasePaths
from meallog.migration.service import Migration, build_migration
from meallog.migration.shadow import ComputeV2, compute_v2
from meallog.migration.worker import OutboxWorker, WorkerConfig
from meallog.nutrition.types import Provider, ProviderResult
from meallog.observability.metrics import CommonLabels, Metrics
from meallog.settings import Settings
from meallog.store.db import make_engine, make_sessionmaker, session_scope
from meallog.users import UserCache
from meallog.web import routes as web


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    provider: Provider
    logs: MealLogs
    metrics: Metrics
    migration: Migration
    worker: OutboxWorker
    users: UserCache
    background: list[Any] = field(default_factory=list)


def build_provider_from(settings: Settings, metrics: Metrics | None = None) -> Provider:
    """The configured AI provider; ConfigError (exit 2) with one line when it cannot be built."""
    from meallog.errors import ConfigError
    from meallog.providers.factory import build_provider

    if settings.ai_provider == "gemini" and not settings.gemini_api_key:
        raise ConfigError("AI_PROVIDER=gemini needs GEMINI_API_KEY (or GOOGLE_API_KEY); "
                          "set it, or use AI_PROVIDER=offline")
    try:
        return build_provider(
            name=settings.ai_provider,
            model=settings.gemini_model,
            api_key=settings.gemini_api_key or "",
            base_url=settings.gemini_base_url,
            metrics=metrics,
        )
    except ValueError as exc:
        raise ConfigError(f"AI provider {settings.ai_provider!r}: {exc}") from exc


class LazyProvider:
    """Builds the real provider on first use: commands that never parse need none of its secrets."""

    def __init__(self, build: Callable[[], Provider]) -> None:
        self._build = build
        self._provider: Provider | None = None
        self._lock = threading.Lock()

    def get(self) -> Provider:
        with self._lock:
            if self._provider is None:
                self._provider = self._build()
            return self._provider

    @property
    def name(self) -> str:
        return self.get().name

    @property
    def model(self) -> str:
        return self.get().model

    def parse(self, text: str, *, locale: str | None = None) -> ProviderResult:
        return self.get().parse(text, locale=locale)


def build_services(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    provider: Provider | None = None,
    metrics: Metrics | None = None,
    guard: Guard | None = None,
    snapshot_ttl_s: float = 1.0,
    compute: ComputeV2 = compute_v2,
    monotonic: Callable[[], float] = time.monotonic,
) -> Services:
    engine = engine or make_engine(settings.database_url, pool_size=settings.db_pool_size,
                                   max_overflow=settings.db_max_overflow)
    sessions = make_sessionmaker(engine)
    clock = clock or SystemClock()
    metrics = metrics or Metrics(labels=CommonLabels.from_settings(settings))
    the_metrics = metrics
    if provider is None:  # read-only name/model properties: a Provider in all but mypy's view of attributes
        provider = cast(Provider, LazyProvider(lambda: build_provider_from(settings, the_metrics)))
    migration = build_migration(settings, sessions=sessions, metrics=metrics, clock=clock,
                                snapshot_ttl_s=snapshot_ttl_s)
    worker = OutboxWorker(sessions=sessions, flags=migration.flags, metrics=metrics, clock=clock,
                          pipeline_version=settings.shadow_pipeline_version, thresholds=migration.thresholds,
                          compute=compute, config=WorkerConfig(
                              batch=settings.worker_batch,
                              duty=settings.worker_duty if settings.run_worker else 1.0))
    service = LogService(provider=provider)
    paths = PhasePaths(fence=migration.fence, metrics=metrics, pipeline_version=settings.shadow_pipeline_version,
                       adapter_cache=migration.adapter_cache, now=clock.now, guard=guard,
                       thresholds=migration.thresholds, depth=lambda: worker.last_depth, compute=compute,
                       compare_sample=settings.dual_read_compare_sample)
    worker.observer = paths.observer  # the worker compares the sampled P2 reads with the same observer
    users = UserCache(sessions=sessions, ttl_s=settings.token_cache_ttl_s, now=monotonic)
    logs = MealLogs(sessions=sessions, service=service, clock=clock, paths=paths, users=users)
    services = Services(settings=settings, engine=engine, sessions=sessions, clock=clock, provider=provider,
                        logs=logs, metrics=metrics, migration=migration, worker=worker, users=users)
    if settings.run_worker:
        services.background.append(worker)
    if settings.run_scheduler:
        from meallog.ops.scheduler import OpsScheduler

        services.background.append(OpsScheduler(sessions=sessions, clock=clock, metrics=metrics,
                                                archive_url=settings.archive_url,
                                                s3_endpoint_url=settings.archive_s3_endpoint_url))
    return services


DOCS_ASSETS = "/docs-assets"


def install_offline_docs(app: FastAPI) -> None:
    """`/docs` and `/redoc` with their scripts served from the installed fastapi-offline package, not a CDN."""
    from pathlib import Path

    import fastapi_offline
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    static = Path(fastapi_offline.__file__).parent / "static"
    app.mount(DOCS_ASSETS, StaticFiles(directory=static), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="meallog API",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title="meallog API",
                              redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png", with_google_fonts=False)


class DepthProbe:
    """An API process runs no worker, so nothing else measures the outbox depth its writes shed by
    (`WritePath.shed_depth`): this thread refreshes it (and the queue gauges) every `every_s`."""

    def __init__(self, worker: OutboxWorker, *, every_s: float = 5.0) -> None:
        self.worker = worker
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="outbox-depth", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.worker.refresh_gauges()
            except Exception as exc:  # database down: the last depth stands; try again later
                get_logger("meallog.serve").warning("outbox depth probe failed", error=repr(exc))
            self._stop.wait(self.every_s)


def create_app(settings: Settings | None = None, *, services: Services | None = None,
               probe_depth: bool = False) -> FastAPI:
    settings = settings or (services.settings if services else Settings())
    services = services or build_services(settings)
    probe = DepthProbe(services.worker) if probe_depth else None

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        with session_scope(services.sessions) as s:  # env defaults that moved the phase: a fenced transition
            services.migration.control.sync(s, actor="startup", now=services.clock.now())
        if probe is not None:
            probe.start()
        try:
            yield
        finally:
            if probe is not None:
                probe.stop()

    app = FastAPI(title="meallog", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Meal logging with a safe legacy -> v2 nutrition migration.")
    install_offline_docs(app)
    app.state.services = services
    problems.install(app)
    problems.problem_json_openapi(app)
    app.include_router(logs_router)
    app.include_router(admin_router)
    web.install(app)

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    def metrics_endpoint() -> Response:
        body, content_type = services.metrics.render()
        return Response(body, media_type=content_type)

    @app.get("/healthz", tags=["ops"], responses=problems.responses(500))
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": settings.app_version}

    @app.get("/readyz", tags=["ops"], responses=problems.responses(500, 503))
    def readyz() -> JSONResponse:
        try:
            with services.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any database failure means not ready
            return problems.problem(503, "Not ready", f"database unavailable: {type(exc).__name__}")
        return JSONResponse({"status": "ready", "database": services.engine.dialect.name})

    @app.get("/meta", tags=["ops"], responses=problems.responses(500))
    def meta(request: Request) -> dict[str, Any]:
        from meallog.nutrition import foods

        return {"version": settings.app_version, "provider": services.provider.name,
                "model": services.provider.model, "food_table": foods.attribution()}

    app.add_middleware(problems.BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestContext, observe=services.metrics.http_request)  # outermost: sees every answer
    return app


def serve_app() -> FastAPI:
    """The app of one `meallog serve` API process (uvicorn factory): settings from the environment, no
    worker or scheduler thread (they run in serve's background process), the schema already migrated."""
    settings = Settings().model_copy(update={"run_worker": False, "run_scheduler": False})
    return create_app(settings, services=build_services(settings, provider=build_provider_from(settings)),
                      probe_depth=True)
