"""`web serve`: the staff portal where managers review findings in a browser."""

from __future__ import annotations

import click

from modaudit import jobs
from modaudit.cli.common import config_of, console
from modaudit.web.portal.app import read_session_secret, serve


@click.group()
def web() -> None:
    """The staff portal (findings, reviews, collection health, users)."""


@web.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8090, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def web_serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the portal (put a TLS-terminating proxy in front; see the README)."""
    config = config_of(ctx)
    read_session_secret(config)  # a missing secret is one line naming its variable, before starting
    console.print(f"portal on http://{host}:{port} (Ctrl-C stops it)", markup=False)
    serve(jobs.open_store(config), config, host, port)
