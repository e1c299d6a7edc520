"""The command table `--help` is drawn from (modaudit/cli/__init__.py) says what the commands say.

`--help` lists the commands without importing them, from short helps written in the table; these
tests import every command and hold the table to them, so neither can drift from the other.
"""

from __future__ import annotations

import importlib.metadata

import click
from click.testing import CliRunner

from modaudit import __version__
from modaudit.cli import COMMANDS, FIRST_STEPS, cli


def test_every_entry_is_a_command_whose_first_sentence_is_the_short_help() -> None:
    context = click.Context(cli)
    for name, lazy in COMMANDS.items():
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command), name
        assert command.name == name
        assert command.get_short_help_str(limit=10_000) == lazy.short_help, name


def test_help_starts_with_the_first_steps_in_order_and_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2].strip() == "First steps, in this order:"
    steps = [line.split()[2] for line in lines[3:7]]
    assert steps == ["init", "check", "serve", "web"] and "web serve" in lines[6]
    listed = [line.split()[0] for line in lines[lines.index("Commands:") + 1:] if line.strip()]
    assert listed[:4] == list(FIRST_STEPS) and sorted(listed) == sorted(COMMANDS)


def test_a_mistyped_command_gets_did_you_mean() -> None:
    result = CliRunner().invoke(cli, ["chek"])
    assert result.exit_code == 2 and "No such command 'chek'" in result.output
    assert "check" in result.output.split("No such command")[1]


def test_version_is_the_installed_distributions() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output == f"modaudit, version {__version__}\n"
    assert __version__ == importlib.metadata.version("modaudit")
