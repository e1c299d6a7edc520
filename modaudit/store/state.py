"""What the store knows now about comments, posts and list entries, beyond what runs observed.

Last known visibility and reply settings, deletion candidates (missing from a complete listing,
not yet confirmed gone), un-events awaiting confirmation, and who is on a list. Every update is
set-based where the data allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from modaudit.store.findings import forget_erased_text
from modaudit.store.schema import (
    Comment,
    CommentObservation,
    ListEntry,
    ListObservation,
    Post,
    PostListing,
    Run,
)
from modaudit.store.sql import chunks, dialect_insert


def open_candidates(session: Session, run_ids: Sequence[int], fetched_at: datetime) -> int:
    """Make candidates of the known comments that a complete listing of these runs lacks.

    Known means seen in any earlier listing, complete or not. Set-based over any number of runs
    (one account's run in a scan, a whole night in bulk). Returns how many became candidates;
    those already candidates keep their first `missing_since`.
    """
    # save_snapshot sets `last_seen_at` to the run's `fetched_at` on every comment the run saw
    # (and observes exactly those), and runs only move forward in time: a comment last seen
    # before its post's listing in this run is known and lacking. Read from one covering index
    # (ix_comments_post_state) instead of a probe of this run's observations per comment.
    lacking = (
        select(Comment.id)
        .join(PostListing, PostListing.post_id == Comment.post_id)
        .join(Run, Run.id == PostListing.run_id)
        .where(PostListing.run_id.in_(run_ids), PostListing.complete.is_(True),
               Comment.gone_at.is_(None), Comment.missing_since.is_(None),
               Comment.last_seen_at < Run.fetched_at)
    )
    result = session.execute(
        update(Comment).where(Comment.id.in_(lacking)).values(missing_since=fetched_at)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _observed_in(run_ids: Sequence[int]) -> Any:
    return exists().where(CommentObservation.run_id.in_(run_ids),
                          CommentObservation.comment_id == Comment.id)


def close_reappeared(session: Session, account_id: int, run_id: int) -> int:
    """Candidates seen again in any listing of this run are not candidates any more."""
    result = session.execute(
        update(Comment)
        .where(Comment.account_id == account_id, Comment.missing_since.is_not(None),
               _observed_in([run_id]))
        .values(missing_since=None)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def set_visibility(session: Session, hidden_by_comment: dict[int, bool]) -> None:
    """Record the latest visibility of comments; any pending unhide of theirs is settled."""
    for is_hidden in (True, False):
        ids = [pk for pk, hidden in hidden_by_comment.items() if hidden is is_hidden]
        for chunk in chunks(ids):
            session.execute(update(Comment).where(Comment.id.in_(chunk))
                            .values(is_hidden=is_hidden, unhide_seen_at=None, unhide_after=None))


def hold_unhides(session: Session, pending: dict[int, tuple[datetime, datetime | None]]) -> None:
    """Comments seen visible after hidden, awaiting confirmation: (first seen visible, last hidden)."""
    for pk, (seen_at, after) in pending.items():
        session.execute(update(Comment).where(Comment.id == pk, Comment.unhide_seen_at.is_(None))
                        .values(unhide_seen_at=seen_at, unhide_after=after))


def drop_unhides_seen_hidden(session: Session, run_id: int) -> int:
    """A pending unhide whose comment this run saw hidden again was a glitch: forget it."""
    seen_hidden = select(CommentObservation.comment_id).where(
        CommentObservation.run_id == run_id, CommentObservation.is_hidden.is_(True))
    return session.execute(update(Comment).where(Comment.unhide_seen_at.is_not(None),
                                                 Comment.id.in_(seen_hidden))
                           .values(unhide_seen_at=None, unhide_after=None)
                           .execution_options(synchronize_session=False)).rowcount or 0


def set_reply_settings(session: Session, settings_by_post: dict[int, str]) -> None:
    """Record the latest reply settings of posts whose settings changed (pending reopen settled)."""
    for post_pk, value in settings_by_post.items():
        session.execute(update(Post).where(Post.id == post_pk)
                        .values(reply_settings=value, reopen_seen_at=None, reopen_after=None))


def hold_reopens(session: Session, pending: dict[int, tuple[datetime, datetime | None]]) -> None:
    """Posts seen open after restricted, awaiting a second observation."""
    for pk, (seen_at, after) in pending.items():
        session.execute(update(Post).where(Post.id == pk, Post.reopen_seen_at.is_(None))
                        .values(reopen_seen_at=seen_at, reopen_after=after))


def drop_reopens_seen_restricted(session: Session, run_id: int) -> int:
    """A pending reopening whose post this run saw restricted again was a glitch: forget it."""
    restricted = select(PostListing.post_id).where(
        PostListing.run_id == run_id, PostListing.reply_settings.is_not(None),
        PostListing.reply_settings != "everyone")
    return session.execute(update(Post).where(Post.reopen_seen_at.is_not(None),
                                              Post.id.in_(restricted))
                           .values(reopen_seen_at=None, reopen_after=None)
                           .execution_options(synchronize_session=False)).rowcount or 0


def record_lookups(session: Session, looked_up: Iterable[int], present: Iterable[int],
                   now: datetime) -> None:
    """Count a lookup for each candidate; those that answered "present" existed at `now`."""
    present_ids = set(present)
    for pk in sorted(set(looked_up)):
        values: dict[str, Any] = {"lookups": Comment.lookups + 1, "last_lookup_at": now}
        if pk in present_ids:
            values["present_at"] = now
        session.execute(update(Comment).where(Comment.id == pk).values(values))


def mark_gone(session: Session, comment_pks: list[int], confirmed_at: datetime,
              purge_text: bool = False) -> None:
    """Record comments confirmed gone; erase their text when the author's choice must be honoured."""
    values: dict[str, Any] = {"gone_at": confirmed_at, "missing_since": None}
    if purge_text:
        values.update(message=None, author_name=None, raw=None)
    for chunk in chunks(comment_pks):
        session.execute(update(Comment).where(Comment.id.in_(chunk)).values(values))
    if purge_text:  # the text folded for the portal's search goes with it
        forget_erased_text(session, comment_pks)


def update_list_entries(session: Session, account_id: int, run_id: int, list_name: str,
                        removed_user_ids: list[str], now: datetime,
                        absent_user_ids: Iterable[str] = ()) -> None:
    """Bring the list's current-state rows in line with a complete fetch.

    `removed_user_ids` left the list (confirmed); `absent_user_ids` are missing from this fetch
    but not yet confirmed gone from the list: their absence is counted.
    """
    observed = session.execute(
        select(ListObservation.user_id, ListObservation.user_name)
        .where(ListObservation.run_id == run_id, ListObservation.list_name == list_name)
    ).all()
    for chunk in chunks(observed):
        statement = dialect_insert(session, ListEntry).values([
            {"account_id": account_id, "list_name": list_name, "user_id": uid, "user_name": name,
             "listed": True, "first_seen_at": now, "last_seen_at": now, "absent_runs": 0}
            for uid, name in chunk
        ])
        session.execute(statement.on_conflict_do_update(
            index_elements=["account_id", "list_name", "user_id"],
            set_={"listed": True, "last_seen_at": now, "user_name": statement.excluded.user_name,
                  "absent_since": None, "absent_runs": 0},
        ))
    entry = (ListEntry.account_id == account_id, ListEntry.list_name == list_name)
    for chunk in chunks(removed_user_ids):
        session.execute(update(ListEntry).where(*entry, ListEntry.user_id.in_(chunk))
                        .values(listed=False, absent_since=None, absent_runs=0))
    for chunk in chunks(sorted(set(absent_user_ids))):
        session.execute(update(ListEntry).where(*entry, ListEntry.user_id.in_(chunk))
                        .values(absent_since=func.coalesce(ListEntry.absent_since, now),
                                absent_runs=ListEntry.absent_runs + 1))


def keep_listed(session: Session, account_id: int, list_name: str, user_ids: Iterable[str],
                now: datetime) -> None:
    """Users a per-user check found still on the list although the listing left them out."""
    for chunk in chunks(sorted(set(user_ids))):
        session.execute(update(ListEntry).where(
            ListEntry.account_id == account_id, ListEntry.list_name == list_name,
            ListEntry.user_id.in_(chunk)).values(last_seen_at=now, absent_since=None, absent_runs=0))
