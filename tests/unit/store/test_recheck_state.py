"""Per-post re-check state on both databases: what a re-check records, and a webhook's signal."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from analysis.recheck import REQUESTED, PostState, due_reason
from collectors.records import CommentListing, PostRecord, Snapshot
from modaudit.store import recheck, runs
from modaudit.store.reads import reads_by_account, save_reads
from modaudit.store.schema import PostListing
from tests.support.stored_runs import POSTED, T0, StoredAccount, comment, open_session

DAYS = [1, 2, 3, 5, 8, 14, 21, 30]


def _snapshot(at, listings) -> Snapshot:
    return Snapshot(fetched_at=at, listings=listings, posts_complete=True)


def _post(count: int | None = 2) -> PostRecord:
    return PostRecord("p1", POSTED, "post", {"id": "p1"}, comment_count=count)


def test_a_recheck_records_its_time_and_count_and_a_skip_or_failure_does_not(migrated: str) -> None:
    with open_session(migrated) as session:
        account = StoredAccount(session)
        first = _snapshot(T0, [CommentListing(_post(2), [comment("c1"), comment("c2")], complete=True)])
        run_1 = runs.start_run(session, account.id, "nightly", T0)
        runs.save_snapshot(session, account.id, run_1, first)
        assert recheck.record_rechecks(session, account.id, run_1, first) == 1
        later = T0 + timedelta(days=1)
        skipped = _snapshot(later, [CommentListing(_post(1), skipped="schedule"),])
        failed = CommentListing(_post(1), error="timeout after page 1")
        run_2 = runs.start_run(session, account.id, "nightly", later)
        runs.save_snapshot(session, account.id, run_2, skipped)
        assert recheck.record_rechecks(session, account.id, run_2, skipped) == 0
        assert recheck.record_rechecks(session, account.id, run_2, _snapshot(later, [failed])) == 0
        stored = recheck.stored_posts(session, account.id, POSTED - timedelta(days=30))["p1"]
        assert (stored.last_complete_at, stored.comment_count) == (T0, 2)  # the drop stays a signal
        assert session.scalar(select(PostListing.skipped).where(PostListing.run_id == run_2)) == \
            "schedule"


def test_a_webhook_about_a_post_makes_it_due_until_it_is_rechecked(migrated: str) -> None:
    with open_session(migrated) as session:
        account = StoredAccount(session)
        snapshot = _snapshot(T0, [CommentListing(_post(), [comment("c1")], complete=True)])
        run_1 = runs.start_run(session, account.id, "nightly", T0)
        runs.save_snapshot(session, account.id, run_1, snapshot)
        recheck.record_rechecks(session, account.id, run_1, snapshot)
        assert recheck.request_recheck(session, account.id, "p1", T0 + timedelta(hours=2))
        assert not recheck.request_recheck(session, account.id, "unknown", T0)
        known = recheck.stored_posts(session, account.id, POSTED - timedelta(days=30))["p1"]
        state = PostState(known.created_at, known.last_complete_at, known.comment_count,
                          known.recheck_requested_at)
        assert due_reason(state, T0 + timedelta(days=1, hours=1), DAYS) == REQUESTED
        recheck.record_rechecks(session, account.id, run_1, snapshot)
        again = recheck.stored_posts(session, account.id, POSTED - timedelta(days=30))["p1"]
        assert again.recheck_requested_at is None


def test_reads_are_summed_per_account_and_kind(migrated: str) -> None:
    with open_session(migrated) as session:
        account = StoredAccount(session, "valilik-x", "x")
        for night in range(3):
            run_id = runs.start_run(session, account.id, "nightly", T0 + timedelta(days=night))
            save_reads(session, run_id, [("/2/tweets/search/recent", "post", 2, 150),
                                         ("/2/tweets/search/recent", "user", 0, 40),
                                         ("/2/users/:id/blocking", "user", 1, 200)])
        rows = {r.kind: r for r in reads_by_account(session, T0, T0 + timedelta(days=2))}
        assert (rows["post"].requests, rows["post"].resources, rows["post"].runs) == (4, 300, 2)
        assert (rows["user"].requests, rows["user"].resources) == (2, 480)
