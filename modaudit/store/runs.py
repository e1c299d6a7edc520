"""Save and load runs and observations: the only place that writes what a collector saw."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from collectors.records import CommentListing, CommentRecord, RunWarning, Snapshot, UserListing
from modaudit.config import AccountConfig
from modaudit.store.chain import chain_comment_texts
from modaudit.store.evidence import digest
from modaudit.store.jetstream import keep_listed_records, listed_record_rows
from modaudit.store.schema import (
    Account,
    Comment,
    CommentObservation,
    ListObservation,
    Post,
    PostListing,
    Run,
)
from modaudit.store.sql import chunks, dialect_insert


def sync_accounts(session: Session, accounts: Iterable[AccountConfig], now: datetime) -> dict[str, int]:
    """Make the accounts table match the configuration; return database ids by account name."""
    for account in accounts:
        statement = dialect_insert(session, Account).values(
            name=account.name, platform=account.platform, platform_id=account.account_id,
            handle=account.handle, institution=account.institution, created_at=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["name"],
            set_={"platform": account.platform, "platform_id": account.account_id,
                  "handle": account.handle, "institution": account.institution},
        )
        session.execute(statement)
    return dict(session.execute(select(Account.name, Account.id)).all())


def account_name(session: Session, account_id: int) -> str | None:
    """The name of the account with this database id (None: no such account)."""
    return session.scalar(select(Account.name).where(Account.id == account_id))


def start_run(session: Session, account_id: int, kind: str, now: datetime) -> int:
    """Record a run as started (status `running`) and return its id."""
    run = Run(account_id=account_id, kind=kind, status="running", started_at=now, api_calls=0,
              warnings=[])
    session.add(run)
    session.flush()
    return run.id


def close_interrupted_runs(session: Session, account_id: int, now: datetime) -> int:
    """Mark runs left `running` by a killed process as failed; their data was rolled back."""
    result = session.execute(
        update(Run).where(Run.account_id == account_id, Run.status == "running")
        .values(status="failed", finished_at=now,
                warnings=[{"code": "interrupted", "message": "the run was killed before it finished"}])
    )
    return result.rowcount or 0


def set_content_digest(session: Session, run_id: int, digest: str) -> None:
    """Record what an imported file said, so the same file is not imported twice."""
    session.execute(update(Run).where(Run.id == run_id).values(content_digest=digest))


def is_first_collection(session: Session, account_id: int, run_id: int) -> bool:
    """True if no earlier run of the account stored any observation."""
    earlier = session.scalar(
        select(func.count()).select_from(Run)
        .where(Run.account_id == account_id, Run.id < run_id, Run.status.in_(("ok", "partial")))
    )
    return not earlier


def clean(value: Any) -> Any:
    """`value` with NUL characters removed from every string in it (PostgreSQL stores none)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


def raw_digest(raw: dict[str, Any] | None) -> str | None:
    """SHA-256 of a payload as the platform sent it (canonical JSON), before any cleaning."""
    if raw is None:
        return None
    return hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


def save_snapshot(session: Session, account_id: int, run_id: int, snapshot: Snapshot) -> None:
    """Store posts, comments, per-post listing completeness and list entries seen in one run."""
    now = snapshot.fetched_at
    session.execute(update(Run).where(Run.id == run_id).values(fetched_at=now))
    # The collectors keep each item once; a post or comment that still comes twice is stored once
    # rather than failing the run on a unique key (and losing its lists with it).
    listings = one_listing_per_post(snapshot.listings)
    post_rows = {listing.post.platform_id: listing.post for listing in listings}
    for chunk in chunks(list(post_rows.values())):
        statement = dialect_insert(session, Post).values([
            {"account_id": account_id, "platform_id": p.platform_id, "created_at": p.created_at,
             "message": clean(p.message), "raw": clean(p.raw), "first_seen_at": now,
             "last_seen_at": now}
            for p in chunk
        ])
        session.execute(statement.on_conflict_do_update(
            index_elements=["account_id", "platform_id"],
            set_={"last_seen_at": statement.excluded.last_seen_at,
                  "message": statement.excluded.message, "raw": statement.excluded.raw},
        ))
    post_ids = _ids(session, Post, account_id, list(post_rows))
    comments: dict[str, CommentRecord] = {}
    for listing in listings:
        for comment in listing.comments:
            comments.setdefault(comment.platform_id, comment)
    for chunk in chunks(list(comments.values())):
        statement = dialect_insert(session, Comment).values([
            {"account_id": account_id, "post_id": post_ids[c.post_id], "platform_id": c.platform_id,
             "parent_platform_id": c.parent_id, "author_id": c.author_id,
             "author_name": clean(c.author_name), "message": clean(c.message),
             "text_digest": digest(c.message), "created_at": c.created_at,
             "is_hidden": c.is_hidden, "first_seen_at": now, "first_seen_run_id": run_id,
             "last_seen_at": now, "raw": clean(c.raw), "raw_sha256": raw_digest(c.raw)}
            for c in chunk
        ])
        session.execute(statement.on_conflict_do_update(
            index_elements=["account_id", "platform_id"],
            set_={"last_seen_at": statement.excluded.last_seen_at},
        ))
    comment_ids = _ids(session, Comment, account_id, list(comments))
    _chain_new_texts(session, account_id, run_id, list(comment_ids.values()), now)
    if listings:
        session.execute(dialect_insert(session, PostListing), [
            {"run_id": run_id, "post_id": post_ids[listing.post.platform_id],
             "complete": listing.complete, "comment_count": len(listing.comments),
             "error": listing.error, "reply_settings": listing.post.reply_settings,
             "skipped": listing.skipped}
            for listing in listings
        ])
    observations = [
        {"run_id": run_id, "comment_id": comment_ids[c.platform_id], "post_id": post_ids[c.post_id],
         "is_hidden": c.is_hidden}
        for c in comments.values()
    ]
    for chunk in chunks(observations, 5000):
        session.execute(dialect_insert(session, CommentObservation), list(chunk))
    for list_name, listing in (("blocked", snapshot.blocked), ("muted", snapshot.muted)):
        _save_list(session, run_id, list_name, listing)
    # Bluesky: the records read tonight are what a later streamed delete or update is compared with.
    keep_listed_records(session, account_id, [clean(row) for row in listed_record_rows(snapshot)],
                        now)
    if snapshot.detached_quotes is not None:  # NULL: not read whole (or no postgates to read)
        session.execute(update(Run).where(Run.id == run_id).values(quotes_complete=True))


