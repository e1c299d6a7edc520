"""`modaudit check`: one line per check, ✓ or ✗ with the fix; exit status 1 on any ✗."""

from __future__ import annotations

import sys

import click
from rich.text import Text

from modaudit import jobs
from modaudit.cli.common import config_of, console
from modaudit.config import ConfigError
from modaudit.report.text_safety import visible


@click.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Check the configuration, secrets, database, SMTP, the TSA, the portal's secret and every
    account's token, then exit."""
    try:
        config = config_of(ctx)
    except ConfigError as exc:
        console.print(Text(f"✗ config: {visible(str(exc))}", style="red"), soft_wrap=True)
        sys.exit(1)
    results = jobs.check(config)
    for result in results:
        mark, style = ("·", "dim") if result.skipped else (("✓", "green") if result.ok else ("✗", "red"))
        console.print(Text(f"{mark} {result.name}: {visible(result.detail)}", style=style),
                      soft_wrap=True)  # one line per check, for grep and logs
    failed = sum(not r.ok for r in results)
    if failed:
        console.print(Text(f"{failed} of {len(results)} checks failed", style="red bold"))
        sys.exit(1)
