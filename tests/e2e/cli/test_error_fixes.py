"""Scan failures say how to fix them, naming the variable, the key or the permission, once."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit import jobs
from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.sandbox import Simulator
from tests.conftest import migrate_quickly
from tests.support.graph_support import PAGE, graph_scenario
from tests.support.x_support import ACCOUNT as X_ACCOUNT

pytestmark = pytest.mark.e2e


@contextmanager
def stub(status: int, body: bytes, content_type: str) -> Iterator[str]:
    """A loopback server answering every GET with one fixed answer (a proxy, or a Graph error)."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base_url: str, account: str,
            env: dict[str, str]) -> Path:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    db = f"sqlite:///{tmp_path / 'e.db'}"
    migrate_quickly(db)
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join([
        "[database]", f'url = "{db}"', "[facebook]", f'graph_base_url = "{base_url}"',
        "[x]", f'api_base_url = "{base_url}"', "[collect]", "timeout_seconds = 2",
        "max_retries = 0", "backoff_seconds = 0.01", account]) + "\n", encoding="utf-8")
    return path


FB = ('[[accounts]]\nname = "valilik-facebook"\nplatform = "facebook"\naccount_id = "{id}"\n'
      'institution = "Test Valiliği"\npage_token_env = "ERR_TOKEN"')
X = ('[[accounts]]\nname = "x-hesap"\nplatform = "x"\naccount_id = "111"\n'
     'institution = "Test Valiliği"\nbearer_token_env = "ERR_X"')


def _failure(path: Path, name: str) -> str:
    result = jobs.scan_account(load_config(path), name)
    assert result.status == "failed"
    (warning,) = result.warnings
    return warning.message


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    scenario = graph_scenario()
    scenario.x_accounts.append(X_ACCOUNT)
    with Simulator(scenario) as sim:
        sim.set_now(scenario.day(0, 12))
        yield sim


def test_graph_190_names_the_variable_and_long_lived_tokens(tmp_path, monkeypatch, simulator) -> None:
    path = _config(tmp_path, monkeypatch, simulator.base_url, FB.format(id=PAGE.page_id),
                   {"ERR_TOKEN": "EAAGrevoked0001"})
    message = _failure(path, "valilik-facebook")
    assert "Graph error 190" in message and "$ERR_TOKEN" in message
    assert "page_token_env" in message and "long-lived" in message
    assert "EAAGrevoked0001" not in message


def test_unknown_own_page_says_check_account_id(tmp_path, monkeypatch, simulator) -> None:
    path = _config(tmp_path, monkeypatch, simulator.base_url, FB.format(id="404404"),
                   {"ERR_TOKEN": PAGE.token})
    message = _failure(path, "valilik-facebook")
    assert "100/33" in message and "check account 'valilik-facebook' account_id (now 404404)" in message


@pytest.mark.parametrize(("code", "text", "permission"), [
    (200, "(#200) Requires pages_read_user_engagement permission", "pages_read_user_engagement"),
    (10, "(#10) Application does not have permission for this action", "pages_manage_engagement"),
])
def test_permission_errors_name_the_permission(tmp_path, monkeypatch, code, text, permission) -> None:
    body = json.dumps({"error": {"message": text, "type": "OAuthException", "code": code,
                                 "fbtrace_id": "AbC"}}).encode()
    with stub(403, body, "application/json; charset=UTF-8") as base:
        path = _config(tmp_path, monkeypatch, base, FB.format(id="900100"), {"ERR_TOKEN": "t0k"})
        message = _failure(path, "valilik-facebook")
    assert f"Graph error {code}" in message and permission in message and "MODERATE" in message
    assert "$ERR_TOKEN" in message


def test_proxy_html_answer_gives_status_type_and_asks_about_a_proxy(tmp_path, monkeypatch) -> None:
    with stub(502, b"<html><body>Access denied by policy</body></html>", "text/html") as base:
        path = _config(tmp_path, monkeypatch, base, FB.format(id="900100"), {"ERR_TOKEN": "t0k"})
        message = _failure(path, "valilik-facebook")
    assert "HTTP 502" in message and "text/html" in message
    assert "a proxy or filter in between?" in message and "[facebook] graph_base_url" in message
    assert "Maintype" not in message


def test_connection_refused_names_the_base_url_key_in_one_line(tmp_path, monkeypatch) -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    path = _config(tmp_path, monkeypatch, base, FB.format(id="900100"), {"ERR_TOKEN": "t0k"})
    message = _failure(path, "valilik-facebook")
    assert f"cannot reach {base}: connection refused" in message
    assert "[facebook] graph_base_url" in message
    assert "urllib3" not in message and "Max retries" not in message


def test_dns_failure_names_the_base_url_key(tmp_path, monkeypatch) -> None:
    path = _config(tmp_path, monkeypatch, "http://graph.modaudit.invalid", X, {"ERR_X": "not-a-real-token"})
    message = _failure(path, "x-hesap")
    assert "does not resolve (DNS)" in message and "[x] api_base_url" in message


def test_x_401_says_renew_the_user_context_tokens(tmp_path, monkeypatch, simulator) -> None:
    path = _config(tmp_path, monkeypatch, simulator.base_url, X, {"ERR_X": "wrong-bearer"})
    message = _failure(path, "x-hesap")
    assert "401" in message and "bearer_token_env ($ERR_X)" in message and "renew" in message


def test_x_403_says_user_context_not_app_only(tmp_path, monkeypatch, simulator) -> None:
    path = _config(tmp_path, monkeypatch, simulator.base_url, X,
                   {"ERR_X": X_ACCOUNT.app_bearer_token})
    message = _failure(path, "x-hesap")
    assert "403" in message and "user context" in message and "app-only" in message


def test_scan_failure_is_printed_once(tmp_path, monkeypatch, simulator) -> None:
    path = _config(tmp_path, monkeypatch, simulator.base_url, FB.format(id=PAGE.page_id),
                   {"ERR_TOKEN": "EAAGrevoked0001"})
    result = CliRunner().invoke(cli, ["--config", str(path), "scan", "valilik-facebook"])
    assert result.output.count("Graph error 190") == 1, result.output
