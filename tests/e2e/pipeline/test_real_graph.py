"""Pages end to end against real-platform glitches: candidates stay candidates, un-events wait for
confirmation, a hide seen twice is one event (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from modaudit.sandbox import Fault, Scenario, Simulator
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_events, list_findings
from tests.support.scenarios import PAGE, TROLL, audit_night, small_scenario


@pytest.fixture
def scenario() -> Scenario:
    return small_scenario()


@pytest.fixture
def world(scenario: Scenario, migrated: str, write_config) -> Iterator[tuple[Simulator, Path, str]]:
    with Simulator(scenario) as simulator:
        yield simulator, write_config(migrated, simulator.base_url, scenario.pages), migrated


def _night(world, scenario: Scenario, day: int):
    return audit_night(world[1], world[0], scenario, day)


def _stored(db_url: str):
    engine = make_engine(db_url)
    with Session(engine) as session:
        events = [(e.kind, e.subject_id) for e in list_events(session)]
        findings = list_findings(session)
    engine.dispose()
    return events, findings


def test_a_glitch_stays_a_candidate_until_its_deletion_is_found(scenario, world) -> None:
    scenario.delete(scenario.day(2, 9), "1006", by="page")
    assert _night(world, scenario, 0).status == "ok"
    world[0].add_fault(Fault("omit", item_id="1006", start=scenario.day(1, 0), end=scenario.day(2, 0)))
    night1 = _night(world, scenario, 1)
    assert (night1.listing_glitches, night1.events) == (1, 0)
    night2 = _night(world, scenario, 2)  # absent from night 1's complete listing as well
    assert night2.events == 1
    events, findings = _stored(world[2])
    assert events == [("comment_deleted", "1006")]
    (deleted,) = findings
    # It was still there at night 1's lookup: the bracket starts there, not at night 0.
    assert deleted.occurred_after > scenario.day(1, 23, 0)
    assert deleted.evidence["lookups"] == 2 and deleted.evidence["present_at"] is not None


def test_a_user_left_out_of_one_ban_list_stays_banned(scenario, world) -> None:
    scenario.ban(scenario.day(-1), PAGE.page_id, TROLL)
    assert _night(world, scenario, 0).status == "ok"
    world[0].add_fault(Fault("omit", item_id=TROLL.user_id, start=scenario.day(1, 0),
                             end=scenario.day(2, 0)))
    night1 = _night(world, scenario, 1)
    assert night1.findings_closed == 0
    assert any(w.code == "list_glitch" for w in night1.warnings)
    night2 = _night(world, scenario, 2)
    assert night2.events == 0 and night2.findings_opened == 0  # no duplicate reopened
    events, findings = _stored(world[2])
    assert events == [("user_blocked", TROLL.user_id)]
    assert [(f.kind, f.status) for f in findings] == [("user_blocked", "open")]


def test_an_unban_is_confirmed_by_the_per_user_check_the_same_night(scenario, world) -> None:
    scenario.ban(scenario.day(-1), PAGE.page_id, TROLL)
    scenario.ban(scenario.day(1, 9), PAGE.page_id, TROLL, banned=False)
    _night(world, scenario, 0)
    night1 = _night(world, scenario, 1)
    assert night1.findings_closed == 1
    events, _ = _stored(world[2])
    assert events == [("user_blocked", TROLL.user_id), ("user_unblocked", TROLL.user_id)]


def test_a_hidden_comment_left_out_of_a_listing_is_not_hidden_twice(scenario, world) -> None:
    scenario.hide(scenario.day(1, 9), "1005")
    _night(world, scenario, 0)
    assert _night(world, scenario, 1).findings_opened == 1
    world[0].add_fault(Fault("omit", item_id="1005", start=scenario.day(2, 0), end=scenario.day(3, 0)))
    night2 = _night(world, scenario, 2)  # a candidate, looked up: present and (still) hidden
    assert night2.events == 0 and night2.listing_glitches == 1
    _night(world, scenario, 3)
    events, findings = _stored(world[2])
    assert events == [("comment_hidden", "1005")]
    assert [(f.kind, f.status) for f in findings] == [("comment_hidden", "open")]


def test_a_comment_seen_only_in_an_incomplete_listing_is_still_watched(scenario, world) -> None:
    scenario.comment(scenario.day(0, 12), "900100_2", "1007", TROLL, "Yeni yorum")
    scenario.comment(scenario.day(0, 13), "900100_2", "1008", TROLL, "Bir yorum daha")
    scenario.delete(scenario.day(1, 9), "1007", by="page")
    # Night 0 sees 1007 on a listing cut short after it: incomplete, but 1007 was seen.
    world[0].add_fault(Fault("cutoff", path="900100_2/comments", after_items=3,
                             start=scenario.day(0, 0), end=scenario.day(1, 0)))
    assert _night(world, scenario, 0).status == "partial"
    assert _night(world, scenario, 1).status == "ok"
    events, _ = _stored(world[2])
    assert ("comment_deleted", "1007") in events
