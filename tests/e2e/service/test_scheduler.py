"""The scheduler: a real APScheduler with second-level triggers, its job store, `serve`."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

import scheduler
from modaudit.cli import cli
from modaudit.config import cron_trigger, load_config
from modaudit.sandbox import Fault, Simulator
from modaudit.store.engine import make_engine
from modaudit.store.schema import Run
from modaudit.store.verify import verify_chain
from tests.support import scheduler_probe
from tests.support.scenarios import small_scenario


def _config(tmp_path: Path, db_url: str, schedule: str = "") -> Path:
    path = tmp_path / "modaudit.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n[schedule]\n{schedule}\n', encoding="utf-8")
    return path


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_jobs_run_in_the_configured_zone(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, "sqlite:///x.db"))
    runs = {job: (schedule, at) for job, schedule, at in
            scheduler.next_runs(config, datetime(2026, 11, 23, 12, tzinfo=UTC))}
    assert runs["nightly_audit"][1].astimezone(UTC) == datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert runs["weekly_report"][1].astimezone(UTC) == datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["--config", str(tmp_path / "modaudit.toml"), "jobs"])
    assert "nightly_audit" in result.output and "02:30" in result.output
    assert "Europe/Istanbul" in result.output


def test_bad_crontab_is_a_config_error(tmp_path: Path) -> None:
    path = _config(tmp_path, "sqlite:///x.db", 'nightly_audit = "61 2 * * *"')
    result = CliRunner().invoke(cli, ["--config", str(path), "jobs"])
    assert result.exit_code == 2 and "schedule.nightly_audit: invalid crontab" in result.output


def test_both_jobs_fire_on_schedule(tmp_path: Path, migrated: str) -> None:
    path = _config(tmp_path, migrated, 'nightly_audit = "*/1 * * * * *"\n'
                                       'weekly_report = "*/1 * * * * *"')
    fired: list[str] = []
    sched = scheduler.build_scheduler(load_config(path), str(path))
    sched.add_listener(lambda event: fired.append(event.job_id), EVENT_JOB_EXECUTED)
    sched.start()
    try:
        assert _wait(lambda: {"nightly_audit", "weekly_report"} <= set(fired), 6), fired
    finally:
        sched.shutdown()


def _probe_spec(func, seconds: str, zone) -> list[scheduler.JobSpec]:
    return [scheduler.JobSpec("probe", func, cron_trigger(f"*/{seconds} * * * * *", zone))]


def _set_next_run(config, job_id: str, when: datetime) -> None:
    store = SQLAlchemyJobStore(engine=make_engine(config.database.url), tablename=scheduler.JOB_TABLE)
    store.start(BackgroundScheduler(timezone=config.tz), "default")
    job = store.lookup_job(job_id)
    job.next_run_time = when
    store.update_job(job)
    store.shutdown()


def _hourly_probe(func, zone) -> list[scheduler.JobSpec]:
    return [scheduler.JobSpec("probe", func, cron_trigger("0 * * * *", zone))]


def test_missed_run_within_grace_runs_once_after_restart(tmp_path: Path, migrated: str) -> None:
    path = _config(tmp_path, migrated)
    config = load_config(path)
    # Hourly, so that no run comes due on its own during the test: the missed one is set by hand.
    first = scheduler.build_scheduler(config, str(path), _hourly_probe(scheduler_probe.record, config.tz))
    first.start(paused=True)
    first.shutdown(wait=False)
    # The service was down when this run came due: the job store holds a next run time that
    # has passed (the persisted time is the clock here: nothing waits for real time to go by).
    _set_next_run(config, "probe", datetime.now(UTC) - timedelta(minutes=3))
    second = scheduler.build_scheduler(config, str(path), _hourly_probe(scheduler_probe.record, config.tz))
    second.start()
    try:
        log = tmp_path / "probe.log"
        assert _wait(log.exists, 3), "the missed run did not run after the restart"
        time.sleep(0.5)
        assert len(log.read_text().splitlines()) == 1
    finally:
        second.shutdown()


def test_max_instances_holds(tmp_path: Path, migrated: str) -> None:
    path = _config(tmp_path, migrated)
    config = load_config(path)
    # Due every 0.25 s, running 0.8 s: without max_instances = 1 the runs would overlap.
    every = [scheduler.JobSpec("probe", scheduler_probe.slow, IntervalTrigger(seconds=0.25))]
    sched = scheduler.build_scheduler(config, str(path), every)
    sched.start()
    time.sleep(2.0)
    sched.shutdown(wait=True)
    runs = [tuple(map(float, line.split()[1:])) for line in (tmp_path / "probe.log").read_text().splitlines()]
    assert 1 <= len(runs) <= 3
    for (_, end), (start, _) in itertools.pairwise(runs):
        assert start >= end  # never two at once


def _serve(path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "modaudit", "--config", str(path), "serve"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())


@pytest.mark.slow
def test_sigterm_during_a_scan_stops_cleanly(tmp_path: Path, migrated: str, write_config) -> None:
    scenario = small_scenario()
    with Simulator(scenario) as simulator:
        simulator.set_now(scenario.day(0, 23))
        simulator.timeout_sleep = 1.0
        simulator.add_fault(Fault("timeout", path="/comments"))  # each listing takes a second
        path = write_config(migrated, simulator.base_url, scenario.pages, timeout=5.0,
                            extra='window_days = 36500\n[schedule]\nnightly_audit = "*/1 * * * * *"\n'
                                  "[report]\nnightly_alerts = false")
        process = _serve(path)
        engine = make_engine(migrated)

        def scanning() -> bool:
            with Session(engine) as session:
                return session.scalar(select(Run.id).where(Run.status == "running")) is not None
        try:
            assert _wait(scanning, 20), process.stderr.read1().decode() if process.poll() else "no scan"
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
        stderr = process.stderr.read().decode()
        assert "received SIGTERM" in stderr and "job nightly_audit started" in stderr
        with Session(engine) as session:
            runs = list(session.scalars(select(Run)))
            _, problems = verify_chain(session)
        engine.dispose()
        assert runs and all(run.status in ("ok", "partial", "failed") for run in runs)
        assert any(w["code"] == "interrupted" for run in runs for w in run.warnings)
        assert problems == []


@pytest.mark.slow
def test_one_scheduler_per_database(tmp_path: Path, migrated: str) -> None:
    path = _config(tmp_path, migrated)
    first = _serve(path)
    try:
        assert _wait(lambda: b"scheduled" in (first.stderr.peek() if first.stderr else b""), 15)
        second = _serve(path)
        second.wait(timeout=20)
        message = second.stderr.read().decode()
        assert second.returncode != 0
        assert "another scheduler already serves this database" in message
        assert f"pid={first.pid}" in message or f"pid {first.pid}" in message
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    third = _serve(path)
    try:
        assert _wait(lambda: b"scheduled" in third.stderr.peek(), 15)
    finally:
        third.send_signal(signal.SIGTERM)
        assert third.wait(timeout=20) == 0  # 0, not 3: stopped within the grace, not forced
