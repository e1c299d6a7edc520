"""Events as tamper-evident evidence: the per-account SHA-256 chain, its sightings, verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.records import NewEvent
from modaudit.store.chain import GENESIS, chain_hash, lock_heads
from modaudit.store.chain import iso as _iso
from modaudit.store.chain import text_digest as digest
from modaudit.store.schema import Account, ChainRecord, Event, EventSighting
from modaudit.store.sql import dialect_insert, insert_returning

__all__ = ["GENESIS", "digest", "event_hash", "hashed_fields", "record_events"]
event_hash = chain_hash  # an event's hash is a chain element's hash (store/chain.py)


HASHED = ("kind", "subject_id", "post_id", "actor", "source", "occurred_after", "occurred_before",
          "detected_at", "evidence", "text_digest", "run_id")


def hashed_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The recorded fields the chain covers (times as ISO text; text only as its digest)."""
    return {key: _iso(values[key]) if isinstance(values[key], datetime) else values[key]
            for key in HASHED}


def event_fields(event: Event) -> dict[str, Any]:
    """What a stored event's hash covers."""
    return hashed_fields({key: getattr(event, key) for key in HASHED})


def dedup_key(event: NewEvent) -> str:
    """What makes two records the same event (a redelivery or a re-detection)."""
    return f"{event.kind}|{event.subject_id}|{_iso(event.occurred_before)}"


def record_events(session: Session, account_id: int, run_id: int | None, events: list[NewEvent],
                  now: datetime) -> list[Event]:
    """Append one account's events to its hash chain; events already recorded are skipped."""
    return record_event_batch(session, [(account_id, run_id, event) for event in events], now)


def record_event_batch(session: Session, items: list[tuple[int, int | None, NewEvent]],
                       now: datetime) -> list[Event]:
    """Append events of any number of accounts, each to its own chain, in a few statements."""
    if not items:
        return []
    accounts = sorted({account_id for account_id, _, _ in items})
    heads = lock_heads(session, accounts)
    keyed = [(account_id, run_id, event, dedup_key(event)) for account_id, run_id, event in items]
    existing: set[tuple[int, str]] = set()
    all_keys = sorted({key for _, _, _, key in keyed})
    for start in range(0, len(all_keys), 500):
        existing.update(session.execute(
            select(Event.account_id, Event.dedup_key)
            .where(Event.account_id.in_(accounts), Event.dedup_key.in_(all_keys[start:start + 500]))
        ).all())
    rows: list[dict[str, Any]] = []
    for account_id, run_id, new, key in keyed:
        if (account_id, key) in existing:
            continue
        existing.add((account_id, key))
        name, seq, previous = heads[account_id]
        after, evidence = new.occurred_after, new.evidence
        if after is not None and after > new.occurred_before:
            # A platform clock ahead of ours (a comment "written" after we saw it): the bracket
            # cannot start after it ends, so it starts where it ends, and the evidence says why.
            after, evidence = new.occurred_before, {**evidence, "clock_skew": _iso(after)}
        row = {"account_id": account_id, "run_id": run_id, "kind": new.kind,
               "subject_id": new.subject_id, "post_id": new.post_id, "actor": new.actor,
               "source": new.source, "occurred_after": after,
               "occurred_before": new.occurred_before, "detected_at": now,
               "evidence": evidence, "text_digest": new.text_digest, "dedup_key": key,
               "prev_hash": previous, "seq": seq + 1}
        row["hash"] = event_hash(previous, name, hashed_fields(row))
        heads[account_id] = (name, seq + 1, row["hash"])
        rows.append(row)
    if not rows:
        return []
    # Multi-row INSERT ... RETURNING, given back in the chain's order, not a flush per object.
    return insert_returning(session, Event, rows, ("account_id", "seq"))


def add_sightings(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert sightings; the same source seeing the same event at the same time is kept once."""
    if not rows:
        return
    statement = dialect_insert(session, EventSighting).on_conflict_do_nothing(
        index_elements=["event_id", "source", "seen_at"])
    session.execute(statement, rows)


def verify_event(session: Session, event_id: int) -> str | None:
    """Whether one event's link in its account's chain holds: None, or the problem in words.

    Its hash is recomputed from its fields, and it must link to the chain element before it
    (an event or a chained record: they share one sequence per account).
    """
    event = session.get(Event, event_id)
    if event is None:
        return "no such event"
    account = session.get(Account, event.account_id)
    previous = GENESIS
    if event.seq > 1:
        previous = (session.scalar(select(Event.hash).where(Event.account_id == event.account_id,
                                                            Event.seq == event.seq - 1))
                    or session.scalar(select(ChainRecord.hash).where(
                        ChainRecord.account_id == event.account_id, ChainRecord.seq == event.seq - 1))
                    or "")
    if event.prev_hash != previous:
        return "link broken: an earlier element was removed or reordered"
    if event_hash(event.prev_hash, account.name, event_fields(event)) != event.hash:
        return "contents changed after recording"
    return None
