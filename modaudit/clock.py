"""The one clock of the application, read by every layer that is not given `now`."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The time now, timezone-aware UTC."""
    return datetime.now(UTC)
