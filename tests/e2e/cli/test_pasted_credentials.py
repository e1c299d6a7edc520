"""A credential pasted into a `*_env` key never leaves the configuration file: not through any
command's output, `-v`'s log, `serve`'s log, a mail to the operator, nor a row of the database.

The world is a working one (the simulator's Page and X account, an SMTP server, a migrated store,
on SQLite and PostgreSQL), so without the refusal the commands would run, log and mail; the
newcomer's report saw `check`, `scan`, `-v scan`, `audit` and `serve` echo such values.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, select

from modaudit.cli import cli
from modaudit.sandbox import Scenario, Simulator
from modaudit.store.engine import make_engine
from tests.support.graph_support import PAGE, graph_scenario
from tests.support.mailserver import Inbox, smtp_server
from tests.support.x_support import ACCOUNT as X_ACCOUNT
from tests.unit.config.test_pasted_credentials import (
    GRAPH_SHORT,
    GRAPH_TOKEN,
    X_ACCESS_TOKEN,
    X_BEARER,
    X_CONSUMER_KEY,
    X_CONSUMER_SECRET,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]  # `serve` runs as a process, once per shape

PASTED = [  # (the key, the value pasted into it): the newcomer's, and the other X and Graph shapes
    ("consumer_secret_env", X_CONSUMER_SECRET), ("consumer_key_env", X_CONSUMER_KEY),
    ("access_token_env", X_ACCESS_TOKEN), ("bearer_token_env", X_BEARER),
    ("page_token_env", GRAPH_TOKEN), ("page_token_env", GRAPH_SHORT),
]
COMMANDS = [["check"], ["scan", "hesap"], ["-v", "scan", "hesap"], ["audit"], ["findings"],
            ["report", "weekly", "--send"], ["web", "serve"], ["webhook", "process"]]
OPERATOR = "bilgi-islem@example.gov.tr"


@pytest.fixture(scope="module")
def platforms() -> Iterator[tuple[Simulator, Inbox, int]]:
    scenario: Scenario = graph_scenario()
    scenario.x_accounts.append(X_ACCOUNT)
    inbox = Inbox()
    with Simulator(scenario) as simulator, smtp_server(inbox) as server:
        simulator.set_now(scenario.day(0, 12))
        yield simulator, inbox, server.port


def _config(tmp_path: Path, url: str, platforms, key: str, value: str) -> Path:
    simulator, _, port = platforms
    if key == "page_token_env":
        account = ['platform = "facebook"', f'account_id = "{PAGE.page_id}"', f'{key} = "{value}"']
    else:
        keys = {"consumer_key_env": "K", "consumer_secret_env": "S", "access_token_env": "A",
                "access_token_secret_env": "B"} if key != "bearer_token_env" else {}
        keys[key] = value
        account = ['platform = "x"', f'account_id = "{X_ACCOUNT.user_id}"',
                   *(f'{k} = "{v}"' for k, v in keys.items())]
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join([
        "[database]", f'url = "{url}"', "[facebook]", f'graph_base_url = "{simulator.base_url}"',
        "[x]", f'api_base_url = "{simulator.base_url}"', "[collect]", "timeout_seconds = 3",
        "max_retries = 0", "[smtp]", 'host = "127.0.0.1"', f"port = {port}",
        "[report]", f'operator = "{OPERATOR}"',
        "[[accounts]]", 'name = "hesap"', 'institution = "Test Valiliği"',
        'managers = ["yonetici@example.gov.tr"]', *account]) + "\n", encoding="utf-8")
    return path


def _database_text(url: str) -> str:
    """Every row of every table, as text (and a SQLite file's bytes, WAL included)."""
    engine = make_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = [repr(row) for table in metadata.sorted_tables
                for row in connection.execute(select(table))]
    engine.dispose()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        rows += [p.read_bytes().decode("latin-1") for p in path.parent.glob(path.name + "*")]
    return "\n".join(rows)


def _serve_output(config: Path) -> tuple[int, str]:
    """`modaudit serve` as systemd runs it: its exit status and everything it wrote (the log)."""
    process = subprocess.Popen([sys.executable, "-m", "modaudit", "--config", str(config), "serve"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=os.environ.copy())
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:  # it started: the configuration was accepted
        process.terminate()
    output, _ = process.communicate(timeout=30)
    return process.returncode, output


@pytest.mark.parametrize(("key", "value"), PASTED, ids=[f"{k}-{v[:6]}" for k, v in PASTED])
def test_a_pasted_credential_appears_nowhere(tmp_path: Path, migrated: str, platforms, key: str,
                                             value: str, caplog: pytest.LogCaptureFixture,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level("DEBUG")
    for name in ("K", "S", "A", "B"):
        monkeypatch.setenv(name, "set")
    config = _config(tmp_path, migrated, platforms, key, value)
    outputs = []
    for args in COMMANDS:
        result = CliRunner().invoke(cli, ["--config", str(config), *args])
        assert result.exit_code in (1, 2) and "Traceback" not in result.output, (args, result.output)
        assert "is not a variable name" in result.output, (args, result.output)
        outputs.append(result.output)
    status, served = _serve_output(config)
    assert status == 2 and f"account 'hesap' {key}: is not a variable name" in served, served
    inbox = platforms[1]
    mails = [message.raw.decode("utf-8", "replace") for message in inbox.messages]
    everything = "\n".join([*outputs, served, caplog.text, *mails, _database_text(migrated)])
    for piece in {value, value[:12], value[-12:]}:
        assert piece not in everything
