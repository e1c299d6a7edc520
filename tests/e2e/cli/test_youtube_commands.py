"""`modaudit scan`, `audit` and `findings` on a YouTube channel, through the command line, against
the simulator; a revoked refresh token fails the scan once, naming the variable to fix, with no
secret shown. (Nights one after another are tests/e2e/pipeline/test_youtube_pipeline.py's.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.sandbox import Simulator
from modaudit.sandbox.scenarios.youtube_demo import YT_CHANNEL, youtube_demo_scenario, yt_video_id
from tests.conftest import migrate_quickly
from tests.support.scenarios import night
from tests.support.yt_heldout import write_yt_config

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Simulator, Path]]:
    scenario = youtube_demo_scenario(faults=False)
    db = f"sqlite:///{tmp_path / 'yt.db'}"
    migrate_quickly(db)
    with Simulator(scenario) as simulator:
        path = write_yt_config(tmp_path / "modaudit.toml", db, simulator.base_url, YT_CHANNEL,
                               monkeypatch.setenv)
        yield simulator, path


def _run(path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(path), *args])
    assert "Traceback" not in result.output, result.output
    assert YT_CHANNEL.refresh_token not in result.output
    assert YT_CHANNEL.client_secret not in result.output
    return result.output


def test_scan_audit_and_findings_on_a_channel(world) -> None:
    """The commands' clock is the real one, so the simulator shows the channel as it stands on
    day 2: v3's comments off (a finding from the first audit on, like an X post posted
    restricted), c05 held (YouTube or the channel: first seen held is state)."""
    simulator, path = world
    simulator.set_now(night(youtube_demo_scenario(faults=False), 2))
    assert "yt-0" in _run(path, "scan", "yt-0")
    assert "yt-0" in _run(path, "audit")
    findings = json.loads(_run(path, "findings", "--format", "json"))
    assert [(f["kind"], f["subject_id"], f["platform"], f["actor"]) for f in findings] == [
        ("replies_restricted", yt_video_id("v3"), "youtube", "account")]


def test_a_revoked_token_fails_the_scan_once_naming_the_variable(world, monkeypatch) -> None:
    simulator, path = world
    simulator.set_now(night(youtube_demo_scenario(faults=False), 0))
    monkeypatch.setenv("TEST_YT_REFRESH_TOKEN", replace(YT_CHANNEL, refresh_token="1//x").refresh_token
                       + "-not-issued-CANARY")
    output = _run(path, "scan", "yt-0")
    assert output.count("invalid_grant") == 1, output
    assert "$TEST_YT_REFRESH_TOKEN" in output and "CANARY" not in output
