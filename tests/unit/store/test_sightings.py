"""Merging as the intake does it on a store: one action seen by a webhook and by polling is one event
with two sightings (intake/tail.absorb_corroborations, store/sightings.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collectors.records import NewEvent
from modaudit.intake.tail import absorb_corroborations
from modaudit.store.schema import Event, EventSighting
from modaudit.store.sightings import sightings_by_event
from modaudit.store.verify import verify_chain
from tests.support.stored_runs import StoredAccount, at, new_event


def webhook(kind: str, subject: str, moment: datetime, actor: str = "account") -> NewEvent:
    """A webhook event: the change's exact time as both ends of its bracket."""
    return new_event(kind, subject, moment, after=moment, source="webhook", actor=actor)


def polled(kind: str, subject: str, after: datetime | None, before: datetime,
           source: str = "snapshot_diff", actor: str = "account") -> NewEvent:
    """A polling event: after the last sighting without the change, before the first with it."""
    return new_event(kind, subject, before, after=after, source=source, actor=actor)


def ingest(account: StoredAccount, events: list[NewEvent], now: datetime,
           run_id: int | None = None) -> list[NewEvent]:
    """What a scan or a webhook does: absorb corroborations, record the rest; returns what is kept."""
    kept = absorb_corroborations(account.session, account.id, events, now, run_id)
    account.record(kept, now, run_id)
    return kept


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def sightings(session: Session) -> list[EventSighting]:
    return list(session.scalars(select(EventSighting).order_by(EventSighting.id)))


def test_polling_inside_the_bracket_of_a_recorded_webhook_is_a_sighting(page: StoredAccount) -> None:
    """A webhook hide at 10:00, then a scan seeing it hidden between 02:30 and 26:30: one event."""
    ingest(page, [webhook("comment_hidden", "c1", at(10))], now=at(10))
    run = page.run(at(24), {"p1": []})
    kept = absorb_corroborations(page.session, page.id, [polled("comment_hidden", "c1", at(0), at(24))],
                                 at(25), run_id=run)
    assert kept == []
    [event] = page.session.scalars(select(Event)).all()
    [sighting] = sightings(page.session)
    assert (sighting.event_id, sighting.source, sighting.seen_at, sighting.recorded_at) == (
        event.id, "snapshot_diff", at(24), at(25))
    assert (sighting.detail["run_id"], sighting.detail["occurred_after"]) == (run, at(0).isoformat())
    [public] = sightings_by_event(page.session, [event.id])[event.id]
    assert (public["source"], public["seen_at"]) == ("snapshot_diff", at(24).isoformat())
    assert public["run_id"] == run
    assert public["evidence"] == {"built_by": "tests/support/stored_runs.py"}


def test_polling_outside_the_webhooks_time_is_a_second_event(page: StoredAccount) -> None:
    """A scan's bracket that does not contain the webhook's time is another action."""
    ingest(page, [webhook("comment_hidden", "c1", at(10))], now=at(10))
    later = polled("comment_hidden", "c1", at(24), at(48))
    assert ingest(page, [later], now=at(48)) == [later]
    assert count(page.session, Event) == 2
    assert count(page.session, EventSighting) == 0


def test_a_late_webhook_inside_a_recorded_polling_bracket_is_a_sighting(page: StoredAccount) -> None:
    """The scan recorded first, the webhook arrives later with a time inside the scan's bracket."""
    [recorded] = page.record([polled("comment_hidden", "c1", at(0), at(24))], now=at(24))
    assert absorb_corroborations(page.session, page.id, [webhook("comment_hidden", "c1", at(10))],
                                 at(30)) == []
    assert count(page.session, Event) == 1
    [public] = sightings_by_event(page.session, [recorded.id])[recorded.id]
    assert (public["source"], public["seen_at"], public["run_id"]) == ("webhook", at(10).isoformat(), None)


@pytest.mark.parametrize("moment", [0, 24])
def test_the_bracket_includes_its_ends(page: StoredAccount, moment: float) -> None:
    """A webhook time equal to either end of the polling bracket is inside it."""
    page.record([polled("comment_hidden", "c1", at(0), at(24))], now=at(24))
    assert absorb_corroborations(page.session, page.id, [webhook("comment_hidden", "c1", at(moment))],
                                 at(30)) == []


