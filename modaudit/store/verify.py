"""`verify`: recompute every account's chain, replay the findings from it, check every anchor.

What it proves, and what it cannot: a careless edit of any chained row shows as a broken hash or
link; a table that disagrees with the chain (a finding's status or severity, a review, a comment's
text) shows by replaying the chained records; a history rewritten with every hash recomputed, or
its newest records deleted, shows only against something outside the database: an RFC 3161 token
(chain_anchors) or a head printed in a report that was mailed out (`verify --report`).
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit.store import chain
from modaudit.store.evidence import HASHED, event_fields
from modaudit.store.schema import (
    Account,
    ChainAnchor,
    ChainRecord,
    Comment,
    Event,
    Finding,
    FindingAttachment,
    FindingReview,
)
from modaudit.store.timestamps import (
    TokenError,
    TokenTime,
    manifest_entries,
    token_time,
    verify_token,
)


@dataclass(frozen=True)
class ChainProblem:
    """One thing that does not verify: the account, what (e.g. "event 12"), and why."""

    account: str
    where: str
    reason: str


@dataclass(frozen=True)
class WitnessedHead:
    """A chain head seen outside the database (a report's printed head): where it was seen."""

    account: str
    count: int
    head_hash: str
    source: str


@dataclass
class AccountChain:
    """One account's chain as recomputed: each position's stored hash and what it is."""

    name: str
    hashes: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # an event's id, or -(1 + index in records)
    records: list[ChainRecord] = field(default_factory=list)

    def label(self, position: int) -> str:
        """What sits at a position (1-based): "event 12", "record 7 (finding_reviewed, …)"."""
        ident = self.ids[position - 1]
        if ident > 0:
            return f"event {ident}"
        record = self.records[-ident - 1]
        finding = f", finding {record.finding_id}" if record.finding_id else ""
        return f"record {record.id} ({record.kind}{finding})"


@dataclass(frozen=True)
class VerifyResult:
    """Elements checked (events among them), tokens checked, and every problem found."""

    checked: int
    anchors: int
    problems: list[ChainProblem]
    events: int = 0


def _elements(session: Session, account_id: int) -> Iterator[tuple[int, str, Any]]:
    """The account's events and records merged by position, streamed (an account may have
    millions of events: only the columns the hash covers are read, a batch at a time)."""
    columns = [Event.id, Event.seq, Event.prev_hash, Event.hash,
               *(getattr(Event, key) for key in HASHED)]
    events = session.execute(select(*columns).where(Event.account_id == account_id)
                             .order_by(Event.seq).execution_options(yield_per=2000))
    # Records are few (findings, reviews, one per run): read at once, so one stream is open.
    records = session.scalars(select(ChainRecord).where(ChainRecord.account_id == account_id)
                              .order_by(ChainRecord.seq)).all()
    return heapq.merge(((e.seq, "event", e) for e in events),
                       ((r.seq, "record", r) for r in records), key=lambda item: (item[0], item[1]))


def walk_chain(session: Session, account: Account,
               problems: list[ChainProblem]) -> AccountChain:
    """Recompute one account's links and hashes; note each break."""
    walked = AccountChain(account.name)
    previous = chain.GENESIS
    for _seq, kind, element in _elements(session, account.id):
        if kind == "event":
            fields = event_fields(element)
            walked.ids.append(element.id)
        else:
            fields = chain.record_fields(element.kind, element.payload, element.recorded_at)
            walked.ids.append(-len(walked.records) - 1)
            walked.records.append(element)
        if element.prev_hash != previous:
            problems.append(ChainProblem(account.name, walked.label(len(walked.ids)), (
                "link broken: an earlier element was removed, inserted or reordered")))
        if chain.chain_hash(element.prev_hash, account.name, fields) != element.hash:
            problems.append(ChainProblem(account.name, walked.label(len(walked.ids)),
                                         "contents changed after recording"))
        walked.hashes.append(element.hash)
        previous = element.hash
    return walked


def check_findings(session: Session, account: Account, walked: AccountChain,
                   problems: list[ChainProblem]) -> None:
    """Replay the chained records into each finding's state and reviews; compare the tables."""
    state: dict[int, dict[str, Any]] = {}
    reviews: dict[int, dict[str, Any]] = {}
    attachments: list[dict[str, Any]] = []
    for record in walked.records:
        payload, fid = record.payload, record.finding_id
        if record.kind == chain.FINDING_OPENED:
            state[fid] = dict(payload)
        elif fid in state and record.kind in (chain.FINDING_CLOSED, chain.FINDING_REVIEWED):
            state[fid]["status"] = payload["status"]
            if record.kind == chain.FINDING_REVIEWED:
                reviews[payload["review"]] = payload
                # A review that also sets the severity (a later writer's option) says so.
                state[fid]["severity"] = payload.get("severity", state[fid]["severity"])
        elif fid in state and record.kind == chain.SEVERITY_CHANGED:
            state[fid]["severity"] = payload["severity"]
        elif record.kind == chain.ATTACHMENT:
            attachments.append(payload)
    event_hash = dict(session.execute(select(Event.id, Event.hash)
                                      .where(Event.account_id == account.id)).all())
    rows = session.scalars(select(Finding).where(Finding.account_id == account.id)
                           .order_by(Finding.id)).all()

    def say(where: str, reason: str) -> None:
        problems.append(ChainProblem(account.name, where, reason))

    for row in rows:
        chained = state.pop(row.id, None)
        where = f"finding {row.id}"
        if chained is None:
            say(where, "not in the chain: written outside modaudit, or its records removed")
            continue
        if event_hash.get(row.event_id) != chained["event"]:
            say(where, "cites another event than the one the chain opened it for")
        if row.status != chained["status"]:
            why = " (no chained review changed it)" if row.status not in ("open", "closed") else ""
            say(where, f"status changed: the table says {row.status!r}, the chain "
                       f"{chained['status']!r}{why}")
        if row.severity != chained["severity"]:
            say(where, f"severity changed: the table says {row.severity!r}, the chain "
                       f"{chained['severity']!r}")
    for fid in sorted(state):
        say(f"finding {fid}", f"deleted: the chain opened it ({state[fid]['kind']} of "
                              f"{state[fid]['subject_id']}) but the table has no such finding")
    _check_reviews(session, [row.id for row in rows], reviews, say)
    _check_attachments(session, [row.id for row in rows], attachments, say)


def _check_reviews(session: Session, finding_ids: list[int], chained: dict[int, dict[str, Any]],
                   say: Any) -> None:
    stored = {r.id: r for r in session.scalars(select(FindingReview).where(
        FindingReview.finding_id.in_(finding_ids) if finding_ids else FindingReview.id.is_(None)))}
    for review_id in sorted(set(chained) | set(stored)):
        want, row = chained.get(review_id), stored.get(review_id)
        if row is None:
            assert want is not None
            say(f"review {review_id}", f"deleted: finding {want['finding']}'s review "
                                       f"({want['old_status']} → {want['status']}) is chained")
        elif want is None:
            say(f"review {review_id}", f"not in the chain: finding {row.finding_id}'s review "
                                       "was written outside modaudit")
        else:
            extra = {"on_behalf_of": row.on_behalf_of} if row.on_behalf_of else None
            got = chain.review_payload(row.finding_id, row.id, row.old_status, row.new_status,
                                       row.note, row.reviewed_by, row.reviewed_at, extra)
            changed = sorted(k for k, v in got.items() if want.get(k) != v)
            if changed:
                say(f"review {review_id}", f"changed after recording: {', '.join(changed)}")


def _check_attachments(session: Session, finding_ids: list[int], chained: list[dict[str, Any]],
                       say: Any) -> None:
    # An attachment is chained by its digest, size and name; its bytes must still hash to it.
    want = {(item["finding"], item["sha256"], item["size"], item["name"]) for item in chained}
    stored = session.execute(select(FindingAttachment.id, FindingAttachment.finding_id,
                                    FindingAttachment.sha256, FindingAttachment.size,
                                    FindingAttachment.filename, FindingAttachment.content)
                             .where(FindingAttachment.finding_id.in_(finding_ids) if finding_ids
                                    else FindingAttachment.id.is_(None))).all()
    for row in stored:
        key = (row.finding_id, row.sha256, row.size, row.filename)
        if key not in want:
            say(f"attachment {row.id}", f"not in the chain: finding {row.finding_id}'s attachment "
                                        f"{row.filename!r} was added or changed outside modaudit")
        elif hashlib.sha256(row.content).hexdigest() != row.sha256:
            say(f"attachment {row.id}", f"its file no longer hashes to the chained SHA-256 "
                                        f"(finding {row.finding_id}, {row.filename!r})")
        want.discard(key)
    for finding_id, digest, _size, name in sorted(want):
        say(f"finding {finding_id}", f"attachment {name!r} (SHA-256 {digest[:12]}…) is chained "
                                     "but no longer stored")


def check_comment_texts(session: Session, account: Account, walked: AccountChain,
                        problems: list[ChainProblem]) -> None:
    """Each stored comment text must hash to the digest chained when it was stored."""
    chained: dict[str, str] = {}
    for record in walked.records:
        if record.kind == chain.COMMENT_TEXTS:
            chained.update(record.payload["texts"])
    for platform_id, message, stored_digest in session.execute(
            select(Comment.platform_id, Comment.message, Comment.text_digest)
            .where(Comment.account_id == account.id)).all():
        want = chained.get(platform_id)
        where = f"comment {platform_id}"
        if want is None:
            if message is not None or stored_digest is not None:
                problems.append(ChainProblem(account.name, where, "its text is not in the chain"))
            continue
        if message is not None and chain.text_digest(message) != want:
            problems.append(ChainProblem(account.name, where,
                                         "text changed after it was stored (its chained digest "
                                         "no longer matches)"))
        elif stored_digest != want:
            problems.append(ChainProblem(account.name, where, "stored text digest changed"))


def check_anchors(session: Session, account: Account, walked: AccountChain,
                  roots: list[x509.Certificate] | None, problems: list[ChainProblem]) -> int:
    """Each stored token: its signature over its manifest, and the manifest against the chain."""
    checked = 0
    for anchor in session.scalars(select(ChainAnchor).where(
            ChainAnchor.account_id == account.id, ChainAnchor.status == "stamped")
            .order_by(ChainAnchor.id)):
        checked += 1
        where = f"anchor {anchor.id}"
        try:
            if roots is None:
                raise TokenError("no [timestamp] ca_file configured to check its signature")
            verify_token(anchor.token or b"", anchor.manifest.encode("utf-8"), roots)
            entries = manifest_entries(anchor.manifest)
            stated = token_time(anchor.token or b"")
        except TokenError as exc:
            problems.append(ChainProblem(account.name, where, str(exc)))
            continue
        # The time printed is the token's own; the stored copy must agree with it.
        seen = (f"anchor {anchor.id} (time-stamped {stated.gen_time:%Y-%m-%d %H:%M:%S} UTC "
                f"by {anchor.tsa_url})")
        drift = _stored_time_problem(anchor.stamped_at, stated)
        if drift:
            problems.append(ChainProblem(account.name, where, drift))
        if not entries or entries[-1] != (anchor.event_count, anchor.head_hash):
            problems.append(ChainProblem(account.name, where,
                                         "its head differs from the manifest its token covers"))
        compare_head(walked, entries, seen, problems)
    return checked


def _stored_time_problem(stored: datetime | None, stated: TokenTime) -> str | None:
    """Why the stored time-stamp time disagrees with the token's genTime, or None."""
    token = f"the token's own time (genTime) is {stated.gen_time:%Y-%m-%d %H:%M:%S} UTC"
    if stored is None:
        return f"token time: the stored time-stamp time is missing; {token}"
    if abs(stored - stated.gen_time) <= stated.tolerance:
        return None
    return (f"token time differs: the database says it was time-stamped "
            f"{stored:%Y-%m-%d %H:%M:%S} UTC, {token}, beyond the TSA's stated accuracy "
            f"({stated.tolerance.total_seconds():g} s): the stored time was changed")


def compare_head(walked: AccountChain, entries: list[tuple[int, str]], source: str,
                 problems: list[ChainProblem]) -> None:
    """Positions and hashes seen outside the database against the chain as it is now."""
    for position, hash_ in entries:
        if position > len(walked.hashes):
            problems.append(ChainProblem(walked.name, f"position {position}", (
                f"{source} covers {position} elements but the chain has {len(walked.hashes)}: "
                "its newest elements were deleted")))
            return
        if walked.hashes[position - 1] != hash_:
            problems.append(ChainProblem(walked.name, walked.label(position), (
                f"differs from what {source} covers at position {position}: the history was "
                "rewritten after it")))
            return


def verify_store(session: Session, roots: list[x509.Certificate] | None = None,
                 witnessed: Iterable[WitnessedHead] = ()) -> VerifyResult:
    """Every check of `modaudit verify`, over every account."""
    problems: list[ChainProblem] = []
    checked = anchors = events = 0
    heads = list(witnessed)
    for account in session.scalars(select(Account).order_by(Account.id)):
        walked = walk_chain(session, account, problems)
        checked += len(walked.hashes)
        events += len(walked.hashes) - len(walked.records)
        check_findings(session, account, walked, problems)
        check_comment_texts(session, account, walked, problems)
        anchors += check_anchors(session, account, walked, roots, problems)
        for head in heads:
            if head.account == account.name:
                compare_head(walked, [(head.count, head.head_hash)], head.source, problems)
    known = {name for (name,) in session.execute(select(Account.name))}
    problems += [ChainProblem(h.account, h.source, "names an account the database does not have")
                 for h in heads if h.account not in known]
    return VerifyResult(checked, anchors, problems, events)


def verify_chain(session: Session) -> tuple[int, list[ChainProblem]]:
    """The tables against the chain, without anchors: (events checked, problems)."""
    result = verify_store(session)
    return result.events, [p for p in result.problems if not p.where.startswith("anchor ")]
