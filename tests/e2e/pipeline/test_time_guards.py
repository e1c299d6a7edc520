"""Time that does not move forward: a clock set back, a platform clock ahead, brackets checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.sandbox import Simulator
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_findings
from modaudit.store.schema import Account, Event, Run
from tests.support.scenarios import AYSE, audit_night, night, small_scenario


def test_a_scan_dated_before_the_last_run_is_refused(migrated, write_config) -> None:
    scenario = small_scenario()
    with Simulator(scenario) as simulator:
        config = write_config(migrated, simulator.base_url, scenario.pages)
        assert audit_night(config, simulator, scenario, 1).status == "ok"
        earlier = night(scenario, 0)  # the clock moved back a day
        result = jobs.scan_account(load_config(config), "page-0", "nightly", now=earlier)
    assert result.status == "failed" and result.run_id is None
    assert [w.code for w in result.warnings] == ["clock_moved_back"]
    engine = make_engine(migrated)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 1
    engine.dispose()


def test_a_platform_clock_ahead_never_makes_a_bracket_end_before_it_starts(migrated,
                                                                          write_config) -> None:
    scenario = small_scenario()
    audit = night(scenario, 0)
    # On the platform's clock the comment was written and hidden after our audit started.
    scenario.comment(audit + timedelta(minutes=10), "900100_2", "1090", AYSE, "Saat ileride")
    scenario.hide(audit + timedelta(minutes=20), "1090")
    with Simulator(scenario) as simulator:
        config = write_config(migrated, simulator.base_url, scenario.pages)
        simulator.set_now(audit + timedelta(hours=1))
        assert jobs.scan_account(load_config(config), "page-0", "nightly", now=audit).status == "ok"
    engine = make_engine(migrated)
    with Session(engine) as session:
        (hidden,) = [f for f in list_findings(session) if f.subject_id == "1090"]
    engine.dispose()
    assert hidden.occurred_after == hidden.occurred_before == audit
    assert hidden.evidence["clock_skew"].startswith((audit + timedelta(minutes=10)).date().isoformat())


def test_the_database_refuses_an_event_that_ends_before_it_starts(migrated) -> None:
    engine = make_engine(migrated)
    scenario = small_scenario()
    with Session(engine) as session, session.begin():
        session.execute(insert(Account).values(id=1, name="a", platform="facebook", platform_id="1",
                                               handle="", institution="i", created_at=scenario.start))
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.execute(insert(Event).values(
            account_id=1, kind="comment_hidden", subject_id="1", actor="account",
            source="snapshot_diff", occurred_after=scenario.day(1), occurred_before=scenario.day(0),
            detected_at=scenario.day(1), evidence={}, dedup_key="x", prev_hash="0" * 64,
            hash="0" * 64))
    engine.dispose()
