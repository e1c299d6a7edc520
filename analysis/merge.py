"""One moderation action seen by a webhook and by polling is one event, with two sightings.

A webhook gives a change's exact time; polling gives a bracket (after the last observation
without it, before the first with it). When the exact time lies inside the bracket, for the same
kind and comment, the two are the same action: whichever source comes second adds a sighting to the
event the first recorded, instead of a second event (and so a second finding). Recorded events are
never edited: the hash chain stays intact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from collectors.records import NewEvent
from modaudit.store import evidence
from modaudit.store.schema import Event, EventSighting

MERGEABLE = ("comment_hidden", "comment_unhidden", "comment_deleted")
WEBHOOK = "webhook"
CHUNK = 500


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _within(moment: datetime, after: datetime | None, before: datetime) -> bool:
    return (after is None or after <= moment) and moment <= before


def _same_action(new: NewEvent, recorded: list[Row[Any]]) -> Row[Any] | None:
    """The recorded event of the other kind of source that `new` corroborates, newest first."""
    new_is_webhook = new.source == WEBHOOK
    for event in recorded:
        if (event.source == WEBHOOK) == new_is_webhook:
            continue
        if new_is_webhook and _within(new.occurred_before, event.occurred_after, event.occurred_before):
            return event
        if not new_is_webhook and _within(event.occurred_before, new.occurred_after,
                                          new.occurred_before):
            return event
    return None


def _recorded(session: Session, account_id: int,
              subjects: Iterable[str]) -> dict[tuple[str, str], list[Row[Any]]]:
    found: dict[tuple[str, str], list[Row[Any]]] = defaultdict(list)
    ordered = sorted(set(subjects))
    for start in range(0, len(ordered), CHUNK):
        for event in session.execute(
            select(Event.id, Event.kind, Event.subject_id, Event.source, Event.occurred_after,
                   Event.occurred_before).where(Event.account_id == account_id, Event.kind.in_(MERGEABLE),
                                Event.subject_id.in_(ordered[start:start + CHUNK]))
            .order_by(Event.occurred_before.desc(), Event.id.desc())
        ):
            found[(event.kind, event.subject_id)].append(event)
    return found


def absorb_corroborations(session: Session, account_id: int, events: list[NewEvent],
                          now: datetime, run_id: int | None = None) -> list[NewEvent]:
    """The events still to record; those another source already recorded become its sightings."""
    candidates = [e for e in events if e.kind in MERGEABLE]
    if not candidates:
        return events
    recorded = _recorded(session, account_id, (e.subject_id for e in candidates))
    kept: list[NewEvent] = []
    sightings: list[dict[str, Any]] = []
    for event in events:
        target = (_same_action(event, recorded.get((event.kind, event.subject_id), []))
                  if event.kind in MERGEABLE else None)
        if target is None:
            kept.append(event)
            continue
        sightings.append({
            "event_id": target.id, "source": event.source, "seen_at": event.occurred_before,
            "recorded_at": now,
            "detail": {"run_id": run_id, "actor": event.actor,
                       "occurred_after": _iso(event.occurred_after),
                       "occurred_before": _iso(event.occurred_before),
                       "text_digest": event.text_digest, "evidence": event.evidence},
        })
    evidence.add_sightings(session, sightings)
    return kept


def sightings_by_event(session: Session, event_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The sightings of these events, oldest first, in their public JSON shape."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ordered = sorted(set(event_ids))
    for start in range(0, len(ordered), CHUNK):
        for sighting in session.scalars(
            select(EventSighting).where(EventSighting.event_id.in_(ordered[start:start + CHUNK]))
            .order_by(EventSighting.seen_at, EventSighting.id)
        ):
            found[sighting.event_id].append({
                "source": sighting.source, "seen_at": _iso(sighting.seen_at),
                "recorded_at": _iso(sighting.recorded_at), **sighting.detail,
            })
    return dict(found)
