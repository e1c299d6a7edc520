"""The scan jobs in procrastinate's queue, read from its tables beside the store's (same
database, same schema), with the accounts' names; the queue is written only by procrastinate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, inspect, text

_OPEN_SCANS = text(
    "SELECT DISTINCT (j.args->>'account_id')::bigint AS account_id, a.name FROM procrastinate_jobs j "
    "LEFT JOIN accounts a ON a.id = (j.args->>'account_id')::bigint "
    "WHERE j.task_name = :task AND j.status IN ('todo', 'doing')")
_SCAN_JOBS = text(
    "SELECT coalesce(a.name, '#' || (j.args->>'account_id')) AS account, "
    "count(*) FILTER (WHERE j.status = 'todo') AS queued, "
    "count(*) FILTER (WHERE j.status = 'doing' AND NOT coalesce(w.last_heartbeat >= now() - "
    "  make_interval(secs => :stalled), false)) AS stalled, "
    "count(*) FILTER (WHERE j.status = 'doing' AND coalesce(w.last_heartbeat >= now() - "
    "  make_interval(secs => :stalled), false)) AS running, "
    "count(*) FILTER (WHERE j.status = 'failed') AS failed, "
    "max(j.attempts) AS attempts, "
    "min(j.scheduled_at) FILTER (WHERE j.status = 'todo') AS next_try "
    "FROM procrastinate_jobs j LEFT JOIN procrastinate_workers w ON w.id = j.worker_id "
    "LEFT JOIN accounts a ON a.id = (j.args->>'account_id')::bigint "
    "WHERE j.task_name = :task AND j.status IN ('todo', 'doing', 'failed') "
    "GROUP BY 1 ORDER BY 1")


@dataclass(frozen=True)
class AccountJobs:
    """One account's scan jobs in the queue, for `modaudit jobs`."""

    account: str
    queued: int
    running: int
    stalled: int
    failed: int
    attempts: int
    next_try: datetime | None


def queue_tables_exist(engine: Engine) -> bool:
    """True if procrastinate's tables exist in the store's schema."""
    return inspect(engine).has_table("procrastinate_jobs")


def open_scans(engine: Engine, task: str) -> dict[int, str]:
    """Account ids (with names, or `#id` for an account no longer stored) with a queued or
    running job of `task`."""
    with engine.connect() as connection:
        rows = connection.execute(_OPEN_SCANS, {"task": task}).all()
    return {row.account_id: row.name or f"#{row.account_id}" for row in rows}


def scan_jobs(engine: Engine, task: str, stalled_after_seconds: float) -> list[AccountJobs]:
    """Per account: queued, running, stalled (worker silent that long) and failed jobs of `task`."""
    with engine.connect() as connection:
        rows = connection.execute(_SCAN_JOBS, {"task": task, "stalled": stalled_after_seconds})
        return [AccountJobs(account=row.account, queued=row.queued, running=row.running,
                            stalled=row.stalled, failed=row.failed, attempts=row.attempts or 0,
                            next_try=row.next_try) for row in rows]
