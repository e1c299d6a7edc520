"""The `modaudit` command line (click); user mistakes end in one red line, never a traceback."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from analysis.text_safety import visible
from collectors.http import redact
from modaudit import jobs
from modaudit.cli_fleet import worker
from modaudit.config import Config, ConfigError, load_config
from modaudit.db import SchemaError, engine_for, upgrade, utcnow
from modaudit.evidence import REVIEW_STATUSES, ReviewError, review_finding, verify_chain
from modaudit.findings_output import print_findings_table, write_findings_csv
from modaudit.selective_cmd import selective

log = logging.getLogger(__name__)
# Piped output (files, mail, CI logs) gets a width that fits the findings table.
console = Console(highlight=False, width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160)
err_console = Console(stderr=True, highlight=False)


class ConfigProblem(click.ClickException):
    """A configuration error: exit status 2, like a usage error."""

    exit_code = 2


class AuditGroup(click.Group):
    """Turns the project's own errors into one-line click errors."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from None
        except (SchemaError, ReviewError) as exc:
            raise click.ClickException(str(exc)) from None
        except SQLAlchemyError as exc:
            message = redact(str(exc.orig if getattr(exc, "orig", None) else exc)).splitlines()[0]
            raise click.ClickException(f"database error: {message}") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            # Whatever no rule foresaw still ends in one line; -v shows the traceback.
            log.info("unexpected error", exc_info=True)
            lines = redact(str(exc)).strip().splitlines() or [""]
            raise click.ClickException(f"unexpected error ({type(exc).__name__}): {lines[0][:300]}"
                                       " — run with -v for details") from None


def _config(ctx: click.Context) -> Config:
    config_path = ctx.obj["config_path"]
    return load_config(config_path)


@click.group(cls=AuditGroup)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="MODAUDIT_CONFIG",
              default="modaudit.toml", show_default=True, help="The configuration file.")
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
@click.version_option(package_name="modaudit")
@click.pass_context
def cli(ctx: click.Context, config_path: str, verbose: bool) -> None:
    """Audit institutional social media accounts for deleted, hidden and blocked comments and users
    (Kamu Görevlileri Etik Kurulu, İlke Kararı 2021/81, clause 2)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # urllib3 reports each transient retry; our runs record them as warnings already.
    logging.getLogger("urllib3").setLevel(logging.INFO if verbose else logging.ERROR)
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


@cli.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create or upgrade the evidence database (safe to run again)."""
    config = _config(ctx)
    engine = engine_for(config.database)
    before, after = upgrade(engine)
    queue_note = None
    if config.executor.kind == "procrastinate":  # workers never migrate: init does it for them
        from modaudit.scan_queue import apply_queue_schema
        queue_note = apply_queue_schema(config, engine)
    engine.dispose()
    if before == after:
        console.print(f"database schema is up to date ({after})")
    else:
        console.print(f"database schema {before or 'empty'} → {after}")
    if queue_note:
        console.print(queue_note)


@cli.command()
@click.pass_context
def accounts(ctx: click.Context) -> None:
    """List the configured accounts."""
    config = _config(ctx)
    table = Table("name", "platform", "account id", "handle", "institution", "managers")
    for account in config.accounts:
        cells = (account.name, account.platform, account.account_id, account.handle,
                 account.institution, ", ".join(account.managers))
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err_console, transient=True,
                    disable=not err_console.is_terminal)


def _print_results(results: list[jobs.RunResult]) -> None:
    table = Table("account", "run", "status", "posts", "comments", "API calls", "events",
                  "new findings", "closed")
    for result in results:
        cells = (result.account, str(result.run_id or "-"), result.status, str(result.posts),
                 str(result.comments), str(result.api_calls), str(result.events),
                 str(result.findings_opened), str(result.findings_closed))
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    for result in results:
        for warning in result.warnings:
            console.print(Text(visible(f"{result.account}: {warning.code}: {warning.message}"),
                               style="yellow"))


@cli.command()
@click.argument("account")
@click.pass_context
def scan(ctx: click.Context, account: str) -> None:
    """Scan one account now (on demand) and detect moderation."""
    _config(ctx).account(account)
    with _progress() as progress:
        task = progress.add_task(f"{account}: posts", total=None)
        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)
        result = jobs.scan_account(ctx.obj["config_path"], account, "on_demand", progress=advance)
    _print_results([result])
    if result.status in ("failed", "busy"):
        sys.exit(1)


