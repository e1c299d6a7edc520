"""What every command shares: the consoles, the configuration loaded once, run tables."""

from __future__ import annotations

import os
import sys

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from modaudit.config import Config, load_config
from modaudit.intake.scan import RunResult
from modaudit.report.text_safety import visible

# Piped output (files, mail, CI logs) gets a width that fits the findings table.
console = Console(highlight=False, width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160)
err_console = Console(stderr=True, highlight=False)


def config_of(ctx: click.Context) -> Config:
    """The configuration named by --config, loaded once per command."""
    obj = ctx.find_root().obj
    if "config" not in obj:
        obj["config"] = load_config(obj["config_path"])
    return obj["config"]


def progress_bar() -> Progress:
    """A progress bar on stderr, shown only on a terminal."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err_console, transient=True,
                    disable=not err_console.is_terminal)


def print_results(results: list[RunResult]) -> None:
    """One row per scan, then each scan's warnings (platform text made visible, never run)."""
    # No vertical rules and short headers: a row fits 80 columns; the caption spells them out.
    table = Table("account", "run", "status", "posts", "comments", "calls", "events", "findings",
                  box=box.SIMPLE_HEAD, caption="calls: API requests · findings: +opened −closed",
                  caption_justify="left")
    for result in results:
        cells = (result.account, str(result.run_id or "-"), result.status, str(result.posts),
                 str(result.comments), str(result.api_calls), str(result.events),
                 f"+{result.findings_opened} −{result.findings_closed}")
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    for result in results:
        for warning in result.warnings:
            console.print(Text(visible(f"{result.account}: {warning.code}: {warning.message}"),
                               style="yellow"))
