"""What one Jetstream commit of an account's repository means: events, and the record's new state.

Pure: the commit and what the store last knew of the same record in (a delete carries no record,
so a block's subject or a gate's hidden replies come from the last known state), the events and
the state to keep out. Nothing is guessed: a delete or an update of a record never seen leaves the
nightly audit to reconcile, and a record missing a field detection needs is recorded as a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analysis.change_events import is_restricted
from collectors.bluesky.jetstream import JetstreamCommit
from collectors.bluesky.payloads import (
    BLOCK,
    LISTBLOCK,
    POSTGATE,
    THREADGATE,
    Postgate,
    Subject,
    Threadgate,
    reply_settings,
)
from collectors.records import NewEvent
from collectors.validation import parse_item

SOURCE = "jetstream"
COLLECTIONS = (BLOCK, LISTBLOCK, THREADGATE, POSTGATE)


@dataclass(frozen=True)
class KnownRecord:
    """The last state of one record as Jetstream showed it (`value` None: deleted)."""

    uri: str
    collection: str
    value: dict[str, Any] | None
    cid: str | None = None
    rev: str | None = None
    time_us: int = 0


@dataclass(frozen=True)
class CommitContext:
    """Where a commit was stored: cited by its events' evidence."""

    commit_id: int
    body_sha256: str
    received_at: datetime


@dataclass(frozen=True)
class CommitDecision:
    """The events one commit comes to, the record's state to keep, and a note if any."""

    events: list[NewEvent] = field(default_factory=list)
    state: KnownRecord | None = None  # None: keep what the store knows unchanged
    note: str | None = None


def commit_time(time_us: int) -> datetime:
    """Jetstream's time_us (microseconds since the epoch) as an aware UTC datetime."""
    return datetime.fromtimestamp(time_us / 1_000_000, UTC)


def _evidence(commit: JetstreamCommit, context: CommitContext, **extra: Any) -> dict[str, Any]:
    return {"uri": commit.uri, "cid": commit.cid, "rev": commit.rev, "operation": commit.operation,
            "time_us": commit.time_us, "commit_id": context.commit_id,
            "body_sha256": context.body_sha256, "received_at": context.received_at.isoformat(),
            **extra}


def _event(kind: str, subject: str, post_id: str | None, at: datetime,
           evidence: dict[str, Any]) -> NewEvent:
    return NewEvent(kind=kind, subject_id=subject, post_id=post_id, actor="account", source=SOURCE,
                    occurred_after=at, occurred_before=at, evidence=evidence)


def decide_commit(commit: JetstreamCommit, known: KnownRecord | None,
                  context: CommitContext) -> CommitDecision:
    """The events of one commit given the record's last known state (None: never seen)."""
    if commit.collection not in COLLECTIONS:
        return CommitDecision(note=f"collection {commit.collection} is not moderation")
    state = KnownRecord(commit.uri, commit.collection, commit.record, commit.cid, commit.rev,
                        commit.time_us)
    if known is not None and commit.time_us < known.time_us:
        # Older than what the store already holds (a late replay): it must not undo a newer state.
        return CommitDecision(note="older than the record's known state: nothing to do")
    if known is not None and commit.operation != "delete" and known.cid == commit.cid \
            and known.value is not None:
        return CommitDecision(note="record already known in this version")
    if commit.operation == "delete" and known is not None and known.value is None:
        return CommitDecision(note="record already deleted")
    if commit.operation == "delete" and known is None:
        return CommitDecision(state=state, note="delete of a record never seen: the nightly audit "
                                                "reconciles")
    if commit.collection in (BLOCK, LISTBLOCK):
        return _block(commit, known, context, state)
    if commit.collection == THREADGATE:
        return _threadgate(commit, known, context, state)
    return _postgate(commit, known, context, state)


