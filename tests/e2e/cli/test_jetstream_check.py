"""`modaudit check`'s Jetstream line against the simulator's stream: a subscription for the
Bluesky accounts' DIDs is accepted (✓), a stream that is not there or answers plain HTTP is said
with the fix (✗), and an unset `jetstream_url` is skipped (neither)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.bluesky.jetstream import JetstreamServer
from tests.conftest import migrate_quickly
from tests.support.bluesky_weeks import START, VALILIK

pytestmark = pytest.mark.e2e


@dataclass
class Stream:
    """A simulator with its Jetstream, and a writer of configurations pointing at them."""

    simulator: Simulator
    server: JetstreamServer
    directory: Path
    db: str

    def config(self, jetstream_url: str | None) -> Path:
        lines = ["[database]", f'url = "{self.db}"',
                 "[bluesky]", f'appview_url = "{self.simulator.base_url}"',
                 f'plc_url = "{self.simulator.base_url}"',
                 "[collect]", "timeout_seconds = 3", "max_retries = 0",
                 "[[accounts]]", 'name = "valilik"', 'platform = "bluesky"',
                 f'account_id = "{VALILIK.did}"', f'handle = "{VALILIK.handle}"',
                 'institution = "Denetim Valiliği"']
        if jetstream_url is not None:
            lines.insert(lines.index("[collect]"), f'jetstream_url = "{jetstream_url}"')
        path = self.directory / "modaudit.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


@pytest.fixture
def stream(tmp_path: Path) -> Iterator[Stream]:
    scenario = Scenario(start=START, pages=[], bluesky_accounts=[VALILIK])
    scenario.bsky_post(scenario.day(0, 9), VALILIK, "Duyuru")
    db = f"sqlite:///{tmp_path / 'check.db'}"
    migrate_quickly(db)
    with Simulator(scenario) as simulator, JetstreamServer(simulator) as server:
        simulator.set_now(scenario.day(0, 12))
        yield Stream(simulator, server, tmp_path, db)


def jetstream_line(path: Path) -> str:
    """The `bluesky jetstream` line of `modaudit check` (the others are not this file's: SMTP is
    not configured, so the exit status says nothing here)."""
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if "bluesky jetstream" in line]
    return line


def test_a_stream_that_accepts_the_subscription_is_reachable(stream: Stream) -> None:
    line = jetstream_line(stream.config(stream.server.url))
    assert line.startswith("✓ ")
    assert f"{stream.server.url} accepts a subscription for 1 Bluesky account(s)" in line


def test_a_stream_that_is_not_there_is_said_with_the_fix(stream: Stream) -> None:
    url = stream.server.url
    stream.server.stop()
    line = jetstream_line(stream.config(url))
    assert line.startswith("✗ ")
    assert f"Jetstream at {url}: connection refused" in line
    assert "check [bluesky] jetstream_url" in line and "wss://" in line


class NotAStream(BaseHTTPRequestHandler):
    """A web server with no stream: every request is answered 404."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    """A plain HTTP server on loopback, as a ws:// address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotAStream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"ws://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_address_that_refuses_the_subscription_is_said(stream: Stream, web_server: str) -> None:
    line = jetstream_line(stream.config(web_server))
    assert line.startswith("✗ ")
    assert f"Jetstream at {web_server} refused the subscription (HTTP 404)" in line
    assert "wantedDids" not in line  # the address, never its query


def test_an_address_that_is_not_a_websocket_server_is_said(stream: Stream) -> None:
    """The simulator's HTTP server does not answer a WebSocket upgrade as one."""
    url = stream.simulator.base_url.replace("http://", "ws://")
    line = jetstream_line(stream.config(url))
    assert line.startswith("✗ ")
    assert f"Jetstream at {url} did not answer as a WebSocket server" in line


def test_an_unset_stream_is_skipped(stream: Stream) -> None:
    line = jetstream_line(stream.config(None))
    assert line.startswith("· ")
    assert "jetstream_url is not set" in line
