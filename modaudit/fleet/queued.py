"""The procrastinate executor: each night, one queued scan per account for `modaudit worker`s."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from modaudit.config import Config
from modaudit.fleet.base import STALLED_JOB, Periodic, QueueStatus
from modaudit.fleet.night import NightScans, run_night
from modaudit.fleet.procrastinate_queue import (
    apply_queue_schema,
    prune_finished_jobs,
    queue_schema_applied,
    retry_stalled_scans,
    scan_jobs,
    scan_night,
    wait_for_scans,
)


class QueuedExecutor:
    """Scans run on workers; the service queues them, waits for them and recovers stalled ones."""

    kind = "procrastinate"

    def __init__(self, config: Config) -> None:
        self.config = config

    def prepare(self, engine: Engine) -> str | None:
        """procrastinate's schema beside the store's (workers never migrate)."""
        return apply_queue_schema(self.config, engine)

    def night(self, engine: Engine, should_stop: Callable[[], bool] | None = None) -> str:
        """Queue the night, wait (bounded) for the workers, then the nightly alerts."""
        return run_night(engine, self.config, lambda: NightScans(
            scan_night(self.config, engine, should_stop))).summary

    def unfinished(self, engine: Engine, wait: bool,
                   should_stop: Callable[[], bool] | None = None) -> frozenset[str]:
        """Accounts whose scan is still queued or running (after the report's bounded wait)."""
        seconds = self.config.executor.report_wait_seconds if wait else 0.0
        return frozenset(wait_for_scans(engine, seconds, should_stop))

    def periodic(self) -> list[Periodic]:
        """Re-queue the scans of workers that died, from `serve` (one recoverer per database)."""
        return [Periodic(STALLED_JOB, retry_stalled_scans,
                         self.config.executor.stalled_check_seconds)]

    def after_retention(self) -> str | None:
        """Delete finished queue rows older than `[executor] job_retention_days`."""
        prune_finished_jobs(self.config)
        return f"task queue rows over {self.config.executor.job_retention_days} days old deleted"

    def queue_status(self, engine: Engine) -> QueueStatus | None:
        """Per account: queued, running, stalled and failed scans (once `init` made the queue)."""
        if not queue_schema_applied(engine):
            return QueueStatus(schema_applied=False, rows=[])
        return QueueStatus(schema_applied=True, rows=scan_jobs(engine, self.config))
