"""The `modaudit` command line (click): the only code that prints. One subject per module.

User mistakes end in one red line and an exit status, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from collectors.http import redact
from modaudit.cli.check import check
from modaudit.cli.cost import cost
from modaudit.cli.export import export
from modaudit.cli.findings import anchor, findings, review, verify
from modaudit.cli.fleet import worker
from modaudit.cli.report import report
from modaudit.cli.scanning import accounts, audit, import_, scan
from modaudit.cli.selective import selective
from modaudit.cli.service import demo, init, jobs_command, purge, serve
from modaudit.cli.users import users
from modaudit.cli.web import web
from modaudit.cli.webhook import webhook
from modaudit.config import ConfigError
from modaudit.store.engine import SchemaError
from modaudit.store.findings import ReviewError
from modaudit.store.users import UserError

log = logging.getLogger(__name__)


class ConfigProblem(click.ClickException):
    """A configuration error: exit status 2, like a usage error."""

    exit_code = 2


class AuditGroup(click.Group):
    """Turns the project's own errors into one-line click errors."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from None
        except (SchemaError, ReviewError, UserError) as exc:
            raise click.ClickException(str(exc)) from None
        except SQLAlchemyError as exc:
            message = redact(str(exc.orig if getattr(exc, "orig", None) else exc)).splitlines()[0]
            raise click.ClickException(f"database error: {message}") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            # Whatever no rule foresaw still ends in one line; -v shows the traceback.
            log.info("unexpected error", exc_info=True)
            lines = redact(str(exc)).strip().splitlines() or [""]
            raise click.ClickException(f"unexpected error ({type(exc).__name__}): {lines[0][:300]}"
                                       " — run with -v for details") from None


@click.group(cls=AuditGroup)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="MODAUDIT_CONFIG",
              default="modaudit.toml", show_default=True, help="The configuration file.")
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
@click.version_option(package_name="modaudit")
@click.pass_context
def cli(ctx: click.Context, config_path: str, verbose: bool) -> None:
    """Audit institutional social media accounts for deleted, hidden and blocked comments and users
    (Kamu Görevlileri Etik Kurulu, İlke Kararı 2021/81, clause 2)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # urllib3 reports each transient retry; our runs record them as warnings already.
    logging.getLogger("urllib3").setLevel(logging.INFO if verbose else logging.ERROR)
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


for command in (init, check, accounts, scan, audit, findings, review, verify, report, serve,
                jobs_command, purge, webhook, import_, demo, worker, selective, users, web, anchor,
                export, cost):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="modaudit")
