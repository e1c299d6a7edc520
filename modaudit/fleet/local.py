"""The default executor: `modaudit serve` scans the accounts itself, one after the other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sqlalchemy import Engine

from modaudit.config import Config
from modaudit.fleet.base import Periodic, QueueStatus
from modaudit.intake.scan import scan_all
from modaudit.notify.alerts import alert_quietly
from modaudit.store.engine import utcnow


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
        results = scan_all(engine, self.config, "nightly", should_stop=should_stop)
        if self.config.report.nightly_alerts:
            alert_quietly(engine, self.config, utcnow())
        counts = Counter(result.status for result in results)
        return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no accounts"

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
