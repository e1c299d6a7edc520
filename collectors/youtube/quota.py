"""YouTube Data API quota: what each method costs, when the day's quota resets, and a cap.

Every call costs units whether it succeeds or not (list methods 1, `search.list` 100); the default
quota is 10,000 units a day per Google Cloud project, reset at midnight Pacific time.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from collectors.records import CollectorError

UNITS: dict[str, int] = {
    "channels.list": 1,
    "playlistItems.list": 1,
    "commentThreads.list": 1,
    "comments.list": 1,
    "videos.list": 1,
    "search.list": 100,  # never called: listed so that nobody mistakes it for a cheap read
}
PACIFIC = ZoneInfo("America/Los_Angeles")


class AllowanceSpent(CollectorError):
    """The next call would spend more quota units than tonight's allowance (a plan's choice)."""


def units_of(method: str) -> int:
    """The quota units one call of `method` (e.g. "commentThreads.list") costs."""
    return UNITS.get(method, 1)


def next_reset(now: datetime) -> datetime:
    """The next midnight in America/Los_Angeles after `now`, in UTC (when Google resets quota)."""
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=PACIFIC)
    return midnight.astimezone(UTC)


class UnitCap:
    """The most units a collection may still spend; None means no cap."""

    def __init__(self) -> None:
        self.limit: int | None = None

    def set(self, spent: int, allowance: int | None) -> None:
        """From `spent` units on, allow `allowance` more (None: no cap)."""
        self.limit = None if allowance is None else spent + max(allowance, 0)

    def check(self, spent: int, method: str) -> None:
        """Raise AllowanceSpent if one call of `method` would pass the cap."""
        if self.limit is not None and spent + units_of(method) > self.limit:
            raise AllowanceSpent(f"the quota allowance is spent ({self.limit} units): "
                                 f"{method} not called")

    def left(self, spent: int) -> int | None:
        """Units still allowed (None: no cap)."""
        return None if self.limit is None else max(self.limit - spent, 0)
