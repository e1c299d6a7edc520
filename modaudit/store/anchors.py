"""Anchors: each account's chain head, time-stamped by a TSA (RFC 3161), stored with its token.

An anchor's manifest lists every chain hash since the previous stamped anchor (or the start),
so a rewrite of any anchored element names itself; a failed attempt is kept with its error, so
health and the report can say since when a head waits. docs/architecture.md §3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from modaudit.store.chain import hashes_between, heads_of
from modaudit.store.schema import Account, ChainAnchor
from modaudit.store.timestamps import TokenError, manifest, token_time

STAMPED, FAILED = "stamped", "failed"


@dataclass(frozen=True)
class Head:
    """One account's chain head, and whether (and when, by whom) a token covers it."""

    account: str
    account_id: int
    count: int
    head_hash: str
    stamped_at: datetime | None = None
    tsa_url: str | None = None
    pending_since: datetime | None = None  # the first failed attempt since the last stamp
    last_error: str | None = None


def last_stamped(session: Session, account_id: int) -> ChainAnchor | None:
    """The newest stamped anchor of an account."""
    return session.scalars(select(ChainAnchor).where(
        ChainAnchor.account_id == account_id, ChainAnchor.status == STAMPED)
        .order_by(ChainAnchor.event_count.desc(), ChainAnchor.id.desc()).limit(1)).first()


def heads(session: Session, names: list[str] | None = None) -> list[Head]:
    """Each account's head with its anchoring state (accounts by id, or only `names`)."""
    query = select(Account.id).order_by(Account.id)
    if names is not None:
        query = query.where(Account.name.in_(names))
    ids = list(session.scalars(query))
    found = []
    for account_id, (name, count, head_hash) in heads_of(session, ids).items():
        stamped = last_stamped(session, account_id)
        covered = stamped is not None and stamped.event_count == count
        failures = session.execute(select(func.min(ChainAnchor.requested_at),
                                          func.max(ChainAnchor.id)).where(
            ChainAnchor.account_id == account_id, ChainAnchor.status == FAILED,
            ChainAnchor.id > (stamped.id if stamped else 0))).one()
        error = (session.get(ChainAnchor, failures[1]).error if failures[1] else None)
        found.append(Head(name, account_id, count, head_hash,
                          stamped_time(stamped) if covered and stamped else None,
                          stamped.tsa_url if covered and stamped else None,
                          failures[0], error))
    return found


def stamped_time(anchor: ChainAnchor) -> datetime | None:
    """When an anchor was stamped, as its token says (what reports print); the stored copy only
    if the token cannot be read (verify then says why)."""
    try:
        return token_time(anchor.token).gen_time if anchor.token else anchor.stamped_at
    except TokenError:
        return anchor.stamped_at


def pending_manifest(session: Session, head: Head) -> str | None:
    """The text to time-stamp for this head, or None if a token already covers it (or empty)."""
    stamped = last_stamped(session, head.account_id)
    first = (stamped.event_count if stamped else 0) + 1
    if head.count < first:
        return None
    return manifest(hashes_between(session, head.account_id, first, head.count), first)


def record_anchor(session: Session, head: Head, text: str, *, tsa_url: str, requested_at: datetime,
                  token: bytes | None, stamped_at: datetime | None, error: str | None) -> ChainAnchor:
    """Store an attempt: stamped with its token and the TSA's time, or failed with why."""
    anchor = ChainAnchor(account_id=head.account_id, event_count=head.count,
                         head_hash=head.head_hash, manifest=text if token else "",
                         token=token, tsa_url=tsa_url, requested_at=requested_at,
                         stamped_at=stamped_at, status=STAMPED if token else FAILED, error=error)
    session.add(anchor)
    session.flush()
    return anchor


def anchors_covering(session: Session, account_id: int, first: int) -> list[ChainAnchor]:
    """Stamped anchors whose manifests reach position `first` or later, oldest first."""
    return list(session.scalars(select(ChainAnchor).where(
        ChainAnchor.account_id == account_id, ChainAnchor.status == STAMPED,
        ChainAnchor.event_count >= first).order_by(ChainAnchor.event_count)))
