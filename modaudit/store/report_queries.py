"""What the weekly report reads besides findings: block lists, reviews, runs, budget skips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from modaudit.store.schema import Account, Event, Finding, FindingReview, ListEntry, PostListing, Run


def account_ids(session: Session, names: Sequence[str]) -> dict[int, str]:
    """The ids of these accounts, to their names."""
    query = select(Account.id, Account.name).where(Account.name.in_(list(names)))
    return {account_id: name for account_id, name in session.execute(query)}


def blocked_entries(session: Session, ids: Sequence[int]) -> list[Row[Any]]:
    """(account id, user id, user name, the account's platform) of each user on these accounts'
    block lists now, in the order they were first seen."""
    return list(session.execute(
        select(ListEntry.account_id, ListEntry.user_id, ListEntry.user_name, Account.platform)
        .join(Account, Account.id == ListEntry.account_id)
        .where(ListEntry.account_id.in_(list(ids)), ListEntry.list_name == "blocked",
               ListEntry.listed.is_(True))
        .order_by(ListEntry.account_id, ListEntry.first_seen_at, ListEntry.user_id)).all())


def latest_blocks(session: Session,
                  ids: Sequence[int]) -> dict[tuple[int, str], tuple[Event, Finding | None]]:
    """The latest `user_blocked` event per (account id, user id), with its finding if any."""
    latest: dict[tuple[int, str], tuple[Event, Finding | None]] = {}
    for event, finding in session.execute(
        select(Event, Finding).outerjoin(Finding, Finding.event_id == Event.id)
        .where(Event.account_id.in_(list(ids)), Event.kind == "user_blocked").order_by(Event.id)
    ):
        latest[(event.account_id, event.subject_id)] = (event, finding)
    return latest


def reviews_between(session: Session, names: Sequence[str], start: datetime,
                    end: datetime) -> list[Row[Any]]:
    """(review, finding kind, account name, account platform, finding subject) of the reviews
    recorded in [start, end), in order."""
    return list(session.execute(
        select(FindingReview, Finding.kind, Account.name, Account.platform, Finding.subject_id)
        .join(Finding, Finding.id == FindingReview.finding_id)
        .join(Account, Account.id == Finding.account_id)
        .where(Account.name.in_(list(names)), FindingReview.reviewed_at >= start,
               FindingReview.reviewed_at < end)
        .order_by(FindingReview.reviewed_at, FindingReview.id)).all())


def runs_between(session: Session, names: Sequence[str], start: datetime,
                 end: datetime) -> list[Row[Any]]:
    """(account name, status, API calls, warnings) of each run started in [start, end)."""
    return list(session.execute(
        select(Account.name, Run.status, Run.api_calls, Run.warnings)
        .join(Account, Account.id == Run.account_id)
        .where(Account.name.in_(list(names)), Run.started_at >= start, Run.started_at < end)).all())


def last_success(session: Session, names: Sequence[str], before: datetime) -> dict[str, datetime]:
    """When each account's latest `ok` run started before `before` finished."""
    return {name: finished for name, finished in session.execute(
        select(Account.name, Run.finished_at)
        .join(Account, Account.id == Run.account_id)
        .where(Account.name.in_(list(names)), Run.status == "ok", Run.started_at < before)
        .order_by(Run.finished_at))}


def budget_skipped(session: Session, names: Sequence[str], start: datetime,
                   end: datetime) -> dict[str, int]:
    """Distinct posts per account whose replies the budget left unread in [start, end)."""
    rows = session.execute(
        select(Account.name, func.count(func.distinct(PostListing.post_id)))
        .join(Run, Run.account_id == Account.id).join(PostListing, PostListing.run_id == Run.id)
        .where(Account.name.in_(list(names)), Run.started_at >= start, Run.started_at < end,
               PostListing.skipped == "budget")
        .group_by(Account.name))
    return {name: int(n) for name, n in rows}
