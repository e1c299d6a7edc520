"""Turn diffs and lookup answers into events (DESIGN §5, steps 3 and 4)."""

from __future__ import annotations

from datetime import datetime

from analysis.diff import DeletionCandidate, ListChange, ReplySettingsChange, VisibilityChange
from collectors.records import LookupResult
from modaudit.evidence import NewEvent

LIST_EVENTS = {"blocked": ("user_blocked", "user_unblocked"), "muted": ("user_muted", "user_unmuted")}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def visibility_events(changes: list[VisibilityChange],
                      first_collection_runs: set[int]) -> list[NewEvent]:
    """comment_hidden / comment_unhidden from observed visibility; only the account can hide."""
    events = []
    for change in changes:
        kind = "comment_hidden" if change.is_hidden else "comment_unhidden"
        fetched_at = change.seen_at
        before_first_seen = change.first_seen_now and change.run_id in first_collection_runs
        after = change.created_at if change.first_seen_now else change.last_seen_before
        events.append(NewEvent(
            kind=kind, subject_id=change.comment_id, post_id=change.post_id, actor="account",
            source="snapshot_diff", occurred_after=after, occurred_before=fetched_at,
            text_digest=change.text_digest,
            evidence={"seen_hidden_at" if change.is_hidden else "seen_visible_at": _iso(fetched_at),
                      "previously": None if change.first_seen_now else
                      ("hidden" if change.was_hidden else "visible"),
                      "last_seen_before": _iso(change.last_seen_before),
                      "before_first_seen": before_first_seen},
        ))
    return events


def deletion_event(candidate: DeletionCandidate, answer: LookupResult, platform: str,
                   confirmed_at: datetime) -> NewEvent | None:
    """The event a confirmed lookup supports, or None when the comment is still there and visible."""
    evidence = {
        "first_seen_at": _iso(candidate.first_seen_at), "last_seen_at": _iso(candidate.last_seen_at),
        "last_complete_listing_run": candidate.last_complete_run_id,
        "last_complete_listing_at": _iso(candidate.last_complete_at),
        "missing_since": _iso(candidate.missing_since), "confirmed_at": _iso(confirmed_at),
        "lookup": answer.answer,
    }
    common = {"subject_id": candidate.comment_id, "post_id": candidate.post_id,
              "occurred_after": candidate.last_seen_at, "occurred_before": confirmed_at,
              "text_digest": candidate.text_digest, "evidence": evidence}
    if answer.status == "gone":
        if platform == "x":
            # Only the author (or X itself) can delete a reply on X: recorded, never a finding.
            return NewEvent(kind="reply_deleted_by_author", actor="author", source="lookup", **common)
        return NewEvent(kind="comment_deleted", actor="unknown", source="lookup", **common)
    if answer.is_hidden:
        return NewEvent(kind="comment_hidden", actor="account", source="lookup", **common)
    return None


def list_events(changes: list[ListChange], list_name: str, fetched_at: datetime,
                previous_complete_at: datetime | None) -> list[NewEvent]:
    """user_blocked/unblocked or user_muted/unmuted from two complete list fetches."""
    on_kind, off_kind = LIST_EVENTS[list_name]
    events = []
    for change in changes:
        after = previous_complete_at if change.added else change.seen_before
        events.append(NewEvent(
            kind=on_kind if change.added else off_kind, subject_id=change.user_id,
            actor="account", source="snapshot_diff", occurred_after=after,
            occurred_before=fetched_at,
            evidence={"list": list_name,
                      "previous_complete_fetch": _iso(previous_complete_at),
                      "seen_on_list_at" if change.added else "missing_from_list_at": _iso(fetched_at),
                      "before_first_seen": change.added and previous_complete_at is None},
        ))
    return events


def is_restricted(reply_settings: str | None) -> bool:
    """Anything but `everyone` restricts who may reply."""
    return reply_settings is not None and reply_settings != "everyone"


def reply_settings_events(changes: list[ReplySettingsChange],
                          first_collection_runs: set[int]) -> list[NewEvent]:
    """replies_restricted / replies_reopened from a post's reply settings."""
    events = []
    for change in changes:
        was, now = is_restricted(change.previous), is_restricted(change.current)
        if (change.previous is None and not now) or (change.previous is not None and was == now):
            continue  # a new open post, or one restriction swapped for another
        first_seen = change.previous is None
        events.append(NewEvent(
            kind="replies_restricted" if now else "replies_reopened", subject_id=change.post_id,
            post_id=change.post_id, actor="account", source="snapshot_diff",
            occurred_after=change.created_at if first_seen else change.previous_seen_at,
            occurred_before=change.seen_at,
            evidence={"reply_settings": change.current, "previously": change.previous,
                      "seen_at": _iso(change.seen_at),
                      "before_first_seen": first_seen and change.run_id in first_collection_runs},
        ))
    return events