@cli.command()
@click.pass_context
def audit(ctx: click.Context) -> None:
    """Scan every configured account (what the nightly job runs)."""
    _config(ctx).require_accounts()
    with _progress() as progress:
        tasks: dict[str, Any] = {}
        def advance(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(f"{name}: posts", total=total)
            progress.update(tasks[name], completed=done, total=total)
        results = jobs.audit_all(ctx.obj["config_path"], "nightly", progress=advance)
    _print_results(results)
    failed = [r.account for r in results if r.status == "failed"]
    if failed:  # every account ran; the exit status says that some did not make it
        raise click.ClickException(f"{len(failed)} of {len(results)} accounts failed: "
                                   f"{', '.join(failed)}")


@cli.command()
@click.option("--account", help="Only this account.")
@click.option("--status", type=click.Choice(("open", "justified", "confirmed", "dismissed", "closed")))
@click.option("--format", "output_format", type=click.Choice(("table", "json", "csv")), default="table",
              show_default=True)
@click.pass_context
def findings(ctx: click.Context, account: str | None, status: str | None, output_format: str) -> None:
    """List findings under clause (2), with their evidence."""
    from analysis.queries import list_findings

    config = _config(ctx)
    if account:
        config.account(account)
    engine = jobs.open_store(config)
    with Session(engine) as session:
        rows = list_findings(session, account, status)
    engine.dispose()
    if output_format == "json":
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
    elif output_format == "csv":
        write_findings_csv(rows, sys.stdout)
    else:
        print_findings_table(rows, config, console.print)


@cli.command()
@click.argument("finding", type=int)
@click.option("--status", required=True, type=click.Choice(REVIEW_STATUSES))
@click.option("--note", required=True, help="Why: e.g. the court order, or what made it a false alarm.")
@click.option("--by", "reviewed_by", required=True, help="The reviewer's name.")
@click.pass_context
def review(ctx: click.Context, finding: int, status: str, note: str, reviewed_by: str) -> None:
    """Record a manager's review of a finding (kept in its history)."""
    engine = jobs.open_store(_config(ctx))
    with Session(engine) as session, session.begin():
        record = review_finding(session, finding, status, note, reviewed_by, utcnow())
        console.print(f"finding {finding}: {record.old_status} → {record.new_status} "
                      f"(by {visible(record.reviewed_by)})", markup=False)
    engine.dispose()


@cli.command()
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Check every account's event hash chain; exit 1 if any record was altered."""
    engine = jobs.open_store(_config(ctx))
    with Session(engine) as session:
        checked, problems = verify_chain(session)
    engine.dispose()
    for problem in problems:
        err_console.print(f"[red]event {problem.event_id} ({problem.account}): {problem.reason}[/red]")
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {checked} events")
    console.print(f"{checked} events verified, chain intact")


@cli.group()
def report() -> None:
    """Reports for the managers of each institution."""


def _iso_week(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from analysis.periods import parse_week

    if value is None:
        return None
    try:
        return parse_week(value).label
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@report.command()
@click.option("--week", callback=_iso_week, metavar="YYYY-Www",
              help="ISO week [default: the last complete week in the configured time zone].")
@click.option("--institution", help="Only this institution.")
@click.option("--out", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the HTML here, with its CSV and chart beside it.")
@click.option("--send", is_flag=True, help="Email it to the managers (once per institution and week).")
@click.option("--force", is_flag=True, help="With --send: send again even if already sent.")
@click.pass_context
def weekly(ctx: click.Context, week: str | None, institution: str | None, out: str | None,
           send: bool, force: bool) -> None:
    """Build the weekly report; without --send or --out, print its text."""
    outcomes = jobs.weekly_report(ctx.obj["config_path"], week, institution, send=send, force=force,
                                  out=out)
    undelivered = []
    for outcome in outcomes:
        head = f"{outcome.institution} {outcome.period}: {outcome.new_findings} new findings"
        for path in outcome.files:
            console.print(f"{head}: wrote {path}", markup=False)
        if not send and not out:
            click.echo(outcome.text)
        elif outcome.status == "sent":
            failed = "".join(f"; not delivered to {r}: {why}" for r, why in outcome.failures.items())
            console.print(f"{head}: sent to {', '.join(outcome.delivered)}{failed}", markup=False)
        elif outcome.status == "already_sent" and outcome.sent_at:
            console.print(f"{outcome.institution} {outcome.period}: already sent "
                          f"{outcome.sent_at:%Y-%m-%d %H:%M} UTC (--force to send again)", markup=False)
        elif outcome.status == "no_recipients":
            undelivered.append(f"{outcome.institution} {outcome.period}: no managers configured")
        elif outcome.status == "not_delivered":
            reasons = "; ".join(f"{r}: {why}" for r, why in outcome.failures.items())
            undelivered.append(f"{outcome.institution} {outcome.period}: not delivered ({reasons})")
    if undelivered:
        raise click.ClickException(" | ".join(undelivered))


@cli.command()
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Run the scheduler in the foreground: nightly audits, weekly reports, retention."""
    import scheduler
    from modaudit.locks import LockHeld

    logging.getLogger("modaudit").setLevel(logging.INFO)  # one line per job start and end
    try:
        sys.exit(scheduler.serve(ctx.obj["config_path"]))
    except LockHeld as exc:
        raise click.ClickException(f"another scheduler already serves this database: {exc}") from None


@cli.command(name="jobs")
@click.pass_context
def jobs_command(ctx: click.Context) -> None:
    """Show each scheduled job with its schedule and next run time (and queued scans, if any)."""
    import scheduler

    config = _config(ctx)
    table = Table("job", "schedule", f"next run ({config.schedule.timezone})")
    for job_id, schedule, next_run in scheduler.next_runs(config):
        table.add_row(Text(job_id), Text(schedule),
                      Text(next_run.strftime("%Y-%m-%d %H:%M %a") if next_run else "-"))
    console.print(table)
    if config.executor.kind == "procrastinate":
        from modaudit.cli_fleet import print_scan_jobs
        print_scan_jobs(config, console.print)


@cli.command()
@click.pass_context
def purge(ctx: click.Context) -> None:
    """Erase comment text and names older than `[retention]`, unless a finding needs them."""
    result = jobs.purge(ctx.obj["config_path"])
    console.print(f"{result.comments_erased} comments' text erased, "
                  f"{result.comments_kept_for_findings} kept as evidence of findings, "
                  f"{result.list_names_erased} list names and {result.webhook_bodies_erased} "
                  "webhook bodies erased")


@cli.group()
def webhook() -> None:
    """Meta webhooks: hides and removals on Pages as they happen."""


@webhook.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def webhook_serve(ctx: click.Context, host: str, port: int) -> None:
    """Receive Meta webhooks at /webhooks/meta (put a TLS-terminating proxy in front)."""
    from modaudit.webhook_app import read_secrets, serve

    config = _config(ctx)
    read_secrets(config)  # a missing secret is one line naming its variable, before anything starts
    serve(jobs.open_store(config), config, host, port)


@webhook.command(name="process")
@click.pass_context
def webhook_process(ctx: click.Context) -> None:
    """Turn stored webhook deliveries that are still pending into events now."""
    from modaudit.webhooks import process_deliveries

    config = _config(ctx)
    outcome = process_deliveries(jobs.open_store(config), config)
    console.print(f"{outcome.processed} deliveries processed, {outcome.unparseable} unparseable, "
                  f"{outcome.unknown_page} for unknown pages; {outcome.events} events, "
                  f"{outcome.findings_opened} new findings", markup=False)


@cli.group(name="import")
def import_() -> None:
    """Import evidence from files the account owner downloaded."""


@import_.command(name="x-archive")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--account", "account_name", required=True, help="The configured X account it belongs to.")
@click.pass_context
def x_archive(ctx: click.Context, archive: Path, account_name: str) -> None:
    """Store the block and mute lists of an X archive zip as an `archive` run."""
    from collectors.records import CollectorError

    try:
        result = jobs.import_x_archive(ctx.obj["config_path"], account_name, archive)
    except jobs.ArchiveAlreadyImported as exc:  # importing the same file again is harmless
        console.print(f"{archive.name}: nothing imported: {exc}", markup=False)
        return
    except (CollectorError, jobs.ArchiveRefused) as exc:
        raise click.ClickException(f"{archive.name}: nothing imported: {exc}") from None
    _print_results([result])


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("modaudit-demo"), show_default=True, help="Output folder.")
def demo(out_dir: Path) -> None:
    """Run a simulated week of nightly audits against the built-in simulator (no network)."""
    from modaudit.demo import run_demo

    ok = run_demo(out_dir, console)
    if not ok:
        sys.exit(1)


cli.add_command(worker)
cli.add_command(selective)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="modaudit")
