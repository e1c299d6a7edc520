"""What went wrong in one account's scan, as one coded warning that never carries a secret."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from collectors.http import redact
from collectors.records import CollectorError, Interrupted, RunWarning
from modaudit.config import ConfigError

# PostgreSQL SQLSTATEs of the per-transaction timeouts ([database] lock/statement timeouts).
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"


def _sqlstate(exc: BaseException) -> str | None:
    original = getattr(exc, "orig", None)
    return getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)


def failure_warning(exc: BaseException, secrets: tuple[str, ...] = (),
                    unexpected_code: str = "internal_error", fix: str | None = None) -> RunWarning:
    """The run's warning for `exc`: the project's own errors by name, anything else by its type.

    `fix` (intake/advice.py) is appended: what to change, naming the key or variable.
    """
    text = " ".join(redact(str(exc), secrets).split())[:500]
    if fix:
        text = f"{text} — {redact(fix, secrets)}"
    if isinstance(exc, ConfigError):
        return RunWarning("config", text)
    if isinstance(exc, Interrupted):
        return RunWarning("interrupted", text)
    if isinstance(exc, CollectorError):
        return RunWarning(type(exc).__name__, text)
    if isinstance(exc, DBAPIError) and _sqlstate(exc) == LOCK_NOT_AVAILABLE:
        return RunWarning("db_lock_timeout", "another database session held a lock longer than "
                          "[database] lock_timeout_seconds; this run was rolled back and the next "
                          "one retries")
    if isinstance(exc, DBAPIError) and _sqlstate(exc) == QUERY_CANCELED:
        return RunWarning("db_statement_timeout", "a database statement ran longer than "
                          "[database] statement_timeout_seconds; this run was rolled back")
    if isinstance(exc, DBAPIError):
        original = getattr(exc, "orig", None) or exc
        first = redact(str(original), secrets).strip().splitlines()[:1]
        return RunWarning(unexpected_code, f"{type(original).__name__}: {' '.join(first)[:500]}")
    return RunWarning(unexpected_code, f"{type(exc).__name__}: {text}")