def _block(commit: JetstreamCommit, known: KnownRecord | None, context: CommitContext,
           state: KnownRecord) -> CommitDecision:
    list_block = commit.collection == LISTBLOCK
    kind_word = "listblock" if list_block else "block"
    if commit.operation == "delete":
        previous = known.value if known is not None and known.value is not None else {}
        subject = previous.get("subject")
        if not isinstance(subject, str):
            return CommitDecision(state=state, note="deleted block's subject unknown")
        evidence = _evidence(commit, context, kind=kind_word, subject=subject,
                             block_cid=known.cid if known else None,
                             block_createdAt=previous.get("createdAt"))
        return CommitDecision([_event("user_unblocked", subject, None, commit_time(commit.time_us),
                                      evidence)], state)
    if known is not None and known.value is not None:
        return CommitDecision(state=state, note=f"{kind_word} record rewritten: not a new block")
    value, problems = parse_item(Subject, commit.record, ("subject", "createdAt"))
    expected = "at://" if list_block else "did:"
    if value is None or problems or value.subject is None or value.createdAt is None \
            or not value.subject.startswith(expected):
        why = "; ".join(f"{p.field}: {p.detail}" for p in problems) or "subject or createdAt"
        return CommitDecision(state=state, note=f"{kind_word} record not readable ({why})")
    evidence = _evidence(commit, context, kind=kind_word, createdAt=commit.record.get("createdAt")
                         if commit.record else None, value=commit.record)
    return CommitDecision([_event("user_blocked", value.subject, None, value.createdAt, evidence)],
                          state)


def _gate_of(value: dict[str, Any] | None) -> tuple[Threadgate | None, bool]:
    """A threadgate value parsed, and whether it could be read."""
    if value is None:
        return None, True
    gate, problems = parse_item(Threadgate, value, ("post",))
    return gate, gate is not None and not problems and gate.post is not None


def _threadgate(commit: JetstreamCommit, known: KnownRecord | None, context: CommitContext,
                state: KnownRecord) -> CommitDecision:
    if commit.operation == "update" and (known is None or known.value is None):
        return CommitDecision(state=state, note="update of a gate never seen: the nightly audit "
                                                "reconciles")
    before, before_ok = _gate_of(known.value if known is not None else None)
    after, after_ok = _gate_of(commit.record)
    if not before_ok or not after_ok:
        return CommitDecision(state=state, note="threadgate record not readable")
    post = (after or before or Threadgate()).post
    if post is None:
        return CommitDecision(state=state, note="threadgate record names no post")
    at = commit_time(commit.time_us)
    was = reply_settings(before) if before is not None else "everyone"
    now = reply_settings(after) if after is not None else "everyone"
    evidence = _evidence(commit, context, kind="threadgate", post=post, reply_settings=now,
                         previously=was, allow=after.allow if after is not None else None)
    events: list[NewEvent] = []
    if is_restricted(now) and not is_restricted(was):
        events.append(_event("replies_restricted", post, post, at, evidence))
    elif is_restricted(was) and not is_restricted(now):
        events.append(_event("replies_reopened", post, post, at, evidence))
    hidden_before = set(before.hiddenReplies or []) if before is not None else set()
    hidden_now = set(after.hiddenReplies or []) if after is not None else set()
    for reply in sorted(hidden_now - hidden_before):
        events.append(_event("comment_hidden", reply, post, at,
                             {**evidence, "hidden_reply": reply}))
    for reply in sorted(hidden_before - hidden_now):
        events.append(_event("comment_unhidden", reply, post, at,
                             {**evidence, "unhidden_reply": reply}))
    return CommitDecision(events, state)


def _postgate(commit: JetstreamCommit, known: KnownRecord | None, context: CommitContext,
              state: KnownRecord) -> CommitDecision:
    if commit.operation == "delete":
        return CommitDecision(state=state)  # re-attaching quotes has no event kind
    if commit.operation == "update" and (known is None or known.value is None):
        return CommitDecision(state=state, note="update of a gate never seen: the nightly audit "
                                                "reconciles")
    after, problems = parse_item(Postgate, commit.record, ("post",))
    if after is None or problems or after.post is None:
        return CommitDecision(state=state, note="postgate record not readable")
    before_value = known.value if known is not None else None
    before, _ = parse_item(Postgate, before_value, ()) if before_value is not None else (None, [])
    detached_before = set(before.detachedEmbeddingUris or []) if before is not None else set()
    at = commit_time(commit.time_us)
    events = [_event("quote_detached", quote, after.post, at,
                     _evidence(commit, context, kind="postgate", post=after.post, quote=quote))
              for quote in sorted(set(after.detachedEmbeddingUris or []) - detached_before)]
    return CommitDecision(events, state)


def decide_commits(commits: list[tuple[JetstreamCommit, CommitContext]],
                   known: dict[str, KnownRecord]) -> list[CommitDecision]:
    """Decide commits in stream order, each seeing the state the ones before it left."""
    states = dict(known)
    decisions = []
    for commit, context in commits:
        decision = decide_commit(commit, states.get(commit.uri), context)
        if decision.state is not None:
            states[commit.uri] = decision.state
        decisions.append(decision)
    return decisions
