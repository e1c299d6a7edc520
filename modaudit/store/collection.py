"""How each account's collection stands: its last successful audit and what its failures said.

Read by the nightly alerts and the portal to tell a manager which accounts the audit could not
see (analysis/coverage.py decides; this module only reads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from modaudit.store.schema import Account, Run

SUCCESS = "ok"  # the status of a run that listed everything completely


@dataclass(frozen=True)
class CollectionState:
    """One account: when it was last audited successfully, and how its latest run ended."""

    account: str
    platform: str
    institution: str
    last_success: datetime | None  # finished_at of its last `ok` run; None: never
    successes_since: int  # `ok` runs started at or after the `since` asked for
    last_status: str | None  # of its latest finished run
    last_codes: tuple[str, ...]  # that run's warning codes


def collection_states(session: Session, since: datetime,
                      institutions: tuple[str, ...] | None = None) -> list[CollectionState]:
    """Every account (of `institutions`, or all), by name, with its collection's state."""
    accounts = select(Account).order_by(Account.name)
    if institutions is not None:
        accounts = accounts.where(Account.institution.in_(institutions))
    rows = list(session.scalars(accounts))
    ids = [account.id for account in rows]
    if not ids:
        return []
    successes = dict(session.execute(
        select(Run.account_id, func.max(Run.finished_at))
        .where(Run.account_id.in_(ids), Run.status == SUCCESS).group_by(Run.account_id)).all())
    recent = dict(session.execute(
        select(Run.account_id, func.count())
        .where(Run.account_id.in_(ids), Run.status == SUCCESS, Run.started_at >= since)
        .group_by(Run.account_id)).all())
    latest_ids = (select(func.max(Run.id)).where(Run.account_id.in_(ids), Run.status != "running")
                  .group_by(Run.account_id))
    latest = {run.account_id: run for run in session.scalars(select(Run).where(Run.id.in_(latest_ids)))}
    states = []
    for account in rows:
        run = latest.get(account.id)
        codes = tuple(sorted({str(w.get("code", "")) for w in (run.warnings or [])} - {""})) if run else ()
        states.append(CollectionState(account.name, account.platform, account.institution,
                                      successes.get(account.id), int(recent.get(account.id, 0)),
                                      run.status if run else None, codes))
    return states
