"""analysis/merge.py on records alone: one action seen by a webhook and by polling is one event with
two sightings. No database: the store's side is tests/unit/store/test_sightings.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from analysis.merge import merge_corroborations, mergeable_subjects, same_action
from collectors.records import NewEvent

T0 = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@dataclass(frozen=True)
class Action:
    """A recorded event as the store reads it for merging."""

    id: int
    source: str
    occurred_after: datetime | None
    occurred_before: datetime


def webhook(kind: str, subject: str, moment: datetime) -> NewEvent:
    """A webhook event: the change's exact time as both ends of its bracket."""
    return NewEvent(kind=kind, subject_id=subject, actor="account", source="webhook",
                    occurred_after=moment, occurred_before=moment, evidence={"delivery_id": 4})


def polled(kind: str, subject: str, after: datetime | None, before: datetime,
           source: str = "snapshot_diff", actor: str = "account") -> NewEvent:
    """A polling event: after the last observation without the change, before the first with it."""
    return NewEvent(kind=kind, subject_id=subject, actor=actor, source=source, occurred_after=after,
                    occurred_before=before, text_digest="d" * 64, evidence={"run": 2})


def test_polling_around_a_recorded_webhook_becomes_its_sighting() -> None:
    """A webhook hide at 10:00 recorded; a scan sees it between 00:00 and 24:00: no second event,
    a sighting of the recorded one with the poll's bracket, actor and evidence."""
    recorded = {("comment_hidden", "c1"): [Action(7, "webhook", at(10), at(10))]}
    merged = merge_corroborations([polled("comment_hidden", "c1", at(0), at(24))], recorded,
                                  now=at(25), run_id=3)
    assert merged.kept == []
    assert merged.sightings == [{
        "event_id": 7, "source": "snapshot_diff", "seen_at": at(24), "recorded_at": at(25),
        "detail": {"run_id": 3, "actor": "account", "occurred_after": at(0).isoformat(),
                   "occurred_before": at(24).isoformat(), "text_digest": "d" * 64,
                   "evidence": {"run": 2}}}]


def test_a_late_webhook_inside_a_recorded_bracket_is_a_sighting() -> None:
    """The scan recorded the hide first; the webhook's exact time falls inside its bracket."""
    recorded = {("comment_hidden", "c1"): [Action(5, "snapshot_diff", at(0), at(24))]}
    merged = merge_corroborations([webhook("comment_hidden", "c1", at(10))], recorded, at(30))
    assert (merged.kept, [s["event_id"] for s in merged.sightings]) == ([], [5])


def test_outside_the_bracket_is_a_second_action() -> None:
    """A webhook at 30:00 after a bracket ending at 24:00 is another hide: kept as an event."""
    recorded = {("comment_hidden", "c1"): [Action(5, "snapshot_diff", at(0), at(24))]}
    event = webhook("comment_hidden", "c1", at(30))
    assert merge_corroborations([event], recorded, at(31)).kept == [event]


@pytest.mark.parametrize("moment", [0, 24])
def test_the_bracket_includes_its_ends(moment: float) -> None:
    """A webhook exactly at either end of a polling bracket is the same action."""
    recorded = [Action(5, "snapshot_diff", at(0), at(24))]
    assert same_action(webhook("comment_hidden", "c1", at(moment)), recorded) == recorded[0]


def test_an_open_bracket_contains_everything_before_its_end() -> None:
    """A poll with no earlier observation (`after` None) contains any earlier webhook time."""
    recorded = [Action(5, "snapshot_diff", None, at(24))]
    assert same_action(webhook("comment_deleted", "c1", at(-500)), recorded) == recorded[0]


def test_the_same_kind_of_source_is_never_merged() -> None:
    """Two webhooks (or two polls) are two actions, even at the same time."""
    assert same_action(webhook("comment_hidden", "c1", at(10)),
                       [Action(5, "webhook", at(10), at(10))]) is None
    assert same_action(polled("comment_hidden", "c1", at(0), at(24), source="lookup"),
                       [Action(6, "snapshot_diff", at(0), at(24))]) is None


def test_a_lookup_deletion_corroborates_a_webhook_removal() -> None:
    """Polling sources are every source but `webhook`: a lookup's deletion merges too."""
    recorded = {("comment_deleted", "c1"): [Action(9, "webhook", at(5), at(5))]}
    merged = merge_corroborations([polled("comment_deleted", "c1", at(0), at(24), source="lookup",
                                          actor="unknown")], recorded, at(25))
    assert [(s["event_id"], s["source"], s["detail"]["actor"]) for s in merged.sightings] == [
        (9, "lookup", "unknown")]


@pytest.mark.parametrize(("kind", "subject"), [("comment_unhidden", "c1"), ("comment_hidden", "c2")])
def test_another_kind_or_subject_is_not_merged(kind: str, subject: str) -> None:
    """Only the recorded events of the same kind and subject are looked at."""
    recorded = {("comment_hidden", "c1"): [Action(5, "webhook", at(10), at(10))]}
    event = polled(kind, subject, at(0), at(24))
    assert merge_corroborations([event], recorded, at(25)).kept == [event]


def test_the_newest_match_wins() -> None:
    """Two recorded webhook hides inside the bracket (newest first): the sighting goes to the first."""
    recorded = {("comment_hidden", "c1"): [Action(8, "webhook", at(20), at(20)),
                                           Action(7, "webhook", at(10), at(10))]}
    merged = merge_corroborations([polled("comment_hidden", "c1", at(0), at(24))], recorded, at(25))
    assert [s["event_id"] for s in merged.sightings] == [8]


def test_kinds_that_never_merge_pass_through_in_order() -> None:
    """Mutes come from lists only: kept as they are, their subjects not among those the store must
    read. Blocks merge (Bluesky's Jetstream tells them too) but with nothing recorded are kept."""
    events = [polled("user_blocked", "u1", at(0), at(24)), polled("user_muted", "u2", at(0), at(24)),
              polled("comment_hidden", "c1", at(0), at(24))]
    recorded = {("comment_hidden", "c1"): [Action(5, "webhook", at(3), at(3))]}
    assert merge_corroborations(events, recorded, at(25)).kept == events[:2]
    assert mergeable_subjects(events) == {"c1", "u1"}
