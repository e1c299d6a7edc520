"""The verbs: scan, audit, report, alert, import, purge, process webhooks, review, verify.

Each takes the configuration, loaded once by its caller (a command or a scheduled job), plus ids
and primitives; each opens the store, does one thing through the layers below and returns a
result the caller may print. `now` comes from one clock (store.engine.utcnow) unless given.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analysis.cost import PROJECTION_DAYS, AccountCost, account_costs, prices
from analysis.features import refresh_features
from analysis.lexicon import deployment_lexicon
from analysis.periods import last_complete_week, parse_week
from analysis.queries import FindingRow, list_findings
from analysis.selective import GroupResult, summarise
from modaudit.config import Config
from modaudit.fleet import executor_for
from modaudit.fleet.base import QueueStatus
from modaudit.intake.archive import import_archive
from modaudit.intake.scan import Progress, RunResult, run_scan, scan_all
from modaudit.intake.webhooks import ProcessOutcome, process_deliveries
from modaudit.notify import alerts, health, weekly
from modaudit.store import engine as store_engine
from modaudit.store import findings, retention
from modaudit.store.engine import check_schema, engine_for, utcnow
from modaudit.store.evidence import ChainProblem, verify_chain
from modaudit.store.reads import reads_by_account
from modaudit.store.retention import PurgeResult
from modaudit.store.schema import FindingReview

log = logging.getLogger(__name__)


def open_store(config: Config) -> Engine:
    """An engine on the configured database, refusing a missing, older or newer schema."""
    engine = engine_for(config.database)
    try:
        check_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@contextmanager
def _store(config: Config) -> Iterator[Engine]:
    engine = open_store(config)
    try:
        yield engine
    finally:
        engine.dispose()


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def init(config: Config) -> tuple[str | None, str, str | None]:
    """Create or upgrade the schema, and what the executor keeps in the database.

    Returns (revision before, revision after, the executor's note).
    """
    engine = engine_for(config.database)
    try:
        before, after = store_engine.upgrade(engine)
        return before, after, executor_for(config).prepare(engine)
    finally:
        engine.dispose()


def scan_account(config: Config, account_name: str, kind: str = "on_demand",
                 now: datetime | None = None, progress: Progress | None = None) -> RunResult:
    """Collect one account, store the snapshot and detect moderation, in one transaction."""
    account = config.account(account_name)
    with _store(config) as engine:
        return run_scan(engine, config, account, kind, now, progress)


def audit_all(config: Config, kind: str = "nightly", now: datetime | None = None,
              progress: Callable[[str, int, int], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> list[RunResult]:
    """Scan every configured account here, then send the nightly alerts."""
    with _store(config) as engine:
        results = scan_all(engine, config, kind, now, progress, should_stop)
        if config.report.nightly_alerts:
            alerts.alert_quietly(engine, config, _now(now))
    return results


def nightly(config: Config, should_stop: Callable[[], bool] | None = None) -> str:
    """The nightly audit by the configured executor, then the operator's failure notice."""
    with _store(config) as engine:
        summary = executor_for(config).night(engine, should_stop)
        try:
            notified = health.notify_failing_accounts(engine, config, utcnow())
        except Exception:
            log.exception("operator notice failed")
            notified = []
    return summary + (f"; operator told about {', '.join(notified)}" if notified else "")


def weekly_report(config: Config, week: str | None = None, institution: str | None = None,
                  send: bool = True, force: bool = False, out: str | None = None,
                  now: datetime | None = None, scan_wait: bool = False,
                  should_stop: Callable[[], bool] | None = None) -> list[weekly.ReportOutcome]:
    """The weekly report of `week` (default: the last complete ISO week), per institution.

    With `scan_wait`, the executor first waits (bounded) for scans still open; accounts whose
    scan has not finished are named in the report.
    """
    now = _now(now)
    period = parse_week(week) if week else last_complete_week(now, config.tz)
    with _store(config) as engine:
        unfinished = executor_for(config).unfinished(engine, scan_wait, should_stop)
        return weekly.run_weekly_report(engine, config, period, now=now, institution=institution,
                                        send=send, force=force, out=Path(out) if out else None,
                                        unfinished=unfinished)


def send_nightly_alerts(config: Config, now: datetime | None = None) -> list[alerts.AlertOutcome]:
    """Email managers the open high-severity findings not yet alerted (once per finding)."""
    with _store(config) as engine:
        return alerts.run_nightly_alerts(engine, config, _now(now))


def import_x_archive(config: Config, account_name: str, archive_path: str | Path,
                     now: datetime | None = None) -> RunResult:
    """Store an X archive's block and mute lists as an `archive` run."""
    account = config.account(account_name)
    with _store(config) as engine:
        return import_archive(engine, account, archive_path, _now(now))


def purge(config: Config, now: datetime | None = None) -> PurgeResult:
    """Apply `[retention]`: erase old comment text and names that no finding needs."""
    with _store(config) as engine, Session(engine) as session, session.begin():
        # The selective-moderation features, with the deployment's lexicon, before text goes.
        refresh_features(session, deployment_lexicon(config))
        return retention.purge(session, comment_text_days=config.retention.comment_text_days,
                               now=_now(now))


def queue_status(config: Config) -> QueueStatus | None:
    """The executor's queue per account, if it has one (read without the schema gate)."""
    engine = engine_for(config.database)
    try:
        return executor_for(config).queue_status(engine)
    finally:
        engine.dispose()


def housekeeping(config: Config) -> str | None:
    """The executor's daily housekeeping (e.g. pruning finished queue rows); what it did."""
    return executor_for(config).after_retention()


def process_webhooks(config: Config) -> ProcessOutcome:
    """Turn stored webhook deliveries that are still pending into events now."""
    with _store(config) as engine:
        return process_deliveries(engine, config)


def findings_of(config: Config, account: str | None = None,
                status: str | None = None) -> list[FindingRow]:
    """Findings with their evidence, oldest first, optionally of one account and status."""
    if account:
        config.account(account)
    with _store(config) as engine, Session(engine) as session:
        return list_findings(session, account, status)


def review(config: Config, finding_id: int, status: str, note: str, reviewed_by: str,
           now: datetime | None = None) -> FindingReview:
    """Record a manager's review of a finding (kept in its history)."""
    with _store(config) as engine, Session(engine) as session, session.begin():
        record = findings.review_finding(session, finding_id, status, note, reviewed_by, _now(now))
        session.expunge(record)
        return record


def local_bounds(config: Config, since: date | None,
                 until: date | None) -> tuple[datetime | None, datetime | None]:
    """[since 00:00, the day after `until` 00:00) in the configured zone: both days included."""
    start = datetime.combine(since, time(0), tzinfo=config.tz) if since else None
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=config.tz) if until else None
    return start, end


