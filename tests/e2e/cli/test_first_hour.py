"""The operator's first hour: `check` covers the portal's secret and the TSA; `web serve` and
`webhook serve` bind before they announce anything and name `--port` when the port is taken."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.sandbox.tsa import LoopbackTsa
from modaudit.sandbox.tsa_ca import make_authority
from tests.conftest import migrate_quickly

pytestmark = pytest.mark.e2e

GOOD_SECRET = "Zq8Ln3Wc5Vb7Xk2Mj4Hg6Fd9Sa1PqRt0Yu2Io4Pl6Ak8Js0Dh2Fg4Hj6Kl8Zx0Cv"  # 64 base62: 380 bits
SECRET_ENV = "FIRST_HOUR_SESSION_SECRET"


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'modaudit.db'}"
    migrate_quickly(url)
    return url


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackTsa]:
    with LoopbackTsa(tmp_path_factory.mktemp("tsa")) as authority:
        yield authority


def _config(tmp_path: Path, database: str, *extra: str) -> Path:
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join(["[database]", f'url = "{database}"',
                               "[web]", f'session_secret_env = "{SECRET_ENV}"', *extra]) + "\n",
                    encoding="utf-8")
    return path


def _check_lines(path: Path) -> dict[str, str]:
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert "Traceback" not in result.output, result.output
    return {line[2:].partition(": ")[0]: line[0] + " " + line[2:].partition(": ")[2]
            for line in result.output.splitlines() if line[:2] in ("✓ ", "✗ ", "· ")}


def test_check_session_secret_unused_missing_weak_and_good(tmp_path, database, monkeypatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    assert _check_lines(_config(tmp_path, database))["web"].startswith("· portal not used")
    used = _config(tmp_path, database, 'base_url = "https://portal.example.gov.tr"')
    missing = _check_lines(used)["web session_secret_env"]
    assert missing.startswith("✗") and f"{SECRET_ENV} is not set" in missing
    assert "secrets.token_urlsafe(48)" in missing
    for weak in ("abc", "0123456789" * 3, "x" * 200):
        monkeypatch.setenv(SECRET_ENV, weak)
        line = _check_lines(used)["web session_secret_env"]
        assert line.startswith("✗") and "at least 32 random bytes" in line, line
        assert "secrets.token_urlsafe(48)" in line and weak not in line
    monkeypatch.setenv(SECRET_ENV, GOOD_SECRET)
    good = _check_lines(used)["web session_secret_env"]
    assert good.startswith("✓") and GOOD_SECRET not in good


def test_check_timestamp_unused_good_down_and_wrong_root(tmp_path, database, tsa) -> None:
    assert _check_lines(_config(tmp_path, database))["timestamp"].startswith("· not used")
    enabled = ["[timestamp]", "enabled = true", f'url = "{tsa.url}"', "timeout_seconds = 5"]
    path = _config(tmp_path, database, *enabled, f'ca_file = "{tsa.authority.ca_file}"')
    good = _check_lines(path)["timestamp"]
    assert good.startswith("✓") and "verifies against" in good
    tsa.down = True
    try:
        down = _check_lines(path)["timestamp"]
    finally:
        tsa.down = False
    assert down.startswith("✗") and "HTTP 503" in down and "timestamp.url" in down
    other = make_authority(tmp_path / "other-ca")
    wrong = _check_lines(_config(tmp_path, database, *enabled, f'ca_file = "{other.ca_file}"'))
    assert wrong["timestamp"].startswith("✗") and "token refused" in wrong["timestamp"]
    not_pem = tmp_path / "ca.txt"
    not_pem.write_text("not a certificate\n", encoding="utf-8")
    broken = _check_lines(_config(tmp_path, database, *enabled, f'ca_file = "{not_pem}"'))
    assert broken["timestamp ca_file"].startswith("✗") and "no PEM certificate" in \
        broken["timestamp ca_file"]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        yield taken.getsockname()[1]


def test_web_serve_on_a_busy_port_names_port_and_announces_nothing(tmp_path, database, busy_port,
                                                                   monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, GOOD_SECRET)
    result = CliRunner().invoke(cli, ["--config", str(_config(tmp_path, database)), "web", "serve",
                                      "--port", str(busy_port)])
    assert result.exit_code == 1 and "portal on" not in result.output
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.output
    assert "--port" in result.output and "Traceback" not in result.output


def test_webhook_serve_on_a_busy_port_names_port(tmp_path, database, busy_port, monkeypatch) -> None:
    monkeypatch.setenv("MODAUDIT_META_APP_SECRET", "app-secret")
    monkeypatch.setenv("MODAUDIT_META_VERIFY_TOKEN", "verify-token")
    result = CliRunner().invoke(cli, ["--config", str(_config(tmp_path, database)), "webhook",
                                      "serve", "--port", str(busy_port)])
    assert result.exit_code == 1 and "already in use" in result.output and "--port" in result.output


def test_web_serve_refuses_a_weak_secret_saying_how_to_make_one(tmp_path, database,
                                                                monkeypatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "hunter2hunter2")
    result = CliRunner().invoke(cli, ["--config", str(_config(tmp_path, database)), "web", "serve"])
    assert result.exit_code == 2 and "portal on" not in result.output
    assert "at least 32 random bytes" in result.output and "token_urlsafe(48)" in result.output
    assert "hunter2" not in result.output


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@pytest.mark.slow
def test_web_serve_answers_as_soon_as_it_says_portal_on(tmp_path, database) -> None:
    port = _free_port()
    env = {**os.environ, SECRET_ENV: GOOD_SECRET}
    process = subprocess.Popen([sys.executable, "-m", "modaudit", "--config",
                                str(_config(tmp_path, database)), "web", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the announcement (or the end)
        assert line.startswith(f"portal on http://127.0.0.1:{port}"), line + process.stderr.read()
        started = time.monotonic()
        # Announced after the bind: the first connection is accepted, never refused.
        answer = requests.get(f"http://127.0.0.1:{port}/giris", timeout=30)
        assert answer.status_code == 200 and time.monotonic() - started < 30
    finally:
        process.terminate()
        process.wait(timeout=20)
