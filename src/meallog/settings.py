"""Settings from environment variables and `.env` (pydantic-settings). No instance at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from meallog import __version__

DEFAULT_DB_PATH = Path("var") / "meallog.sqlite3"


class Settings(BaseSettings):
    """Every knob of the service. Names are the environment variables the runbook uses."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DB_PATH}", validation_alias=AliasChoices("DATABASE_URL")
    )
    admin_token: str | None = Field(default=None, validation_alias=AliasChoices("MEALLOG_ADMIN_TOKEN"))

    # Metric labels (runbook §6)
    metric_env: Literal["prod", "stg", "dev", "local"] = Field(
        default="local", validation_alias=AliasChoices("METRIC_ENV")
    )
    shadow_pipeline_version: str = Field(
        default="v2.0.0", validation_alias=AliasChoices("SHADOW_PIPELINE_VERSION")
    )
    ai_provider: Literal["offline", "gemini"] = Field(
        default="offline", validation_alias=AliasChoices("AI_PROVIDER", "NUTRITION_PROVIDER")
    )
    gemini_model: str = Field(
        default="gemini-2.5-flash", validation_alias=AliasChoices("GEMINI_MODEL", "GENERATIVE_MODEL")
    )
    gemini_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("GEMINI_API_KEY", "GOOGLE_API_KEY")
    )
    gemini_base_url: str | None = Field(default=None, validation_alias=AliasChoices("GEMINI_BASE_URL"))
    app_version: str = Field(default=__version__, validation_alias=AliasChoices("APP_VERSION"))

    # HTTP
    max_body_bytes: int = Field(default=64 * 1024, validation_alias=AliasChoices("MEALLOG_MAX_BODY_BYTES"))
    default_time_zone: str = Field(default="Asia/Tokyo", validation_alias=AliasChoices("MEALLOG_TIME_ZONE"))
    # How long a process answers token -> user from memory: a rotated token is refused at most this late
    token_cache_ttl_s: float = Field(default=5.0, ge=0.0, le=60.0,
                                     validation_alias=AliasChoices("MEALLOG_TOKEN_CACHE_TTL_S"))

    # PostgreSQL connections per process: kept open, and opened on top of those under a burst. Every
    # process (API, background, `meallog worker`) has its own pool: the server needs their sum.
    db_pool_size: int = Field(default=10, ge=1, le=1000, validation_alias=AliasChoices("MEALLOG_DB_POOL_SIZE"))
    db_max_overflow: int = Field(default=20, ge=0, le=1000, validation_alias=AliasChoices("MEALLOG_DB_MAX_OVERFLOW"))

    # Web day view and ops page
    web_secret: str | None = Field(default=None, validation_alias=AliasChoices("MEALLOG_WEB_SECRET"))
    day_target_kcal: int = Field(default=2000, ge=500, le=10_000,
                                 validation_alias=AliasChoices("MEALLOG_DAY_TARGET_KCAL"))

    # Phase flags: start-up defaults; runtime overrides live in the feature service (runbook §2)
    normalize_v2_shadow: bool = Field(default=False, validation_alias=AliasChoices("NORMALIZE_V2_SHADOW"))
    dual_write_v2: bool = Field(default=False, validation_alias=AliasChoices("DUAL_WRITE_V2"))
    dual_read_v2: int = Field(default=0, ge=0, le=100, validation_alias=AliasChoices("DUAL_READ_V2"))
    switch_v2: bool = Field(default=False, validation_alias=AliasChoices("SWITCH_V2"))
    never_zero_mode: Literal["off", "safe", "strict"] = Field(
        default="safe", validation_alias=AliasChoices("NEVER_ZERO_MODE")
    )
    set_proposal_ui: bool = Field(default=True, validation_alias=AliasChoices("SET_PROPOSAL_UI"))
    atwater_simple_scale: bool = Field(default=False, validation_alias=AliasChoices("ATWATER_SIMPLE_SCALE"))
    migration_seed: str = Field(default="meallog-v2-2025", validation_alias=AliasChoices("MIGRATION_SEED"))
    # P2: the share of adapter reads compared with legacy (by the worker, from one outbox row per read)
    dual_read_compare_sample: float = Field(default=0.05, ge=0.0, le=1.0,
                                            validation_alias=AliasChoices("MEALLOG_DUAL_READ_COMPARE_SAMPLE"))
    # The shadow worker's first batch; it then adapts between 10 and 500 jobs
    worker_batch: int = Field(default=50, ge=1, le=500, validation_alias=AliasChoices("MEALLOG_WORKER_BATCH"))
    # The in-process worker (`meallog serve`) works at most this share of the time; `meallog worker` is unthrottled
    worker_duty: float = Field(default=0.25, gt=0.0, le=1.0, validation_alias=AliasChoices("MEALLOG_WORKER_DUTY"))
    # TEST ONLY, never set in production: `meallog worker` makes every v2 computation raise, hang, or
    # take 5 ms more (tests reach a separate worker process this way). Read once at start.
    test_v2_fault: Literal["", "raise", "hang", "slow"] = Field(default="", validation_alias=AliasChoices(
        "MEALLOG_TEST_V2_FAULT"))

    # In-process background services
    run_worker: bool = Field(default=True, validation_alias=AliasChoices("MEALLOG_RUN_WORKER"))
    run_scheduler: bool = Field(default=True, validation_alias=AliasChoices("MEALLOG_RUN_SCHEDULER"))

    # Paging (runbook §3)
    pagerduty_events_url: str | None = Field(default=None, validation_alias=AliasChoices("PAGERDUTY_EVENTS_URL"))
    pagerduty_routing_key: str | None = Field(
        default=None, validation_alias=AliasChoices("PAGERDUTY_ROUTING_KEY")
    )
    slack_webhook_url: str | None = Field(default=None, validation_alias=AliasChoices("SLACK_WEBHOOK_URL"))

    # Shadow data operations (runbook §5)
    archive_url: str = Field(
        default="file://var/archive", validation_alias=AliasChoices("ARCHIVE_URL", "MEALLOG_OBJECT_STORE_URL")
    )
    archive_s3_endpoint_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ARCHIVE_S3_ENDPOINT_URL")
    )
