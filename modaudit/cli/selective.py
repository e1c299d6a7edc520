"""`modaudit selective`: backfill comment features, compare groups, print aggregates only."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from modaudit import jobs
from modaudit.cli.common import config_of
from modaudit.report.text_safety import visible

if TYPE_CHECKING:
    from analysis.selective import GroupResult

CAVEAT = ("A flag is a reason to review those comments, not proof of intent. Moderated: hidden or "
          "deleted at any time (even if shown again later). Groups describe comment content only.")


@click.command()
@click.option("--account", help="Only this account.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="First day (configured time zone).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Last day, included.")
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table",
              show_default=True)
@click.pass_context
def selective(ctx: click.Context, account: str | None, since: datetime | None,
              until: datetime | None, output_format: str) -> None:
    """Compare how often comments of each language and topic were hidden, deleted or blocked."""
    config = config_of(ctx)
    if account:
        config.account(account)
    first, last = (since.date() if since else None), (until.date() if until else None)
    if first and last and last < first:
        raise click.BadParameter("--until is before --since", param_hint="--until")
    results = jobs.selective(config, account, first, last)
    if output_format == "json":
        click.echo(as_json(results, first, last))
    else:
        print_table(results, Console(highlight=False))


def as_json(results: list[GroupResult], since: date | None, until: date | None) -> str:
    """The results as a JSON array, each object with its period (local days, both included)."""
    period = {"since": since.isoformat() if since else None,
              "until": until.isoformat() if until else None}
    return json.dumps([{**result.as_json(), **period} for result in results], ensure_ascii=False,
                      indent=2)


def print_table(results: list[GroupResult], console: Console) -> None:
    """The results as a table that fits 80 columns; a group too small to judge says so."""
    table = Table(*(Column(name, overflow="fold") for name in (
        "account · measure · group", "n", "moderated", "rest", "ratio (95% CI)", "p adj.")),
        title="selective moderation", box=box.SIMPLE_HEAD)
    for r in results:
        label = f"{r.account} · {r.measure}\n{r.group}"
        if r.status == "too_few":
            cells = [label, str(r.n), "", "", "too few to judge", ""]
        else:
            ratio = "" if r.status == "baseline" else _number(r.rate_ratio, "∞")
            if r.ci_low is not None:
                ratio += f"\n{r.ci_low:.2f}–{r.ci_high:.2f}"
            p_adjusted = "" if r.p_adjusted is None else f"{r.p_adjusted:.4f}"
            cells = [label, str(r.n), f"{r.moderated} ({_percent(r.rate)})", _percent(r.rate_rest),
                     ratio, p_adjusted + ("\nFLAG" if r.flagged else "")]
        # Group and account labels come from lexicons and config: shown, never interpreted.
        table.add_row(*(Text(visible(cell), style="bold red" if r.flagged else "")
                        for cell in cells))
    console.print(table)
    console.print(Text(CAVEAT))


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def _number(value: Any, otherwise: str) -> str:
    return otherwise if value is None else f"{value:.2f}"
