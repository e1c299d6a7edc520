"""Defence in depth, on both databases: a snapshot that names a post, comment or listed user twice
is stored with one row each and never fails on a unique key (the collectors already keep items once)."""

from __future__ import annotations

from sqlalchemy import func, select

from collectors.records import CommentListing, PostRecord, Snapshot, UserListing, UserRecord
from modaudit.store import runs
from modaudit.store.schema import Comment, CommentObservation, ListObservation, Post, PostListing
from tests.support.stored_runs import POSTED, T0, StoredAccount, comment, open_session


def _post(platform_id: str = "p1") -> PostRecord:
    return PostRecord(platform_id, POSTED, "post", {"id": platform_id}, comment_count=3)


def test_a_post_listed_twice_is_one_listing_with_each_comment_once(migrated: str) -> None:
    user = UserRecord("u1", "Ayşe", {"id": "u1"})
    snapshot = Snapshot(fetched_at=T0, posts_complete=True, listings=[
        CommentListing(_post(), [comment("c1"), comment("c2"), comment("c1")], complete=True),
        CommentListing(_post(), [comment("c2"), comment("c3")], complete=True),
        CommentListing(_post("p2"), [], complete=True)],
        blocked=UserListing([user, user], complete=True))
    with open_session(migrated) as session:
        account = StoredAccount(session)
        run_id = runs.start_run(session, account.id, "nightly", T0)
        runs.save_snapshot(session, account.id, run_id, snapshot)
        status = runs.finish_run(session, run_id, snapshot, T0, [])

        def count(model, *where) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where))

        assert status == "ok"
        assert count(Post) == 2 and count(Comment) == 3
        assert count(CommentObservation, CommentObservation.run_id == run_id) == 3
        assert count(ListObservation, ListObservation.run_id == run_id) == 1
        listings = session.execute(select(Post.platform_id, PostListing.complete,
                                          PostListing.comment_count)
                                   .join(Post, Post.id == PostListing.post_id)
                                   .where(PostListing.run_id == run_id)
                                   .order_by(Post.platform_id)).all()
        assert [tuple(row) for row in listings] == [("p1", True, 3), ("p2", True, 0)]


def test_a_post_listed_twice_is_complete_only_if_both_listings_were(migrated: str) -> None:
    snapshot = Snapshot(fetched_at=T0, posts_complete=True, listings=[
        CommentListing(_post(), [comment("c1")], complete=True),
        CommentListing(_post(), [comment("c1")], error="listing stopped: repeated cursor")])
    with open_session(migrated) as session:
        account = StoredAccount(session)
        run_id = runs.start_run(session, account.id, "nightly", T0)
        runs.save_snapshot(session, account.id, run_id, snapshot)
        row = session.execute(select(PostListing.complete, PostListing.error)
                              .where(PostListing.run_id == run_id)).one()
        assert tuple(row) == (False, "listing stopped: repeated cursor")
        assert runs.finish_run(session, run_id, snapshot, T0, []) == "partial"
