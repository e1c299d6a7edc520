"""Per-post re-check state: the last complete listing, the last announced count, signals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collectors.records import Snapshot
from modaudit.store.schema import Post


@dataclass(frozen=True)
class StoredPost:
    """What the schedule needs to know about one stored post."""

    platform_id: str
    created_at: datetime | None
    last_complete_at: datetime | None
    comment_count: int | None
    recheck_requested_at: datetime | None
    newest_reply_id: str | None
    reopen_seen_at: datetime | None = None  # a reopening awaiting its confirming observation


def stored_posts(session: Session, account_id: int, since: datetime) -> dict[str, StoredPost]:
    """The account's stored posts created since `since` (the watch window), by platform id."""
    rows = session.execute(
        select(Post.platform_id, Post.created_at, Post.last_complete_listing_at, Post.comment_count,
               Post.recheck_requested_at, Post.newest_reply_id, Post.reopen_seen_at)
        .where(Post.account_id == account_id, Post.created_at >= since))
    return {row[0]: StoredPost(*row) for row in rows}


def newest_post_id(session: Session, account_id: int) -> str | None:
    """The id of the account's newest stored post (X: the since_id of new posts)."""
    return session.scalar(select(Post.platform_id).where(Post.account_id == account_id)
                          .order_by(Post.created_at.desc(), Post.id.desc()).limit(1))


def _newer(a: str | None, b: str | None) -> str | None:
    """The larger of two numeric X ids held as strings (None is smallest)."""
    if a is None or b is None:
        return a or b
    return max(a, b, key=lambda value: (len(value), value))


def record_rechecks(session: Session, account_id: int, run_id: int, snapshot: Snapshot,
                    stored: dict[str, StoredPost] | None = None) -> int:
    """Posts this run re-checked: their listing time, announced count and since_id; signals
    answered. A listing that failed keeps its post's old count, so the signal stays."""
    done = 0
    for listing in snapshot.listings:
        if not listing.rechecked:
            continue
        post = listing.post
        previous = stored.get(post.platform_id) if stored else None
        newest = previous.newest_reply_id if previous else None
        for comment in listing.comments:
            newest = _newer(newest, comment.platform_id) if comment.platform_id.isdigit() else newest
        session.execute(update(Post).where(Post.account_id == account_id,
                                           Post.platform_id == post.platform_id)
                        .values(last_complete_listing_run=run_id,
                                last_complete_listing_at=snapshot.fetched_at,
                                comment_count=post.comment_count, recheck_requested_at=None,
                                newest_reply_id=newest))
        done += 1
    return done


def request_recheck(session: Session, account_id: int, post_platform_id: str,
                    at: datetime) -> bool:
    """A signal about a post (a webhook): its next re-check is tonight. False if unknown."""
    result = session.execute(update(Post).where(Post.account_id == account_id,
                                                Post.platform_id == post_platform_id,
                                                Post.recheck_requested_at.is_(None))
                             .values(recheck_requested_at=at))
    return bool(result.rowcount)
