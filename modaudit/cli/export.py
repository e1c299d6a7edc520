"""`export`: the evidence package of a finding, or of an account's findings in a period."""

from __future__ import annotations

from datetime import datetime

import click

from modaudit import jobs
from modaudit.cli.common import config_of, console
from modaudit.evidence.package import ExportError


@click.command("export")
@click.option("--finding", "finding_id", type=int, help="One finding, by id.")
@click.option("--account", help="An account's findings (with --since and --until).")
@click.option("--since", type=click.DateTime(("%Y-%m-%d",)), help="First day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(("%Y-%m-%d",)), help="Last day, included.")
@click.option("--out", required=True, type=click.Path(), metavar="DIR|ZIP",
              help="A folder, or a file ending in .zip.")
@click.pass_context
def export(ctx: click.Context, finding_id: int | None, account: str | None,
           since: datetime | None, until: datetime | None, out: str) -> None:
    """Write a package to hand over: a Turkish PDF, the same as JSON, the chain records with
    their hashes, time-stamp tokens with the TSA's certificates, and DOGRULAMA.txt."""
    if (finding_id is None) == (account is None):
        raise click.UsageError("give --finding N, or --account NAME with --since and --until")
    if account and (since is None or until is None):
        raise click.UsageError("--account needs --since and --until")
    try:
        path = jobs.export(config_of(ctx), out, finding_id=finding_id, account=account,
                           since=since.date() if since else None,
                           until=until.date() if until else None)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    console.print(f"wrote {path} (check it with DOGRULAMA.txt inside)", markup=False)
