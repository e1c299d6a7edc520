"""Scans on procrastinate workers over the real PostgreSQL server: `modaudit worker` subprocesses.

PostgreSQL only (procrastinate's queue is PostgreSQL tables, locks and LISTEN/NOTIFY); each test
has a schema of its own, which the workers' queue connections use too.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from modaudit import jobs
from modaudit.cli import cli
from modaudit.clock import utcnow
from modaudit.config import ConfigError, load_config, parse_config
from modaudit.sandbox import Fault, PageSpec, Scenario, Simulator
from modaudit.sandbox.scenarios.fleet import fleet_scenario
from modaudit.store.engine import make_engine
from tests.conftest import REQUIRE_POSTGRES, scratch_database
from tests.support.scenarios import START

try:
    from procrastinate.jobs import Job

    from modaudit.fleet import procrastinate_queue as scan_queue
    from modaudit.fleet import tasks as taskqueue
except ImportError as exc:  # the procrastinate extra is missing
    if REQUIRE_POSTGRES:
        raise
    pytest.skip(f"procrastinate is not installed: {exc}", allow_module_level=True)

pytestmark = pytest.mark.slow
FAST = ('heartbeat_seconds = 0.5\nstalled_after_seconds = 2\nretry_base_seconds = 1\n'
        'retry_cap_seconds = 2\nnight_wait_seconds = 60\nreport_wait_seconds = 1\n')


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL URL with a schema of its own; SQLite cannot host the task queue."""
    with scratch_database("postgresql", tmp_path) as url:
        yield url


def night(scenario: Scenario, day: int) -> datetime:
    """The simulated time of `day`'s nightly audit."""
    return scenario.day(day, hour=23, minute=30)



def a_night_later(engine: Engine) -> None:
    """Workers scan at the wall clock, so "the next night" comes seconds after the last; make
    every post due again, as a night later would under the nightly schedule."""
    with engine.begin() as connection:
        connection.execute(text("UPDATE posts SET last_complete_listing_at = NULL"))

def write_fleet_config(write_config: Callable[..., Path], url: str, simulator: Simulator,
                       scenario: Scenario, timeout: float = 5.0) -> Path:
    """A procrastinate configuration with short heartbeats and backoffs, and its init done."""
    path = write_config(url, simulator.base_url, scenario.pages, timeout=timeout,
                        extra=f'window_days = 36500\n[executor]\nkind = "procrastinate"\n{FAST}')
    result = CliRunner().invoke(cli, ["--config", str(path), "init"])
    assert result.exit_code == 0, result.output
    assert "task queue schema created (procrastinate 3." in result.output
    again = CliRunner().invoke(cli, ["--config", str(path), "init"])
    assert "task queue schema (procrastinate) is present" in again.output
    return path


