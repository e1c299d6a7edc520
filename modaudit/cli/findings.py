"""Commands on the record: `findings`, `review`, `verify`."""

from __future__ import annotations

import getpass
import json
import os
import sys

import click

from modaudit import jobs
from modaudit.cli.common import config_of, console, err_console
from modaudit.cli.output import print_findings_table, write_findings_csv
from modaudit.report.text_safety import visible
from modaudit.store.finding_rows import FINDING_STATUSES
from modaudit.store.findings import REVIEW_STATUSES
from modaudit.store.search import fold


@click.command()
@click.option("--account", help="Only this account.")
@click.option("--status", type=click.Choice(FINDING_STATUSES))
@click.option("--format", "output_format", type=click.Choice(("table", "json", "csv")), default="table",
              show_default=True)
@click.pass_context
def findings(ctx: click.Context, account: str | None, status: str | None, output_format: str) -> None:
    """List findings under clause (2), with their evidence."""
    config = config_of(ctx)
    rows = jobs.findings_of(config, account, status)
    if output_format == "json":
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
    elif output_format == "csv":
        write_findings_csv(rows, sys.stdout)
    else:
        print_findings_table(rows, config, console.print)


# The report's Turkish words, as a manager reads them, for the stored statuses.
REVIEW_WORDS = {"gerekçeli": "justified", "ihlal teyit edildi": "confirmed", "yersiz": "dismissed",
                **{status: status for status in REVIEW_STATUSES}}


def _review_status(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    folded = {fold(word): status for word, status in REVIEW_WORDS.items()}
    status = folded.get(fold(" ".join(value.split())) or "")
    if status is None:
        raise click.BadParameter(f"use one of: {', '.join(repr(w) for w in REVIEW_WORDS)}")
    return status


def _os_user() -> str:
    """Who runs this command, as the operating system knows them (the review's recorder)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return f"uid {os.getuid()}"


@click.command()
@click.argument("finding", type=int)
@click.option("--status", required=True, callback=_review_status,
              help="gerekçeli | ihlal teyit edildi | yersiz (or justified | confirmed | dismissed).")
@click.option("--note", required=True, help="Why: e.g. the court order, or what made it a false alarm.")
@click.option("--by", "on_behalf_of", help="Whom the review was recorded for (e.g. the manager "
              "who decided); the operating-system user is recorded as the reviewer.")
@click.pass_context
def review(ctx: click.Context, finding: int, status: str, note: str, on_behalf_of: str | None) -> None:
    """Record a review of a finding (kept in its history); managers can also use the portal."""
    record = jobs.review(config_of(ctx), finding, status, note, _os_user(),
                         on_behalf_of=on_behalf_of)
    for_whom = f" for {visible(record.on_behalf_of)}" if record.on_behalf_of else ""
    console.print(f"finding {finding}: {record.old_status} → {record.new_status} "
                  f"(by {visible(record.reviewed_by)}{for_whom})", markup=False)


@click.command()
@click.option("--report", "reports", multiple=True, type=click.Path(dir_okay=False, exists=True),
              metavar="FILE", help="A saved weekly report (HTML, text or CSV) whose printed chain "
              "heads must match the database; may be repeated.")
@click.pass_context
def verify(ctx: click.Context, reports: tuple[str, ...]) -> None:
    """Check every account's chain, the findings and reviews against it, every time-stamp token
    and any saved report's heads; exit 1 naming what changed."""
    result = jobs.verify(config_of(ctx), reports)
    for problem in result.problems:
        err_console.print(f"{problem.where} ({problem.account}): {problem.reason}",
                          style="red", markup=False)
    if result.problems:
        raise click.ClickException(f"{len(result.problems)} problem(s) in {result.checked} "
                                   "chained events and records")
    extra = f", {len(reports)} report(s) agree" if reports else ""
    console.print(f"{result.events} events and {result.checked - result.events} chained records "
                  f"verified, {result.anchors} time-stamp token(s) valid{extra}: chain intact",
                  markup=False)


@click.command()
@click.pass_context
def anchor(ctx: click.Context) -> None:
    """Time-stamp each account's chain head now (RFC 3161, `[timestamp]`); the daily job's verb."""
    config = config_of(ctx)
    if not config.timestamp.enabled:
        raise click.ClickException("timestamp.enabled is false: no TSA configured")
    outcomes = jobs.anchor(config)
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in outcomes:
        tail = f": {outcome.error}" if outcome.error else ""
        console.print(f"{outcome.account}: head {outcome.count} {outcome.status}{tail}",
                      markup=False)
    if failed:
        raise click.ClickException(f"{len(failed)} head(s) not time-stamped; retried next time")
