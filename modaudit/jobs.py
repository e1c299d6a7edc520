"""The verbs: scan, audit, report, alert, import, purge, process webhooks, review, verify, users.

Each takes the configuration, loaded once by its caller (a command or a scheduled job), plus ids
and primitives; each opens the store, does one thing through the layers below and returns a
result the caller may print. `now` comes from one clock (modaudit/clock.utcnow) unless given.
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

from analysis.cost import (
    PROJECTION_DAYS,
    AccountCost,
    QuotaProject,
    account_costs,
    prices,
    quota_day_start,
    quota_projects,
)
from analysis.lexicon import deployment_lexicon
from analysis.selective import GroupResult
from modaudit.clock import utcnow
from modaudit.config import Config, ConfigError
from modaudit.fleet import executor_for
from modaudit.fleet.base import QueueStatus
from modaudit.fleet.local import LocalExecutor
from modaudit.intake import checks
from modaudit.intake.archive import import_archive
from modaudit.intake.checks import Check
from modaudit.intake.classify import refresh_features
from modaudit.intake.scan import Progress, RunResult, run_scan
from modaudit.intake.webhooks import ProcessOutcome, process_deliveries
from modaudit.notify import alerts, health, weekly
from modaudit.notify.anchoring import AnchorOutcome, anchor_heads
from modaudit.notify.export_files import ExportResult, run_export
from modaudit.notify.mail import smtp_problem
from modaudit.report.periods import last_complete_week, parse_week
from modaudit.report.selective_section import summarise
from modaudit.report.witness import read_heads
from modaudit.store import engine as store_engine
from modaudit.store import findings, retention, users
from modaudit.store.engine import check_schema, engine_for
from modaudit.store.finding_rows import FindingRow, list_findings
from modaudit.store.reads import reads_by_account, units_since
from modaudit.store.retention import PurgeResult
from modaudit.store.runs import sync_accounts
from modaudit.store.schema import FindingReview
from modaudit.store.schema_users import User
from modaudit.store.timestamps import load_certificates
from modaudit.store.verify import VerifyResult, WitnessedHead, verify_store

log = logging.getLogger(__name__)


def open_store(config: Config) -> Engine:
    """An engine on the configured database, refusing a missing, older or newer schema."""
    missing = store_engine.missing_store_problem(config.database)
    if missing:  # before connecting: SQLite would create an empty file and say "no schema"
        raise store_engine.StoreUnavailable(missing)
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
    """Collect one account and ask the platform, then store the snapshot and detect, in one write."""
    account = config.account(account_name)
    with _store(config) as engine:
        return run_scan(engine, config, account, kind, now, progress)


def audit_all(config: Config, kind: str = "nightly", now: datetime | None = None,
              progress: Callable[[str, int, int], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> list[RunResult]:
    """Scan every configured account here, then send the nightly alerts (one night, as `serve`'s)."""
    with _store(config) as engine:
        return LocalExecutor(config).run(engine, kind, now, progress, should_stop).results


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
           now: datetime | None = None, on_behalf_of: str | None = None) -> FindingReview:
    """Record a review of a finding (kept in its history): by whom, and for whom."""
    with _store(config) as engine, Session(engine) as session, session.begin():
        record = findings.review_finding(session, finding_id, status, note, reviewed_by, _now(now),
                                         on_behalf_of=on_behalf_of)
        session.expunge(record)
        return record


# Who a chained user change names when it was made at the server's command line.
CLI_ACTOR = "command line"


def password_link(config: Config, token: str) -> str:
    """The one-time link where a user sets their password."""
    return f"{config.web.base_url or 'http://127.0.0.1:8090'}/parola/{token}"


def add_user(config: Config, email: str, role: str, institutions: list[str],
             now: datetime | None = None) -> tuple[User, str]:
    """A new portal user and their one-time password link (48 hours)."""
    known = {account.institution for account in config.accounts}
    unknown = sorted(set(institutions) - known)
    if unknown:
        raise users.UserError(f"no configured account has institution {unknown[0]!r} "
                              f"(known: {', '.join(sorted(known)) or 'none'})")
    with _store(config) as engine, Session(engine) as session, session.begin():
        sync_accounts(session, config.accounts, _now(now))  # the chains the change is written on
        user = users.add_user(session, email, role, institutions, _now(now), by=CLI_ACTOR)
        token = users.issue_token(session, user, _now(now))
        session.expunge(user)
        return user, password_link(config, token)


def list_users(config: Config) -> list[User]:
    """Every portal user, by address."""
    with _store(config) as engine, Session(engine) as session:
        rows = users.list_users(session)
        session.expunge_all()
        return rows


def disable_user(config: Config, email: str, now: datetime | None = None) -> User:
    """Disable a user: their sessions end at the next request, their links stop working."""
    with _store(config) as engine, Session(engine) as session, session.begin():
        sync_accounts(session, config.accounts, _now(now))
        user = users.set_disabled(session, email, _now(now), by=CLI_ACTOR)
        session.expunge(user)
        return user


