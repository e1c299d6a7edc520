"""Reads per run and endpoint: saved with the run, summed per account for cost and health."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collectors.records import AccountReads
from modaudit.store.schema import Account, Run, RunRead
from modaudit.store.sql import dialect_insert


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
