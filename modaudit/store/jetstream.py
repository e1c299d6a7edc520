"""Jetstream's commits as the store keeps them: stored raw as they arrive with the stream's cursor,
processed later in batches (like store/deliveries.py), and the last known state of each record
(from the stream, or from the nightly audit's block listings)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, and_, case, func, select, update
from sqlalchemy.orm import Session

from collectors.records import Snapshot
from modaudit.store.deliveries import storable
from modaudit.store.schema_bluesky import BlueskyRecord, JetstreamCommit, JetstreamCursor
from modaudit.store.sql import chunks, dialect_insert

PENDING, PROCESSED, UNPARSEABLE, UNKNOWN_DID = "pending", "processed", "unparseable", "unknown_did"
STREAM = "bluesky"


def stored_cursor(engine: Engine, stream: str = STREAM) -> int | None:
    """The time_us of the last commit stored from `stream`: where a reconnect resumes (None: never)."""
    with Session(engine) as session:
        return session.scalar(select(JetstreamCursor.time_us).where(JetstreamCursor.stream == stream))


def store_commits(engine: Engine, rows: list[dict[str, Any]], now: datetime,
                  stream: str = STREAM) -> None:
    """Commit received messages and move the cursor past them, in one transaction.

    A message already stored (the inclusive replay of a resumed stream) is skipped by its dedup
    key; the cursor only ever moves forward.
    """
    if not rows:
        return
    with Session(engine) as session, session.begin():
        session.execute(dialect_insert(session, JetstreamCommit)
                        .on_conflict_do_nothing(index_elements=["dedup_key"]), rows)
        newest = max(row["time_us"] for row in rows)
        if newest <= 0:  # only messages without a time (unparseable): nothing to resume from
            return
        statement = dialect_insert(session, JetstreamCursor).values(
            stream=stream, time_us=newest, updated_at=now)
        session.execute(statement.on_conflict_do_update(
            index_elements=["stream"],
            set_={"time_us": case((JetstreamCursor.time_us < newest, newest),
                                  else_=JetstreamCursor.time_us),
                  "updated_at": now}))


def pending_commits(engine: Engine, limit: int) -> list[Row[Any]]:
    """The oldest commits still waiting, in stream order (id, did, time_us, body, digest, receipt)."""
    with Session(engine) as session:
        return list(session.execute(
            select(JetstreamCommit.id, JetstreamCommit.did, JetstreamCommit.time_us,
                   JetstreamCommit.body, JetstreamCommit.body_sha256, JetstreamCommit.received_at)
            .where(JetstreamCommit.status == PENDING)
            .order_by(JetstreamCommit.time_us, JetstreamCommit.id).limit(limit)))


def claim_commits(session: Session, commit_ids: Sequence[int], now: datetime) -> set[int]:
    """Claim the commits still pending; the ids this transaction now owns (written first: the lock)."""
    claimed: set[int] = set()
    for part in chunks(list(commit_ids)):
        claimed.update(session.scalars(
            update(JetstreamCommit).where(JetstreamCommit.id.in_(part),
                                          JetstreamCommit.status == PENDING)
            .values(processed_at=now).returning(JetstreamCommit.id)))
    return claimed


def settle_commits(session: Session, settled: list[dict[str, Any]]) -> None:
    """Record what processing made of claimed commits: rows of id, status, error."""
    if settled:
        session.execute(update(JetstreamCommit), [
            {**row, "error": row["error"] and storable(row["error"])[:500]} for row in settled])


def known_records(session: Session, account_id: int, uris: Sequence[str]) -> dict[str, Row[Any]]:
    """The last known state of these records of the account, by at-uri."""
    found: dict[str, Row[Any]] = {}
    for part in chunks(sorted(set(uris))):
        for row in session.execute(
            select(BlueskyRecord.uri, BlueskyRecord.collection, BlueskyRecord.value,
                   BlueskyRecord.cid, BlueskyRecord.rev, BlueskyRecord.time_us)
            .where(BlueskyRecord.account_id == account_id, BlueskyRecord.uri.in_(part))
        ):
            found[row.uri] = row
    return found


def save_records(session: Session, account_id: int, states: list[dict[str, Any]],
                 now: datetime) -> None:
    """Keep each record's latest state (rows of uri, collection, value, cid, rev, time_us)."""
    if not states:
        return
    latest = {state["uri"]: state for state in sorted(states, key=lambda s: s["time_us"])}
    insert = dialect_insert(session, BlueskyRecord)
    statement = insert.on_conflict_do_update(
        index_elements=["account_id", "uri"],
        set_={"collection": insert.excluded.collection, "value": insert.excluded.value,
              "cid": insert.excluded.cid, "rev": insert.excluded.rev,
              "time_us": insert.excluded.time_us, "updated_at": insert.excluded.updated_at})
    session.execute(statement, [{**state, "account_id": account_id, "updated_at": now}
                                for state in latest.values()])


