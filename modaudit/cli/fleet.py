"""Command-line pieces of the queued executor: `modaudit worker`, and the queue in `modaudit jobs`."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.table import Column, Table
from rich.text import Text

from modaudit import jobs
from modaudit.config import Config
from modaudit.fleet.worker import run_worker


@click.command()
@click.option("--concurrency", type=click.IntRange(1, 64), metavar="N",
              help="Scans at once in this process  [default: [executor] concurrency].")
@click.pass_context
def worker(ctx: click.Context, concurrency: int | None) -> None:
    """Run account scans from the PostgreSQL task queue until SIGTERM ([executor] kind = procrastinate)."""
    logging.getLogger("modaudit").setLevel(logging.INFO)  # one line per scan start and end
    sys.exit(run_worker(ctx.find_root().obj["config_path"], concurrency))


def print_scan_jobs(config: Config, emit: Callable[[Any], None]) -> None:
    """The queue's scans per account: queued, running, stalled and failed (if there is a queue)."""
    status = jobs.queue_status(config)
    if status is None:
        return  # scans run inside `modaudit serve`: there is no queue to show
    if not status.schema_applied:
        emit(Text("the task queue schema is missing: run `modaudit init`", style="yellow"))
        return
    rows = status.rows
    if not rows:
        emit(Text("no queued, running or failed scans in the task queue"))
        return
    # The zone goes in the title and names fold, so the seven columns fit 80.
    table = Table(Column("account", overflow="fold"), "queued", "running", "stalled", "failed",
                  "tries", Column("next try", no_wrap=True),
                  title=f"scans in the task queue ({len(rows)} accounts with open or failed scans; "
                        f"times {config.schedule.timezone})")
    for row in rows:
        next_try = row.next_try.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") \
            if row.next_try else "-"
        cells = (row.account, str(row.queued), str(row.running), str(row.stalled), str(row.failed),
                 str(row.attempts), next_try)
        table.add_row(*(Text(cell) for cell in cells))
    emit(table)

