"""The three verbs: scan one account, audit all accounts (the weekly report comes later).

Jobs take only ids and primitives, so any executor can run them, and read the clock once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from collectors.records import CollectorError, RunWarning
from modaudit import store
from modaudit.config import Config, ConfigError, load_config
from modaudit.db import check_schema, make_engine, utcnow
from modaudit.detection import detect
from modaudit.platforms import build_collector

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
    engine = make_engine(config.database.url)
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
              progress: Callable[[str, int, int], None] | None = None) -> list[RunResult]:
    """Scan every configured account; one failing account never stops the others."""
    config = load_config(config_path)
    engine = open_store(config)
    results = []
    try:
        for account in config.accounts:
            def account_progress(done: int, total: int, name: str = account.name) -> None:
                if progress:
                    progress(name, done, total)
            results.append(run_scan(engine, config, account.name, kind, now, account_progress))
    finally:
        engine.dispose()
    return results


def run_scan(engine: Engine, config: Config, account_name: str, kind: str,
             now: datetime | None = None, progress: Progress | None = None) -> RunResult:
    """Scan one account on an open engine (the body of `scan_account`)."""
    account = config.account(account_name)
    def clock() -> datetime:
        return now if now is not None else utcnow()
    with Session(engine) as session, session.begin():
        account_ids = store.sync_accounts(session, config.accounts, clock())
        account_id = account_ids[account.name]
        store.close_interrupted_runs(session, account_id, clock())
        run_id = store.start_run(session, account_id, kind, clock())
    result = RunResult(account=account.name, run_id=run_id, status="failed")
    try:
        collector = build_collector(config, account)
        fetched_at = clock()
        snapshot = collector.collect(now=fetched_at,
                                     since=fetched_at - timedelta(days=config.collect.window_days),
                                     progress=progress)
    except (CollectorError, ConfigError) as exc:
        code = "config" if isinstance(exc, ConfigError) else type(exc).__name__
        result.warnings = [RunWarning(code, str(exc))]
        with Session(engine) as session, session.begin():
            store.finish_run(session, run_id, None, clock(), result.warnings, failed=True)
        log.warning("account %s: run %d failed: %s", account.name, run_id, exc)
        return result
    try:
        with Session(engine) as session, session.begin():
            store.save_snapshot(session, account_id, run_id, snapshot)
            outcome = detect(session, account_id=account_id, platform=account.platform,
                             run_id=run_id, snapshot=snapshot, collector=collector, clock=clock)
            warnings = snapshot.warnings + outcome.warnings
            result.status = store.finish_run(session, run_id, snapshot, clock(), warnings,
                                             api_calls=collector.api_calls)
    except Exception as exc:
        # Everything this run observed was rolled back; record why, so the next run starts clean.
        log.exception("account %s: run %d could not be stored", account.name, run_id)
        result.warnings = [RunWarning("store_failed", f"{type(exc).__name__}: {exc}")]
        with Session(engine) as session, session.begin():
            store.finish_run(session, run_id, None, clock(), result.warnings, failed=True,
                             api_calls=collector.api_calls)
        return result
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

