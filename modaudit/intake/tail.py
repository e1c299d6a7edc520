"""The tail every intake shares: corroborations become sightings, the rest events, then findings.

A scan and a webhook delivery both end here, inside their own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from analysis.merge import absorb_corroborations
from analysis.rules import apply_rules
from collectors.records import NewEvent
from modaudit.store.evidence import record_events


@dataclass(frozen=True)
class Recorded:
    """What the tail wrote for one account."""

    events: int
    findings_opened: int
    findings_closed: int


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
