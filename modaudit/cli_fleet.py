"""Command-line pieces of the procrastinate executor: `modaudit worker` and the queue in `jobs`."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from modaudit.config import Config
from modaudit.db import engine_for


@click.command()
@click.option("--concurrency", type=click.IntRange(1, 64), metavar="N",
              help="Scans at once in this process  [default: [executor] concurrency].")
@click.pass_context
def worker(ctx: click.Context, concurrency: int | None) -> None:
    """Run account scans from the PostgreSQL task queue until SIGTERM ([executor] kind = procrastinate)."""
    from modaudit.worker import run_worker

    logging.getLogger("modaudit").setLevel(logging.INFO)  # one line per scan start and end
    sys.exit(run_worker(ctx.obj["config_path"], concurrency))


def print_scan_jobs(config: Config, emit: Callable[[Any], None]) -> None:
    """The queue's scans per account: queued, running, stalled and failed."""
    from modaudit.scan_queue import queue_schema_applied, scan_jobs

    engine = engine_for(config.database)
    try:
        if not queue_schema_applied(engine):
            emit(Text("the task queue schema is missing: run `modaudit init`", style="yellow"))
            return
        rows = scan_jobs(engine, config)
    finally:
        engine.dispose()
    if not rows:
        emit(Text("no queued, running or failed scans in the task queue"))
        return
    table = Table("account", "queued", "running", "stalled", "failed", "attempts",
                  f"next try ({config.schedule.timezone})",
                  title=f"scans in the task queue ({len(rows)} accounts with open or failed scans)")
    for row in rows:
        next_try = row.next_try.astimezone(config.tz).strftime("%Y-%m-%d %H:%M:%S") \
            if row.next_try else "-"
        cells = (row.account, str(row.queued), str(row.running), str(row.stalled), str(row.failed),
                 str(row.attempts), next_try)
        table.add_row(*(Text(cell) for cell in cells))
    emit(table)