def _record_row(evidence: Any, time_us: int) -> dict[str, Any] | None:
    """A record's state from its evidence as a listing read it ({uri, cid, value, ...})."""
    if not isinstance(evidence, dict):
        return None
    uri, value, cid = evidence.get("uri"), evidence.get("value"), evidence.get("cid")
    parts = uri.split("/") if isinstance(uri, str) else []
    if len(parts) != 5 or parts[0] != "at:" or not isinstance(value, dict) or len(uri) > 300:
        return None
    return {"uri": uri, "collection": parts[3][:60], "value": value,
            "cid": cid if isinstance(cid, str) else None, "rev": None, "time_us": time_us}


def listed_record_rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The states of the moderation records a nightly read saw whole (rows of uri, collection,
    value, cid, rev, time_us), at its time: the block and listblock records, and the thread and
    post gates kept on the posts read. An entry that is not a record of its own (an X block, say)
    has none; a gate not read (its listing incomplete) is not on its post."""
    time_us = round(snapshot.fetched_at.timestamp() * 1_000_000)
    evidences: list[Any] = [user.raw for user in (snapshot.blocked.users if snapshot.blocked
                                                   else []) if user.recorded_at is not None]
    evidences += [(listing.post.raw or {}).get(gate) for listing in snapshot.listings
                  for gate in ("threadgate", "postgate")]
    rows = [row for evidence in evidences if (row := _record_row(evidence, time_us)) is not None]
    return list({row["uri"]: row for row in rows}.values())


def keep_listed_records(session: Session, account_id: int, rows: list[dict[str, Any]],
                        now: datetime) -> None:
    """Keep the moderation records a nightly read saw (`listed_record_rows`), so that Jetstream's
    later delete or update of one it never streamed is compared with it (a delete carries no
    record: a block's subject, a gate's rules and hidden replies come from the known state).

    A state the store already holds is replaced only by a different version read later: a delete
    Jetstream streamed after the listing's read stays, and a record Jetstream already showed in
    the same version keeps its revision.
    """
    if not rows:
        return
    insert = dialect_insert(session, BlueskyRecord)
    statement = insert.on_conflict_do_update(
        index_elements=["account_id", "uri"],
        set_={"collection": insert.excluded.collection, "value": insert.excluded.value,
              "cid": insert.excluded.cid, "rev": insert.excluded.rev,
              "time_us": insert.excluded.time_us, "updated_at": insert.excluded.updated_at},
        where=and_(BlueskyRecord.time_us < insert.excluded.time_us,
                   BlueskyRecord.cid.is_distinct_from(insert.excluded.cid)))
    for part in chunks(rows):
        session.execute(statement, [{**row, "account_id": account_id, "updated_at": now}
                                    for row in part])


def set_aside(engine: Engine, commit_id: int, why: str) -> bool:
    """Keep a pending commit processing could not write, marked unparseable with the reason."""
    with Session(engine) as session, session.begin():
        result = session.execute(update(JetstreamCommit).where(
            JetstreamCommit.id == commit_id, JetstreamCommit.status == PENDING)
            .values(status=UNPARSEABLE, error=storable(why)[:500]))
    return bool(result.rowcount)


def commit_counts(engine: Engine) -> dict[str, int]:
    """How many stored commits are in each status (for logs and tests)."""
    with Session(engine) as session:
        return {status: count for status, count in session.execute(
            select(JetstreamCommit.status, func.count()).group_by(JetstreamCommit.status))}
