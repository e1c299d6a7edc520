"""Commands on the record: `findings`, `review`, `verify`."""

from __future__ import annotations

import getpass
import json
import os
import sys

import click

from analysis.queries import FINDING_STATUSES
from analysis.text_safety import visible
from modaudit import jobs
from modaudit.cli.common import config_of, console, err_console
from modaudit.cli.output import print_findings_table, write_findings_csv
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
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Check every account's event hash chain; exit 1 if any record was altered."""
    checked, problems = jobs.verify(config_of(ctx))
    for problem in problems:
        err_console.print(f"event {problem.event_id} ({problem.account}): {problem.reason}",
                          style="red", markup=False)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {checked} events")
    console.print(f"{checked} events verified, chain intact")
