"""Which events are findings under clause (2), how severe, and which un-events close them.

Pure: recorded events in, the findings to open and the subjects to close out; the store writes
them (`store/findings.py`), the intake's tail (`intake/tail.apply_rules`) joins the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

SEVERITY = {
    "user_blocked": "high",
    "comment_hidden": "medium",
    "replies_restricted": "medium",
    "user_muted": "low",
    # Bluesky: the account detached a post quoting its own (a post gate). Whether that silences
    # criticism or sheds an abusive quote is for a reader to judge.
    "quote_detached": "review",
}
# An un-event closes the unreviewed findings of the event it undoes, on the same subject.
CLOSES = {
    "user_unblocked": "user_blocked",
    "comment_unhidden": "comment_hidden",
    "replies_reopened": "replies_restricted",
    "user_unmuted": "user_muted",
}


class RecordedEvent(Protocol):
    """What the rules read of an event once it is recorded (a stored `Event` row has it)."""

    @property
    def id(self) -> int: ...
    @property
    def account_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def subject_id(self) -> str: ...
    @property
    def post_id(self) -> str | None: ...
    @property
    def actor(self) -> str: ...
    @property
    def detected_at(self) -> datetime: ...
    @property
    def occurred_before(self) -> datetime: ...


@dataclass(frozen=True)
class FindingToOpen:
    """One finding the rules open for one recorded event."""

    event_id: int
    account_id: int
    kind: str
    subject_id: str
    post_id: str | None
    severity: str
    detected_at: datetime

    def row(self, now: datetime) -> dict[str, Any]:
        """The finding's row as `store.findings.open_findings` takes it: open, updated now."""
        return {"event_id": self.event_id, "account_id": self.account_id, "kind": self.kind,
                "subject_id": self.subject_id, "post_id": self.post_id, "severity": self.severity,
                "status": "open", "detected_at": self.detected_at, "updated_at": now}


@dataclass(frozen=True)
class FindingDecisions:
    """What a batch of recorded events does to the findings.

    `undone_by` maps (account, kind undone, subject) to (the un-event's id, its time): the store
    closes the open findings of that key whose action happened no later than that time.
    """

    to_open: tuple[FindingToOpen, ...]
    undone_by: dict[tuple[int, str, str], tuple[int, datetime]]


def severity(kind: str, actor: str) -> str | None:
    """The severity of a finding for this event, or None if the event is not a finding."""
    if kind == "comment_deleted":
        return {"account": "high", "unknown": "review"}.get(actor)
    return SEVERITY.get(kind)


def decide_findings(events: Sequence[RecordedEvent]) -> FindingDecisions:
    """The findings these recorded events open, and the ones their un-events close.

    The events may belong to one account or to many.
    """
    to_open = tuple(
        FindingToOpen(event.id, event.account_id, event.kind, event.subject_id, event.post_id,
                      level, event.detected_at)
        for event in events if (level := severity(event.kind, event.actor)) is not None)
    # Each un-event undoes what happened before it: a later action (an unhide, then a hide again,
    # in one batch) keeps its finding. The latest un-event of a subject speaks for it.
    undone_by: dict[tuple[int, str, str], tuple[int, datetime]] = {}
    for event in sorted((e for e in events if e.kind in CLOSES), key=lambda e: e.occurred_before):
        undone_by[(event.account_id, CLOSES[event.kind], event.subject_id)] = (
            event.id, event.occurred_before)
    return FindingDecisions(to_open, undone_by)
