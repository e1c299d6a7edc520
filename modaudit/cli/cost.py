"""`modaudit cost`: what the audit read in the last 30 days per account, and the next 30 projected;
for quota-billed platforms (YouTube), the units each project spent today."""

from __future__ import annotations

import json
from datetime import datetime

import click
from rich.table import Table
from rich.text import Text

from analysis.cost import PROJECTION_DAYS, UNITS, QuotaProject, quota_day_end
from modaudit import jobs, platforms
from modaudit.cli.common import config_of, console
from modaudit.clock import utcnow
from modaudit.config import Config
from modaudit.intake.plan import budget_of


def _usd(value: float | None) -> str:
    return "–" if value is None else f"${value:,.2f}"


def quota_line(project: QuotaProject, resets_at: datetime, config: Config) -> str:
    """One project's units today against its quota, and when it resets in the reports' zone."""
    local = resets_at.astimezone(config.tz)
    return (f"{platforms.get(project.platform).display} project of {', '.join(project.accounts)}: "
            f"{project.spent:,} of {project.daily_quota:,} units today (resets at midnight "
            f"Pacific time, {local:%H:%M} {config.tz.key})")


@click.command()
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table",
              show_default=True)
@click.pass_context
def cost(ctx: click.Context, output_format: str) -> None:
    """Reads of the last 30 days per account, the estimated X spend, and the next 30 projected."""
    config = config_of(ctx)
    now = utcnow()
    rows = jobs.cost(config, now)
    projects = jobs.quota_today(config, now)
    budgets = {a.name: budget_of(config, a) for a in config.accounts}
    counts_units = {a.name for a in config.accounts
                    if platforms.get(a.platform).billing == UNITS}
    if output_format == "json":
        click.echo(json.dumps([
            {"account": r.account, "platform": r.platform, "runs": r.runs, "requests": r.requests,
             "posts_read": r.posts, "users_read": r.users, "owned_reads": r.owned,
             "units_read": r.units, "cost_usd": r.cost_usd, "projected_usd": r.projected_usd,
             "budget_usd": budgets.get(r.account), "days": PROJECTION_DAYS} for r in rows],
            ensure_ascii=False, indent=2))
        return
    any_budget = any(budgets.values())
    headers = ["account", "runs", "requests", "posts", "users",
               *(["units"] if counts_units else []), "30 d", "next 30 d"]
    table = Table(*headers, *(["budget"] if any_budget else []),
                  title=f"reads, last {PROJECTION_DAYS} days (X prices as of {config.x.prices_as_of})")
    for r in rows:
        x = r.cost_usd is not None  # billed per resource read (X)
        cells = [r.account, str(r.runs), str(r.requests), str(r.posts) if x else "–",
                 str(r.users) if x else "–"]
        if counts_units:
            cells.append(f"{r.units:,}" if r.account in counts_units else "–")
        cells += [_usd(r.cost_usd), _usd(r.projected_usd)]
        if any_budget:
            cells.append(_usd(budgets.get(r.account)))
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    console.print("Graph (Facebook, Instagram) is not billed: its figure is requests, which count "
                  "against the app's and the Page's rate limits.", markup=False)
    if projects:
        names = " and ".join(sorted({platforms.get(p.platform).display for p in projects}))
        console.print(f"{names} is not billed: its figure is units of the daily quota of the "
                      "Google Cloud project behind each OAuth client.", markup=False)
        resets_at = quota_day_end(now)
        for project in projects:
            console.print(quota_line(project, resets_at, config), markup=False)