def one_listing_per_post(listings: list[CommentListing]) -> list[CommentListing]:
    """One listing per post, in order, each comment once (its first sighting): a post listed
    twice has the comments of both, is complete only if both were, and keeps the first error."""
    merged: dict[str, CommentListing] = {}
    for listing in listings:
        first = merged.get(listing.post.platform_id)
        if first is None:
            first = replace(listing, comments=[])
        else:
            first = replace(first, complete=first.complete and listing.complete,
                            error=first.error or listing.error,
                            skipped=first.skipped if first.skipped == listing.skipped else None)
        known = {comment.platform_id for comment in first.comments}
        for comment in listing.comments:
            if comment.platform_id not in known:
                known.add(comment.platform_id)
                first.comments.append(comment)
        merged[listing.post.platform_id] = first
    return list(merged.values())


def _save_list(session: Session, run_id: int, list_name: str, listing: UserListing | None) -> None:
    if listing is None:
        return
    users = {u.platform_id: u for u in listing.users}
    if users:
        session.execute(dialect_insert(session, ListObservation), [
            {"run_id": run_id, "list_name": list_name, "user_id": u.platform_id,
             "user_name": clean(u.name), "recorded_at": u.recorded_at,
             # Only an entry that is a record of its own keeps its evidence (Bluesky's blocks).
             "record": clean(u.raw) if u.recorded_at is not None else None}
            for u in users.values()
        ])
    column = Run.blocked_complete if list_name == "blocked" else Run.muted_complete
    session.execute(update(Run).where(Run.id == run_id).values({column: listing.complete}))


def _chain_new_texts(session: Session, account_id: int, run_id: int, comment_pks: list[int],
                     now: datetime) -> None:
    """Chain the text digests of the comments this run stored first (their text never changes)."""
    digests: dict[str, str] = {}
    for chunk in chunks(comment_pks):
        digests.update(session.execute(
            select(Comment.platform_id, Comment.text_digest)
            .where(Comment.id.in_(chunk), Comment.first_seen_run_id == run_id,
                   Comment.text_digest.is_not(None))).all())
    chain_comment_texts(session, account_id, run_id, digests, now)


def _ids(session: Session, model: Any, account_id: int, platform_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(platform_ids):
        rows = session.execute(
            select(model.platform_id, model.id)
            .where(model.account_id == account_id, model.platform_id.in_(chunk))
        )
        found.update((pid, pk) for pid, pk in rows)
    return found


def finish_run(session: Session, run_id: int, snapshot: Snapshot | None, now: datetime,
               warnings: list[RunWarning], failed: bool = False, api_calls: int = 0,
               unconfirmed: bool = False) -> str:
    """Close a run with its status (`ok`, `partial` or `failed`), calls and warnings.

    `unconfirmed`: some check the run needed (a lookup, a per-user check) failed: `partial`.
    """
    # A listing with no error was deliberately not made (e.g. beyond X's 7-day search): not a fault.
    incomplete = session.scalar(
        select(func.count()).select_from(PostListing)
        .where(PostListing.run_id == run_id, PostListing.complete.is_(False),
               PostListing.error.is_not(None))
    )
    if failed or snapshot is None:
        status = "failed"
    elif unconfirmed or incomplete or not snapshot.posts_complete or any(
            listing is not None and not listing.complete
            for listing in (snapshot.blocked, snapshot.muted)):
        status = "partial"
    else:
        status = "ok"
    values: dict[str, Any] = {"status": status, "finished_at": now, "api_calls": api_calls,
                              "warnings": [{"code": w.code, "message": w.message} for w in warnings]}
    if snapshot is not None:
        values.update(api_version=snapshot.api_version, fetched_at=snapshot.fetched_at)
    session.execute(update(Run).where(Run.id == run_id).values(values))
    return status


def failing_streaks(session: Session, minimum: int) -> list[tuple[Account, list[Run]]]:
    """Accounts whose latest `minimum` or more nightly runs all failed, with that streak (oldest
    first)."""
    streaks = []
    for account in session.scalars(select(Account).order_by(Account.id)):
        latest = session.scalars(
            select(Run).where(Run.account_id == account.id, Run.kind == "nightly",
                              Run.status.in_(("ok", "partial", "failed")))
            .order_by(Run.id.desc()).limit(30))
        streak: list[Run] = []
        for run in latest:
            if run.status != "failed":
                break
            streak.append(run)
        if len(streak) >= minimum:
            streaks.append((account, list(reversed(streak))))
    return streaks
