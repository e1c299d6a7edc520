"""`report weekly`: the managers' weekly report, printed, written or sent."""

from __future__ import annotations

import click

from modaudit import jobs
from modaudit.cli.common import config_of, console
from modaudit.report.periods import parse_week


@click.group()
def report() -> None:
    """Reports for the managers of each institution."""


def _iso_week(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
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
    outcomes = jobs.weekly_report(config_of(ctx), week, institution, send=send, force=force, out=out)
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
