"""What an account's earlier runs say: when the last one started, when it was last collected,
when its lists were last read whole, and which run an imported file would share a date with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from modaudit.store.schema import Run

# The runs whose observations were stored: a failed run's were rolled back with it.
STORED = ("ok", "partial")


@dataclass(frozen=True)
class DatedRun:
    """A run that stored observations, as an import checks it: its id, kind and content digest."""

    run_id: int
    kind: str
    content_digest: str | None


def last_started_at(session: Session, account_id: int) -> datetime | None:
    """When the account's latest run of any kind or status started (None: it never ran)."""
    return session.scalar(select(func.max(Run.started_at)).where(Run.account_id == account_id))


def last_collected_at(session: Session, account_id: int) -> datetime | None:
    """The observation time of the account's latest run that stored anything (None: none did)."""
    return session.scalar(select(func.max(Run.fetched_at)).where(
        Run.account_id == account_id, Run.status.in_(STORED)))


def last_complete_lists_at(session: Session, account_id: int) -> datetime | None:
    """When a run last read the account's block list (and with it the others) completely."""
    return session.scalar(select(func.max(Run.fetched_at)).where(
        Run.account_id == account_id, Run.blocked_complete.is_(True)))


def stored_run_at(session: Session, account_id: int, fetched_at: datetime) -> DatedRun | None:
    """A run of the account that stored observations made exactly at `fetched_at`, if any."""
    row = session.execute(
        select(Run.id, Run.kind, Run.content_digest)
        .where(Run.account_id == account_id, Run.fetched_at == fetched_at,
               Run.status.in_(STORED))).first()
    return None if row is None else DatedRun(row.id, row.kind, row.content_digest)
