"""The project's own errors as one red line and an exit status, never a traceback.

Imported only when a command has failed: `--help` and `--version` never pay for SQLAlchemy.
"""

from __future__ import annotations

import logging

import click
from sqlalchemy.exc import SQLAlchemyError

from collectors.http import redact
from modaudit.config import ConfigError
from modaudit.store.engine import SchemaError, StoreUnavailable
from modaudit.store.findings import ReviewError
from modaudit.store.users import UserError

log = logging.getLogger(__name__)


class ConfigProblem(click.ClickException):
    """A configuration error: exit status 2, like a usage error."""

    exit_code = 2


def one_line(exc: Exception) -> click.ClickException:
    """The click error that says `exc` in one line (with -v, the traceback goes to the log)."""
    if isinstance(exc, ConfigError):
        return ConfigProblem(str(exc))
    if isinstance(exc, SchemaError | StoreUnavailable | ReviewError | UserError):
        return click.ClickException(str(exc))
    if isinstance(exc, SQLAlchemyError):
        message = redact(str(exc.orig if getattr(exc, "orig", None) else exc)).splitlines()[0]
        return click.ClickException(f"database error: {message}")
    # Whatever no rule foresaw still ends in one line; -v shows the traceback.
    log.info("unexpected error", exc_info=exc)
    lines = redact(str(exc)).strip().splitlines() or [""]
    return click.ClickException(f"unexpected error ({type(exc).__name__}): {lines[0][:300]}"
                                " — run with -v for details")
