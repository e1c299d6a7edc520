"""Set-based comparisons of one run against the evidence already stored (docs/architecture.md §5).

The store answers what changed; analysis/change_events.py decides which changes are events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from collectors.records import DeletionCandidate, ListChange, ReplySettingsChange, VisibilityChange
from modaudit.store.schema import (
    Comment,
    CommentObservation,
    Event,
    ListEntry,
    ListObservation,
    Post,
    PostListing,
    Run,
)
from modaudit.store.sql import chunks


def deletion_candidates(session: Session, account_ids: Sequence[int],
                        limit_per_account: int | None = None) -> list[DeletionCandidate]:
    """The open candidates of these accounts, those looked up least (and longest ago) first.

    Set-based over any number of accounts; with a limit, at most that many per account.
    """
    seen = aliased(CommentObservation)
    listed = aliased(PostListing)
    parent = aliased(Comment)
    parent_state = (
        select(case((parent.gone_at.is_not(None), "gone"),
                    (parent.missing_since.is_not(None), "missing"), else_=None))
        .where(parent.account_id == Comment.account_id,
               parent.platform_id == Comment.parent_platform_id)
        .limit(1).scalar_subquery())
    last_complete = (
        select(func.max(seen.run_id))
        .join(listed, and_(listed.run_id == seen.run_id, listed.post_id == seen.post_id,
                           listed.complete.is_(True)))
        .where(seen.comment_id == Comment.id)
        .scalar_subquery())
    rank = func.row_number().over(partition_by=Comment.account_id,
                                  order_by=(Comment.lookups, Comment.missing_since, Comment.id))
    inner = (
        select(Comment.id.label("comment_pk"), Comment.platform_id, Comment.post_id, Post.platform_id
               .label("post_platform_id"), Comment.first_seen_at, Comment.last_seen_at,
               Comment.missing_since, Comment.present_at, Comment.lookups, Comment.is_hidden,
               last_complete.label("last_complete_run_id"), Comment.text_digest,
               Comment.parent_platform_id, parent_state.label("parent_state"),
               # The platform's own word for the comment's status, where its payload has one
               # (YouTube's moderationStatus, which the collector keeps in `raw`).
               Comment.raw["moderationStatus"].as_string().label("last_status"),
               rank.label("rank"))
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.account_id.in_(account_ids), Comment.missing_since.is_not(None),
               Comment.gone_at.is_(None))
    ).subquery()
    last_run = aliased(Run)
    query = (select(inner, last_run.fetched_at).outerjoin(last_run,
                                                          last_run.id == inner.c.last_complete_run_id)
             .order_by(inner.c.rank, inner.c.comment_pk))
    if limit_per_account is not None:
        query = query.where(inner.c.rank <= limit_per_account)
    return [DeletionCandidate(
        comment_pk=row.comment_pk, comment_id=row.platform_id, post_pk=row.post_id,
        post_id=row.post_platform_id, first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at, missing_since=row.missing_since, present_at=row.present_at,
        lookups=row.lookups, is_hidden=row.is_hidden, last_complete_run_id=row.last_complete_run_id,
        last_complete_at=row.fetched_at, text_digest=row.text_digest,
        parent_id=row.parent_platform_id, parent_state=row.parent_state,
        last_status=row.last_status) for row in session.execute(query)]


def visibility_changes(session: Session, run_ids: Sequence[int]) -> list[VisibilityChange]:
    """Comments seen in these runs hidden/unhidden since last recorded, and new ones seen hidden."""
    earlier = aliased(CommentObservation)
    earlier_run = aliased(Run)
    last_seen_before = (
        select(func.max(earlier_run.fetched_at))
        .select_from(earlier).join(earlier_run, earlier_run.id == earlier.run_id)
        # Only sightings that said whether it was hidden bound when it changed.
        .where(earlier.comment_id == Comment.id, earlier.run_id < CommentObservation.run_id,
               earlier.is_hidden.is_not(None))
        .scalar_subquery()
    )
    first_seen_now = Comment.first_seen_run_id == CommentObservation.run_id
    # An observation that does not say whether the comment is hidden changes nothing.
    query = (
        select(CommentObservation.run_id, Run.fetched_at, Comment.id, Comment.platform_id,
               Post.platform_id, Comment.is_hidden, CommentObservation.is_hidden, first_seen_now,
               Comment.created_at, last_seen_before, Comment.text_digest, Comment.unhide_seen_at,
               Comment.unhide_after)
        .select_from(CommentObservation)
        .join(Run, Run.id == CommentObservation.run_id)
        .join(Comment, Comment.id == CommentObservation.comment_id)
        .join(Post, Post.id == CommentObservation.post_id)
        .where(CommentObservation.run_id.in_(run_ids), CommentObservation.is_hidden.is_not(None))
        .where(or_(CommentObservation.is_hidden != Comment.is_hidden, Comment.is_hidden.is_(None),
                   and_(first_seen_now, CommentObservation.is_hidden.is_(True))))
        .order_by(CommentObservation.run_id, Comment.id)
    )
    return [VisibilityChange(run, seen, pk, cid, pid, None if was is None or new else bool(was),
                             bool(now), bool(new), created, before, dig, pending, pending_after)
            for run, seen, pk, cid, pid, was, now, new, created, before, dig, pending, pending_after
            in session.execute(query)]


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
               PostListing.reply_settings, Post.created_at, previous_seen_at, Post.reopen_seen_at,
               Post.reopen_after)
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
        select(ListObservation.user_id, ListObservation.user_name, ListObservation.recorded_at,
               ListObservation.record)
        .where(ListObservation.run_id == run_id, ListObservation.list_name == list_name)
        .where(~exists().where(listed.account_id == account_id, listed.list_name == list_name,
                               listed.user_id == ListObservation.user_id, listed.listed.is_(True)))
        .order_by(ListObservation.user_id)
    )
    removed = (
        select(ListEntry.user_id, ListEntry.user_name, ListEntry.last_seen_at,
               ListEntry.absent_since, ListEntry.absent_runs)
        .where(ListEntry.account_id == account_id, ListEntry.list_name == list_name,
               ListEntry.listed.is_(True))
        .where(~exists().where(ListObservation.run_id == run_id,
                               ListObservation.list_name == list_name,
                               ListObservation.user_id == ListEntry.user_id))
        .order_by(ListEntry.user_id)
    )
    changes = [ListChange(uid, name, True, None, recorded_at=recorded, record=record)
               for uid, name, recorded, record in session.execute(added)]
    changes += [ListChange(uid, name, False, seen, absent, runs or 0)
                for uid, name, seen, absent, runs in session.execute(removed)]
    return changes


def replies_by_authors(session: Session, account_id: int, author_ids: Sequence[str],
                       per_author: int = 20) -> dict[str, list[dict[str, Any]]]:
    """The replies these authors wrote under the account's posts that the audit has seen, newest
    first, at most `per_author` each: the context of a block (Bluesky).

    By reference and digest, never the text: an event's evidence is chained for good, while
    retention must be able to erase a commenter's words (docs/architecture.md §9).
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for chunk in chunks(sorted(set(author_ids))):
        rows = session.execute(
            select(Comment.author_id, Comment.platform_id, Post.platform_id, Comment.text_digest,
                   Comment.created_at, Comment.gone_at)
            .join(Post, Post.id == Comment.post_id)
            .where(Comment.account_id == account_id, Comment.author_id.in_(chunk))
            .order_by(Comment.author_id, Comment.created_at.desc(), Comment.id.desc()))
        for author, uri, post_uri, text_digest, created, gone in rows:
            replies = found.setdefault(author, [])
            if len(replies) < per_author:
                replies.append({"uri": uri, "post": post_uri, "text_digest": text_digest,
                                "created_at": created.isoformat() if created else None,
                                "gone": gone is not None})
    return found


def hidden_by_event(session: Session, account_id: int, comment_ids: Sequence[str]) -> set[str]:
    """Of these comments, those whose last recorded visibility event is a `comment_hidden`: an
    unhide of any other (hidden before anyone saw it, by a platform's filter) closes nothing."""
    last: dict[str, str] = {}
    for chunk in chunks(list(comment_ids)):
        rows = session.execute(
            select(Event.subject_id, Event.kind)
            .where(Event.account_id == account_id, Event.subject_id.in_(chunk),
                   Event.kind.in_(("comment_hidden", "comment_unhidden")))
            .order_by(Event.seq))
        for subject_id, kind in rows:
            last[subject_id] = kind
    return {subject for subject, kind in last.items() if kind == "comment_hidden"}