def reset_user(config: Config, email: str, now: datetime | None = None, *,
               end_password: bool = True) -> str:
    """A new one-time password link for an existing user (48 hours); older links stop working,
    and unless `end_password` is False the current password and open sessions end too."""
    with _store(config) as engine, Session(engine) as session, session.begin():
        sync_accounts(session, config.accounts, _now(now))
        _, token = users.reset_user(session, email, _now(now), end_password=end_password,
                                    by=CLI_ACTOR)
        return password_link(config, token)


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


def check(config: Config) -> list[Check]:
    """`modaudit check`: secrets, database, SMTP (EHLO, no mail), every token, webhook secrets,
    the portal's session secret, the TSA and Bluesky's Jetstream."""
    where = str(config.path) if config.path else "the configuration"
    results = [Check("config", True, f"{where}: valid, {len(config.accounts)} accounts")]
    results += checks.secret_checks(config)
    database = store_engine.database_problem(config.database)
    results.append(Check("database", database is None, database or "reachable, schema current"))
    smtp = smtp_problem(config.smtp, timeout=config.collect.timeout_seconds)
    results.append(Check("smtp", smtp is None,
                         smtp or f"{config.smtp.host}:{config.smtp.port} answers EHLO"))
    results += [checks.account_check(config, account) for account in config.accounts]
    results += checks.webhook_checks(config.meta_webhook)
    results += [checks.portal_check(config.web), checks.timestamp_check(config.timestamp)]
    results += [line for line in (checks.jetstream_check(config),) if line is not None]
    return results


def check_at_start(config: Config, now: datetime | None = None) -> list[Check]:
    """The checks `serve` runs when it starts: failures are logged and mailed to the operator."""
    try:
        results = check(config)
    except Exception:  # a broken probe must not keep the schedule from starting
        log.exception("the start-up checks failed to run")
        return []
    failed = [f"{c.name}: {c.detail}" for c in results if not c.ok]
    for line in failed:
        log.error("check failed: %s", line)
    if failed:
        health.notify_check_failures(config, failed, _now(now))
    return results


def verify(config: Config, reports: tuple[str | Path, ...] = ()) -> VerifyResult:
    """Recompute every chain, replay the findings, check every token and each saved report's
    printed heads against the database."""
    witnessed = []
    for report in reports:
        path = Path(report)
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
        found = read_heads(text)
        if not found:
            raise ConfigError(f"{path}: no chain heads in it (chain-head lines); is it a weekly "
                              "report?")
        witnessed += [WitnessedHead(account, count, hash_, f"report {path.name} (head {count})")
                      for account, count, hash_ in found]
    roots = load_certificates(config.timestamp.ca_file) if config.timestamp.ca_file else None
    with _store(config) as engine, Session(engine) as session:
        return verify_store(session, roots, witnessed)


def anchor(config: Config, now: datetime | None = None,
           notify: bool = False) -> list[AnchorOutcome]:
    """Time-stamp every account's chain head not yet covered by a token (`[timestamp]`); with
    `notify` (the daily job), tell the operator about heads waiting a day or more."""
    with _store(config) as engine:
        outcomes = anchor_heads(engine, config, _now(now))
        if notify:
            try:
                health.notify_pending_anchors(engine, config, _now(now))
            except Exception:
                log.exception("operator notice failed")
        return outcomes


def export(config: Config, out: str | Path, *, finding_id: int | None = None,
           account: str | None = None, since: date | None = None, until: date | None = None,
           now: datetime | None = None, replace: bool = False) -> ExportResult:
    """Write the evidence package of one finding, or of an account's findings detected from
    `since` to `until` (both days included), to a new folder or .zip (`replace`: in place of an
    earlier package); returns where, and the time-stamp of its list of files."""
    if account:
        config.account(account)
    start, end = local_bounds(config, since, until)
    scope = (f"bulgu {finding_id}" if finding_id is not None else
             f"{account}, {since or '…'} – {until or '…'}")
    with _store(config) as engine:
        return run_export(engine, config, Path(out), now=_now(now), finding_id=finding_id,
                          account=account, since=start, until=end, scope=scope, replace=replace)


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
    return [found.get(a.name) or AccountCost.nothing_read(a.name, a.platform, days)
            for a in config.accounts]


def quota_today(config: Config, now: datetime | None = None) -> list[QuotaProject]:
    """Each quota project's (accounts sharing an OAuth client) units spent since the last reset
    (midnight Pacific time), from the runs' recorded reads."""
    projects = quota_projects(config)
    if not projects:
        return []
    since = quota_day_start(_now(now))
    with _store(config) as engine, Session(engine) as session:
        units = units_since(session, since, [n for p in projects for n in p.accounts])
    return [project.spending(units) for project in projects]