@contextmanager
def workers(config_path: Path, engine: Engine, count: int, concurrency: int) -> Iterator[list]:
    """`count` `modaudit worker` subprocesses, registered in the queue; SIGTERM'd afterwards."""
    processes = [subprocess.Popen(
        [sys.executable, "-m", "modaudit", "--config", str(config_path), "worker",
         "--concurrency", str(concurrency)], env=os.environ.copy(),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(count)]
    try:
        wait_until(lambda: registered(engine) >= count, 30, processes)
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            if process.stderr:
                process.stderr.close()


def registered(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()


def wait_until(condition: Callable[[], object], seconds: float, processes: list = ()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"a worker exited: {process.stderr.read().decode()[-3000:]}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def runs(engine: Engine, since: datetime | None = None) -> list:
    query = ("SELECT a.name, r.status, r.started_at, r.finished_at, r.warnings FROM runs r "
             "JOIN accounts a ON a.id = r.account_id WHERE r.started_at >= :since ORDER BY r.id")
    with engine.connect() as connection:
        return connection.execute(text(query), {"since": since or START}).all()


def no_overlap_per_account(rows: list) -> None:
    by_account = defaultdict(list)
    for row in rows:
        by_account[row.name].append(row)
    for name, account_runs in by_account.items():
        ordered = sorted(account_runs, key=lambda r: r.started_at)
        for before, after in itertools.pairwise(ordered):
            assert after.started_at >= before.finished_at, f"two scans of {name} overlapped"


def most_at_once(rows: list) -> int:
    moments = sorted([(r.started_at, 1) for r in rows] + [(r.finished_at, -1) for r in rows])
    running = peak = 0
    for _, step in moments:
        running += step
        peak = max(peak, running)
    return peak


def duplicate_events(engine: Engine) -> list:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT account_id, dedup_key FROM events GROUP BY 1, 2 HAVING count(*) > 1")).all()


def events_of(engine: Engine, name: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM events e JOIN accounts a ON a.id = e.account_id "
            "WHERE a.name = :name"), {"name": name}).scalar_one()


def test_two_workers_scan_every_account_once_per_night(pg_url: str, write_config, monkeypatch) -> None:
    scenario = fleet_scenario(30, START, hide_on_day=1)
    transient, refused = scenario.pages[7], "page-11"
    scenario.faults.append(Fault("http500", path=f"/{transient.page_id}", times=3))  # 1st try
    with Simulator(scenario) as simulator:
        simulator.latency = 0.03
        path = write_fleet_config(write_config, pg_url, simulator, scenario)
        monkeypatch.setenv("TEST_PAGE_TOKEN_11", "a-revoked-token")
        config = load_config(path)
        engine = make_engine(pg_url)
        try:
            simulator.set_now(night(scenario, 0))
            first, second = scan_queue.enqueue_night(config), scan_queue.enqueue_night(config)
            assert (first.enqueued, second.enqueued, len(second.already_open)) == (30, 0, 30)
            with workers(path, engine, count=2, concurrency=2) as processes:
                assert scan_queue.wait_for_scans(engine, 60) == []
                with engine.connect() as connection:
                    by_worker = connection.execute(text(
                        "SELECT count(DISTINCT worker_id) FROM procrastinate_jobs")).scalar_one()
                assert by_worker == 2, "both workers took scans"
                a_night_later(engine)
                simulator.set_now(night(scenario, 1))
                night_2 = utcnow()
                import scheduler

                summary = scheduler.nightly_audit(str(path))
                assert summary.startswith("30 scans queued; all done"), summary
                assert all(process.poll() is None for process in processes)
            first_night = [r for r in runs(engine) if r.started_at < night_2]
            second_night = runs(engine, night_2)

            for rows in (first_night, second_night):
                succeeded = Counter(r.name for r in rows if r.status == "ok")
                assert succeeded == {f"page-{n}": 1 for n in range(30) if n != 11}
                no_overlap_per_account(rows)
                assert most_at_once(rows) >= 3, "scans of different accounts ran in parallel"
            transient_runs = [r for r in first_night if r.name == "page-7"]
            assert [r.status for r in transient_runs] == ["failed", "ok"]
            assert transient_runs[0].warnings[0]["code"] == "PlatformError"
            backoff = (transient_runs[1].started_at - transient_runs[0].finished_at).total_seconds()
            assert backoff >= 0.5, "retried after the strategy's delay (base 1 s, half fixed)"
            for rows in (first_night, second_night):
                refused_runs = [r for r in rows if r.name == refused]
                assert [(r.status, r.warnings[0]["code"]) for r in refused_runs] == \
                    [("failed", "AuthFailed")], "an auth failure is not retried"
            assert {r.name for r in first_night} >= {f"page-{n}" for n in range(30)}
            assert events_of(engine, "page-0") >= 1 and duplicate_events(engine) == []

            queue = {row.account: row for row in scan_queue.scan_jobs(engine, config)}
            assert list(queue) == [refused] and queue[refused].failed == 2
            output = CliRunner(env={"COLUMNS": "200"}).invoke(
                cli, ["--config", str(path), "jobs"]).output
            assert "retry_stalled_scans" in output
            assert re.search(r"page-11\s*│\s*0\s*│\s*0\s*│\s*0\s*│\s*2\s*│", output), output

            week = utcnow().astimezone(config.tz).isocalendar()
            label = f"{week.year}-W{week.week:02d}"
            report = jobs.weekly_report(load_config(path), week=label, send=False)[0].text
            health = report[report.index("page-11 (facebook)"):]
            # Warning codes read as sentences with the fix, and how often.
            assert "Platform erişim belirtecini reddetti; bilgi işlem `modaudit check` " \
                "çalıştırıp belirteci yenilemeli. (2 kez)" in health[:health.index("page-12 (facebook)")]
            assert "Platforma ulaşılamadı ya da yanıtı okunamadı" in \
                report[report.index("page-7 (facebook)"):]
            assert "henüz bitmemişti" not in report

            scan_queue.enqueue_night(config)  # no worker runs it: the report says so
            waited = time.monotonic()
            report = jobs.weekly_report(load_config(path), week=label, send=False, scan_wait=True)[0].text
            assert time.monotonic() - waited >= 1, "waited [executor] report_wait_seconds"
            assert report.count("henüz bitmemişti") == 30
        finally:
            engine.dispose()


def _slow_listing(simulator: Simulator, page: PageSpec, sleep: float) -> str:
    """Make the first post's comments of `page` answer after `sleep` s, once; returns the path."""
    slow = f"{page.page_id}_1/comments"
    simulator.timeout_sleep = sleep
    simulator.add_fault(Fault("timeout", path=slow, times=1))
    simulator.request_log.clear()
    return slow


def _requested(simulator: Simulator, path: str) -> bool:
    return any(path in logged for _, logged, _ in list(simulator.request_log))


def scanning_pid(engine: Engine, account: str, processes: list) -> int | None:
    """Which of `processes` holds `account`'s advisory scan lock (modaudit.locks names it).

    pg_stat_activity spans the server, where other test sessions may scan a "page-0" too.
    """
    names = [f"modaudit scan {account} pid={process.pid} %" for process in processes]
    with engine.connect() as connection:
        holder = connection.execute(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE ANY(:names)"),
            {"names": names}).scalar()
    return int(re.search(r"pid=(\d+)", holder).group(1)) if holder else None


def test_killed_worker_scan_is_recovered_once(pg_url: str, write_config) -> None:
    scenario = fleet_scenario(4, START, hide_on_day=1)
    with Simulator(scenario) as simulator:
        simulator.latency = 0.02
        path = write_fleet_config(write_config, pg_url, simulator, scenario, timeout=30.0)
        config = load_config(path)
        engine = make_engine(pg_url)
        try:
            with workers(path, engine, count=2, concurrency=1) as processes:
                simulator.set_now(night(scenario, 0))
                scan_queue.enqueue_night(config)
                assert scan_queue.wait_for_scans(engine, 60) == []

                a_night_later(engine)
                simulator.set_now(night(scenario, 1))
                slow = _slow_listing(simulator, scenario.pages[0], sleep=30)
                night_2 = utcnow()
                scan_queue.enqueue_night(config)
                wait_until(lambda: _requested(simulator, slow) and scanning_pid(engine, "page-0", processes),
                           30, processes)
                victim = next(p for p in processes if p.pid == scanning_pid(engine, "page-0", processes))
                victim.send_signal(signal.SIGKILL)
                assert victim.wait(timeout=10) == -signal.SIGKILL
                assert scan_queue.recover_stalled(config) == [], "not stalled before the timeout"
                recovered: list[int] = []
                wait_until(lambda: recovered.extend(scan_queue.recover_stalled(config)) or recovered,
                           20)
                assert len(recovered) == 1
                assert scan_queue.wait_for_scans(engine, 30) == []

            second_night = runs(engine, night_2)
            page_0 = [(r.status, (r.warnings or [{}])[0].get("code")) for r in second_night
                      if r.name == "page-0"]
            assert page_0 == [("failed", "interrupted"), ("ok", None)]
            assert Counter(r.name for r in second_night if r.status == "ok") == \
                {f"page-{n}": 1 for n in range(4)}
            no_overlap_per_account(runs(engine))
            assert duplicate_events(engine) == []
            assert events_of(engine, "page-0") == events_of(engine, "page-1") >= 1
            with engine.connect() as connection:
                assert connection.execute(text(
                    "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")).scalar_one() == 0
            assert scanning_pid(engine, "page-0", processes) is None
            assert jobs.scan_account(load_config(path), "page-0", "on_demand").status == "ok"  # lock released
        finally:
            engine.dispose()


def test_sigterm_hands_the_scan_back_after_the_current_listing(pg_url: str, write_config) -> None:
    scenario = fleet_scenario(2, START)
    with Simulator(scenario) as simulator:
        path = write_fleet_config(write_config, pg_url, simulator, scenario)
        config = load_config(path)
        engine = make_engine(pg_url)
        try:
            simulator.set_now(night(scenario, 0))
            slow = _slow_listing(simulator, scenario.pages[0], sleep=1.5)
            scan_queue.enqueue_night(config)
            with workers(path, engine, count=1, concurrency=1) as processes:
                wait_until(lambda: _requested(simulator, slow), 30, processes)
                stopped = time.monotonic()
                processes[0].send_signal(signal.SIGTERM)
                assert processes[0].wait(timeout=20) == 0
                assert time.monotonic() - stopped < 10
            assert [(r.status, r.warnings[0]["code"]) for r in runs(engine) if r.name == "page-0"] \
                == [("failed", "interrupted")]
            assert scanning_pid(engine, "page-0", processes) is None
            assert sorted(scan_queue.open_scans(engine).values()) == ["page-0", "page-1"]
            with workers(path, engine, count=1, concurrency=1):
                assert scan_queue.wait_for_scans(engine, 30) == []
            assert [r.status for r in runs(engine) if r.name == "page-0"] == ["failed", "ok"]
        finally:
            engine.dispose()


def test_retry_strategy_backs_off_with_jitter_and_a_cap() -> None:
    strategy = taskqueue.JitteredBackoff(max_attempts=4, base_seconds=10, cap_seconds=60,
                                         rng=random.Random(7))
    assert [strategy.delay(0) for _ in range(50)] != [strategy.delay(0)] * 50, "jittered"
    for attempts, ceiling in ((0, 10), (1, 20), (2, 40), (3, 60), (9, 60)):
        assert all(ceiling / 2 <= strategy.delay(attempts) <= ceiling for _ in range(50))
    job = Job(queue="scans", lock="account:1", queueing_lock=None,
                        task_name="scan_account", attempts=0)
    transient = taskqueue.TransientScanFailure("PlatformError")
    decision = strategy.get_retry_decision(exception=transient, job=job)
    assert decision is not None and 4.5 <= (decision.retry_at - utcnow()).total_seconds() <= 10.5
    assert strategy.get_retry_decision(exception=transient, job=job.evolve(attempts=3)) is None
    for final in (taskqueue.ScanFailed("AuthFailed"), ValueError("bug")):
        assert strategy.get_retry_decision(exception=final, job=job) is None


def test_procrastinate_executor_needs_postgresql(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"executor.kind: procrastinate needs a PostgreSQL"):
        parse_config({"database": {"url": "sqlite:///x.db"}, "executor": {"kind": "procrastinate"}})
    path = tmp_path / "modaudit.toml"
    path.write_text('[database]\nurl = "sqlite:///x.db"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "worker"])
    assert result.exit_code == 2 and 'executor.kind: this needs "procrastinate"' in result.output