def selective(config: Config, account: str | None, since: date | None,
              until: date | None) -> list[GroupResult]:
    """Features for comments that still lack them, then every group's result, account by account."""
    names = [account] if account else [a.name for a in config.accounts]
    start, end = local_bounds(config, since, until)
    lexicon = deployment_lexicon(config)
    if account:
        config.account(account)
    with _store(config) as engine:
        with Session(engine) as session, session.begin():
            refresh_features(session, lexicon)
        with Session(engine) as session:
            summaries = summarise(session, names, start, end,
                                  min_group_size=config.selective.min_group_size,
                                  alpha=config.selective.alpha)
    return [result for summary in summaries for result in summary.results]


def verify(config: Config) -> tuple[int, list[ChainProblem]]:
    """Recompute every account's event chain: (events checked, problems)."""
    with _store(config) as engine, Session(engine) as session:
        return verify_chain(session)


def cost(config: Config, now: datetime | None = None,
         days: int = PROJECTION_DAYS) -> list[AccountCost]:
    """Each configured account's reads and estimated X spend over the last `days` days, and its
    projection over the next `days` at the rate of the nights recorded."""
    until = _now(now)
    names = [account.name for account in config.accounts]
    with _store(config) as engine, Session(engine) as session:
        rows = reads_by_account(session, until - timedelta(days=days), until, names)
    # The projection runs at the rate of the nights recorded (one run a night), not of 30 days.
    found = {c.account: replace(c, days=min(days, c.runs) or days)
             for c in account_costs(rows, prices(config.x), days)}
    return [found.get(a.name) or AccountCost(a.name, a.platform, 0, 0, 0, 0, 0,
                                             0.0 if a.platform == "x" else None, days)
            for a in config.accounts]
