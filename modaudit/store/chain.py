"""The per-account chain beyond events: reviews, finding changes, attachments, comment texts,
and changes to the portal users who may read an account's findings.

One account's chain is its events and its chained records in one sequence (`seq`), each linked
to the one before by SHA-256 (docs/architecture.md §3). Every hash is the SHA-256 of the
element's canonical bytes, so `sha256sum` on an exported record file reproduces it. This module
is the only writer of chained records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from modaudit.store.schema import Account, ChainRecord, Event, Finding
from modaudit.store.sql import insert_returning

GENESIS = "0" * 64
FINDING_OPENED = "finding_opened"
FINDING_CLOSED = "finding_closed"
FINDING_REVIEWED = "finding_reviewed"
SEVERITY_CHANGED = "severity_changed"
ATTACHMENT = "attachment"
COMMENT_TEXTS = "comment_texts"
USER_CHANGED = "user_changed"
RECORD_KINDS = (FINDING_OPENED, FINDING_CLOSED, FINDING_REVIEWED, SEVERITY_CHANGED, ATTACHMENT,
                COMMENT_TEXTS, USER_CHANGED)


def iso(value: datetime | None) -> str | None:
    """A time as the chain writes it (ISO 8601, microseconds)."""
    return None if value is None else value.isoformat(timespec="microseconds")


def text_digest(text: str | None) -> str | None:
    """SHA-256 of a text, so the chain can cover it after retention erases the text.

    The text's code points as received: a lone surrogate (valid JSON, not valid UTF-8) is
    encoded as is ("surrogatepass"), so half an emoji never stops a record; valid text hashes
    as plain UTF-8.
    """
    return None if text is None else hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def canonical(prev_hash: str, account_name: str, fields: dict[str, Any]) -> bytes:
    """The bytes an element's hash covers: sorted, compact JSON of its fields and the link."""
    body = {"account": account_name, "prev": prev_hash, **fields}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")


def chain_hash(prev_hash: str, account_name: str, fields: dict[str, Any]) -> str:
    """The chained hash of one element (event or record)."""
    return hashlib.sha256(canonical(prev_hash, account_name, fields)).hexdigest()


def record_fields(kind: str, payload: dict[str, Any], recorded_at: datetime) -> dict[str, Any]:
    """What a chained record's hash covers."""
    return {"record": kind, "payload": payload, "recorded_at": iso(recorded_at)}


def heads_of(session: Session, account_ids: Iterable[int],
             lock: bool = False) -> dict[int, tuple[str, int, str]]:
    """{account: (name, last position, last hash)} of each account's chain.

    With `lock` (before appending), the accounts' rows are locked (PostgreSQL) so that appends
    to one chain (a scan, the webhook processor, a review) take turns instead of linking to the
    same previous element.
    """
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    query = select(Account.id, Account.name).where(Account.id.in_(ids)).order_by(Account.id)
    names = dict(session.execute(query.with_for_update(key_share=True) if lock else query).all())
    heads = {account_id: (names[account_id], 0, GENESIS) for account_id in ids}
    for model in (Event, ChainRecord):
        newest = (select(model.account_id, func.max(model.seq).label("seq"))
                  .where(model.account_id.in_(ids)).group_by(model.account_id).subquery())
        rows = session.execute(select(model.account_id, model.seq, model.hash).join(
            newest, (newest.c.account_id == model.account_id) & (newest.c.seq == model.seq))).all()
        for account_id, seq, hash_ in rows:
            if seq > heads[account_id][1]:
                heads[account_id] = (names[account_id], seq, hash_)
    return heads


def lock_heads(session: Session, account_ids: Iterable[int]) -> dict[int, tuple[str, int, str]]:
    """The heads of these accounts' chains, locked for appending."""
    return heads_of(session, account_ids, lock=True)


def hashes_between(session: Session, account_id: int, first: int, last: int) -> list[str]:
    """The hashes at positions first..last of one account's chain, in order."""
    found: dict[int, str] = {}
    for model in (Event, ChainRecord):
        found.update(session.execute(select(model.seq, model.hash).where(
            model.account_id == account_id, model.seq >= first, model.seq <= last)).all())
    return [found[position] for position in range(first, last + 1) if position in found]


