"""The one module that writes findings: opened by events, closed by un-events, reviewed, alerted.

Which events are findings, how severe, and which un-events close them is analysis/rules.py's
decision; this module only records it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select, tuple_, update
from sqlalchemy.orm import Session

from modaudit.store import chain
from modaudit.store.attachments import NewAttachment, store_attachment
from modaudit.store.schema import Account, Comment, Event, Finding, FindingReview, ListEntry
from modaudit.store.search import fold
from modaudit.store.sql import insert_returning

REVIEW_STATUSES = ("justified", "confirmed", "dismissed")
CHUNK = 300


def open_findings(session: Session, rows: list[dict[str, Any]], now: datetime) -> int:
    """Insert new open findings (one per event) with their search folds, each chained as opened."""
    if not rows:
        return 0
    hashes, texts = _events_about(session, [row["event_id"] for row in rows])
    opened = insert_returning(session, Finding, [
        {**row, "search_fold": fold(*texts.get(row["event_id"], ()))} for row in rows], ("event_id",))
    chain.append_records(session, [
        (row.account_id, chain.FINDING_OPENED, row.id, chain.opened_payload(
            row.id, hashes[row.event_id], row.kind, row.subject_id, row.severity))
        for row in opened], now)
    return len(rows)


def _event_hashes(session: Session, event_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(event_ids), CHUNK):
        found.update(session.execute(select(Event.id, Event.hash)
                                     .where(Event.id.in_(event_ids[start:start + CHUNK]))).all())
    return found


def _events_about(session: Session, event_ids: list[int]) -> tuple[dict[int, str], dict[int, tuple]]:
    """Each event's hash, and the stored author and text of its comment or the names its listed
    user is stored under (what its finding's search fold folds), by event id."""
    hashes: dict[int, str] = {}
    texts: dict[int, tuple] = {}
    # From each event by primary key to its subject by the unique (account, id) keys: one index
    # probe per event, where a list of (account, id) pairs made SQLite scan every comment.
    comment = and_(Event.kind.like("comment%"), Comment.account_id == Event.account_id,
                   Comment.platform_id == Event.subject_id)
    person = and_(Event.kind.like("user%"), ListEntry.account_id == Event.account_id,
                  ListEntry.user_id == Event.subject_id)
    for start in range(0, len(event_ids), CHUNK):
        for event_id, hash_, author, message, name in session.execute(
                select(Event.id, Event.hash, Comment.author_name, Comment.message,
                       ListEntry.user_name)
                .outerjoin(Comment, comment).outerjoin(ListEntry, person)
                .where(Event.id.in_(event_ids[start:start + CHUNK]))
                .order_by(Event.id, ListEntry.id)):
            hashes[event_id] = hash_
            if author is not None or message is not None:
                texts[event_id] = (author, message)
            if name is not None:
                texts[event_id] = (*texts.get(event_id, ()), name)
    return hashes, texts


def forget_erased_text(session: Session, comment_pks: Iterable[int] | None = None) -> int:
    """Erase the search folds of findings whose comment text or user name is no longer stored.

    Retention calls it for all findings; an author's deletion on X for that comment's findings.
    """
    if comment_pks is not None:
        pks = sorted(set(comment_pks))
        count = 0
        for start in range(0, len(pks), CHUNK):
            subjects = select(Comment.account_id, Comment.platform_id).where(
                Comment.id.in_(pks[start:start + CHUNK]))
            count += session.execute(update(Finding).where(
                tuple_(Finding.account_id, Finding.subject_id).in_(subjects),
                Finding.kind.like("comment%")).values(search_fold=None)
                .execution_options(synchronize_session=False)).rowcount or 0
        return count
    has_comment_text = exists().where(Comment.account_id == Finding.account_id,
                                      Comment.platform_id == Finding.subject_id,
                                      or_(Comment.message.is_not(None), Comment.author_name.is_not(None)))
    has_name = exists().where(ListEntry.account_id == Finding.account_id,
                              ListEntry.user_id == Finding.subject_id, ListEntry.user_name.is_not(None))
    return session.execute(update(Finding).where(Finding.search_fold.is_not(None), ~has_comment_text,
                                                 ~has_name).values(search_fold=None)
                           .execution_options(synchronize_session=False)).rowcount or 0


def close_findings(session: Session,
                   undone_by: Mapping[tuple[int, str, str], tuple[int, datetime]],
                   now: datetime) -> int:
    """Close the open findings keyed (account, kind, subject) whose action happened no later than
    the un-event that undid it: {key: (un-event id, its time)}. The finding cites that un-event."""
    keys = list(undone_by)
    closing: list[dict[str, Any]] = []
    accounts: dict[int, int] = {}
    for start in range(0, len(keys), CHUNK):
        open_rows = session.execute(
            select(Finding.id, Finding.account_id, Finding.kind, Finding.subject_id,
                   Event.occurred_before)
            .join(Event, Event.id == Finding.event_id)
            .where(Finding.status == "open",
                   tuple_(Finding.account_id, Finding.kind, Finding.subject_id)
                   .in_(keys[start:start + CHUNK]))
        ).all()
        for fid, account, kind, subject, happened in open_rows:
            if happened <= undone_by[(account, kind, subject)][1]:
                closing.append({"id": fid, "status": "closed", "updated_at": now,
                                "closed_by_event_id": undone_by[(account, kind, subject)][0]})
                accounts[fid] = account
    if closing:
        session.execute(update(Finding), closing)  # bulk UPDATE by primary key
        hashes = _event_hashes(session, sorted({row["closed_by_event_id"] for row in closing}))
        chain.append_records(session, [
            (accounts[row["id"]], chain.FINDING_CLOSED, row["id"],
             chain.closed_payload(row["id"], hashes[row["closed_by_event_id"]]))
            for row in closing], now)
    return len(closing)


def mark_alerted(session: Session, finding_ids: Iterable[int], now: datetime) -> None:
    """Record that these findings' nightly alert was delivered (sent once per finding)."""
    ids = sorted(set(finding_ids))
    if ids:
        session.execute(update(Finding).where(Finding.id.in_(ids)).values(alerted_at=now))


class ReviewError(Exception):
    """A review that cannot be recorded (unknown finding, bad status, no note)."""


def review_finding(session: Session, finding_id: int, status: str, note: str, reviewed_by: str,
                   now: datetime, *, on_behalf_of: str | None = None,
                   attachments: Iterable[NewAttachment] = ()) -> FindingReview:
    """Record a manager's decision on a finding; every change is kept with who, when and why.

    `reviewed_by` is who recorded it (the portal's user, or the operating-system user of the
    CLI), `on_behalf_of` whom it was done for; attachments are kept with the review.
    """
    if status not in REVIEW_STATUSES:
        raise ReviewError(f"status must be one of {', '.join(REVIEW_STATUSES)}, got {status!r}")
    if not note.strip():
        raise ReviewError("a review needs a note saying why")
    if not reviewed_by.strip():
        raise ReviewError("a review needs the reviewer's name")
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise ReviewError(f"no finding with id {finding_id}")
    review = FindingReview(finding_id=finding_id, old_status=finding.status, new_status=status,
                           note=note.strip(), reviewed_by=reviewed_by.strip(), reviewed_at=now,
                           on_behalf_of=(on_behalf_of or "").strip() or None)
    session.add(review)
    session.execute(update(Finding).where(Finding.id == finding_id)
                    .values(status=status, updated_at=now))
    session.flush()
    # The one path of a review: chained in the same transaction (store/chain.py), with the
    # digests of its attachments.
    extra = {"on_behalf_of": review.on_behalf_of} if review.on_behalf_of else None
    chain.append_records(session, [(finding.account_id, chain.FINDING_REVIEWED, finding_id,
                                    chain.review_payload(finding_id, review.id, review.old_status,
                                                         status, review.note, review.reviewed_by,
                                                         now, extra))], now)
    for item in attachments:
        stored = store_attachment(session, finding_id, review.id, item, now)
        chain.chain_attachment(session, finding_id, stored.sha256, stored.size, stored.filename, now)
    return review


def unalerted_high(session: Session) -> dict[str, set[int]]:
    """Open high-severity findings no alert has named yet, by account name."""
    pending: dict[str, set[int]] = defaultdict(set)
    for name, finding_id in session.execute(
        select(Account.name, Finding.id).join(Account, Account.id == Finding.account_id)
        .where(Finding.severity == "high", Finding.status == "open", Finding.alerted_at.is_(None))
    ):
        pending[name].add(finding_id)
    return pending
