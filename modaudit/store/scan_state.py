"""The stored state a scan reads before it collects, so that it can ask the platform with no
transaction open (docs/architecture.md §5, the *read* phase)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from collectors.records import StoredComment, StoredState
from modaudit.store.schema import Comment, ListEntry, Post


def read_stored_state(session: Session, account_id: int, since: datetime) -> StoredState:
    """The account's comments not known gone under posts of the window, its open candidates
    wherever they are, and who is on its lists: one query each."""
    rows = session.execute(
        select(Comment.id, Comment.platform_id, Post.platform_id, Comment.is_hidden,
               Comment.missing_since, Comment.lookups, Comment.unhide_seen_at.is_not(None))
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.account_id == account_id, Comment.gone_at.is_(None),
               or_(Post.created_at >= since, Comment.missing_since.is_not(None))))
    comments = [StoredComment(pk, cid, pid, hidden, missing, lookups or 0, bool(pending))
                for pk, cid, pid, hidden, missing, lookups, pending in rows]
    listed: dict[str, set[str]] = {}
    for list_name, user_id in session.execute(
            select(ListEntry.list_name, ListEntry.user_id)
            .where(ListEntry.account_id == account_id, ListEntry.listed.is_(True))):
        listed.setdefault(list_name, set()).add(user_id)
    return StoredState(comments=comments,
                       listed={name: frozenset(users) for name, users in listed.items()})
