"""Events as tamper-evident evidence: the per-account SHA-256 chain, its sightings, verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from collectors.records import NewEvent
from modaudit.store.schema import Account, Event, EventSighting
from modaudit.store.sql import dialect_insert

GENESIS = "0" * 64


def digest(text: str | None) -> str | None:
    """SHA-256 of a text, so the chain can cover it after retention erases the text."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="microseconds")


def event_hash(prev_hash: str, account_name: str, fields: dict[str, Any]) -> str:
    """The chained hash of one event's recorded fields."""
    body = {"account": account_name, "prev": prev_hash, **fields}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


HASHED = ("kind", "subject_id", "post_id", "actor", "source", "occurred_after", "occurred_before",
          "detected_at", "evidence", "text_digest", "run_id")


def _hashed_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The recorded fields the chain covers (times as ISO text; text only as its digest)."""
    return {key: _iso(values[key]) if isinstance(values[key], datetime) else values[key]
            for key in HASHED}


def _row_values(event: Event) -> dict[str, Any]:
    return {key: getattr(event, key) for key in HASHED}


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
    # Lock the accounts' rows (PostgreSQL) so that concurrent appends to one chain (a scan and the
    # webhook processor) take turns instead of both linking to the same previous event.
    names = dict(session.execute(select(Account.id, Account.name).where(Account.id.in_(accounts))
                                 .order_by(Account.id).with_for_update(key_share=True)).all())
    newest = select(func.max(Event.id)).where(Event.account_id.in_(accounts)).group_by(Event.account_id)
    prev_hash: dict[int, str] = dict(
        session.execute(select(Event.account_id, Event.hash).where(Event.id.in_(newest))).all())
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
        previous = prev_hash.get(account_id, GENESIS)
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
               "prev_hash": previous}
        row["hash"] = event_hash(previous, names[account_id], _hashed_fields(row))
        prev_hash[account_id] = row["hash"]
        rows.append(row)
    if not rows:
        return []
    # One multi-row INSERT ... RETURNING, in the chain's order, instead of a flush per object.
    return list(session.scalars(insert(Event).returning(Event, sort_by_parameter_order=True), rows))


@dataclass(frozen=True)
class ChainProblem:
    """One place where the stored chain does not verify."""

    account: str
    event_id: int
    reason: str


def verify_chain(session: Session) -> tuple[int, list[ChainProblem]]:
    """Recompute every account's chain; return (events checked, problems found)."""
    problems: list[ChainProblem] = []
    checked = 0
    for account in session.scalars(select(Account).order_by(Account.id)):
        prev_hash = GENESIS
        for event in session.scalars(
            select(Event).where(Event.account_id == account.id).order_by(Event.id)
        ).yield_per(1000):
            checked += 1
            if event.prev_hash != prev_hash:
                problems.append(ChainProblem(account.name, event.id,
                                             "link broken: an earlier event was removed or reordered"))
            expected = event_hash(event.prev_hash, account.name, _hashed_fields(_row_values(event)))
            if expected != event.hash:
                problems.append(ChainProblem(account.name, event.id,
                                             "contents changed after recording"))
            prev_hash = event.hash
    return checked, problems


def add_sightings(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert sightings; the same source seeing the same event at the same time is kept once."""
    if not rows:
        return
    statement = dialect_insert(session, EventSighting).on_conflict_do_nothing(
        index_elements=["event_id", "source", "seen_at"])
    session.execute(statement, rows)


def verify_event(session: Session, event_id: int) -> str | None:
    """Whether one event's link in its account's chain holds: None, or the problem in words.

    Its hash is recomputed from its fields, and it must link to the event before it.
    """
    event = session.get(Event, event_id)
    if event is None:
        return "no such event"
    account = session.get(Account, event.account_id)
    previous = session.scalar(select(Event.hash).where(Event.account_id == event.account_id,
                                                       Event.id < event.id)
                              .order_by(Event.id.desc()).limit(1))
    if event.prev_hash != (previous or GENESIS):
        return "link broken: an earlier event was removed or reordered"
    if event_hash(event.prev_hash, account.name, _hashed_fields(_row_values(event))) != event.hash:
        return "contents changed after recording"
    return None
