"""Benchmark: diff + rules over two stored runs of many accounts, against a hand-written SQL floor.

Builds runs directly in the store (no platform), 1,000 accounts x 100 posts x 10 comments by
default (1,000,000 comments per run), with a known number of deletions and hide/unhide changes,
then times detection exactly as a nightly audit runs it (per account, set-based SQL, events
hash-chained, findings by rule; lookups replaced by a "gone" answer) and one anti-join written by
hand over the same file. Prints one line (and on stderr the CPU time of both):
    audit_scale: diff+rules S s, peak M MiB, hand SQL H s, changes found K of K
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.change_events import deletion_event, unhide_event, visibility_events  # noqa: E402
from collectors.records import LookupResult  # noqa: E402
from modaudit.intake.tail import apply_rules  # noqa: E402
from modaudit.store import state  # noqa: E402
from modaudit.store.changes import deletion_candidates, visibility_changes  # noqa: E402
from modaudit.store.engine import make_engine, upgrade  # noqa: E402
from modaudit.store.evidence import record_event_batch  # noqa: E402
from modaudit.store.schema import (  # noqa: E402
    Account,
    Comment,
    CommentObservation,
    Post,
    PostListing,
    Run,
)

NIGHT_1 = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)
NIGHT_2 = NIGHT_1 + timedelta(days=1)
BATCH = 50_000


def build(engine, accounts: int, posts: int, comments: int, seed: int) -> tuple[int, int]:
    """Two runs per account; returns (deletions, visibility changes) planted in the second."""
    rng = random.Random(seed)
    deleted = hidden_changes = 0
    with engine.begin() as connection:
        connection.execute(insert(Account), [
            {"id": a, "name": f"account-{a}", "platform": "facebook", "platform_id": str(10_000 + a),
             "handle": "", "institution": f"Kurum {a % 50}", "created_at": NIGHT_1}
            for a in range(1, accounts + 1)])
        connection.execute(insert(Run), [
            {"id": 2 * a - 1 + night, "account_id": a, "kind": "nightly", "status": "ok",
             "started_at": at, "fetched_at": at, "finished_at": at, "api_calls": 0, "warnings": [],
             "blocked_complete": None, "muted_complete": None}
            for a in range(1, accounts + 1) for night, at in ((0, NIGHT_1), (1, NIGHT_2))])
        post_rows, listing_rows = [], []
        for a in range(1, accounts + 1):
            for p in range(posts):
                post_id = (a - 1) * posts + p + 1
                post_rows.append({"id": post_id, "account_id": a, "platform_id": f"{a}_{p}",
                                  "created_at": NIGHT_1 - timedelta(days=2), "message": "duyuru",
                                  "raw": {}, "first_seen_at": NIGHT_1, "last_seen_at": NIGHT_2})
                for run_id in (2 * a - 1, 2 * a):
                    listing_rows.append({"run_id": run_id, "post_id": post_id, "complete": True,
                                         "comment_count": comments, "error": None})
        for start in range(0, len(post_rows), BATCH):
            connection.execute(insert(Post), post_rows[start:start + BATCH])
        for start in range(0, len(listing_rows), BATCH):
            connection.execute(insert(PostListing), listing_rows[start:start + BATCH])
        comment_rows, first_obs, second_obs = [], [], []
        comment_id = 0

        def flush() -> None:
            connection.execute(insert(Comment), comment_rows)
            connection.execute(insert(CommentObservation), first_obs)
            if second_obs:
                connection.execute(insert(CommentObservation), second_obs)
            comment_rows.clear()
            first_obs.clear()
            second_obs.clear()

        for a in range(1, accounts + 1):
            for p in range(posts):
                post_id = (a - 1) * posts + p + 1
                for _ in range(comments):
                    comment_id += 1
                    was_hidden = rng.random() < 0.01
                    comment_rows.append({
                        "id": comment_id, "account_id": a, "post_id": post_id,
                        "platform_id": f"c{comment_id}", "parent_platform_id": None,
                        "author_id": str(rng.randrange(10**6)), "author_name": "Ayşe Yılmaz",
                        "message": "Yorum metni, Türkçe İıŞş 🙂", "text_digest": None,
                        "created_at": NIGHT_1 - timedelta(days=1), "is_hidden": was_hidden,
                        "gone_at": None, "first_seen_at": NIGHT_1, "first_seen_run_id": 2 * a - 1,
                        "last_seen_at": NIGHT_1, "raw": None})
                    first_obs.append({"run_id": 2 * a - 1, "comment_id": comment_id,
                                      "post_id": post_id, "is_hidden": was_hidden})
                    roll = rng.random()
                    if roll < 0.001:
                        deleted += 1
                        continue
                    now_hidden = (not was_hidden) if roll < 0.0015 else was_hidden
                    hidden_changes += now_hidden != was_hidden
                    # As store/runs.save_snapshot leaves it: last seen by the run that saw it.
                    comment_rows[-1]["last_seen_at"] = NIGHT_2
                    second_obs.append({"run_id": 2 * a, "comment_id": comment_id,
                                       "post_id": post_id, "is_hidden": now_hidden})
                if len(comment_rows) >= BATCH:
                    flush()
        if comment_rows:
            flush()
    return deleted, hidden_changes


GONE = LookupResult(status="gone", answer={"error": "Graph error 100/33 (benchmark)"})


def detect_runs(session: Session, run_ids: list[int]) -> int:
    """Diff + rules over the given runs, set-based, with every lookup answered "gone" (deletions)
    or "visible" (unhides); returns events written."""
    account_of = dict(session.execute(select(Run.id, Run.account_id).where(Run.id.in_(run_ids))).all())
    changes = visibility_changes(session, run_ids)
    state.set_visibility(session, {c.comment_pk: c.is_hidden for c in changes})
    items: list = []
    hides = {c.comment_pk: event for c, event in zip(
        [c for c in changes if c.is_hidden and not c.was_hidden], visibility_events(changes, set()),
        strict=True)}
    for change in changes:
        event = hides.get(change.comment_pk) if change.is_hidden else unhide_event(
            change, last_hidden_at=change.last_seen_before, first_visible_at=change.seen_at,
            confirmed_at=NIGHT_2, confirmed_by="lookup")
        items.append((account_of[change.run_id], change.run_id, event))
    state.open_candidates(session, run_ids, NIGHT_2)
    candidates = deletion_candidates(session, sorted(set(account_of.values())))
    state.mark_gone(session, [c.comment_pk for c in candidates], NIGHT_2)
    run_of = {account: run for run, account in account_of.items()}
    post_account = dict(session.execute(select(Post.id, Post.account_id).where(
        Post.id.in_({c.post_pk for c in candidates}))).all()) if candidates else {}
    items += [(post_account[c.post_pk], run_of[post_account[c.post_pk]],
               deletion_event(c, GONE, "facebook", NIGHT_2)) for c in candidates]
    written = record_event_batch(session, [(a, r, e) for a, r, e in items if e], NIGHT_2)
    apply_rules(session, written, NIGHT_2)
    return len(written)


def night_in_bulk(engine, accounts: int) -> int:
    """Detection for every account's second run in one set-based pass."""
    with Session(engine) as session, session.begin():
        return detect_runs(session, [2 * a for a in range(1, accounts + 1)])


