"""`modaudit check`'s Jetstream line when there is nothing to connect to: said as skipped, or not
said at all where no Bluesky account is configured; an unreachable stream is ✗ with the fix.

Fictional accounts; the only address dialled is a closed loopback port.
"""

from __future__ import annotations

import socket
from pathlib import Path

from modaudit.config import Config, load_config
from modaudit.intake.checks import jetstream_check

FACEBOOK = """
[[accounts]]
name = "valilik-fb"
platform = "facebook"
account_id = "123"
institution = "Örnek Valiliği"
page_token_env = "VALILIK_TOKEN"
"""
BLUESKY = """
[[accounts]]
name = "belediye-bsky"
platform = "bluesky"
account_id = "did:plc:ornekbelediye2aaaaaaaaaa"
institution = "Örnek Belediyesi"
"""


def config(tmp_path: Path, jetstream_url: str | None, accounts: str) -> Config:
    lines = ['[database]', 'url = "sqlite:///x.db"', "[collect]", "timeout_seconds = 2"]
    if jetstream_url is not None:
        lines += ["[bluesky]", f'jetstream_url = "{jetstream_url}"']
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join(lines) + "\n" + accounts, encoding="utf-8")
    return load_config(path)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_bluesky_account_and_no_stream_says_nothing(tmp_path: Path) -> None:
    assert jetstream_check(config(tmp_path, None, FACEBOOK)) is None


def test_bluesky_accounts_without_a_stream_are_skipped(tmp_path: Path) -> None:
    line = jetstream_check(config(tmp_path, None, BLUESKY))
    assert line is not None and line.skipped and line.ok
    assert "jetstream_url is not set" in line.detail


def test_a_stream_with_no_bluesky_account_is_skipped(tmp_path: Path) -> None:
    line = jetstream_check(config(tmp_path, "ws://127.0.0.1:9", FACEBOOK))
    assert line is not None and line.skipped
    assert "no Bluesky account" in line.detail


def test_a_stream_nobody_answers_is_a_failure_with_its_fix(tmp_path: Path) -> None:
    url = f"ws://127.0.0.1:{closed_port()}"
    line = jetstream_check(config(tmp_path, url, BLUESKY))
    assert line is not None and not line.ok and not line.skipped
    assert line.detail.startswith(f"Jetstream at {url}: connection refused — check [bluesky] "
                                  "jetstream_url")
