"""Jetstream commits turned into events: stored first, then processed in batches (the Meta webhook
path's shape, intake/webhooks.py).

Receiving only validates the message's envelope and commits it raw with the stream's cursor, so
a crash loses nothing and a reconnect resumes from what was stored. Processing claims pending
commits, reads what the store knows of their records, decides (analysis/jetstream_events.py) and
writes events through the shared tail (intake/tail.py: an action the nightly audit also records
becomes one event with two sightings), in one short transaction per batch. No platform is asked.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analysis.jetstream_events import (
    COLLECTIONS,
    CommitContext,
    CommitDecision,
    KnownRecord,
    decide_commits,
)
from collectors.bluesky.jetstream import JetstreamCommit, MalformedMessage, parse_message
from collectors.records import NewEvent
from modaudit.config import Config
from modaudit.intake import tail
from modaudit.intake.webhooks import DATABASE_UNAVAILABLE
from modaudit.store import jetstream as store
from modaudit.store import recheck, runs
from modaudit.store.deliveries import id_problem
from modaudit.store.engine import utcnow

log = logging.getLogger(__name__)

PLATFORM = "bluesky"
BATCH = 200  # commits per processing transaction


@dataclass
class StreamOutcome:
    """What receiving and processing did, summed."""

    stored: int = 0
    ignored: int = 0
    processed: int = 0
    unparseable: int = 0
    unknown_did: int = 0
    events: int = 0
    findings_opened: int = 0
    findings_closed: int = 0


def digest(body: str) -> str:
    """The SHA-256 of a message as received (its evidence)."""
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def dedup_key(commit: JetstreamCommit) -> str:
    """What makes two messages one commit: the record, the operation, its revision and cid.

    The time_us stands in for a missing rev, so two deletes of a record are never merged.
    """
    version = commit.rev if commit.rev is not None else f"t{commit.time_us}"
    return f"{commit.uri}|{commit.operation}|{version}|{commit.cid or ''}"[:400]


def commit_rows(messages: list[str], received_at: datetime) -> tuple[list[dict[str, Any]], int]:
    """The rows received messages are stored as, and how many were not for the store.

    Identity and account messages, and commits outside the moderation collections, are ignored;
    a message that is not Jetstream's shape is kept (unparseable) with the reason.
    """
    rows: list[dict[str, Any]] = []
    ignored = 0
    for body in messages:
        text = store.storable(body)
        row = {"received_at": received_at, "body": text, "body_sha256": digest(text),
               "status": store.PENDING, "error": None}
        try:
            commit = parse_message(body)
        except MalformedMessage as exc:
            log.warning("Jetstream message kept as unparseable: %s", exc)
            rows.append({**row, "did": "", "time_us": 0, "dedup_key": f"sha256:{row['body_sha256']}",
                         "status": store.UNPARSEABLE, "error": str(exc)})
            continue
        if commit is None or commit.collection not in COLLECTIONS:
            ignored += 1
            continue
        rows.append({**row, "did": commit.did[:100], "time_us": commit.time_us,
                     "dedup_key": dedup_key(commit)})
    return rows, ignored


def _known(row: Any) -> KnownRecord:
    return KnownRecord(row.uri, row.collection, row.value, row.cid, row.rev, row.time_us)


def _state_row(state: KnownRecord) -> dict[str, Any]:
    return {"uri": state.uri, "collection": state.collection, "value": state.value,
            "cid": state.cid, "rev": state.rev, "time_us": state.time_us}


class JetstreamIntake:
    """Stores received Jetstream messages and processes stored commits into events."""

    def __init__(self, engine: Engine, config: Config, *, batch: int = BATCH) -> None:
        self.engine = engine
        self.config = config
        self.batch = batch
        self.outcome = StreamOutcome()
        self._accounts: dict[str, int] | None = None

    def dids(self) -> list[str]:
        """The configured Bluesky accounts' DIDs."""
        return sorted({a.account_id for a in self.config.accounts if a.platform == PLATFORM})

    def cursor(self) -> int | None:
        """Where the stream resumes: the last stored commit's time_us."""
        return store.stored_cursor(self.engine)

    def receive(self, messages: list[str], now: datetime | None = None) -> None:
        """Store a batch of messages (and the cursor past them), then process what is pending."""
        now = now or utcnow()
        rows, ignored = commit_rows(messages, now)
        store.store_commits(self.engine, rows, now)  # raises: the follower resumes from the store
        self.outcome.stored += len(rows)
        self.outcome.ignored += ignored
        try:
            while self.process_batch(now):
                pass
        except DATABASE_UNAVAILABLE as exc:  # stored, so processed on the next batch
            log.warning("Jetstream processing waits for the database: %s", type(exc).__name__)

    def _account_ids(self, now: datetime) -> dict[str, int]:
        if self._accounts is None:
            with Session(self.engine) as session, session.begin():
                ids = runs.sync_accounts(session, self.config.accounts, now)
            self._accounts = {a.account_id: ids[a.name] for a in self.config.accounts
                              if a.platform == PLATFORM}
        return self._accounts

    def process_batch(self, now: datetime | None = None) -> bool:
        """Process up to one batch of pending commits; True if more may be waiting."""
        pending = store.pending_commits(self.engine, self.batch)  # read
        if not pending:
            return False
        now = now or utcnow()
        accounts = self._account_ids(now)
        try:
            self._process(pending, accounts, now)
        except DATABASE_UNAVAILABLE:
            raise
        except Exception:  # a commit the database refuses, or one no rule foresaw: find it
            log.exception("a batch of Jetstream commits could not be written; trying each alone")
            for row in pending:
                try:
                    self._process([row], accounts, now)
                except DATABASE_UNAVAILABLE:
                    raise
                except Exception as exc:
                    why = f"processing failed: {type(exc).__name__}: {str(exc)[:200]}"
                    if store.set_aside(self.engine, row.id, why):
                        self.outcome.unparseable += 1
        return len(pending) >= self.batch

    def _process(self, pending: list[Any], accounts: dict[str, int], now: datetime) -> None:
        """Claim, decide and write these commits in one transaction (no platform is asked)."""
        with Session(self.engine) as session, session.begin():
            claimed = store.claim_commits(session, [row.id for row in pending], now)
            mine = [row for row in pending if row.id in claimed]
            settled = self._write(session, mine, accounts, now)
            store.settle_commits(session, settled)
        for row in settled:
            self.outcome.processed += row["status"] == store.PROCESSED
            self.outcome.unknown_did += row["status"] == store.UNKNOWN_DID
            self.outcome.unparseable += row["status"] == store.UNPARSEABLE

    def _write(self, session: Session, rows: list[Any], accounts: dict[str, int],
               now: datetime) -> list[dict[str, Any]]:
        """Decide and record the claimed commits; the settled rows (id, status, error)."""
        settled: list[dict[str, Any]] = []
        by_account: dict[int, list[tuple[int, JetstreamCommit, CommitContext]]] = defaultdict(list)
        for row in rows:
            try:
                commit = parse_message(row.body)
            except MalformedMessage as exc:
                settled.append({"id": row.id, "status": store.UNPARSEABLE, "error": str(exc)})
                continue
            if commit is None or commit.did not in accounts:
                settled.append({"id": row.id, "status": store.UNKNOWN_DID,
                                "error": "no configured Bluesky account with this DID"})
                continue
            context = CommitContext(row.id, row.body_sha256, row.received_at)
            by_account[accounts[commit.did]].append((row.id, commit, context))
        for account_id, items in sorted(by_account.items()):
            known = store.known_records(session, account_id, [c.uri for _, c, _ in items])
            decisions = decide_commits([(c, ctx) for _, c, ctx in items],
                                       {uri: _known(r) for uri, r in known.items()})
            kept: list[CommitDecision] = []
            for (commit_id, _, _), decision in zip(items, decisions, strict=True):
                # Checked before writing, so SQLite (which would keep it) and PostgreSQL (which
                # refuses an over-long id) set the same commit aside.
                refused = next((problem for event in decision.events
                                for name, value in (("subject", event.subject_id),
                                                    ("post", event.post_id))
                                if (problem := id_problem(name, value))), None)
                if refused:
                    settled.append({"id": commit_id, "status": store.UNPARSEABLE, "error": refused})
                    continue
                kept.append(decision)
                settled.append({"id": commit_id, "status": store.PROCESSED, "error": decision.note})
            self._record(session, account_id, kept, now)
        return settled

    def _record(self, session: Session, account_id: int, decisions: list[CommitDecision],
                now: datetime) -> None:
        events: list[NewEvent] = [event for d in decisions for event in d.events]
        store.save_records(session, account_id,
                           [_state_row(d.state) for d in decisions if d.state is not None], now)
        # A gate changed on a post is a signal, as a webhook is: its replies are re-checked tonight.
        for post_id, at in sorted({(e.post_id, e.occurred_before) for e in events if e.post_id}):
            recheck.request_recheck(session, account_id, post_id, at)
        if events:
            recorded = tail.record(session, account_id, None, events, now)
            self.outcome.events += recorded.events
            self.outcome.findings_opened += recorded.findings_opened
            self.outcome.findings_closed += recorded.findings_closed
            log.info("Jetstream: %d event(s) recorded, %d finding(s) opened", recorded.events,
                     recorded.findings_opened)
