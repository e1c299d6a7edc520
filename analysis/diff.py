"""Set-based comparisons of one run against the evidence already stored (DESIGN §5, step 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from modaudit.db import Comment, CommentObservation, ListEntry, ListObservation, Post, PostListing, Run


@dataclass(frozen=True)
class DeletionCandidate:
    """A comment in its post's last complete listing and missing from this run's complete one."""

    run_id: int
    missing_since: datetime
    comment_pk: int
    comment_id: str
    post_pk: int
    post_id: str
    first_seen_at: datetime
    last_seen_at: datetime
    last_complete_run_id: int
    last_complete_at: datetime | None
    text_digest: str | None


@dataclass(frozen=True)
class VisibilityChange:
    """A comment whose observed visibility differs from the last one recorded (or is new and hidden)."""

    run_id: int
    seen_at: datetime
    comment_pk: int
    comment_id: str
    post_id: str
    was_hidden: bool
    is_hidden: bool
    first_seen_now: bool
    created_at: datetime | None
    last_seen_before: datetime | None
    text_digest: str | None


@dataclass(frozen=True)
class ReplySettingsChange:
    """A post whose reply settings differ from the last recorded (or a new post's first value)."""

    run_id: int
    seen_at: datetime
    post_pk: int
    post_id: str
    previous: str | None
    current: str
    created_at: datetime | None
    previous_seen_at: datetime | None


@dataclass(frozen=True)
class ListChange:
    """A user who appeared on or left a block/mute list between two complete fetches."""

    user_id: str
    user_name: str | None
    added: bool
    seen_before: datetime | None


def deletion_candidates(session: Session, run_ids: Sequence[int]) -> list[DeletionCandidate]:
    """Comments each completely-listed post had at its last complete listing and lacks now.

    Set-based over any number of runs (one account's run in a scan, a whole night in bulk).
    """
    current = (select(PostListing.run_id, PostListing.post_id)
               .where(PostListing.run_id.in_(run_ids), PostListing.complete.is_(True)).subquery())
    earlier = aliased(PostListing)
    last_complete = (
        select(current.c.run_id.label("run_id"), current.c.post_id.label("post_id"),
               func.max(earlier.run_id).label("previous_run_id"))
        .join(earlier, earlier.post_id == current.c.post_id)
        .where(earlier.complete.is_(True), earlier.run_id < current.c.run_id)
        .group_by(current.c.run_id, current.c.post_id)
    ).subquery()
    seen_now = aliased(CommentObservation)
    previous_run = aliased(Run)
    current_run = aliased(Run)
    query = (
        select(last_complete.c.run_id, current_run.fetched_at, Comment.id, Comment.platform_id,
               Post.id, Post.platform_id, Comment.first_seen_at, Comment.last_seen_at,
               last_complete.c.previous_run_id, previous_run.fetched_at, Comment.text_digest)
        .select_from(last_complete)
        .join(CommentObservation,
              and_(CommentObservation.run_id == last_complete.c.previous_run_id,
                   CommentObservation.post_id == last_complete.c.post_id))
        .join(Comment, Comment.id == CommentObservation.comment_id)
        .join(Post, Post.id == last_complete.c.post_id)
        .join(previous_run, previous_run.id == last_complete.c.previous_run_id)
        .join(current_run, current_run.id == last_complete.c.run_id)
        .where(Comment.gone_at.is_(None))
        .where(~exists().where(seen_now.run_id == last_complete.c.run_id,
                               seen_now.comment_id == CommentObservation.comment_id))
        .order_by(last_complete.c.run_id, Comment.id)
    )
    return [DeletionCandidate(*row) for row in session.execute(query)]


def visibility_changes(session: Session, run_ids: Sequence[int]) -> list[VisibilityChange]:
    """Comments seen in these runs hidden/unhidden since last recorded, and new ones seen hidden."""
    earlier = aliased(CommentObservation)
    earlier_run = aliased(Run)
    last_seen_before = (
        select(func.max(earlier_run.fetched_at))
        .select_from(earlier).join(earlier_run, earlier_run.id == earlier.run_id)
        .where(earlier.comment_id == Comment.id, earlier.run_id < CommentObservation.run_id)
        .scalar_subquery()
    )
    first_seen_now = Comment.first_seen_run_id == CommentObservation.run_id
    query = (
        select(CommentObservation.run_id, Run.fetched_at, Comment.id, Comment.platform_id,
               Post.platform_id, Comment.is_hidden, CommentObservation.is_hidden, first_seen_now,
               Comment.created_at, last_seen_before, Comment.text_digest)
        .select_from(CommentObservation)
        .join(Run, Run.id == CommentObservation.run_id)
        .join(Comment, Comment.id == CommentObservation.comment_id)
        .join(Post, Post.id == CommentObservation.post_id)
        .where(CommentObservation.run_id.in_(run_ids))
        .where(or_(CommentObservation.is_hidden != Comment.is_hidden,
                   and_(first_seen_now, CommentObservation.is_hidden.is_(True))))
        .order_by(CommentObservation.run_id, Comment.id)
    )
    return [VisibilityChange(run, seen, pk, cid, pid, bool(was), bool(now), bool(new), created, before,
                             dig)
            for run, seen, pk, cid, pid, was, now, new, created, before, dig in session.execute(query)]


def reply_settings_changes(session: Session, run_ids: Sequence[int]) -> list[ReplySettingsChange]:
    """Posts seen in these runs with reply settings other than the last recorded."""
    earlier = aliased(PostListing)
    earlier_run = aliased(Run)
    previous_seen_at = (
        select(func.max(earlier_run.fetched_at))
        .select_from(earlier).join(earlier_run, earlier_run.id == earlier.run_id)
        .where(earlier.post_id == Post.id, earlier.run_id < PostListing.run_id,
               earlier.reply_settings.is_not(None))
        .scalar_subquery()
    )
    query = (
        select(PostListing.run_id, Run.fetched_at, Post.id, Post.platform_id, Post.reply_settings,
               PostListing.reply_settings, Post.created_at, previous_seen_at)
        .select_from(PostListing)
        .join(Run, Run.id == PostListing.run_id)
        .join(Post, Post.id == PostListing.post_id)
        .where(PostListing.run_id.in_(run_ids), PostListing.reply_settings.is_not(None))
        .where(or_(Post.reply_settings.is_(None), Post.reply_settings != PostListing.reply_settings))
        .order_by(PostListing.run_id, Post.id)
    )
    return [ReplySettingsChange(*row) for row in session.execute(query)]


def previous_complete_list_at(session: Session, account_id: int, run_id: int,
                              list_name: str) -> datetime | None:
    """When the account's list was last fetched completely before this run (None: never)."""
    column = Run.blocked_complete if list_name == "blocked" else Run.muted_complete
    return session.scalar(
        select(func.max(Run.fetched_at))
        .where(Run.account_id == account_id, Run.id < run_id, column.is_(True))
    )


def list_changes(session: Session, account_id: int, run_id: int, list_name: str) -> list[ListChange]:
    """Users added to and removed from a list, given this run fetched it completely."""
    listed = aliased(ListEntry)
    added = (
        select(ListObservation.user_id, ListObservation.user_name)
        .where(ListObservation.run_id == run_id, ListObservation.list_name == list_name)
        .where(~exists().where(listed.account_id == account_id, listed.list_name == list_name,
                               listed.user_id == ListObservation.user_id, listed.listed.is_(True)))
        .order_by(ListObservation.user_id)
    )
    removed = (
        select(ListEntry.user_id, ListEntry.user_name, ListEntry.last_seen_at)
        .where(ListEntry.account_id == account_id, ListEntry.list_name == list_name,
               ListEntry.listed.is_(True))
        .where(~exists().where(ListObservation.run_id == run_id,
                               ListObservation.list_name == list_name,
                               ListObservation.user_id == ListEntry.user_id))
        .order_by(ListEntry.user_id)
    )
    changes = [ListChange(uid, name, True, None) for uid, name in session.execute(added)]
    changes += [ListChange(uid, name, False, seen)
                for uid, name, seen in session.execute(removed)]
    return changes
