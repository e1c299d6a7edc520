"""`modaudit worker`: run account scans from the PostgreSQL task queue, on as many hosts as wanted.

PostgreSQL connections per worker process: 2 × concurrency for scans (each holds its account's
advisory lock on one connection and writes on another), plus procrastinate's pool
(`taskqueue.QUEUE_POOL_SIZE`) and one LISTEN connection.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from modaudit.config import ConfigError, ExecutorConfig, load_config
from modaudit.fleet import QueuedExecutor, executor_for
from modaudit.fleet.procrastinate_queue import load_taskqueue, queue_schema_applied
from modaudit.store.engine import SchemaError, check_schema, engine_for

if TYPE_CHECKING:
    import procrastinate

    from modaudit.fleet.tasks import ScanRuntime

log = logging.getLogger(__name__)
FETCH_POLL_SECONDS = 2.0  # a retry whose time has come is noticed this fast (no NOTIFY for it)


def connections_per_worker(concurrency: int) -> int:
    """The most PostgreSQL connections one worker process opens."""
    return 2 * concurrency + load_taskqueue().QUEUE_POOL_SIZE + 1


def run_worker(config_path: str | Path, concurrency: int | None = None) -> int:
    """Run scans until SIGTERM/SIGINT, then hand the scan in progress back; returns the exit status.

    Never migrates: a database without the current schemas (`modaudit init`) is refused.
    """
    config = load_config(config_path)
    if not isinstance(executor_for(config), QueuedExecutor):
        raise ConfigError(f'executor.kind: this needs "procrastinate", the configuration has '
                          f'{config.executor.kind!r} (scans run inside `modaudit serve`)')
    taskqueue = load_taskqueue()
    concurrency = concurrency or config.executor.concurrency
    engine = engine_for(config.database, pool_size=2 * concurrency)
    try:
        check_schema(engine)
        if not queue_schema_applied(engine):
            raise SchemaError("the database has no task queue schema; run `modaudit init` first "
                              "(workers never migrate)")
        runtime = taskqueue.ScanRuntime(str(config_path), config, engine)
        name = f"{socket.gethostname()}:{os.getpid()}"
        log.info("worker %s: %d scans at once, at most %d PostgreSQL connections", name,
                 concurrency, connections_per_worker(concurrency))
        asyncio.run(_work(taskqueue.build_app(config), runtime, concurrency, name, config.executor))
    finally:
        engine.dispose()
    log.info("worker stopped")
    return 0


async def _work(app: procrastinate.App, runtime: ScanRuntime, concurrency: int, name: str,
                executor: ExecutorConfig) -> None:
    # Synchronous tasks run in the loop's default executor, whose default size (cpu + 4) would
    # cap the scans at once below `concurrency` on a small machine.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="scan"))
    async with app.open_async():
        await app.run_worker_async(
            queues=[load_taskqueue().QUEUE], name=name, concurrency=concurrency,
            additional_context={"runtime": runtime},
            # SIGTERM: abort at once; the scan stops after its current listing and the job goes
            # back to the queue (JitteredBackoff), releasing the account to another worker.
            shutdown_graceful_timeout=0,
            update_heartbeat_interval=executor.heartbeat_seconds,
            stalled_worker_timeout=executor.stalled_after_seconds,
            fetch_job_polling_interval=FETCH_POLL_SECONDS,
        )
