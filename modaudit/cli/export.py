"""`export`: the evidence package of a finding, or of an account's findings in a period."""

from __future__ import annotations

from datetime import datetime

import click

from modaudit import jobs
from modaudit.cli.common import config_of, console, err_console
from modaudit.evidence.package import ExportError


@click.command("export")
@click.option("--finding", "finding_id", type=int, help="One finding, by id.")
@click.option("--account", help="An account's findings (with --since and --until).")
@click.option("--since", type=click.DateTime(("%Y-%m-%d",)), help="First day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(("%Y-%m-%d",)), help="Last day, included.")
@click.option("--out", required=True, type=click.Path(), metavar="DIR|ZIP",
              help="A new or empty folder, or a new file ending in .zip.")
@click.option("--replace", is_flag=True,
              help="Write a fresh package in place of an earlier one at --out.")
@click.pass_context
def export(ctx: click.Context, finding_id: int | None, account: str | None,
           since: datetime | None, until: datetime | None, out: str, replace: bool) -> None:
    """Write a package to hand over: a Turkish PDF, the same as JSON, the chain records with
    their hashes, time-stamp tokens with the TSA's certificates, and DOGRULAMA.txt."""
    if (finding_id is None) == (account is None):
        raise click.UsageError("give --finding N, or --account NAME with --since and --until")
    if account and (since is None or until is None):
        raise click.UsageError("--account needs --since and --until")
    try:
        result = jobs.export(config_of(ctx), out, finding_id=finding_id, account=account,
                             since=since.date() if since else None,
                             until=until.date() if until else None, replace=replace)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    console.print(f"wrote {result.path}: {result.files} files listed with their SHA-256 in "
                  "PAKET.sha256", markup=False)
    if result.stamped_at is not None:
        # The token's own time (genTime), as the TSA signed it.
        console.print(f"PAKET.sha256 time-stamped {result.stamped_at:%Y-%m-%d %H:%M:%S} UTC "
                      "(the token's own time, PAKET.tsr)", markup=False)
    else:
        err_console.print(f"PAKET.sha256 is not time-stamped: {result.warning}", style="yellow",
                          markup=False)
    console.print("check it: sh DOGRULAMA.txt in the package's folder", markup=False)
