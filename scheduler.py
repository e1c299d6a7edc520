"""The clock: builds the APScheduler (3.x) scheduler whose jobs call modaudit.jobs.

Jobs are module-level functions taking only the configuration path, so the persistent job
store (the project's database) can name them; each loads the configuration once and calls a verb.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from modaudit import jobs
from modaudit.clock import utcnow
from modaudit.config import Config, cron_trigger, load_config
from modaudit.fleet import executor_for
from modaudit.intake.jetstream_follow import start_following
from modaudit.store.engine import engine_for
from modaudit.store.locks import service_lock

log = logging.getLogger("modaudit.serve")
JOB_TABLE = "apscheduler_jobs"

# Set by `serve` on SIGTERM/SIGINT; scans poll it between listings. Process state, not a client.
_stopping = threading.Event()


def stopping() -> bool:
    """True once the service was asked to stop."""
    return _stopping.is_set()


def nightly_audit(config_path: str) -> str:
    """Scan every account (here or on workers), then tell the operator about failing accounts."""
    return jobs.nightly(load_config(config_path), should_stop=stopping)


def weekly_report(config_path: str) -> str:
    """Send last week's report to each institution's managers (once per week)."""
    outcomes = jobs.weekly_report(load_config(config_path), send=True, scan_wait=True,
                                  should_stop=stopping)
    return "; ".join(f"{o.institution}: {o.status}" for o in outcomes) or "no institutions"


def retention(config_path: str) -> str:
    """Apply `[retention]` (KVKK): erase old comment text and names not needed as evidence."""
    config = load_config(config_path)
    result = jobs.purge(config)
    summary = (f"{result.comments_erased} comments erased, {result.comments_kept_for_findings} "
               f"kept for findings, {result.list_names_erased} list names erased")
    extra = jobs.housekeeping(config)
    return summary + (f"; {extra}" if extra else "")


def anchor(config_path: str) -> str:
    """Time-stamp each account's chain head (`[timestamp]`); a TSA down waits for the next day."""
    config = load_config(config_path)
    if not config.timestamp.enabled:
        return "timestamp disabled"
    outcomes = jobs.anchor(config, notify=True)
    return "; ".join(f"{o.account}: {o.status}" + (f" ({o.error})" if o.error else "")
                     for o in outcomes) or "no accounts"


JOBS: dict[str, tuple[Callable[[str], str], str]] = {
    "nightly_audit": (nightly_audit, "nightly_audit"),
    "weekly_report": (weekly_report, "weekly_report"),
    "retention": (retention, "retention"),
    "anchor": (anchor, "anchor"),
}


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: its id, function and trigger."""

    job_id: str
    func: Callable[..., Any]
    trigger: Any


def job_specs(config: Config) -> list[JobSpec]:
    """The service's jobs with their triggers from `[schedule]`, in the configured zone.

    The executor adds its own periodic jobs (the procrastinate executor re-queues stalled scans
    here, not in the workers: one recoverer per database, the service lock).
    """
    specs = [JobSpec(job_id, func, cron_trigger(getattr(config.schedule, key), config.tz,
                                                f"schedule.{key}"))
             for job_id, (func, key) in JOBS.items()]
    specs += [JobSpec(job.job_id, job.func, IntervalTrigger(seconds=job.seconds, timezone=config.tz))
              for job in executor_for(config).periodic()]
    return specs


def _log_event(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_SUBMITTED:
        log.info("job %s started", event.job_id)
    elif event.code == EVENT_JOB_EXECUTED:
        log.info("job %s finished: %s", event.job_id, event.retval)
    elif event.code == EVENT_JOB_ERROR:
        log.error("job %s failed: %s: %s", event.job_id, type(event.exception).__name__, event.exception)
    elif event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its %s run (beyond the grace time)", event.job_id,
                    event.scheduled_run_time)
    elif event.code == EVENT_JOB_MAX_INSTANCES:
        log.warning("job %s skipped: the previous run is still going", event.job_id)


def build_scheduler(config: Config, config_path: str,
                    specs: list[JobSpec] | None = None) -> BackgroundScheduler:
    """A scheduler whose job store is the project's database; jobs keep missed runs on restart."""
    store = SQLAlchemyJobStore(engine=engine_for(config.database), tablename=JOB_TABLE)
    scheduler = BackgroundScheduler(
        jobstores={"default": store},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": config.schedule.misfire_grace_seconds},
        timezone=config.tz,
    )
    scheduler.add_listener(_log_event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
                           | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    store.start(scheduler, "default")  # to read what a previous service left behind
    for spec in specs if specs is not None else job_specs(config):
        previous = store.lookup_job(spec.job_id)
        kwargs: dict[str, Any] = {}
        # replace_existing would reset the next run to the future and lose a missed night:
        # keep the stored next run when the schedule itself did not change.
        if previous is not None and str(previous.trigger) == str(spec.trigger):
            kwargs["next_run_time"] = previous.next_run_time
        scheduler.add_job(spec.func, spec.trigger, args=[str(config_path)], id=spec.job_id,
                          name=spec.job_id, replace_existing=True, **kwargs)
    store.shutdown()
    return scheduler


def next_runs(config: Config, now: datetime | None = None) -> list[tuple[str, str, datetime | None]]:
    """(job id, schedule, next run time in the configured zone) for `modaudit jobs`."""
    now = now or utcnow()
    return [(spec.job_id, getattr(config.schedule, JOBS[spec.job_id][1]) if spec.job_id in JOBS
             else f"every {spec.trigger.interval.total_seconds():g} s",
             spec.trigger.get_next_fire_time(None, now.astimezone(config.tz)))
            for spec in job_specs(config)]


def serve(config_path: str, install_signals: bool = True) -> int:
    """Run the scheduler in the foreground until SIGTERM/SIGINT; returns the exit status."""
    config = load_config(config_path)
    engine = jobs.open_store(config)
    _stopping.clear()
    wake = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        _stopping.set()
        wake.set()

    with service_lock(engine):
        scheduler = build_scheduler(config, config_path)
        if install_signals:
            signal.signal(signal.SIGTERM, on_signal)
            signal.signal(signal.SIGINT, on_signal)
        scheduler.start()
        for job in scheduler.get_jobs():
            log.info("scheduled %s: next run %s", job.id,
                     job.next_run_time.astimezone(config.tz).isoformat() if job.next_run_time else "-")
        if not config.accounts:
            log.warning("no [[accounts]] configured: the nightly audit has nothing to scan")
        # Told at once, not after two failed nights: logged and mailed to the operator. In the
        # background: slow platforms must neither delay the schedule nor a shutdown.
        threading.Thread(target=jobs.check_at_start, args=(config,), name="start-checks",
                         daemon=True).start()
        # Bluesky in real time (`[bluesky] jetstream_url`): blocks and gates as they happen.
        following = start_following(config, engine)
        wake.wait()
        if following is not None:
            following.stop()
        stopper = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True)
        stopper.start()
        stopper.join(config.schedule.shutdown_grace_seconds)
        if stopper.is_alive():
            # Transactions roll back when the process ends; the next scan marks the run interrupted.
            log.error("a job did not stop within %d s; exiting anyway",
                      config.schedule.shutdown_grace_seconds)
            logging.shutdown()
            os._exit(3)
    engine.dispose()
    log.info("stopped")
    return 0
