"""One exception root. HTTP status and CLI exit code are assigned here, once."""

from __future__ import annotations

from typing import Any


class MeallogError(Exception):
    status: int = 400
    title: str = "Bad request"
    exit_code: int = 1

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(MeallogError):
    status = 404
    title = "Not found"


class LogNotFound(NotFound):
    title = "Log not found"


class Conflict(MeallogError):
    status = 409
    title = "Conflict"


class IdempotencyConflict(Conflict):
    title = "Idempotency-Key reused with a different request"


class NotDeleted(Conflict):
    title = "Log is not deleted"


class LogDeleted(Conflict):
    """An edit of a soft-deleted log: restore it first (`POST /logs/{id}/restore`)."""

    title = "Log is deleted"


class InvalidInput(MeallogError):
    status = 422
    title = "Invalid input"
    exit_code = 2


class Unauthorized(MeallogError):
    status = 401
    title = "Unauthorized"


class Forbidden(MeallogError):
    status = 403
    title = "Forbidden"


class InvalidTransition(Conflict):
    """A flag or phase change that the phase order does not allow."""

    title = "Invalid phase transition"
    exit_code = 3


class GateRed(Conflict):
    title = "Diff-Gate is not green"
    exit_code = 4


class ChecksFailed(MeallogError):
    """A step back happened, but a runbook §8 check after it failed: the on-call has work to do."""

    title = "Rollback checks failed"
    exit_code = 6


class FlagUnavailable(MeallogError):
    """The feature service could not evaluate a flag: never read that as "off"."""

    status = 503
    title = "Feature flags unavailable"


class ConfigError(MeallogError):
    """The configuration cannot work (e.g. AI_PROVIDER=gemini without a key): fix the environment."""

    status = 500
    title = "Configuration error"
    exit_code = 2


class DatabaseNotReady(MeallogError):
    """No database, no meallog schema, or an outdated one: the message says what to run."""

    status = 503
    title = "Database not ready"
    exit_code = 5


class Unavailable(MeallogError):
    """A dependency failed before anything was stored; the client may retry the same request."""

    status = 503
    title = "Service unavailable"


# The CLI's exit codes, one table: `meallog --help` and docs/ops/RUNBOOK.md print it (a test keeps them equal).
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success; the Diff-Gate says go"),
    (1, "failure: not found, a conflict, problems found (reconcile), a failed check; the gate says no-go"),
    (2, "invalid input or configuration (bad option, unknown flag, missing secret); the gate is inconclusive"),
    (3, "phase order refused: out-of-order flag change, nothing to step back from, already in P3"),
    (4, "Diff-Gate not green: `phase advance` refused (use --force --why to override, audited)"),
    (5, "database missing or schema outdated: run `meallog db upgrade`"),
    (6, "`phase rollback` stepped back, but a runbook §8 check failed: the `next:` line says what to do"),
    (130, "interrupted (Ctrl-C): the message says how to resume"),
)
