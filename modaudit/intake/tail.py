"""The tail every intake shares: corroborations become sightings, the rest events, then findings.

A scan and a webhook delivery both end here, inside their own transaction. The decisions are
analysis's (`analysis/merge.py`, `analysis/rules.py`), the reads and writes the store's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from analysis.merge import MERGEABLE, merge_corroborations, mergeable_subjects
from analysis.rules import RecordedEvent, decide_findings
from collectors.records import NewEvent
from modaudit.store import findings
from modaudit.store.evidence import add_sightings, record_events
from modaudit.store.sightings import recorded_actions


@dataclass(frozen=True)
class Recorded:
    """What the tail wrote for one account."""

    events: int
    findings_opened: int
    findings_closed: int


def absorb_corroborations(session: Session, account_id: int, events: list[NewEvent],
                          now: datetime, run_id: int | None = None) -> list[NewEvent]:
    """The events still to record; those another source already recorded become its sightings."""
    subjects = mergeable_subjects(events)
    if not subjects:
        return events
    merged = merge_corroborations(events, recorded_actions(session, account_id, MERGEABLE, subjects),
                                  now, run_id)
    add_sightings(session, merged.sightings)
    return merged.kept


def apply_rules(session: Session, events: Sequence[RecordedEvent], now: datetime) -> tuple[int, int]:
    """Open findings for recorded events and close those undone by un-events; (opened, closed)."""
    decided = decide_findings(events)
    opened = findings.open_findings(session, [finding.row(now) for finding in decided.to_open], now)
    return opened, findings.close_findings(session, decided.undone_by, now)


def record(session: Session, account_id: int, run_id: int | None, events: list[NewEvent],
           now: datetime) -> Recorded:
    """Record one account's new events on its chain and apply the rules to them.

    An event another source already recorded (a webhook's exact time inside a polling bracket,
    or the reverse) becomes that event's sighting instead of a second event.
    """
    events = absorb_corroborations(session, account_id, events, now, run_id)
    written = record_events(session, account_id, run_id, events, now)
    opened, closed = apply_rules(session, written, now)
    return Recorded(len(written), opened, closed)
