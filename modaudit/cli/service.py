"""Commands that run or prepare the service: `init`, `serve`, `jobs`, `purge`, `demo`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

import scheduler
from modaudit import jobs
from modaudit.cli.common import config_of, console
from modaudit.cli.fleet import print_scan_jobs
from modaudit.cli.output import print_findings_table
from modaudit.config import Config
from modaudit.demo.run import run_demo
from modaudit.store.finding_rows import FindingRow
from modaudit.store.locks import LockHeld


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create or upgrade the evidence database (safe to run again)."""
    before, after, executor_note = jobs.init(config_of(ctx))
    if before == after:
        console.print(f"database schema is up to date ({after})")
    else:
        console.print(f"database schema {before or 'empty'} → {after}")
    if executor_note:
        console.print(executor_note)


@click.command()
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Run the scheduler in the foreground: nightly audits, weekly reports, retention (the portal
    is `web serve`)."""
    logging.getLogger("modaudit").setLevel(logging.INFO)  # one line per job start and end
    try:
        sys.exit(scheduler.serve(ctx.find_root().obj["config_path"]))
    except LockHeld as exc:
        raise click.ClickException(f"another scheduler already serves this database: {exc}") from None


@click.command(name="jobs")
@click.pass_context
def jobs_command(ctx: click.Context) -> None:
    """Show each scheduled job with its schedule and next run time (and queued scans, if any)."""
    config = config_of(ctx)
    table = Table("job", "schedule", f"next run ({config.schedule.timezone})")
    for job_id, schedule, next_run in scheduler.next_runs(config):
        table.add_row(Text(job_id), Text(schedule),
                      Text(next_run.strftime("%Y-%m-%d %H:%M %a") if next_run else "-"))
    console.print(table)
    print_scan_jobs(config, console.print)


@click.command()
@click.pass_context
def purge(ctx: click.Context) -> None:
    """Erase comment text and names older than `[retention]`, unless a finding needs them."""
    result = jobs.purge(config_of(ctx))
    console.print(f"{result.comments_erased} comments' text erased, "
                  f"{result.comments_kept_for_findings} kept as evidence of findings, "
                  f"{result.list_names_erased} list names and {result.webhook_bodies_erased} "
                  "webhook bodies erased")


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("modaudit-demo"), show_default=True, help="Output folder.")
def demo(out_dir: Path) -> None:
    """Run a simulated week of nightly audits against the built-in simulator (no network)."""
    def say(line: str) -> None:
        console.print(line, markup=False)

    def show_findings(rows: list[FindingRow], config: Config) -> None:
        print_findings_table(rows, config, console.print)

    if not run_demo(out_dir, say, show_findings):
        sys.exit(1)
