"""The procrastinate side of `[executor] kind = "procrastinate"`: the App, the scan task, retries.

One job is one `scan_account(account_id)`; its procrastinate `lock` is `account:<id>`, so the
database never runs two scans of one account at once. No `queueing_lock` with it: a failed retry
can then leave a job `doing` forever (procrastinate issue #1543); the enqueuer skips accounts that
already have an open job instead.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import procrastinate
from procrastinate.exceptions import JobAborted
from procrastinate.jobs import Job
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session

from modaudit.clock import utcnow
from modaudit.config import AccountConfig, Config, ConfigError, load_config
from modaudit.fleet.base import SCAN_TASK
from modaudit.intake.scan import run_scan
from modaudit.store.runs import account_name

log = logging.getLogger(__name__)

QUEUE = "scans"
# Warning codes of a failed run that another attempt may cure; anything else (AuthFailed, NotFound,
# config, store_failed) would fail the same way again, and shows in collection health instead.
TRANSIENT_CODES = frozenset({"PlatformError", "RateLimited"})
QUEUE_POOL_SIZE = 2  # procrastinate's own pool per process (fetch, heartbeat, finish)


class ScanFailed(Exception):
    """A scan that failed for a reason another attempt would not cure (e.g. a refused token)."""


class TransientScanFailure(ScanFailed):
    """A scan that failed on a platform error or a rate limit: worth another attempt later."""


def lock_name(account_id: int) -> str:
    """The procrastinate lock of one account's scans."""
    return f"account:{account_id}"


@dataclass(frozen=True)
class JitteredBackoff(procrastinate.BaseRetryStrategy):
    """Retry transient scan failures after a capped, jittered exponential delay; nothing else.

    A scan aborted because its worker is shutting down goes back to the queue at once, so that
    another worker takes the account over (procrastinate asks only for shutdown aborts).
    """

    max_attempts: int
    base_seconds: float
    cap_seconds: float
    rng: random.Random = field(default_factory=random.Random)  # jitter, not cryptography

    def delay(self, attempts: int) -> float:
        """Seconds before the next try after `attempts` failed ones: half fixed, half random."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** min(attempts, 32))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def get_retry_decision(self, *, exception: BaseException,
                           job: Job) -> procrastinate.RetryDecision | None:
        """When to run `job` again after `exception`, or None to let it fail."""
        if isinstance(exception, JobAborted):
            return procrastinate.RetryDecision(retry_at=utcnow())
        if not isinstance(exception, TransientScanFailure) or job.attempts + 1 >= self.max_attempts:
            return None
        return procrastinate.RetryDecision(
            retry_at=utcnow() + timedelta(seconds=self.delay(job.attempts)))


def connection_args(database_url: str) -> dict[str, Any]:
    """psycopg connection arguments for the SQLAlchemy database URL, query options included.

    The query options carry e.g. `options=-csearch_path=...`, so the queue lives in the same
    schema as the evidence store.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ConfigError("executor.kind: procrastinate needs a PostgreSQL [database] url")
    params = {"host": url.host, "port": url.port, "user": url.username, "password": url.password,
              "dbname": url.database}
    kwargs = {key: value for key, value in params.items() if value is not None}
    kwargs.update({key: value for key, value in url.query.items() if isinstance(value, str)})
    return {"conninfo": "", "kwargs": kwargs}


def build_app(config: Config, pool_size: int = QUEUE_POOL_SIZE) -> procrastinate.App:
    """A procrastinate App on the configured database with the scan task registered."""
    connector = procrastinate.PsycopgConnector(min_size=1, max_size=pool_size,
                                               **connection_args(config.database.url))
    app = procrastinate.App(connector=connector)
    retry = JitteredBackoff(max_attempts=config.executor.retry_attempts,
                            base_seconds=config.executor.retry_base_seconds,
                            cap_seconds=config.executor.retry_cap_seconds)
    app.task(name=SCAN_TASK, queue=QUEUE, pass_context=True, retry=retry)(scan_account_task)
    return app


def defer_scans(app: procrastinate.App, account_ids: Iterable[int], kind: str = "nightly") -> int:
    """Queue one scan per account id, each under its account's lock; returns how many."""
    jobs = [app.configure_task(SCAN_TASK, lock=lock_name(account_id),
                               task_kwargs={"account_id": account_id, "kind": kind}).job
            for account_id in account_ids]
    if jobs:
        app.job_manager.batch_defer_jobs(jobs)
    return len(jobs)


@dataclass
class ScanRuntime:
    """What a worker process shares between its scans: the configuration and one engine."""

    config_path: str
    config: Config
    engine: Engine

    def account(self, account_id: int) -> AccountConfig | None:
        """The configured account with this database id; rereads the file for a new account."""
        with Session(self.engine) as session:
            name = account_name(session, account_id)
        if name is None:
            return None
        if not any(account.name == name for account in self.config.accounts):
            self.config = load_config(self.config_path)  # added after this worker started
        return next((account for account in self.config.accounts if account.name == name), None)


def scan_account_task(context: procrastinate.JobContext, account_id: int,
                      kind: str = "nightly") -> str:
    """Scan one account by its database id; raise so procrastinate records and retries failures."""
    runtime: ScanRuntime = context.additional_context["runtime"]
    account = runtime.account(account_id)
    if account is None:
        log.warning("account id %d is no longer configured: scan skipped", account_id)
        return "skipped: not configured"
    name = account.name
    result = run_scan(runtime.engine, runtime.config, account, kind, should_stop=context.should_abort)
    if result.status == "busy":  # an on-demand scan of it is under way: that one covers tonight
        return "busy"
    if result.status == "failed":
        warning = result.warnings[0] if result.warnings else None
        code = warning.code if warning else "unknown"
        if code == "interrupted":
            raise JobAborted(f"account {name}: scan stopped for shutdown, run {result.run_id}")
        failure = TransientScanFailure if code in TRANSIENT_CODES else ScanFailed
        raise failure(f"account {name}: run {result.run_id} failed: {code}: "
                      f"{warning.message if warning else ''}")
    return f"{result.status}: {result.events} events, {result.findings_opened} new findings"
