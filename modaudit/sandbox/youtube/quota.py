"""YouTube quota: units spent per Google Cloud project per Pacific day, reset at midnight there."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")
LIST_COST = 1  # every list call the simulator serves costs one unit


def pacific_day(moment: datetime) -> date:
    """The Pacific calendar day a (simulated) moment falls on: the quota's day."""
    return moment.astimezone(PACIFIC).date()


class QuotaBook:
    """Units spent per (project, Pacific day); thread-safe."""

    def __init__(self) -> None:
        self._used: dict[tuple[str, date], int] = {}
        self._lock = threading.Lock()

    def spend(self, project: str, moment: datetime, limit: int, units: int = LIST_COST) -> bool:
        """Spend `units` if the day's `limit` allows it; False (nothing spent) once it is reached."""
        key = (project, pacific_day(moment))
        with self._lock:
            used = self._used.get(key, 0)
            if used + units > limit:
                return False
            self._used[key] = used + units
            return True

    def used(self, project: str, day: date) -> int:
        """Units a project has spent on a Pacific day."""
        with self._lock:
            return self._used.get((project, day), 0)
