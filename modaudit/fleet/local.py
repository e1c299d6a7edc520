"""The default executor: `modaudit serve` scans the accounts itself, one after the other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from modaudit.config import Config
from modaudit.fleet.base import Periodic, QueueStatus
from modaudit.fleet.night import NightScans, run_night, summarize
from modaudit.intake.scan import scan_all


class LocalExecutor:
    """Scans in this process; nothing to queue, prepare or recover."""

    kind = "local"

    def __init__(self, config: Config) -> None:
        self.config = config

    def prepare(self, engine: Engine) -> str | None:
        """Nothing to create."""
        return None

    def night(self, engine: Engine, should_stop: Callable[[], bool] | None = None) -> str:
        """Scan every account here, then the nightly alerts; counts by status."""
        return self.run(engine, should_stop=should_stop).summary

    def run(self, engine: Engine, kind: str = "nightly", now: datetime | None = None,
            progress: Callable[[str, int, int], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> NightScans:
        """The night (`fleet/night.run_night`) with every account scanned here, one by one."""
        return run_night(engine, self.config, lambda: summarize(
            scan_all(engine, self.config, kind, now, progress, should_stop)), now)

    def unfinished(self, engine: Engine, wait: bool,
                   should_stop: Callable[[], bool] | None = None) -> frozenset[str]:
        """Scans here finish before the report runs: none is open."""
        return frozenset()

    def periodic(self) -> list[Periodic]:
        """No extra jobs."""
        return []

    def after_retention(self) -> str | None:
        """No queue to prune."""
        return None

    def queue_status(self, engine: Engine) -> QueueStatus | None:
        """There is no queue."""
        return None
