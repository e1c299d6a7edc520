"""The `modaudit` command line (click): the only code that prints. One subject per module.

Each command's module is imported only when that command runs (click's "lazy group" pattern),
so `--help` and `--version` start in a fraction of a second instead of importing the portal,
pandas, matplotlib, scipy and reportlab. User mistakes end in one red line and an exit status,
never a traceback (`modaudit/cli/errors.py`).
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any, NamedTuple

import click

from modaudit import __version__


class Lazy(NamedTuple):
    """Where a command lives, and the short help `--help` shows without importing it."""

    module: str
    attribute: str
    short_help: str  # the first sentence of the command's docstring (a test keeps them equal)


# The first steps come first, in the order an operator takes them; then the rest by name.
FIRST_STEPS = ("init", "check", "serve", "web")
COMMANDS: dict[str, Lazy] = {
    "init": Lazy("modaudit.cli.service", "init",
                 "Create or upgrade the evidence database (safe to run again)."),
    "check": Lazy("modaudit.cli.check", "check",
                  "Check the configuration, secrets, database, SMTP, the TSA, the portal's "
                  "secret and every account's token, then exit."),
    "serve": Lazy("modaudit.cli.service", "serve",
                  "Run the scheduler in the foreground: nightly audits, weekly reports, "
                  "retention (the portal is `web serve`)."),
    "web": Lazy("modaudit.cli.web", "web",
                "The staff portal (findings, reviews, collection health, users)."),
    "accounts": Lazy("modaudit.cli.scanning", "accounts", "List the configured accounts."),
    "anchor": Lazy("modaudit.cli.findings", "anchor",
                   "Time-stamp each account's chain head now (RFC 3161, `[timestamp]`); the "
                   "daily job's verb."),
    "audit": Lazy("modaudit.cli.scanning", "audit",
                  "Scan every configured account (what the nightly job runs)."),
    "cost": Lazy("modaudit.cli.cost", "cost",
                 "Reads of the last 30 days per account, the estimated X spend, and the next 30 "
                 "projected."),
    "demo": Lazy("modaudit.cli.service", "demo",
                 "Run a simulated week of nightly audits against the built-in simulator (no "
                 "network)."),
    "export": Lazy("modaudit.cli.export", "export",
                   "Write a package to hand over: a Turkish PDF, the same as JSON, the chain "
                   "records with their hashes, time-stamp tokens with the TSA's certificates, "
                   "and DOGRULAMA.txt."),
    "findings": Lazy("modaudit.cli.findings", "findings",
                     "List findings under clause (2), with their evidence."),
    "import": Lazy("modaudit.cli.scanning", "import_",
                   "Import evidence from files the account owner downloaded."),
    "jobs": Lazy("modaudit.cli.service", "jobs_command",
                 "Show each scheduled job with its schedule and next run time (and queued scans, "
                 "if any)."),
    "purge": Lazy("modaudit.cli.service", "purge",
                  "Erase comment text and names older than `[retention]`, unless a finding needs "
                  "them."),
    "report": Lazy("modaudit.cli.report", "report", "Reports for the managers of each institution."),
    "review": Lazy("modaudit.cli.findings", "review",
                   "Record a review of a finding (kept in its history); managers can also use the "
                   "portal."),
    "scan": Lazy("modaudit.cli.scanning", "scan",
                 "Scan one account now (on demand) and detect moderation."),
    "selective": Lazy("modaudit.cli.selective", "selective",
                      "Compare how often comments of each language and topic were hidden, deleted "
                      "or blocked."),
    "users": Lazy("modaudit.cli.users", "users",
                  "Portal users: managers (their institutions), auditors (all, read-only), "
                  "operators."),
    "verify": Lazy("modaudit.cli.findings", "verify",
                   "Check every account's chain, the findings and reviews against it, every "
                   "time-stamp token and any saved report's heads; exit 1 naming what changed."),
    "webhook": Lazy("modaudit.cli.webhook", "webhook",
                    "Meta webhooks: hides and removals on Pages as they happen."),
    "worker": Lazy("modaudit.cli.fleet", "worker",
                   "Run account scans from the PostgreSQL task queue until SIGTERM ([executor] "
                   "kind = procrastinate)."),
}


class AuditGroup(click.Group):
    """Imports a command's module when it runs; turns the project's errors into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The first steps in their order, then every other command by name."""
        return [*FIRST_STEPS, *sorted(set(COMMANDS) - set(FIRST_STEPS))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called `cmd_name`, importing its module now, or None."""
        lazy = COMMANDS.get(cmd_name)
        if lazy is None:
            return None
        command: click.Command = getattr(importlib.import_module(lazy.module), lazy.attribute)
        return command

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, with "did you mean" drawn from the table (nothing is imported yet)."""
        name = args[0]
        if name not in COMMANDS and not name.startswith("-") and not ctx.resilient_parsing:
            raise click.exceptions.NoSuchCommand(name, possibilities=list(COMMANDS), ctx=ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table's short help, without importing any command."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        with formatter.section("Commands"):
            # A bare Command shortens the table's text exactly as the real one shortens its own.
            formatter.write_dl([(name, click.Command(name, help=COMMANDS[name].short_help)
                                 .get_short_help_str(limit)) for name in names])

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; the project's own errors become one red line (cli/errors.py)."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            # Loaded on failure only: the error classes pull in SQLAlchemy and the store.
            errors = importlib.import_module("modaudit.cli.errors")
            raise errors.one_line(exc) from None


@click.group(cls=AuditGroup)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="MODAUDIT_CONFIG",
              default="modaudit.toml", show_default=True, help="The configuration file.")
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
@click.version_option(__version__, prog_name="modaudit")
@click.pass_context
def cli(ctx: click.Context, config_path: str, verbose: bool) -> None:
    """\b
    First steps, in this order:
      1. modaudit init        create the evidence database
      2. modaudit check       configuration, secrets, database, SMTP, TSA, tokens
      3. modaudit serve       the scheduler: nightly audits, weekly reports
      4. modaudit web serve   the managers' portal (a process of its own)

    Audit institutional social media accounts for deleted, hidden and blocked comments and users
    (Kamu Görevlileri Etik Kurulu, İlke Kararı 2021/81, clause 2). The README says more.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # urllib3 and google-api-python-client report each transient retry; our runs record them as
    # warnings already.
    for noisy in ("urllib3", "googleapiclient"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.ERROR)
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="modaudit")