def test_an_open_bracket_contains_everything_before_its_end(page: StoredAccount) -> None:
    """A polling event with no start (hidden since before we knew) corroborates any earlier webhook."""
    ingest(page, [webhook("comment_hidden", "c1", at(-100))], now=at(-100))
    assert ingest(page, [polled("comment_hidden", "c1", None, at(24))], now=at(24)) == []


def test_a_lookup_deletion_corroborates_a_webhook_removal(page: StoredAccount) -> None:
    """A webhook `remove`, then a lookup that says gone: one comment_deleted, seen twice."""
    ingest(page, [webhook("comment_deleted", "c1", at(10), actor="unknown")], now=at(10))
    lookup = polled("comment_deleted", "c1", at(0), at(25), source="lookup", actor="unknown")
    assert ingest(page, [lookup], now=at(25)) == []
    assert [s.source for s in sightings(page.session)] == ["lookup"]


@pytest.mark.parametrize(("kind", "subject"), [("comment_deleted", "c1"), ("comment_hidden", "c2")])
def test_another_kind_or_subject_is_not_merged(page: StoredAccount, kind: str, subject: str) -> None:
    """Only the same kind of action on the same comment is the same action."""
    ingest(page, [webhook("comment_hidden", "c1", at(10))], now=at(10))
    other = polled(kind, subject, at(0), at(24))
    assert ingest(page, [other], now=at(24)) == [other]
    assert count(page.session, EventSighting) == 0


def test_the_same_kind_of_source_is_not_merged(page: StoredAccount) -> None:
    """Two webhook events are two actions (redeliveries are the chain's dedup, not a sighting)."""
    page.record([webhook("comment_hidden", "c1", at(10))], now=at(10))
    second = webhook("comment_hidden", "c1", at(11))
    assert absorb_corroborations(page.session, page.id, [second], at(11)) == [second]


def test_another_accounts_event_is_not_merged(session: Session) -> None:
    """A comment id recorded for one account corroborates nothing of another account."""
    valilik, belediye = StoredAccount(session, "valilik"), StoredAccount(session, "belediye")
    ingest(valilik, [webhook("comment_hidden", "c1", at(10))], now=at(10))
    event = polled("comment_hidden", "c1", at(0), at(24))
    assert ingest(belediye, [event], now=at(24)) == [event]


def test_kinds_that_never_merge_pass_through(page: StoredAccount) -> None:
    """Blocks and restrictions are seen by polling only: they are returned as they came."""
    page.record([webhook("comment_hidden", "c1", at(10))], now=at(10))
    events = [polled("user_blocked", "u1", at(0), at(24)), polled("replies_restricted", "p1", at(0), at(24)),
              polled("comment_hidden", "c1", at(0), at(24))]
    assert absorb_corroborations(page.session, page.id, events, at(24)) == events[:2]


def test_absorbing_the_same_sighting_twice_keeps_one(page: StoredAccount) -> None:
    """A scan re-run over the same night adds its sighting once."""
    ingest(page, [webhook("comment_hidden", "c1", at(10))], now=at(10))
    for now in (at(25), at(26)):
        absorb_corroborations(page.session, page.id, [polled("comment_hidden", "c1", at(0), at(24))], now)
    assert count(page.session, EventSighting) == 1


def test_recorded_events_are_never_edited(page: StoredAccount) -> None:
    """Sightings leave the hash chain intact: every event still verifies."""
    ingest(page, [webhook("comment_hidden", "c1", at(10)), webhook("comment_unhidden", "c1", at(12))],
           now=at(12))
    ingest(page, [polled("comment_hidden", "c1", at(0), at(24)),
                  polled("comment_unhidden", "c1", at(24), at(48)),
                  polled("comment_hidden", "c2", at(0), at(24))], now=at(48))
    before = [(e.id, e.hash, e.occurred_after, e.occurred_before, e.evidence)
              for e in page.session.scalars(select(Event).order_by(Event.id))]
    ingest(page, [webhook("comment_hidden", "c2", at(20))], now=at(50))
    page.session.expire_all()
    after = [(e.id, e.hash, e.occurred_after, e.occurred_before, e.evidence)
             for e in page.session.scalars(select(Event).order_by(Event.id))]
    assert after == before and len(after) == 4
    assert verify_chain(page.session) == (4, [])
    assert [s.source for s in sightings(page.session)] == ["snapshot_diff", "webhook"]
