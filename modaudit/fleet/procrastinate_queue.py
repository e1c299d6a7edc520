"""The scheduler's side of the procrastinate executor: enqueue the night, watch it, keep it healthy.

Reads procrastinate's tables through the store (`store/queue_jobs`, same database, same schema);
writes to the queue only through procrastinate itself.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from modaudit.clock import utcnow
from modaudit.config import Config, ConfigError, load_config
from modaudit.fleet.base import SCAN_TASK
from modaudit.store import queue_jobs, runs
from modaudit.store.engine import engine_for
from modaudit.store.queue_jobs import AccountJobs

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0

def load_taskqueue() -> ModuleType:
    """modaudit.fleet.tasks, or a ConfigError naming the missing extra.

    Imported here, not at the top, because procrastinate is an optional dependency: reading the
    queue's tables needs only SQL.
    """
    try:
        tasks = importlib.import_module("modaudit.fleet.tasks")
    except ImportError as exc:  # the optional extra is not installed
        raise ConfigError("executor.kind: procrastinate needs the procrastinate package "
                          "(pip install 'modaudit[procrastinate]')") from exc
    return tasks


def queue_schema_applied(engine: Engine) -> bool:
    """True if procrastinate's tables exist in the store's schema."""
    return queue_jobs.queue_tables_exist(engine)


def apply_queue_schema(config: Config, engine: Engine) -> str:
    """Create procrastinate's schema beside the store's unless present; says what it did."""
    if queue_schema_applied(engine):
        return "task queue schema (procrastinate) is present"
    taskqueue = load_taskqueue()
    with taskqueue.build_app(config).open() as app:
        app.schema_manager.apply_schema()
    return f"task queue schema created (procrastinate {taskqueue.procrastinate.__version__})"


def open_scans(engine: Engine) -> dict[int, str]:
    """Account ids (with names) that have a queued or running scan job."""
    return queue_jobs.open_scans(engine, SCAN_TASK)


@dataclass(frozen=True)
class Enqueued:
    """What one night's enqueueing did."""

    enqueued: int
    already_open: list[str]


def enqueue_night(config: Config, kind: str = "nightly", now: datetime | None = None) -> Enqueued:
    """Queue one scan per configured account, skipping accounts whose previous scan is still open."""
    engine = engine_for(config.database)
    try:
        with Session(engine) as session, session.begin():
            ids = runs.sync_accounts(session, config.accounts, now or utcnow())
        busy = open_scans(engine)
        due = [ids[account.name] for account in config.accounts if ids[account.name] not in busy]
        taskqueue = load_taskqueue()
        with taskqueue.build_app(config).open() as app:
            enqueued = taskqueue.defer_scans(app, due, kind)
    finally:
        engine.dispose()
    configured = {ids[account.name] for account in config.accounts}
    skipped = sorted(name for account_id, name in busy.items() if account_id in configured)
    if skipped:
        log.warning("%d accounts still have an open scan, not queued again: %s", len(skipped),
                    ", ".join(skipped[:20]))
    return Enqueued(enqueued=enqueued, already_open=skipped)


def wait_for_scans(engine: Engine, seconds: float,
                   should_stop: Callable[[], bool] | None = None) -> list[str]:
    """Wait up to `seconds` for the queue to hold no open scan; the accounts still open then."""
    deadline = time.monotonic() + seconds
    while True:
        pending = open_scans(engine)
        if not pending or time.monotonic() >= deadline or (should_stop and should_stop()):
            return sorted(pending.values())
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def scan_night(config: Config, engine: Engine, should_stop: Callable[[], bool] | None = None) -> str:
    """Enqueue the night and wait (bounded) for the workers; a summary (alerts: fleet/night)."""
    started = time.monotonic()
    outcome = enqueue_night(config)
    pending = wait_for_scans(engine, config.executor.night_wait_seconds, should_stop)
    summary = f"{outcome.enqueued} scans queued"
    if outcome.already_open:
        summary += f", {len(outcome.already_open)} accounts still had an open scan"
    if pending:
        summary += (f"; {len(pending)} still open after {time.monotonic() - started:.0f} s: "
                    f"{', '.join(pending[:10])}{' …' if len(pending) > 10 else ''}")
    else:
        summary += f"; all done in {time.monotonic() - started:.0f} s"
    return summary


def retry_stalled_scans(config_path: str) -> str:
    """The service's periodic job: re-queue scans whose worker died (no heartbeat)."""
    recovered = recover_stalled(load_config(config_path))
    return f"{len(recovered)} stalled scans re-queued" if recovered else "no stalled scans"


def recover_stalled(config: Config) -> list[int]:
    """Re-queue scans whose worker stopped sending heartbeats (killed); returns their job ids."""
    return asyncio.run(_recover_stalled(config))


async def _recover_stalled(config: Config) -> list[int]:
    app = load_taskqueue().build_app(config)
    recovered = []
    async with app.open_async():
        stalled = await app.job_manager.get_stalled_jobs(
            task_name=SCAN_TASK, seconds_since_heartbeat=config.executor.stalled_after_seconds)
        for job in stalled:
            # The same lock and the same attempt count: the account is scanned again, once.
            await app.job_manager.retry_job(job)
            log.warning("re-queued stalled scan %s (its worker stopped sending heartbeats)",
                        job.call_string)
            recovered.append(job.id)
    return recovered


def prune_finished_jobs(config: Config) -> None:
    """Delete queue rows that finished more than `[executor] job_retention_days` ago."""
    asyncio.run(_prune(config))


async def _prune(config: Config) -> None:
    app = load_taskqueue().build_app(config)
    async with app.open_async():
        await app.job_manager.delete_old_jobs(
            nb_hours=config.executor.job_retention_days * 24, include_failed=True,
            include_cancelled=True, include_aborted=True)


def scan_jobs(engine: Engine, config: Config) -> list[AccountJobs]:
    """Per account: queued, running, stalled (worker silent) and failed scan jobs."""
    return queue_jobs.scan_jobs(engine, SCAN_TASK, config.executor.stalled_after_seconds)