def night_per_account(engine, accounts: int) -> int:
    """Detection as `modaudit audit` runs it: one transaction per account."""
    total = 0
    for a in range(1, accounts + 1):
        with Session(engine) as session, session.begin():
            total += detect_runs(session, [2 * a])
    return total


HAND_SQL = """
SELECT
  (SELECT COUNT(*) FROM comment_observations a
     WHERE a.run_id % 2 = 1
       AND NOT EXISTS (SELECT 1 FROM comment_observations b
                        WHERE b.run_id = a.run_id + 1 AND b.comment_id = a.comment_id))
+ (SELECT COUNT(*) FROM comment_observations b
     JOIN comment_observations a ON a.run_id = b.run_id - 1 AND a.comment_id = b.comment_id
     WHERE b.run_id % 2 = 0 AND a.is_hidden <> b.is_hidden)
"""


def main() -> None:
    """Build, measure, print the one-line result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--comments", type=int, default=10)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in a temp dir)")
    parser.add_argument("--seed", type=int, default=2021_81)
    parser.add_argument("--per-account", action="store_true",
                        help="also time detection one account per transaction, as `audit` runs it "
                             "(on a second copy of the two runs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        deleted, hidden = build(engine, args.accounts, args.posts, args.comments, args.seed)
        print(f"built {args.accounts * args.posts * args.comments:,} comments x 2 runs in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        with engine.connect() as connection:  # warm the cache for both measurements alike
            connection.execute(text("SELECT COUNT(*) FROM comment_observations")).scalar()
        started, cpu = time.perf_counter(), time.process_time()
        with engine.connect() as connection:
            hand_found = connection.execute(text(HAND_SQL)).scalar()
        hand_seconds, hand_cpu = time.perf_counter() - started, time.process_time() - cpu
        if args.per_account:
            copy = Path(tmp) / "per-account.db"
            if not url.startswith("sqlite:///"):
                parser.error("--per-account needs the default SQLite file")
            shutil.copy(url.removeprefix("sqlite:///"), copy)
            per_engine = make_engine(f"sqlite:///{copy}")
            started = time.perf_counter()
            per_found = night_per_account(per_engine, args.accounts)
            print(f"per account (one transaction each): {time.perf_counter() - started:.1f} s, "
                  f"{per_found} events", file=sys.stderr)
            per_engine.dispose()
        started, cpu = time.perf_counter(), time.process_time()
        found = night_in_bulk(engine, args.accounts)
        seconds, detect_cpu = time.perf_counter() - started, time.process_time() - cpu
        with Session(engine) as session:
            findings = session.scalar(select(text("COUNT(*)")).select_from(text("findings")))
        engine.dispose()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    expected = deleted + hidden
    assert hand_found == expected, (hand_found, expected)
    print(f"({deleted} deletions, {hidden} visibility changes, {findings} findings)", file=sys.stderr)
    # SQLite runs in this process: its CPU time is the work itself, which a machine shared with
    # other processes does not inflate the way it inflates wall time.
    print(f"(CPU time: diff+rules {detect_cpu:.2f} s, hand SQL {hand_cpu:.2f} s)", file=sys.stderr)
    print(f"audit_scale: diff+rules {seconds:.1f} s, peak {peak_mib:.0f} MiB, "
          f"hand SQL {hand_seconds:.1f} s, changes found {found} of {expected}")


if __name__ == "__main__":
    main()
