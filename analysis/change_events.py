"""Turn the store's changes (store/changes.py) and lookup answers into events (docs/architecture.md §5)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from collectors.records import (
    DeletionCandidate,
    DetachedQuote,
    ListChange,
    LookupResult,
    NewEvent,
    ReplySettingsChange,
    VisibilityChange,
)
from modaudit import platforms

LIST_EVENTS = {"blocked": ("user_blocked", "user_unblocked"), "muted": ("user_muted", "user_unmuted")}


def text_digest(text: str | None) -> str | None:
    """SHA-256 of a text as the chain covers it (the same as store/chain.text_digest)."""
    return None if text is None else hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def visibility_events(changes: list[VisibilityChange], first_collection_runs: set[int],
                      platform: str = "facebook") -> list[NewEvent]:
    """comment_hidden from observed visibility (only the account can hide).

    Only hides: an unhide closes a finding, so it waits for confirmation (`unhide_event`). Where
    the platform's own filter may have set a comment aside before anyone saw it (YouTube's
    likely spam), a comment first seen hidden is state, never an event.
    """
    first_seen_counts = platforms.get(platform).first_seen_hidden_is_finding
    events = []
    for change in changes:
        if not change.is_hidden or change.was_hidden:
            continue
        if change.was_hidden is None and not first_seen_counts:
            continue
        fetched_at = change.seen_at
        before_first_seen = change.first_seen_now and change.run_id in first_collection_runs
        # Seen before with unknown visibility: it may have been hidden any time since it was written.
        after = change.last_seen_before if change.was_hidden is False else change.created_at
        events.append(NewEvent(
            kind="comment_hidden", subject_id=change.comment_id, post_id=change.post_id,
            actor="account", source="snapshot_diff", occurred_after=after,
            occurred_before=fetched_at, text_digest=change.text_digest,
            evidence={"seen_hidden_at": _iso(fetched_at),
                      "previously": None if change.was_hidden is None else "visible",
                      "last_seen_before": _iso(change.last_seen_before),
                      "before_first_seen": before_first_seen},
        ))
    return events


def unhide_event(change: VisibilityChange, *, last_hidden_at: datetime | None,
                 first_visible_at: datetime, confirmed_at: datetime, confirmed_by: str,
                 lookup: dict[str, Any] | None = None) -> NewEvent:
    """comment_unhidden, once confirmed by a lookup or by a second visible observation."""
    evidence: dict[str, Any] = {"seen_visible_at": _iso(first_visible_at), "previously": "hidden",
                                "last_seen_before": _iso(last_hidden_at),
                                "confirmed_at": _iso(confirmed_at), "confirmed_by": confirmed_by,
                                "before_first_seen": False}
    if lookup is not None:
        evidence["lookup"] = lookup
    return NewEvent(kind="comment_unhidden", subject_id=change.comment_id, post_id=change.post_id,
                    actor="account", source="snapshot_diff", occurred_after=last_hidden_at,
                    occurred_before=first_visible_at, text_digest=change.text_digest,
                    evidence=evidence)


def _candidate_evidence(candidate: DeletionCandidate, answer: LookupResult,
                        confirmed_at: datetime) -> dict[str, Any]:
    # YouTube's own word for where the comment stood when last seen (published, heldForReview,
    # likelySpam): a reviewer asks whether it was public before it vanished.
    status = {"last_status": candidate.last_status} if candidate.last_status else {}
    return {**status,
        "first_seen_at": _iso(candidate.first_seen_at), "last_seen_at": _iso(candidate.last_seen_at),
        "last_complete_listing_run": candidate.last_complete_run_id,
        "last_complete_listing_at": _iso(candidate.last_complete_at),
        "missing_since": _iso(candidate.missing_since), "confirmed_at": _iso(confirmed_at),
        "present_at": _iso(candidate.present_at), "lookups": candidate.lookups + 1,
        "lookup": answer.answer,
    }


def deletion_event(candidate: DeletionCandidate, answer: LookupResult, platform: str,
                   confirmed_at: datetime) -> NewEvent | None:
    """The event a lookup supports for a candidate, or None (still there, nothing new seen).

    Gone: as the platform's descriptor says (X: deleted by its author; Facebook, YouTube: deleted
    by someone the platform does not name). Present and hidden while it was last known visible:
    hidden while out of the listing. A hide already recorded is not recorded again.
    """
    common = {"subject_id": candidate.comment_id, "post_id": candidate.post_id,
              "occurred_after": candidate.existed_until, "occurred_before": confirmed_at,
              "text_digest": candidate.text_digest,
              "evidence": _candidate_evidence(candidate, answer, confirmed_at)}
    if answer.status == "gone":
        described = platforms.get(platform)
        return NewEvent(kind=described.gone_kind, actor=described.gone_actor, source="lookup",
                        **common)
    if answer.is_hidden and candidate.is_hidden is not True:
        return NewEvent(kind="comment_hidden", actor="account", source="lookup", **common)
    if answer.is_hidden is False and candidate.is_hidden is True:
        # A read of the comment itself is the confirmation an unhide needs.
        return NewEvent(kind="comment_unhidden", actor="account", source="lookup", **common)
    return None


def reply_with_parent(candidate: DeletionCandidate, gone_now: set[str],
                      present_now: set[str]) -> str | None:
    """Whether a reply confirmed gone went with its top-level comment, on a platform where
    removing a comment removes its replies (`replies_go_with_parent`).

    "with_parent": its parent is gone (confirmed earlier or by this run's lookups), so the reply
    is part of the parent's action, not an event of its own; "wait": its parent is missing too
    and this run did not learn its fate, so the reply waits for it; None: an action on the reply
    alone (its parent is still there, or it has none).
    """
    parent = candidate.parent_id
    if parent is None or parent in present_now:
        return None
    if candidate.parent_state == "gone" or parent in gone_now:
        return "with_parent"
    if candidate.parent_state == "missing":
        return "wait"
    return None


def list_events(changes: list[ListChange], list_name: str, fetched_at: datetime,
                previous_complete_at: datetime | None,
                replies: Mapping[str, list[dict[str, Any]]] | None = None) -> list[NewEvent]:
    """user_blocked or user_muted for users new on a complete list.

    An entry that is a record of its own (a Bluesky block or listblock) carries its time: the
    event is at the record's createdAt (source `record`), with the record and, as context, the
    blocked account's replies the audit has seen (`replies`, by user id). Other lists carry no
    dates: the event is bracketed by the two complete fetches.
    """
    on_kind, _ = LIST_EVENTS[list_name]
    events = []
    for change in changes:
        if not change.added:
            continue
        evidence: dict[str, Any] = {"list": list_name,
                                    "previous_complete_fetch": _iso(previous_complete_at),
                                    "seen_on_list_at": _iso(fetched_at),
                                    "before_first_seen": previous_complete_at is None}
        after, before, source = previous_complete_at, fetched_at, "snapshot_diff"
        if change.record is not None:
            evidence.update(_record_evidence(change, (replies or {}).get(change.user_id, [])))
        # A record dated after it was seen says a clock is wrong: keep the audits' bracket.
        if change.recorded_at is not None and change.recorded_at <= fetched_at:
            after = before = change.recorded_at
            source = "record"
        events.append(NewEvent(kind=on_kind, subject_id=change.user_id, actor="account",
                               source=source, occurred_after=after, occurred_before=before,
                               evidence=evidence))
    return events


def _record_evidence(change: ListChange, replies: list[dict[str, Any]]) -> dict[str, Any]:
    """A block record's evidence: its at-uri, cid and createdAt, whom (handle, or the list and
    its members as read) and the blocked account's replies seen."""
    record = change.record or {}
    found: dict[str, Any] = {"record_uri": record.get("uri"), "record_cid": record.get("cid"),
                             "record_created_at": record.get("createdAt")}
    if record.get("kind") == "listblock":
        found.update(list_name=change.user_name, members=record.get("members") or [],
                     members_complete=bool(record.get("members_complete")))
    else:
        found.update(handle=change.user_name, replies=replies)
    return found


