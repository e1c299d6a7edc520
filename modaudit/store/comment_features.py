"""The comment features' table: texts to classify, classifications kept, and what the selective
statistics read back (analysis/features.py and analysis/selective.py decide; this reads and writes).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, delete, exists, func, insert, or_, select
from sqlalchemy.orm import Session

from modaudit.store.schema import Account, Comment, CommentFeature, Event

CHUNK = 500


def texts_of_run(session: Session, run_id: int) -> list[Row[Any]]:
    """(comment id, text) of the comments run `run_id` stored first that have text and no features."""
    return list(session.execute(
        select(Comment.id, Comment.message)
        .outerjoin(CommentFeature, CommentFeature.comment_id == Comment.id)
        .where(Comment.first_seen_run_id == run_id, Comment.message.is_not(None),
               CommentFeature.comment_id.is_(None))).all())


def texts_to_refresh(session: Session, lexicon_fingerprint: str) -> list[Row[Any]]:
    """(comment id, text) of every comment with text and no features, or features of another lexicon."""
    return list(session.execute(
        select(Comment.id, Comment.message)
        .outerjoin(CommentFeature, CommentFeature.comment_id == Comment.id)
        .where(Comment.message.is_not(None),
               or_(CommentFeature.comment_id.is_(None),
                   CommentFeature.lexicon != lexicon_fingerprint))).all())


def save_features(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Replace the features of these comments with `rows` (one per comment); returns how many."""
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        session.execute(delete(CommentFeature).where(
            CommentFeature.comment_id.in_([row["comment_id"] for row in chunk])))
        session.execute(insert(CommentFeature), list(chunk))
    return len(rows)


def _created() -> ColumnElement[Any]:
    return func.coalesce(Comment.created_at, Comment.first_seen_at)


def _period(accounts: Sequence[str] | None, since: datetime | None,
            until: datetime | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if accounts is not None:
        conditions.append(Account.name.in_(list(accounts)))
    if since is not None:
        conditions.append(_created() >= since)
    if until is not None:
        conditions.append(_created() < until)
    return conditions


def classified_comments(session: Session, accounts: Sequence[str] | None, since: datetime | None,
                        until: datetime | None, *, moderation_kinds: Sequence[str],
                        moderation_actors: Sequence[str]) -> list[Row[Any]]:
    """One row per classified comment created in [since, until): (account, platform, language,
    topics, moderated, author_blocked, author_id); `moderated` by these kinds and actors, ever;
    `author_blocked` if its author was blocked by the account after it was written."""
    created = _created()
    moderated = exists().where(Event.account_id == Comment.account_id,
                               Event.subject_id == Comment.platform_id,
                               Event.kind.in_(moderation_kinds), Event.actor.in_(moderation_actors))
    blocked = exists().where(Event.account_id == Comment.account_id, Event.kind == "user_blocked",
                             Event.subject_id == Comment.author_id, Event.occurred_before > created)
    return list(session.execute(
        select(Account.name, Account.platform, CommentFeature.language, CommentFeature.topics,
               moderated.label("moderated"), blocked.label("author_blocked"), Comment.author_id)
        .select_from(Comment).join(Account, Account.id == Comment.account_id)
        .join(CommentFeature, CommentFeature.comment_id == Comment.id)
        .where(*_period(accounts, since, until))).all())


def unclassified_counts(session: Session, accounts: Sequence[str] | None, since: datetime | None,
                        until: datetime | None) -> dict[str, int]:
    """How many comments created in [since, until) have no features, by account."""
    return {name: int(count) for name, count in session.execute(
        select(Account.name, func.count()).select_from(Comment)
        .join(Account, Account.id == Comment.account_id)
        .where(*_period(accounts, since, until), ~exists().where(CommentFeature.comment_id == Comment.id))
        .group_by(Account.name))}


def account_platforms(session: Session) -> dict[str, str]:
    """Every stored account's platform by its name."""
    return {name: platform for name, platform in session.execute(select(Account.name, Account.platform))}
