"""One night, whoever runs the scans: every account scanned, then the nightly alerts.

`modaudit audit`, the demo, the scheduler and both executors run a night through `run_night`;
an executor only says how its accounts are scanned (here, one after the other, or queued for
workers and waited for).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine

from modaudit.clock import utcnow
from modaudit.config import Config
from modaudit.intake.scan import RunResult
from modaudit.notify.alerts import alert_quietly


@dataclass(frozen=True)
class NightScans:
    """What a night's scanning did: the results of scans run here (none when queued), a summary."""

    summary: str
    results: list[RunResult] = field(default_factory=list)


def summarize(results: list[RunResult]) -> NightScans:
    """Scans run here, counted by status ("2 ok, 1 partial")."""
    counts = Counter(result.status for result in results)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return NightScans(summary or "no accounts", results)


def run_night(engine: Engine, config: Config, scan_accounts: Callable[[], NightScans],
              now: datetime | None = None) -> NightScans:
    """Scan every account (`scan_accounts`), then mail the nightly alerts; the scans' outcome.

    An alert that cannot be delivered is logged and never fails the night: the scans are stored.
    """
    scans = scan_accounts()
    if config.report.nightly_alerts:
        alert_quietly(engine, config, now if now is not None else utcnow())
    return scans