def quote_events(quotes: list[DetachedQuote], known: set[tuple[str, str]], fetched_at: datetime,
                 previous_read_at: datetime | None) -> list[NewEvent]:
    """quote_detached for each quote a complete read of the postgates detaches and the last did not.

    A postgate keeps its first createdAt when more quotes are detached later, so the record's
    time bounds the action from below only; the read before bounds it too.
    """
    events = []
    for quote in quotes:
        if (quote.post_id, quote.quote_uri) in known:
            continue
        after = previous_read_at
        if quote.recorded_at is not None and quote.recorded_at <= fetched_at:
            after = quote.recorded_at if after is None else max(after, quote.recorded_at)
        events.append(NewEvent(
            kind="quote_detached", subject_id=quote.quote_uri, post_id=quote.post_id,
            actor="account", source="record", occurred_after=after, occurred_before=fetched_at,
            # The quoting post's text stays with the store's detached quote, which retention
            # erases; the chain covers its digest only (docs/architecture.md §9).
            text_digest=text_digest(quote.quote_text),
            evidence={"quote_uri": quote.quote_uri, "quote_author": quote.quote_author,
                      "record_uri": quote.record_uri,
                      "record_cid": quote.record_cid, "record_created_at": _iso(quote.recorded_at),
                      "previous_read": _iso(previous_read_at), "seen_at": _iso(fetched_at),
                      "before_first_seen": previous_read_at is None}))
    return events


