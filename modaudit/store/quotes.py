"""Bluesky's detached quotes as the store knows them now, and when they were last read whole."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, tuple_
from sqlalchemy.orm import Session

from collectors.records import DetachedQuote
from modaudit.store.runs import clean
from modaudit.store.schema import Run
from modaudit.store.schema_bluesky import DetachedQuote as DetachedQuoteRow
from modaudit.store.sql import chunks, dialect_insert


def known_detached(session: Session, account_id: int) -> set[tuple[str, str]]:
    """(post at-uri, quote at-uri) of every quote the account's postgates detached when last read."""
    rows = session.execute(select(DetachedQuoteRow.post_id, DetachedQuoteRow.quote_uri)
                           .where(DetachedQuoteRow.account_id == account_id))
    return {(post_id, quote_uri) for post_id, quote_uri in rows}


def previous_quotes_read_at(session: Session, account_id: int, run_id: int) -> datetime | None:
    """When the account's postgates were last read whole before this run (None: never)."""
    return session.scalar(select(func.max(Run.fetched_at)).where(
        Run.account_id == account_id, Run.id < run_id, Run.quotes_complete.is_(True)))


def replace_detached(session: Session, account_id: int, run_id: int,
                     quotes: Sequence[DetachedQuote], now: datetime) -> None:
    """Make the stored detached quotes those of a complete read: new ones in, reattached ones out."""
    current = {(q.post_id, q.quote_uri): q for q in quotes}
    gone = known_detached(session, account_id) - set(current)
    for chunk in chunks(sorted(gone)):
        session.execute(delete(DetachedQuoteRow).where(
            DetachedQuoteRow.account_id == account_id,
            tuple_(DetachedQuoteRow.post_id, DetachedQuoteRow.quote_uri).in_(chunk)))
    for chunk in chunks(list(current.values())):
        statement = dialect_insert(session, DetachedQuoteRow).values([
            {"account_id": account_id, "post_id": q.post_id, "quote_uri": q.quote_uri,
             "record_uri": q.record_uri, "quote_author": clean(q.quote_author),
             "quote_text": clean(q.quote_text), "first_seen_at": now, "first_seen_run_id": run_id}
            for q in chunk])
        session.execute(statement.on_conflict_do_nothing(
            index_elements=["account_id", "post_id", "quote_uri"]))


def quote_join(finding: Any) -> Any:
    """The join of a `quote_detached` finding to its stored quote (author and text as read)."""
    return and_(DetachedQuoteRow.account_id == finding.account_id,
                DetachedQuoteRow.quote_uri == finding.subject_id,
                DetachedQuoteRow.post_id == finding.post_id,
                finding.kind == "quote_detached")


def quote_read(session: Session, account_id: int, post_id: str | None,
               quote_uri: str) -> tuple[str | None, str | None]:
    """(author, text) of a detached quote as read, or Nones once retention erased them or the
    quote was attached again."""
    row = session.execute(select(DetachedQuoteRow.quote_author, DetachedQuoteRow.quote_text).where(
        DetachedQuoteRow.account_id == account_id, DetachedQuoteRow.post_id == post_id,
        DetachedQuoteRow.quote_uri == quote_uri)).first()
    return (row[0], row[1]) if row else (None, None)
