"""Commands that collect: `accounts`, `scan`, `audit`, `import x-archive`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.table import Column, Table
from rich.text import Text

from collectors.records import CollectorError
from modaudit import jobs
from modaudit.cli.common import config_of, console, print_results, progress_bar
from modaudit.intake.archive import ArchiveAlreadyImported, ArchiveRefused
from modaudit.report.text_safety import visible


@click.command()
@click.pass_context
def accounts(ctx: click.Context) -> None:
    """List the configured accounts."""
    # Four columns, two lines a row, long names folded rather than cut: readable at 80 columns.
    table = Table(Column("name", no_wrap=True), Column("platform · id", no_wrap=True),
                  Column("handle", overflow="fold"), Column("institution · managers", overflow="fold"),
                  box=box.SIMPLE_HEAD)
    for account in config_of(ctx).accounts:
        cells = (account.name, f"{account.platform}\n{account.account_id}", account.handle,
                 f"{account.institution}\n{', '.join(account.managers)}")
        table.add_row(*(Text(visible(cell)) for cell in cells))
    console.print(table)


@click.command()
@click.argument("account")
@click.pass_context
def scan(ctx: click.Context, account: str) -> None:
    """Scan one account now (on demand) and detect moderation."""
    config = config_of(ctx)
    config.account(account)  # an unknown name is one line before the progress bar
    with progress_bar() as progress:
        task = progress.add_task(f"{account}: posts", total=None)
        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)
        result = jobs.scan_account(config, account, "on_demand", progress=advance)
    print_results([result])
    if result.status in ("failed", "busy"):
        sys.exit(1)


@click.command()
@click.pass_context
def audit(ctx: click.Context) -> None:
    """Scan every configured account (what the nightly job runs)."""
    config = config_of(ctx)
    config.require_accounts()
    with progress_bar() as progress:
        tasks: dict[str, Any] = {}
        def advance(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(f"{name}: posts", total=total)
            progress.update(tasks[name], completed=done, total=total)
        results = jobs.audit_all(config, "nightly", progress=advance)
    print_results(results)
    failed = [r.account for r in results if r.status == "failed"]
    if failed:  # every account ran; the exit status says that some did not make it
        raise click.ClickException(f"{len(failed)} of {len(results)} accounts failed: "
                                   f"{', '.join(failed)}")


@click.group(name="import")
def import_() -> None:
    """Import evidence from files the account owner downloaded."""


@import_.command(name="x-archive")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--account", "account_name", required=True, help="The configured X account it belongs to.")
@click.pass_context
def x_archive(ctx: click.Context, archive: Path, account_name: str) -> None:
    """Store the block and mute lists of an X archive zip as an `archive` run."""
    try:
        result = jobs.import_x_archive(config_of(ctx), account_name, archive)
    except ArchiveAlreadyImported as exc:  # importing the same file again is harmless
        console.print(f"{archive.name}: nothing imported: {exc}", markup=False)
        return
    except (CollectorError, ArchiveRefused) as exc:
        raise click.ClickException(f"{archive.name}: nothing imported: {exc}") from None
    print_results([result])
