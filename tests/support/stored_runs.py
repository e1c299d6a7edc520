"""Small stored runs built by hand, for testing the analysis directly on the store.

No simulator, collector or server: records are built here, saved with the store's own functions
(`runs.sync_accounts`, `start_run`, `save_snapshot`, `finish_run`), and the test then calls the
diff, detection, rules or merge functions on them. Everything happens in one session (one
transaction), rolled back when the test ends.

    with open_session(db_url) as session:
        page = StoredAccount(session)
        first = page.run(at(0), {"p1": [comment("c1"), comment("c2", hidden=True)]})
        second = page.run(at(24), {"p1": None})  # the listing failed: incomplete, with an error
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.records import (
    CommentListing,
    CommentRecord,
    NewEvent,
    PostRecord,
    Snapshot,
    UserListing,
    UserRecord,
)
from modaudit.config import AccountConfig
from modaudit.store import runs
from modaudit.store.engine import make_engine
from modaudit.store.evidence import record_events
from modaudit.store.schema import Comment, Event, ListEntry, Post

T0 = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)  # the first night's run
WRITTEN = T0 - timedelta(hours=6)  # when comments are written unless a test says otherwise
POSTED = T0 - timedelta(days=1)  # when every post was published


def at(hours: float) -> datetime:
    """`hours` after T0 (UTC, timezone-aware, as the store requires)."""
    return T0 + timedelta(hours=hours)


@contextmanager
def open_session(db_url: str) -> Iterator[Session]:
    """A session on `db_url` (one transaction, rolled back and the engine disposed at the end)."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            yield session
            session.rollback()
    finally:
        engine.dispose()


def comment(platform_id: str, post: str = "p1", *, hidden: bool | None = False,
            at: datetime = WRITTEN, text: str | None = None, author: str = "author-1",
            parent: str | None = None) -> CommentRecord:
    """A comment as a collector yields it; `hidden=None` is an answer that did not say."""
    return CommentRecord(platform_id=platform_id, post_id=post, parent_id=parent, author_id=author,
                         author_name=f"Name of {author}", message=text or f"text of {platform_id}",
                         created_at=at, is_hidden=hidden, raw={"id": platform_id})


def new_event(kind: str, subject: str, before: datetime, *, after: datetime | None = None,
              source: str = "snapshot_diff", actor: str = "account",
              post: str | None = "p1") -> NewEvent:
    """A NewEvent as detection or a webhook builds it (bracket `after`..`before`)."""
    return NewEvent(kind=kind, subject_id=subject, actor=actor, source=source,
                    occurred_after=after, occurred_before=before, post_id=post,
                    evidence={"built_by": "tests/support/stored_runs.py"})


def _users(entries: Sequence[str] | UserListing | None) -> UserListing | None:
    """A list of user ids is a complete fetch; a UserListing is taken as given."""
    if entries is None or isinstance(entries, UserListing):
        return entries
    return UserListing(users=[UserRecord(uid, f"Name of {uid}", {"id": uid}) for uid in entries],
                       complete=True)


class StoredAccount:
    """One configured account in the store, and the runs saved for it."""

    def __init__(self, session: Session, name: str = "valilik", platform: str = "facebook") -> None:
        self.session = session
        self.name = name
        self.platform = platform
        config = AccountConfig(name=name, platform=platform, account_id=f"{name}-id",
                               institution="Test Valiliği")
        self.id: int = runs.sync_accounts(session, [config], T0 - timedelta(days=2))[name]

    def run(self, fetched_at: datetime, listings: Mapping[str, Sequence[CommentRecord] | None],
            *, incomplete: Iterable[str] = (), blocked: Sequence[str] | UserListing | None = None,
            muted: Sequence[str] | UserListing | None = None,
            reply_settings: Mapping[str, str | None] | None = None) -> int:
        """Save one collection pass and return its run id.

        `listings` maps post ids to the comments listed; `None` is a listing that failed, and a
        post in `incomplete` was listed only partly: both are saved incomplete, with an error, as
        collectors do. `blocked`/`muted`: user ids of a complete fetch (or a UserListing).
        `reply_settings` gives posts' settings as read in this run (default: not observable).
        """
        partial = set(incomplete)
        settings = reply_settings or {}
        saved = []
        for post_id, comments in listings.items():
            post = PostRecord(platform_id=post_id, created_at=POSTED, message=f"post {post_id}",
                              raw={"id": post_id}, reply_settings=settings.get(post_id))
            complete = comments is not None and post_id not in partial
            saved.append(CommentListing(post=post, comments=list(comments or []), complete=complete,
                                        error=None if complete else "timeout after page 1"))
        snapshot = Snapshot(fetched_at=fetched_at, listings=saved, posts_complete=True,
                            blocked=_users(blocked), muted=_users(muted))
        run_id = runs.start_run(self.session, self.id, "nightly", fetched_at)
        runs.save_snapshot(self.session, self.id, run_id, snapshot)
        runs.finish_run(self.session, run_id, snapshot, fetched_at, [])
        return run_id

    def record(self, events: list[NewEvent], now: datetime, run_id: int | None = None) -> list[Event]:
        """Append events to this account's hash chain (record_events); returns those written."""
        return record_events(self.session, self.id, run_id, events, now)

    def comment_row(self, platform_id: str) -> Comment:
        """The stored comment, read afresh (the state functions update it in bulk)."""
        return self.session.scalars(
            select(Comment).where(Comment.account_id == self.id, Comment.platform_id == platform_id)
            .execution_options(populate_existing=True)).one()

    def comment_pk(self, platform_id: str) -> int:
        """The database id of a comment of this account."""
        return self.comment_row(platform_id).id

    def post_pk(self, platform_id: str) -> int:
        """The database id of a post of this account."""
        return self.session.scalars(select(Post.id).where(
            Post.account_id == self.id, Post.platform_id == platform_id)).one()

    def list_entry(self, list_name: str, user_id: str) -> ListEntry:
        """The current-state row of a user on one of this account's lists, read afresh."""
        return self.session.scalars(
            select(ListEntry).where(ListEntry.account_id == self.id, ListEntry.list_name == list_name,
                                    ListEntry.user_id == user_id)
            .execution_options(populate_existing=True)).one()


def ids(rows: Iterable[Any], attribute: str = "comment_id") -> list[str]:
    """One attribute of each row, in order (e.g. the comment ids of candidates)."""
    return [getattr(row, attribute) for row in rows]
