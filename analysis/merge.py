"""One moderation action seen by a webhook and by polling is one event, with two sightings.

A webhook (or Bluesky's Jetstream) gives a change's exact time; polling gives a bracket (after
the last observation without it, before the first with it). When the exact time lies inside the
bracket, for the same kind and subject, the two are the same action: whichever source comes second
adds a sighting to the event the first recorded, instead of a second event (and so a second
finding). Recorded events are never edited: the hash chain stays intact.

Pure: the new events and the recorded ones of the same subjects in (`store/sightings.py` reads
them), the events still to record and the sightings to add out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from collectors.records import NewEvent

MERGEABLE = ("comment_hidden", "comment_unhidden", "comment_deleted",
             # Bluesky: Jetstream's commit and the nightly audit's record or diff of one action.
             "user_blocked", "user_unblocked", "replies_restricted", "replies_reopened",
             "quote_detached")
WEBHOOK = "webhook"
# Sources that tell an action as it happens, with its exact time: Meta's webhooks, Jetstream.
REALTIME = frozenset({WEBHOOK, "jetstream"})


class RecordedAction(Protocol):
    """What merging reads of a recorded event (a stored row of `store.sightings.recorded_actions`)."""

    @property
    def id(self) -> int: ...
    @property
    def source(self) -> str: ...
    @property
    def occurred_after(self) -> datetime | None: ...
    @property
    def occurred_before(self) -> datetime: ...


@dataclass(frozen=True)
class Merged:
    """The events still to record, and the sightings (rows of `event_sightings`) to add."""

    kept: list[NewEvent]
    sightings: list[dict[str, Any]]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _within(moment: datetime, after: datetime | None, before: datetime) -> bool:
    return (after is None or after <= moment) and moment <= before


def mergeable_subjects(events: Sequence[NewEvent]) -> set[str]:
    """The subjects whose recorded events merging must see: those of mergeable kinds."""
    return {event.subject_id for event in events if event.kind in MERGEABLE}


def same_action(new: NewEvent, recorded: Sequence[RecordedAction]) -> RecordedAction | None:
    """The recorded event of the other kind of source that `new` corroborates.

    `recorded` holds the events of the same kind and subject, newest first; the first match wins.
    """
    new_is_webhook = new.source in REALTIME
    for event in recorded:
        if (event.source in REALTIME) == new_is_webhook:
            continue
        if new_is_webhook and _within(new.occurred_before, event.occurred_after, event.occurred_before):
            return event
        if not new_is_webhook and _within(event.occurred_before, new.occurred_after,
                                          new.occurred_before):
            return event
    return None


def merge_corroborations(events: Sequence[NewEvent],
                         recorded: Mapping[tuple[str, str], Sequence[RecordedAction]],
                         now: datetime, run_id: int | None = None) -> Merged:
    """Split `events` into those to record and sightings of the recorded events they corroborate.

    `recorded` maps (kind, subject) to that subject's recorded events of that kind, newest first.
    """
    kept: list[NewEvent] = []
    sightings: list[dict[str, Any]] = []
    for event in events:
        target = (same_action(event, recorded.get((event.kind, event.subject_id), ()))
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
    return Merged(kept, sightings)
