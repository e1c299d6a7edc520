"""One account's scan under its lock, in three phases (docs/architecture.md §5).

*Read* (short transactions: the run row, the plan, the stored state), *ask* (collection and every
lookup, with no transaction open and no connection held), *write* (one short transaction: the
snapshot, the decisions, events, findings, chain records and the run's end). A review, a webhook
or a second command never waits on the platform behind this scan's write lock.

Whatever goes wrong in one account's scan is recorded on its run and returned, never raised: the
night goes on with the next account.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analysis.lookups import lookups_needed
from collectors.records import Interrupted, RunWarning
from modaudit.clock import utcnow
from modaudit.config import AccountConfig, Config
from modaudit.intake.advice import fix_for
from modaudit.intake.collectors import Collector, build_collector, secret_values
from modaudit.intake.confirmation import ask_platform
from modaudit.intake.failures import failure_warning
from modaudit.intake.plan import build_plan
from modaudit.intake.scan_detection import detect
from modaudit.store import reads, recheck, run_history, runs
from modaudit.store.locks import LockHeld, account_lock
from modaudit.store.scan_state import read_stored_state

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass
class RunResult:
    """The outcome of one scan, as stored in its run row."""

    account: str
    run_id: int | None
    status: str
    api_calls: int = 0
    posts: int = 0
    comments: int = 0
    events: int = 0
    findings_opened: int = 0
    findings_closed: int = 0
    listing_glitches: int = 0
    warnings: list[RunWarning] = field(default_factory=list)


def run_scan(engine: Engine, config: Config, account: AccountConfig, kind: str,
             now: datetime | None = None, progress: Progress | None = None,
             should_stop: Callable[[], bool] | None = None,
             scheduled: bool | None = None) -> RunResult:
    """Scan one account on an open engine under its account lock.

    Nightly runs read what the re-check schedule asks for; an `on_demand` scan (someone asked
    for a check now), or `scheduled=False`, reads everything in the window (a full re-crawl).
    A scan of the same account already under way elsewhere makes this one `busy`, not a second
    collection; `should_stop` is polled between listings so a service can shut down cleanly.
    Whatever goes wrong is this account's failed result, never an exception that stops the night.
    """
    try:
        with Session(engine) as session, session.begin():
            # Only this account's row: with thousands of accounts and parallel workers, syncing
            # all of them in every scan would make scans queue behind each other's row locks.
            account_id = runs.sync_accounts(session, [account], utcnow())[account.name]
        if scheduled is None:
            scheduled = kind != "on_demand"
        with account_lock(engine, account_id, account.name):
            return _scan_locked(engine, config, account_id, account, kind, now, progress,
                                should_stop, scheduled)
    except LockHeld as exc:
        log.warning("account %s is busy: %s", account.name, exc)
        return RunResult(account=account.name, run_id=None, status="busy",
                         warnings=[RunWarning("account_busy", f"a scan is already running: {exc}")])
    except Exception as exc:  # the database itself failed: nothing could be recorded
        warning = failure_warning(exc, secret_values(account), "store_failed")
        log.error("account %s: scan not recorded: %s", account.name, warning.message)
        return RunResult(account=account.name, run_id=None, status="failed", warnings=[warning])


def _scan_locked(engine: Engine, config: Config, account_id: int, account: AccountConfig,
                 kind: str, now: datetime | None, progress: Progress | None,
                 should_stop: Callable[[], bool] | None, scheduled: bool = True) -> RunResult:
    def clock() -> datetime:
        return now if now is not None else utcnow()
    def checked_progress(done: int, total: int) -> None:
        if should_stop is not None and should_stop():
            raise Interrupted("the service is shutting down")
        if progress:
            progress(done, total)
    secrets = secret_values(account)
    with Session(engine) as session, session.begin():
        last = run_history.last_started_at(session, account_id)
        if last is not None and clock() < last:
            # Brackets and "last complete listing" assume time moves forward: refuse the run.
            warning = RunWarning("clock_moved_back", f"the clock says {clock():%Y-%m-%d %H:%M:%S} "
                                 f"UTC, before this account's last run ({last:%Y-%m-%d %H:%M:%S} "
                                 "UTC); scan refused, check the system clock (NTP)")
            log.info("account %s: %s", account.name, warning.message)
            return RunResult(account=account.name, run_id=None, status="failed", warnings=[warning])
        # Under the account lock, a run still `running` was left by a killed process.
        runs.close_interrupted_runs(session, account_id, clock())
        run_id = runs.start_run(session, account_id, kind, clock())
    # Read: what tonight's plan and lookups need, in a transaction of its own (nothing written).
    with Session(engine) as session, session.begin():
        fetched_at = clock()
        since = fetched_at - timedelta(days=config.collect.window_days)
        stored = recheck.stored_posts(session, account_id, since)
        plan = build_plan(session, config, account, account_id, fetched_at) if scheduled else None
        stored_state = read_stored_state(session, account_id, since)
    result = RunResult(account=account.name, run_id=run_id, status="failed")
    collector: Collector | None = None
    try:
        # Ask: the platform, with no transaction open and no connection held.
        collector = build_collector(config, account)
        snapshot = collector.collect(now=fetched_at, since=since, progress=checked_progress,
                                     plan=plan)
        answers = ask_platform(collector, lookups_needed(stored_state, snapshot),
                               config.collect.max_lookups_per_run, clock, should_stop)
    except Exception as exc:
        warning = failure_warning(exc, secrets, fix=fix_for(exc, config, account))
        return _failed(engine, result, warning, clock(), collector.api_calls if collector else 0,
                       collector.meter.rows() if collector else [])
    try:
        # Write: one short transaction; detection uses the answers and never calls the platform.
        with Session(engine) as session, session.begin():
            runs.save_snapshot(session, account_id, run_id, snapshot)
            recheck.record_rechecks(session, account_id, run_id, snapshot, stored)
            outcome = detect(session, account_id=account_id, platform=account.platform,
                             run_id=run_id, snapshot=snapshot, answers=answers, clock=clock,
                             max_lookups=config.collect.max_lookups_per_run)
            warnings = snapshot.warnings + outcome.warnings
            reads.save_reads(session, run_id, collector.meter.rows())
            result.status = runs.finish_run(session, run_id, snapshot, clock(), warnings,
                                             api_calls=collector.api_calls,
                                             unconfirmed=outcome.unconfirmed > 0)
    except Exception as exc:
        # Everything this run observed was rolled back; record why, so the next run starts clean.
        log.debug("account %s: run %d could not be stored", account.name, run_id, exc_info=True)
        return _failed(engine, result, failure_warning(exc, secrets, "store_failed"), clock(),
                       collector.api_calls, collector.meter.rows())
    result.api_calls = collector.api_calls
    result.posts = len(snapshot.listings)
    result.comments = sum(len(listing.comments) for listing in snapshot.listings)
    result.events = outcome.events
    result.findings_opened = outcome.findings_opened
    result.findings_closed = outcome.findings_closed
    result.listing_glitches = outcome.listing_glitches
    result.warnings = warnings
    log.info("account %s: run %d %s, %d events, %d new findings", account.name, run_id,
             result.status, result.events, result.findings_opened)
    return result


def _failed(engine: Engine, result: RunResult, warning: RunWarning, now: datetime,
            api_calls: int, read_rows: list[tuple[str, str, int, int]] | None = None) -> RunResult:
    """Record the run as failed with its one warning, and what it read (X bills it anyway)."""
    result.warnings, result.api_calls = [warning], api_calls
    # INFO: a command prints the result's warning; `serve` logs INFO, so it is said once each.
    log.info("account %s: run %s failed: %s: %s", result.account, result.run_id, warning.code,
                warning.message)
    with Session(engine) as session, session.begin():
        runs.finish_run(session, result.run_id or 0, None, now, result.warnings, failed=True,
                         api_calls=api_calls)
        if result.run_id and read_rows:
            reads.save_reads(session, result.run_id, read_rows)
    return result


def scan_all(engine: Engine, config: Config, kind: str = "nightly", now: datetime | None = None,
             progress: Callable[[str, int, int], None] | None = None,
             should_stop: Callable[[], bool] | None = None) -> list[RunResult]:
    """Scan every configured account here, one after the other; one failure never stops the rest."""
    results = []
    for account in config.accounts:
        if should_stop is not None and should_stop():
            log.warning("audit stopped before account %s: shutting down", account.name)
            break
        def account_progress(done: int, total: int, name: str = account.name) -> None:
            if progress:
                progress(name, done, total)
        results.append(run_scan(engine, config, account, kind, now, account_progress, should_stop))
    return results
