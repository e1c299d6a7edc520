"""`webhook serve` and `webhook process`: Meta's Page webhooks, received and turned into events."""

from __future__ import annotations

import click

from modaudit import jobs
from modaudit.cli.common import config_of, console
from modaudit.cli.listen import bind
from modaudit.web.receiver import read_secrets, serve


@click.group()
def webhook() -> None:
    """Meta webhooks: hides and removals on Pages as they happen."""


@webhook.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def webhook_serve(ctx: click.Context, host: str, port: int) -> None:
    """Receive Meta webhooks at /webhooks/meta (put a TLS-terminating proxy in front)."""
    config = config_of(ctx)
    read_secrets(config)  # a missing secret is one line naming its variable, before anything starts
    engine = jobs.open_store(config)
    serve(engine, config, bind(host, port))  # a busy port names --port before anything starts


@webhook.command(name="process")
@click.pass_context
def webhook_process(ctx: click.Context) -> None:
    """Turn stored webhook deliveries that are still pending into events now."""
    outcome = jobs.process_webhooks(config_of(ctx))
    console.print(f"{outcome.processed} deliveries processed, {outcome.unparseable} unparseable, "
                  f"{outcome.unknown_page} for unknown pages; {outcome.events} events, "
                  f"{outcome.findings_opened} new findings", markup=False)
