"""The three verbs: scan one account, audit all accounts (then nightly alerts), weekly report.

Jobs take only ids and primitives, so any executor can run them, and read the clock once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from analysis.features import refresh_features
from analysis.lexicon import deployment_lexicon
from analysis.periods import last_complete_week, parse_week
from collectors.records import Interrupted, RunWarning
from modaudit import reports, retention, store
from modaudit.config import AccountConfig, Config, ConfigError, load_config
from modaudit.db import check_schema, engine_for, utcnow
from modaudit.detection import detect
from modaudit.failures import failure_warning
from modaudit.locks import LockHeld, account_lock
from modaudit.platforms import Collector, build_collector, secret_values
from modaudit.retention import PurgeResult

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


def open_store(config: Config) -> Engine:
    """An engine on the configured database, refusing a missing, older or newer schema."""
    engine = engine_for(config.database)
    check_schema(engine)
    return engine


def scan_account(config_path: str | Path, account_name: str, kind: str = "on_demand",
                 now: datetime | None = None, progress: Progress | None = None) -> RunResult:
    """Collect one account, store the snapshot and detect moderation, in one transaction."""
    config = load_config(config_path)
    engine = open_store(config)
    try:
        return run_scan(engine, config, account_name, kind, now, progress)
    finally:
        engine.dispose()


def audit_all(config_path: str | Path, kind: str = "nightly", now: datetime | None = None,
              progress: Callable[[str, int, int], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> list[RunResult]:
    """Scan every configured account; one failing account never stops the others."""
    config = load_config(config_path)
    engine = open_store(config)
    results = []
    try:
        for account in config.accounts:
            if should_stop is not None and should_stop():
                log.warning("audit stopped before account %s: shutting down", account.name)
                break
            def account_progress(done: int, total: int, name: str = account.name) -> None:
                if progress:
                    progress(name, done, total)
            results.append(run_scan(engine, config, account.name, kind, now, account_progress,
                                    should_stop))
        if config.report.nightly_alerts:
            reports.alert_quietly(engine, config, now if now is not None else utcnow())
    finally:
        engine.dispose()
    return results


def weekly_report(config_path: str | Path, week: str | None = None, institution: str | None = None,
                  send: bool = True, force: bool = False, out: str | None = None,
                  now: datetime | None = None, scan_wait: bool = False,
                  should_stop: Callable[[], bool] | None = None) -> list[reports.ReportOutcome]:
    """The weekly report of `week` (default: the last complete ISO week), per institution.

    On procrastinate workers, `scan_wait` first waits (bounded) for the night's scans; accounts
    whose scan is still open are named in the report.
    """
    config = load_config(config_path)
    now = now if now is not None else utcnow()
    period = parse_week(week) if week else last_complete_week(now, config.tz)
    engine = open_store(config)
    try:
        unfinished: frozenset[str] = frozenset()
        if config.executor.kind == "procrastinate":
            from modaudit.scan_queue import unfinished_scans

            unfinished = unfinished_scans(engine, config, scan_wait, should_stop)
        return reports.run_weekly_report(engine, config, period, now=now, institution=institution,
                                         send=send, force=force, out=Path(out) if out else None,
                                         unfinished=unfinished)
    finally:
        engine.dispose()


def send_nightly_alerts(config_path: str | Path,
                        now: datetime | None = None) -> list[reports.AlertOutcome]:
    """Email managers the open high-severity findings not yet alerted (once per finding)."""
    config = load_config(config_path)
    engine = open_store(config)
    try:
        return reports.run_nightly_alerts(engine, config, now if now is not None else utcnow())
    finally:
        engine.dispose()


def run_scan(engine: Engine, config: Config, account_name: str, kind: str,
             now: datetime | None = None, progress: Progress | None = None,
             should_stop: Callable[[], bool] | None = None) -> RunResult:
    """Scan one account on an open engine under its account lock (the body of `scan_account`).

    A scan of the same account already under way elsewhere makes this one `busy`, not a second
    collection; `should_stop` is polled between listings so a service can shut down cleanly.
    Whatever goes wrong is this account's failed result, never an exception that stops the night.
    """
    account = config.account(account_name)
    try:
        with Session(engine) as session, session.begin():
            # Only this account's row: with thousands of accounts and parallel workers, syncing
            # all of them in every scan would make scans queue behind each other's row locks.
            account_id = store.sync_accounts(session, [account], utcnow())[account.name]
        with account_lock(engine, account_id, account.name):
            return _scan_locked(engine, config, account_id, account, kind, now, progress,
                                should_stop)
    except LockHeld as exc:
        log.warning("account %s is busy: %s", account.name, exc)
        return RunResult(account=account.name, run_id=None, status="busy",
                         warnings=[RunWarning("account_busy", f"a scan is already running: {exc}")])
    except Exception as exc:  # the database itself failed: nothing could be recorded
        warning = failure_warning(exc, secret_values(account), "store_failed")
        log.error("account %s: scan not recorded: %s", account.name, warning.message)
        return RunResult(account=account.name, run_id=None, status="failed", warnings=[warning])


def _last_start(session: Session, account_id: int) -> datetime | None:
    from modaudit.db import Run

    return session.scalar(select(func.max(Run.started_at)).where(Run.account_id == account_id))


def _scan_locked(engine: Engine, config: Config, account_id: int, account: AccountConfig,
                 kind: str, now: datetime | None, progress: Progress | None,
                 should_stop: Callable[[], bool] | None) -> RunResult:
    def clock() -> datetime:
        return now if now is not None else utcnow()
    def checked_progress(done: int, total: int) -> None:
        if should_stop is not None and should_stop():
            raise Interrupted("the service is shutting down")
        if progress:
            progress(done, total)
    secrets = secret_values(account)
    with Session(engine) as session, session.begin():
        last = _last_start(session, account_id)
        if last is not None and clock() < last:
            # Brackets and "last complete listing" assume time moves forward: refuse the run.
            warning = RunWarning("clock_moved_back", f"the clock says {clock():%Y-%m-%d %H:%M:%S} "
                                 f"UTC, before this account's last run ({last:%Y-%m-%d %H:%M:%S} "
                                 "UTC); scan refused, check the system clock (NTP)")
            log.error("account %s: %s", account.name, warning.message)
            return RunResult(account=account.name, run_id=None, status="failed", warnings=[warning])
        # Under the account lock, a run still `running` was left by a killed process.
        store.close_interrupted_runs(session, account_id, clock())
        run_id = store.start_run(session, account_id, kind, clock())
    result = RunResult(account=account.name, run_id=run_id, status="failed")
    collector: Collector | None = None
    try:
        collector = build_collector(config, account)
        fetched_at = clock()
        snapshot = collector.collect(now=fetched_at,
                                     since=fetched_at - timedelta(days=config.collect.window_days),
                                     progress=checked_progress)
    except Exception as exc:
        return _failed(engine, result, failure_warning(exc, secrets), clock(),
                       collector.api_calls if collector else 0)
    try:
        with Session(engine) as session, session.begin():
            store.save_snapshot(session, account_id, run_id, snapshot)
            outcome = detect(session, account_id=account_id, platform=account.platform,
                             run_id=run_id, snapshot=snapshot, collector=collector, clock=clock,
                             max_lookups=config.collect.max_lookups_per_run)
            warnings = snapshot.warnings + outcome.warnings
            result.status = store.finish_run(session, run_id, snapshot, clock(), warnings,
                                             api_calls=collector.api_calls,
                                             unconfirmed=outcome.unconfirmed > 0)
    except Exception as exc:
        # Everything this run observed was rolled back; record why, so the next run starts clean.
        log.debug("account %s: run %d could not be stored", account.name, run_id, exc_info=True)
        return _failed(engine, result, failure_warning(exc, secrets, "store_failed"), clock(),
                       collector.api_calls)
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
            api_calls: int) -> RunResult:
    """Record the run as failed with its one warning; the result says the same."""
    result.warnings, result.api_calls = [warning], api_calls
    log.warning("account %s: run %s failed: %s: %s", result.account, result.run_id, warning.code,
                warning.message)
    with Session(engine) as session, session.begin():
        store.finish_run(session, result.run_id or 0, None, now, result.warnings, failed=True,
                         api_calls=api_calls)
    return result


class ArchiveRefused(Exception):
    """An archive that would rewrite history rather than add to it."""


class ArchiveAlreadyImported(ArchiveRefused):
    """The very same archive (owner, generation time, content) was imported before: a no-op."""


# An archive "generated" later than this past our clock is refused: its date cannot be true, and
# accepting it would make every real archive look older than the last collection.
ARCHIVE_CLOCK_SKEW = timedelta(minutes=5)


def _check_archive_date(session: Session, account_id: int, generated: datetime, digest: str,
                        now: datetime) -> None:
    """Refuse an archive from the future, one older than the last collection, or a duplicate."""
    from modaudit.db import Run

    if generated > now + ARCHIVE_CLOCK_SKEW:
        raise ArchiveRefused(f"the archive says it was generated {generated:%Y-%m-%d %H:%M} UTC, "
                             f"later than now ({now:%Y-%m-%d %H:%M} UTC); check the file and the "
                             "clock")
    same_time = session.execute(
        select(Run.id, Run.kind, Run.content_digest)
        .where(Run.account_id == account_id, Run.fetched_at == generated,
               Run.status.in_(("ok", "partial")))).first()
    if same_time is not None and same_time.content_digest == digest:
        raise ArchiveAlreadyImported(f"this archive was already imported as run {same_time.id}; "
                                     "nothing to do")
    if same_time is not None:
        raise ArchiveRefused(f"run {same_time.id} ({same_time.kind}) is dated exactly at the "
                             f"archive's generation time {generated:%Y-%m-%d %H:%M:%S} UTC with "
                             "other content; refused as a duplicate")
    latest = session.scalar(select(func.max(Run.fetched_at)).where(
        Run.account_id == account_id, Run.status.in_(("ok", "partial"))))
    if latest is not None and generated < latest:
        raise ArchiveRefused(
            f"the archive was generated {generated:%Y-%m-%d %H:%M} UTC, before the account's "
            f"last collection ({latest:%Y-%m-%d %H:%M} UTC); importing it would reorder history")


def import_x_archive(config_path: str | Path, account_name: str, archive_path: str | Path,
                     now: datetime | None = None) -> RunResult:
    """Store an X archive's block/mute lists as an `archive` run and diff them like any snapshot.

    The archive is read and checked completely before anything is written; then the run, its
    lists, the events and the findings are committed in one transaction.
    """
    from collectors.x_archive import content_digest, read_archive

    config = load_config(config_path)
    account = config.account(account_name)
    if account.platform != "x":
        raise ConfigError(f"account {account_name!r} is on {account.platform}, not X")
    now = now if now is not None else utcnow()
    snapshot = read_archive(archive_path, account.account_id, fetched_at=now)
    digest = content_digest(snapshot)
    engine = open_store(config)
    try:
        with Session(engine) as session, session.begin():
            account_id = store.sync_accounts(session, [account], now)[account.name]
            _check_archive_date(session, account_id, snapshot.fetched_at, digest, now)
            run_id = store.start_run(session, account_id, "archive", now)
            store.save_snapshot(session, account_id, run_id, snapshot)
            store.set_content_digest(session, run_id, digest)
            outcome = detect(session, account_id=account_id, platform="x", run_id=run_id,
                             snapshot=snapshot, collector=None, clock=lambda: now)
            status = store.finish_run(session, run_id, snapshot, now, snapshot.warnings)
    finally:
        engine.dispose()
    return RunResult(account=account.name, run_id=run_id, status=status, events=outcome.events,
                     findings_opened=outcome.findings_opened, findings_closed=outcome.findings_closed)


def purge(config_path: str | Path, now: datetime | None = None) -> PurgeResult:
    """Apply `[retention]`: erase old comment text and names that no finding needs."""
    config = load_config(config_path)
    engine = open_store(config)
    try:
        with Session(engine) as session, session.begin():
            # The selective-moderation features, with the deployment's lexicon, before text goes.
            refresh_features(session, deployment_lexicon(config))
            return retention.purge(session, comment_text_days=config.retention.comment_text_days,
                                   now=now if now is not None else utcnow())
    finally:
        engine.dispose()
