"""Which events are findings under clause (2), how severe, and which un-events close them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from modaudit.store import findings
from modaudit.store.schema import Event

SEVERITY = {
    "user_blocked": "high",
    "comment_hidden": "medium",
    "replies_restricted": "medium",
    "user_muted": "low",
}
# An un-event closes the unreviewed findings of the event it undoes, on the same subject.
CLOSES = {
    "user_unblocked": "user_blocked",
    "comment_unhidden": "comment_hidden",
    "replies_reopened": "replies_restricted",
    "user_unmuted": "user_muted",
}


def severity(kind: str, actor: str) -> str | None:
    """The severity of a finding for this event, or None if the event is not a finding."""
    if kind == "comment_deleted":
        return {"account": "high", "unknown": "review"}.get(actor)
    return SEVERITY.get(kind)


def apply_rules(session: Session, events: list[Event], now: datetime) -> tuple[int, int]:
    """Open findings for new events and close those undone by un-events; returns (opened, closed).

    The events may belong to one account or to many; the writes are store.findings'.
    """
    opened = findings.open_findings(session, [
        {"event_id": event.id, "account_id": event.account_id, "kind": event.kind,
         "subject_id": event.subject_id, "post_id": event.post_id, "severity": level,
         "status": "open", "detected_at": event.detected_at, "updated_at": now}
        for event in events if (level := severity(event.kind, event.actor)) is not None
    ], now)
    # Each un-event undoes what happened before it: a later action (an unhide, then a hide again,
    # in one batch) keeps its finding. The latest un-event of a subject speaks for it.
    undone_by: dict[tuple[int, str, str], Event] = {}
    for event in sorted((e for e in events if e.kind in CLOSES), key=lambda e: e.occurred_before):
        undone_by[(event.account_id, CLOSES[event.kind], event.subject_id)] = event
    return opened, findings.close_findings(
        session, {key: (event.id, event.occurred_before) for key, event in undone_by.items()}, now)
