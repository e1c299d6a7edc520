"""Reads per run and endpoint: saved with the run, summed per account for cost and health."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collectors.records import AccountReads
from modaudit.store.schema import Account, Run, RunRead
from modaudit.store.sql import dialect_insert

# The resource kind a quota-billed platform's meter records (YouTube: one row per call, its units).
UNITS = "units"


def save_reads(session: Session, run_id: int, rows: list[tuple[str, str, int, int]]) -> None:
    """Store (endpoint, kind, requests, resources) rows of one run."""
    if rows:
        session.execute(dialect_insert(session, RunRead), [
            {"run_id": run_id, "endpoint": endpoint[:200], "resource_kind": kind,
             "requests": requests, "resources": resources}
            for endpoint, kind, requests, resources in rows])


def reads_by_account(session: Session, since: datetime, until: datetime,
                     account_names: list[str] | None = None) -> list[AccountReads]:
    """Requests and resources per account and kind for runs started in [since, until).

    `runs` counts the runs that read that kind (the largest of an account's kinds is its runs).
    """
    query = (select(Account.name, Account.platform, RunRead.resource_kind,
                    func.sum(RunRead.requests), func.sum(RunRead.resources),
                    func.count(func.distinct(Run.id)))
             .join(Run, Run.account_id == Account.id).join(RunRead, RunRead.run_id == Run.id)
             .where(Run.started_at >= since, Run.started_at < until)
             .group_by(Account.id, Account.name, Account.platform, RunRead.resource_kind)
             .order_by(Account.name, RunRead.resource_kind))
    if account_names is not None:
        query = query.where(Account.name.in_(account_names))
    return [AccountReads(name, platform, kind, int(req or 0), int(res or 0), int(n or 0))
            for name, platform, kind, req, res, n in session.execute(query)]


def units_since(session: Session, since: datetime,
                account_names: Sequence[str]) -> dict[str, int]:
    """Quota units (run_reads of kind `units`) per account, for runs started at or after `since`.

    Accounts that spent none are absent. A run killed before its write phase saved no reads, so
    the figure can only err low; the platform's own refusal (quotaExceeded) then stops the reads.
    """
    rows = session.execute(
        select(Account.name, func.sum(RunRead.resources))
        .join(Run, Run.account_id == Account.id).join(RunRead, RunRead.run_id == Run.id)
        .where(Run.started_at >= since, RunRead.resource_kind == UNITS,
               Account.name.in_(list(account_names)))
        .group_by(Account.name))
    return {name: int(spent or 0) for name, spent in rows}


def units_per_run(session: Session, since: datetime, until: datetime,
                  account_names: Sequence[str]) -> list[tuple[str, datetime, int]]:
    """(account, run started at, quota units) for each run started in [since, until) that spent any."""
    rows = session.execute(
        select(Account.name, Run.started_at, func.sum(RunRead.resources))
        .join(Run, Run.account_id == Account.id).join(RunRead, RunRead.run_id == Run.id)
        .where(Run.started_at >= since, Run.started_at < until, RunRead.resource_kind == UNITS,
               Account.name.in_(list(account_names)))
        .group_by(Account.name, Run.id, Run.started_at)
        .order_by(Run.started_at))
    return [(name, started_at, int(spent or 0)) for name, started_at, spent in rows
            if spent]
