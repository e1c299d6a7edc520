"""KVKK retention: erase comment text and commenter names past `[retention] comment_text_days`.

Ids, times and digests stay, so the event chain still verifies. Text that an open or reviewed
finding cites as evidence is kept; a closed finding no longer needs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session

from modaudit.store.findings import forget_erased_text
from modaudit.store.schema import (
    Comment,
    Finding,
    ListEntry,
    ListObservation,
    Run,
    WebhookDelivery,
)
from modaudit.store.schema_bluesky import DetachedQuote

log = logging.getLogger(__name__)
KEEPING_STATUSES = ("open", "justified", "confirmed", "dismissed")


@dataclass(frozen=True)
class PurgeResult:
    """What a purge erased and what it kept for evidence."""

    comments_erased: int
    comments_kept_for_findings: int
    list_names_erased: int
    webhook_bodies_erased: int = 0


def purge(session: Session, *, comment_text_days: int, now: datetime) -> PurgeResult:
    """Erase comment text, author names and raw payloads older than the policy, except evidence."""
    cutoff = now - timedelta(days=comment_text_days)
    needed = exists().where(Finding.account_id == Comment.account_id,
                            Finding.subject_id == Comment.platform_id,
                            Finding.status.in_(KEEPING_STATUSES))
    old_with_text = and_(Comment.first_seen_at < cutoff,
                         or_(Comment.message.is_not(None), Comment.author_name.is_not(None),
                             Comment.raw.is_not(None)))
    kept = len(session.scalars(select(Comment.id).where(old_with_text, needed)).all())
    erased = session.execute(update(Comment).where(old_with_text, ~needed)
                             .values(message=None, author_name=None, raw=None)
                             .execution_options(synchronize_session=False)).rowcount or 0
    # Names of users who left a block/mute list long ago; current entries stay for the report.
    user_needed = exists().where(Finding.account_id == ListEntry.account_id,
                                 Finding.subject_id == ListEntry.user_id,
                                 Finding.status.in_(KEEPING_STATUSES))
    names = session.execute(update(ListEntry).where(
        ListEntry.listed.is_(False), ListEntry.last_seen_at < cutoff, ListEntry.user_name.is_not(None),
        ~user_needed).values(user_name=None).execution_options(synchronize_session=False)).rowcount or 0
    # Bluesky: a detached quote's author and text, as read, go with the comments' text.
    quote_needed = exists().where(Finding.account_id == DetachedQuote.account_id,
                                  Finding.subject_id == DetachedQuote.quote_uri,
                                  Finding.status.in_(KEEPING_STATUSES))
    erased += session.execute(update(DetachedQuote).where(
        DetachedQuote.first_seen_at < cutoff,
        or_(DetachedQuote.quote_text.is_not(None), DetachedQuote.quote_author.is_not(None)),
        ~quote_needed).values(quote_text=None, quote_author=None)
        .execution_options(synchronize_session=False)).rowcount or 0
    old_runs = select(Run.id).where(Run.fetched_at < cutoff)
    observation_needed = exists().where(Finding.subject_id == ListObservation.user_id,
                                        Finding.status.in_(KEEPING_STATUSES))
    names += session.execute(update(ListObservation).where(
        ListObservation.user_name.is_not(None), ListObservation.run_id.in_(old_runs),
        ~observation_needed).values(user_name=None)
        .execution_options(synchronize_session=False)).rowcount or 0
    # Raw webhook bodies carry comment text too; the body's SHA-256 stays for the evidence.
    bodies = session.execute(update(WebhookDelivery).where(
        WebhookDelivery.received_at < cutoff, WebhookDelivery.status != "pending",
        func.length(WebhookDelivery.body) > 0).values(body=b"")
        .execution_options(synchronize_session=False)).rowcount or 0
    forget_erased_text(session)  # the portal's search folds of what was erased
    log.info("retention: erased %d comments' text, kept %d for findings, %d list names, "
             "%d webhook bodies", erased, kept, names, bodies)
    return PurgeResult(erased, kept, names, bodies)