def unlist_event(change: ListChange, list_name: str, *, missing_at: datetime,
                 confirmed_at: datetime, confirmed_by: str,
                 previous_complete_at: datetime | None) -> NewEvent:
    """user_unblocked or user_unmuted, once the absence is confirmed.

    `confirmed_by` is "lookup" (the platform's per-user check said the user is off the list) or
    "consecutive_lists" (absent from two complete fetches in a row).
    """
    _, off_kind = LIST_EVENTS[list_name]
    return NewEvent(
        kind=off_kind, subject_id=change.user_id, actor="account", source="snapshot_diff",
        occurred_after=change.seen_before, occurred_before=missing_at,
        evidence={"list": list_name, "previous_complete_fetch": _iso(previous_complete_at),
                  "missing_from_list_at": _iso(missing_at), "confirmed_at": _iso(confirmed_at),
                  "confirmed_by": confirmed_by, "before_first_seen": False},
    )


def is_restricted(reply_settings: str | None) -> bool:
    """Anything but `everyone` restricts who may reply."""
    return reply_settings is not None and reply_settings != "everyone"


def is_reopening(change: ReplySettingsChange) -> bool:
    """A restricted post seen open: an un-event, which waits for confirmation."""
    return change.previous is not None and is_restricted(change.previous) \
        and not is_restricted(change.current)


def narrowed(previous: str, current: str) -> bool:
    """Whether a rule set lets fewer in than before: a rule of `previous` missing from `current`
    ("nobody" is the empty set), so someone who could reply no longer can."""
    def rules(value: str) -> set[str]:
        return set() if value == "nobody" else set(value.split(","))
    before, after = rules(previous), rules(current)
    if "unknown" in before | after:
        return False  # a rule the audit has no word for is never guessed at
    return not before <= after


def reply_settings_events(changes: list[ReplySettingsChange], first_collection_runs: set[int],
                          platform: str = "facebook") -> list[NewEvent]:
    """replies_restricted from a post's reply settings (reopenings: `reopen_event`).

    One restriction swapped for another is no event, except where the settings are rule sets
    (Bluesky) and the new set narrows the old one.
    """
    rule_sets = platforms.get(platform).reply_settings_are_rules
    events = []
    for change in changes:
        was, now = is_restricted(change.previous), is_restricted(change.current)
        if not now:
            continue  # open, or reopened (confirmed elsewhere)
        if change.previous is not None and was and not (
                rule_sets and narrowed(change.previous, change.current)):
            continue  # one restriction swapped for another, or widened: still restricted
        first_seen = change.previous is None
        events.append(NewEvent(
            kind="replies_restricted", subject_id=change.post_id,
            post_id=change.post_id, actor="account", source="snapshot_diff",
            occurred_after=change.created_at if first_seen else change.previous_seen_at,
            occurred_before=change.seen_at,
            evidence={"reply_settings": change.current, "previously": change.previous,
                      "seen_at": _iso(change.seen_at),
                      "before_first_seen": first_seen and change.run_id in first_collection_runs},
        ))
    return events


def reopen_event(change: ReplySettingsChange, *, last_restricted_at: datetime | None,
                 first_open_at: datetime, confirmed_at: datetime) -> NewEvent:
    """replies_reopened, confirmed by a second consecutive open observation."""
    return NewEvent(
        kind="replies_reopened", subject_id=change.post_id, post_id=change.post_id,
        actor="account", source="snapshot_diff", occurred_after=last_restricted_at,
        occurred_before=first_open_at,
        evidence={"reply_settings": change.current, "previously": change.previous,
                  "seen_at": _iso(first_open_at), "confirmed_at": _iso(confirmed_at),
                  "confirmed_by": "consecutive_observations", "before_first_seen": False},
    )
