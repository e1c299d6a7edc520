"""SIGKILL part-way through `modaudit audit`, then audit again: the store stays consistent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.config import load_config
from modaudit.sandbox import Fault, PageSpec, Simulator
from modaudit.store.engine import make_engine
from modaudit.store.schema import Run
from modaudit.store.verify import verify_chain
from tests.support.scenarios import AYSE, PAGE, TROLL, night, small_scenario

SECOND = PageSpec(page_id="900200", name="İkinci Müdürlük", token="second-token-CANARY")


@pytest.mark.slow
def test_sigkill_mid_audit_then_rerun_is_consistent(migrated: str, write_config) -> None:
    scenario = small_scenario()
    scenario.pages.append(SECOND)
    scenario.post(scenario.day(-2), SECOND.page_id, "900200_1", "Duyuru")
    scenario.comment(scenario.day(-2, 12), "900200_1", "2001", AYSE, "İlk yorum")
    scenario.comment(scenario.day(-2, 13), "900200_1", "2002", TROLL, "İkinci yorum")
    scenario.hide(scenario.day(1), "1005")
    scenario.delete(scenario.day(1), "1006")
    scenario.ban(scenario.day(1), PAGE.page_id, TROLL)
    scenario.hide(scenario.day(1), "2002")
    scenario.ban(scenario.day(1), SECOND.page_id, AYSE)
    with Simulator(scenario) as simulator:
        config_path = write_config(migrated, simulator.base_url, scenario.pages,
                                   extra="window_days = 36500", timeout=5.0)
        simulator.set_now(night(scenario, 0))
        # That night's audit at its own time, so tonight's (the wall clock) has posts due.
        assert [r.status for r in jobs.audit_all(load_config(config_path),
                                                 now=night(scenario, 0))] == ["ok", "ok"]

        simulator.set_now(night(scenario, 1))
        simulator.timeout_sleep = 1.0
        simulator.add_fault(Fault("timeout", path="900200_1/comments"))  # page 2 is slow tonight
        simulator.request_log.clear()
        process = subprocess.Popen(
            [sys.executable, "-m", "modaudit", "--config", str(config_path), "audit"],
            env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not any("900200_1/comments" in path for _, path, _ in list(simulator.request_log)):
            assert time.monotonic() < deadline, "the audit never reached the second page"
            assert process.poll() is None, process.communicate()
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

        engine = make_engine(migrated)
        with Session(engine) as session:
            statuses = [r.status for r in session.scalars(select(Run).order_by(Run.id))]
        assert statuses == ["ok", "ok", "ok", "running"]  # page 1 committed, page 2 killed

        simulator.timeout_sleep = 0.0
        rerun = jobs.audit_all(load_config(config_path))
        assert [r.status for r in rerun] == ["ok", "ok"], [r.warnings for r in rerun]

    with Session(engine) as session:
        runs = list(session.scalars(select(Run).order_by(Run.id)))
        assert [r.status for r in runs] == ["ok", "ok", "ok", "failed", "ok", "ok"]
        assert runs[3].warnings[0]["code"] == "interrupted"
        events = session.execute(text("SELECT kind, subject_id FROM events ORDER BY id")).all()
        checked, problems = verify_chain(session)
        per_run = dict(session.execute(text(
            "SELECT run_id, COUNT(*) FROM comment_observations GROUP BY run_id")).all())
    engine.dispose()
    counts = Counter((kind, subject) for kind, subject in events)
    expected = {(t.kind, t.subject_id) for t in scenario.ground_truth(until=night(scenario, 1))}
    assert set(counts) == expected
    assert all(n == 1 for n in counts.values()), counts
    assert checked == len(events) and problems == []
    assert 4 not in per_run  # the killed run stored nothing half-done
    # The rerun lists again what the killed run left unlisted (page 2); page 1, listed completely
    # by run 3 moments before, is not due again by the schedule.
    assert 5 not in per_run and per_run[6] == 2


@pytest.mark.slow
def test_sigkill_while_a_lookup_hangs_leaves_nothing_of_that_night(migrated: str,
                                                                   write_config) -> None:
    """The *ask* phase holds no transaction: killed mid-lookup, the store is as it was."""
    scenario = small_scenario()
    scenario.delete(scenario.day(1), "1006")
    with Simulator(scenario) as simulator:
        config_path = write_config(migrated, simulator.base_url, scenario.pages,
                                   extra="window_days = 36500", timeout=5.0)
        simulator.set_now(night(scenario, 0))
        assert [r.status for r in jobs.audit_all(load_config(config_path),
                                                 now=night(scenario, 0))] == ["ok"]
        engine = make_engine(migrated)
        with Session(engine) as session:
            before = session.execute(text(
                "SELECT id, missing_since, lookups, gone_at FROM comments ORDER BY id")).all()

        simulator.set_now(night(scenario, 1))
        simulator.timeout_sleep = 3.0
        simulator.add_fault(Fault("timeout", path="1006", times=1))  # the lookup hangs
        simulator.request_log.clear()
        process = subprocess.Popen(
            [sys.executable, "-m", "modaudit", "--config", str(config_path), "audit"],
            env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not any(path.endswith("/1006") for _, path, _ in list(simulator.request_log)):
            assert time.monotonic() < deadline, "the audit never looked 1006 up"
            assert process.poll() is None, process.communicate()
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

        with Session(engine) as session:
            assert [r.status for r in session.scalars(select(Run).order_by(Run.id))] == \
                ["ok", "running"]
            killed = session.scalars(select(Run.id).order_by(Run.id.desc())).first()
            # Nothing of the killed night: no observation, no candidate, no event, no lookup.
            assert session.execute(text("SELECT COUNT(*) FROM comment_observations "
                                        f"WHERE run_id = {killed}")).scalar_one() == 0
            assert session.execute(text(
                "SELECT id, missing_since, lookups, gone_at FROM comments ORDER BY id")).all() \
                == before
            assert session.execute(text("SELECT COUNT(*) FROM events")).scalar_one() == 0

        simulator.timeout_sleep = 0.0
        rerun = jobs.audit_all(load_config(config_path))
        assert [r.status for r in rerun] == ["ok"], [r.warnings for r in rerun]
        with Session(engine) as session:
            runs = [(r.status, (r.warnings or [{}])[0].get("code"))
                    for r in session.scalars(select(Run).order_by(Run.id))]
            events = session.execute(text("SELECT kind, subject_id FROM events")).all()
            checked, problems = verify_chain(session)
        engine.dispose()
    assert runs == [("ok", None), ("failed", "interrupted"), ("ok", None)]
    assert [tuple(e) for e in events] == [("comment_deleted", "1006")]
    assert problems == [] and checked >= 1
