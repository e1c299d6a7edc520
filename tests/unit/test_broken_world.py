"""Every command against a broken world ends in one clear line, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from modaudit.cli import cli
from modaudit.store.engine import make_engine
from tests.conftest import migrate_quickly

COMMANDS = [
    ["init"], ["accounts"], ["scan", "page-a"], ["audit"], ["findings"],
    ["review", "1", "--status", "dismissed", "--note", "x", "--by", "y"], ["verify"],
    ["report", "weekly"], ["import", "x-archive", "missing.zip", "--account", "page-a"],
    ["serve"], ["jobs"], ["worker"], ["purge"], ["webhook", "serve"], ["webhook", "process"],
    ["selective"],
]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write(tmp_path: Path, database: str, *, secret_env: str = "BROKEN_WORLD_TOKEN",
           graph: str | None = None) -> Path:
    graph = graph or f"http://127.0.0.1:{_closed_port()}"
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join([
        "[database]", f'url = "{database}"', "[facebook]", f'graph_base_url = "{graph}"',
        "[collect]", "timeout_seconds = 0.5", "max_retries = 0", "backoff_seconds = 0.01",
        "[meta_webhook]", 'app_secret_env = "BROKEN_WORLD_NO_SECRET"',
        "[[accounts]]", 'name = "page-a"', 'platform = "facebook"', 'account_id = "123"',
        'institution = "Kırık Valiliği"', f'page_token_env = "{secret_env}"',
        "[[accounts]]", 'name = "page-b"', 'platform = "facebook"', 'account_id = "456"',
        'institution = "Kırık Valiliği"', f'page_token_env = "{secret_env}"',
    ]) + "\n", encoding="utf-8")
    return path


NO_DATABASE = {"accounts", "jobs"}  # they read only the configuration


def _one_clear_line(result: Result, *, may_succeed: bool = False) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if may_succeed and result.exit_code == 0:
        return
    assert result.exit_code != 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: ") and len(last) < 600, result.output


def _run(config: Path, args: list[str]) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=True)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_database_that_is_not_there(tmp_path: Path, args: list[str]) -> None:
    """A PostgreSQL URL nobody answers at: one line, for every command."""
    config = _write(tmp_path, f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/none")
    _one_clear_line(_run(config, args), may_succeed=args[0] in NO_DATABASE)


@pytest.mark.parametrize("args", [a for a in COMMANDS if a[0] not in ("init", "accounts", "import")],
                         ids=lambda a: " ".join(a[:2]))
def test_database_never_initialised(tmp_path: Path, args: list[str]) -> None:
    """An empty SQLite file: "run modaudit init first", or the command's own problem."""
    config = _write(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}")
    _one_clear_line(_run(config, args), may_succeed=args[0] in NO_DATABASE)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_configuration_that_is_not_there(tmp_path: Path, args: list[str]) -> None:
    """No configuration file: exit status 2 and the file named."""
    result = _run(tmp_path / "nowhere.toml", args)
    _one_clear_line(result)
    assert result.exit_code == 2 and "nowhere.toml" in result.output


def test_one_account_with_an_unreadable_secret_never_stops_the_night(tmp_path: Path,
                                                                     monkeypatch) -> None:
    """A secret file that is not UTF-8: that account fails, the next one still runs."""
    url = f"sqlite:///{tmp_path / 'modaudit.db'}"
    migrate_quickly(url)
    engine = make_engine(url)
    engine.dispose()
    secret = tmp_path / "token"
    secret.write_bytes(b"\xff\xfe not text")
    secret.chmod(0o600)
    monkeypatch.setenv("BROKEN_WORLD_TOKEN_FILE", str(secret))
    result = _run(_write(tmp_path, url), ["audit"])
    _one_clear_line(result)
    assert "page-a" in result.output and "page-b" in result.output  # both ran
    assert "2 of 2 accounts failed" in result.output
    assert "not UTF-8" in result.output


def test_a_platform_that_refuses_connections_fails_the_run_not_the_command(tmp_path: Path,
                                                                          monkeypatch) -> None:
    """Nothing listens at the Graph address: the runs fail with their reason, nothing is left running."""
    url = f"sqlite:///{tmp_path / 'modaudit.db'}"
    migrate_quickly(url)
    engine = make_engine(url)
    monkeypatch.setenv("BROKEN_WORLD_TOKEN", "a-token-CANARY")
    result = _run(_write(tmp_path, url), ["audit"])
    _one_clear_line(result)
    assert "CANARY" not in result.output
    with engine.connect() as connection:
        statuses = connection.exec_driver_sql("SELECT status FROM runs").scalars().all()
    engine.dispose()
    assert statuses == ["failed", "failed"]


MISSING_FOLDER_COMMANDS = [a for a in COMMANDS if a[0] not in NO_DATABASE | {"import", "worker"}] + [
    ["users", "list"], ["users", "add", "a@b.example", "--role", "manager"], ["web", "serve"]]


@pytest.mark.parametrize("args", MISSING_FOLDER_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_database_folder_that_is_not_there(tmp_path: Path, args: list[str], monkeypatch) -> None:
    """A SQLite URL in a folder nobody made: the folder and how to make it, for every command."""
    monkeypatch.setenv("MODAUDIT_WEB_SESSION_SECRET", "f" * 8 + "0123456789abcdef" * 4)
    monkeypatch.setenv("BROKEN_WORLD_NO_SECRET", "app-secret")
    monkeypatch.setenv("MODAUDIT_META_VERIFY_TOKEN", "verify-token")
    folder = tmp_path / "var" / "lib" / "modaudit"
    result = _run(_write(tmp_path, f"sqlite:///{folder / 'modaudit.db'}"), args)
    _one_clear_line(result)
    assert f"the folder {folder} of the database modaudit.db does not exist" in result.output
    assert "mkdir -m 700 -p" in result.output and "portal on" not in result.output
    assert not (tmp_path / "var").exists()
