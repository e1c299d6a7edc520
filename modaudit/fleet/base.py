"""The executor interface: what the service, reports and `init` ask of whoever runs the scans."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine

# Names the queue, its tasks and the service share (kept: stored jobs know them by these names).
SCAN_TASK = "scan_account"
STALLED_JOB = "retry_stalled_scans"


@dataclass(frozen=True)
class Periodic:
    """A job the service runs every `seconds` for this executor: a module-level `func(config_path)`."""

    job_id: str
    func: Callable[[str], str]
    seconds: float


@dataclass(frozen=True)
class QueueStatus:
    """The scans in an executor's queue, per account (rows), once its schema exists."""

    schema_applied: bool
    rows: list[Any]


class Executor(Protocol):
    """What the service, the reports and `init` need from whoever runs the scans."""

    kind: str

    def prepare(self, engine: Engine) -> str | None:
        """Create what this executor keeps in the database (`modaudit init`); says what it did."""

    def night(self, engine: Engine, should_stop: Callable[[], bool] | None = None) -> str:
        """Scan every account for the nightly audit, then send the nightly alerts; a summary."""

    def unfinished(self, engine: Engine, wait: bool,
                   should_stop: Callable[[], bool] | None = None) -> frozenset[str]:
        """Accounts whose scan is still open (after a bounded wait if `wait`), for the report."""

    def periodic(self) -> list[Periodic]:
        """Jobs the service must run beside the schedule (e.g. re-queueing stalled scans)."""

    def after_retention(self) -> str | None:
        """Housekeeping after the daily retention job; says what it did, if anything."""

    def queue_status(self, engine: Engine) -> QueueStatus | None:
        """Per account, the scans queued, running, stalled and failed (None: there is no queue)."""