def append_records(session: Session, items: list[tuple[int, str, int | None, dict[str, Any]]],
                   now: datetime) -> list[ChainRecord]:
    """Append records (account, kind, finding id or None, payload) to their accounts' chains."""
    if not items:
        return []
    heads = lock_heads(session, (account_id for account_id, _, _, _ in items))
    rows = []
    for account_id, kind, finding_id, payload in items:
        name, seq, previous = heads[account_id]
        row = {"account_id": account_id, "seq": seq + 1, "kind": kind, "finding_id": finding_id,
               "payload": payload, "recorded_at": now, "prev_hash": previous}
        row["hash"] = chain_hash(previous, name, record_fields(kind, payload, now))
        heads[account_id] = (name, seq + 1, row["hash"])
        rows.append(row)
    return insert_returning(session, ChainRecord, rows, ("account_id", "seq"))


def opened_payload(finding_id: int, event_hash: str, kind: str, subject_id: str,
                   severity: str) -> dict[str, Any]:
    """A finding opened by the event of this hash, at this severity."""
    return {"finding": finding_id, "event": event_hash, "kind": kind, "subject_id": subject_id,
            "severity": severity, "status": "open"}


def closed_payload(finding_id: int, by_event_hash: str) -> dict[str, Any]:
    """A finding closed by the un-event of this hash."""
    return {"finding": finding_id, "status": "closed", "by_event": by_event_hash}


def review_payload(finding_id: int, review_id: int, old_status: str, new_status: str, note: str,
                   reviewed_by: str, reviewed_at: datetime,
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A review: the note only as its digest (the chain's copy never needs erasing)."""
    return {"finding": finding_id, "review": review_id, "old_status": old_status,
            "status": new_status, "note_digest": text_digest(note), "reviewed_by": reviewed_by,
            "reviewed_at": iso(reviewed_at), **(extra or {})}


def chain_attachment(session: Session, finding_id: int, sha256: str, size: int, name: str,
                     now: datetime) -> ChainRecord:
    """Chain an attachment's digest (finding, SHA-256, size, file name) on its account's chain.

    The attachments' writer calls this in the transaction that stores the file.
    """
    account_id = session.execute(select(Finding.account_id)
                                 .where(Finding.id == finding_id)).scalar_one()
    payload = {"finding": finding_id, "sha256": sha256, "size": size, "name": name}
    return append_records(session, [(account_id, ATTACHMENT, finding_id, payload)], now)[0]


def chain_severity_change(session: Session, finding_id: int, severity: str, by: str,
                          now: datetime) -> ChainRecord:
    """Chain a finding's new severity (whoever changes it calls this in the same transaction)."""
    account_id = session.execute(select(Finding.account_id)
                                 .where(Finding.id == finding_id)).scalar_one()
    payload = {"finding": finding_id, "severity": severity, "by": by}
    return append_records(session, [(account_id, SEVERITY_CHANGED, finding_id, payload)], now)[0]


def chain_comment_texts(session: Session, account_id: int, run_id: int,
                        digests: dict[str, str], now: datetime) -> None:
    """Chain the digests of the comment texts first stored by one run: {platform id: SHA-256}."""
    if digests:
        payload = {"run_id": run_id, "texts": dict(sorted(digests.items()))}
        append_records(session, [(account_id, COMMENT_TEXTS, None, payload)], now)


def user_payload(email: str, action: str, role: str, institutions: list[str], by: str,
                 password_ended: bool = False) -> dict[str, Any]:
    """A portal user added, given a new link (reset), disabled or enabled, and by whom."""
    return {"user": email, "action": action, "role": role, "institutions": sorted(institutions),
            "by": by, "password_ended": password_ended}


def chain_user_change(session: Session, payload: dict[str, Any], institutions: list[str] | None,
                      now: datetime) -> list[ChainRecord]:
    """Chain a user change on every account whose findings that user may read.

    A manager reads their institutions' accounts (`institutions`); None means every account
    (auditors read all, operators manage all). Before the first audit there is no account, and
    so no chain to write on.
    """
    query = select(Account.id).order_by(Account.id)
    if institutions is not None:
        query = query.where(Account.institution.in_(institutions))
    return append_records(session, [(account_id, USER_CHANGED, None, payload)
                                    for account_id in session.scalars(query)], now)
