"""What merging and the findings' evidence read of events seen by more than one source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from modaudit.store.schema import Event, EventSighting

CHUNK = 500


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def recorded_actions(session: Session, account_id: int, kinds: Sequence[str],
                     subjects: Iterable[str]) -> dict[tuple[str, str], list[Row[Any]]]:
    """The account's recorded events of these kinds and subjects by (kind, subject), newest first."""
    found: dict[tuple[str, str], list[Row[Any]]] = defaultdict(list)
    ordered = sorted(set(subjects))
    for start in range(0, len(ordered), CHUNK):
        for event in session.execute(
            select(Event.id, Event.kind, Event.subject_id, Event.source, Event.occurred_after,
                   Event.occurred_before).where(Event.account_id == account_id, Event.kind.in_(kinds),
                                                Event.subject_id.in_(ordered[start:start + CHUNK]))
            .order_by(Event.occurred_before.desc(), Event.id.desc())
        ):
            found[(event.kind, event.subject_id)].append(event)
    return dict(found)


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
