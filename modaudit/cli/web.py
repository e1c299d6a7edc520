"""`web serve`: the staff portal where managers review findings in a browser."""

from __future__ import annotations

import click

from modaudit import jobs
from modaudit.cli.common import config_of, console
from modaudit.cli.listen import bind
from modaudit.config import Config, ConfigError
from modaudit.config_rules import MAKE_SESSION_SECRET, session_secret_problem
from modaudit.web.portal.app import read_session_secret, serve


@click.group()
def web() -> None:
    """The staff portal (findings, reviews, collection health, users)."""


def _session_secret(config: Config) -> str:
    """The portal's session secret, or one line saying what is wrong and how to make one."""
    try:
        value = read_session_secret(config)
    except ConfigError as exc:
        raise ConfigError(f"{exc}; {MAKE_SESSION_SECRET}") from None
    problem = session_secret_problem(value)
    if problem:
        raise ConfigError(f"web.session_secret_env: ${config.web.session_secret_env} {problem}")
    return value


@web.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8090, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def web_serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the portal (put a TLS-terminating proxy in front; see the README)."""
    config = config_of(ctx)
    # Everything that can fail is tried before the portal is announced: the secret, the
    # database (its folder and schema), then the port.
    _session_secret(config)
    engine = jobs.open_store(config)
    sock = bind(host, port)
    console.print(f"portal on http://{host}:{port} (Ctrl-C stops it)", markup=False)
    serve(engine, config, sock)
