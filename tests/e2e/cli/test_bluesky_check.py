"""`modaudit check` on Bluesky accounts against the simulator: the handle and the DID resolve to
each other, and when they disagree the line names both sides and what to change; no secret."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.world.bluesky_actions import BskyActor
from modaudit.sandbox.world.bluesky_ids import did_plc
from tests.conftest import migrate_quickly
from tests.e2e.cli.test_check import _lines
from tests.support.bluesky_weeks import PEOPLE, START, VALILIK

pytestmark = pytest.mark.e2e

# An institution whose DID document still names its old handle (a handle change half done).
KAYMAKAMLIK = BskyActor(did_plc("check:kaymakamlik"), "yenikaymakamlik.bsky.social",
                        "Yeni Kaymakamlık", doc_handle="eskikaymakamlik.bsky.social")
AHMET = PEOPLE["ahmet"]


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Path]:
    """A configuration of three Bluesky accounts (one good, two that disagree) on a simulator."""
    scenario = Scenario(start=START, pages=[], bluesky_accounts=[VALILIK, KAYMAKAMLIK])
    scenario.bsky_post(scenario.day(0, 9), VALILIK, "Duyuru")
    scenario.bsky_post(scenario.day(0, 10), AHMET, "Merhaba")
    db = f"sqlite:///{tmp_path / 'check.db'}"
    migrate_quickly(db)
    with Simulator(scenario) as simulator:
        simulator.set_now(scenario.day(0, 12))
        path = tmp_path / "modaudit.toml"
        accounts = [("valilik", VALILIK.did, f"@{VALILIK.handle}"),
                    ("kaymakamlik", KAYMAKAMLIK.did, KAYMAKAMLIK.handle),
                    ("yanlis-handle", VALILIK.did, AHMET.handle)]
        lines = ["[database]", f'url = "{db}"',
                 "[bluesky]", f'appview_url = "{simulator.base_url}"',
                 f'plc_url = "{simulator.base_url}"',
                 "[collect]", "timeout_seconds = 3", "max_retries = 0"]
        for name, did, handle in accounts:
            lines += ["[[accounts]]", f'name = "{name}"', 'platform = "bluesky"',
                      f'account_id = "{did}"', f'handle = "{handle}"',
                      'institution = "Denetim Valiliği"']
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield path




def test_handle_and_did_resolving_to_each_other_pass(config: Path) -> None:
    """The handle (with its "@") resolves to the DID and the DID document names it back."""
    _, lines = _lines(config)
    line = lines["account valilik"]
    assert line.startswith("✓"), lines
    assert f"{VALILIK.did} is @{VALILIK.handle} both ways" in line
    assert "no credential needed" in line
    assert not any(name.startswith("secret valilik") for name in lines)


def test_a_did_document_naming_another_handle_is_said(config: Path) -> None:
    """The handle points to the DID, but the DID document claims the old handle: update it."""
    code, lines = _lines(config)
    line = lines["account kaymakamlik"]
    assert code != 0 and line.startswith("✗"), lines
    assert "eskikaymakamlik.bsky.social" in line and "yenikaymakamlik.bsky.social" in line
    assert "handle" in line.split(";")[-1]


def test_a_handle_resolving_to_another_did_is_said(config: Path) -> None:
    """The configured handle is someone else's: both DIDs named, and which keys to check."""
    _, lines = _lines(config)
    line = lines["account yanlis-handle"]
    assert line.startswith("✗"), lines
    assert AHMET.did in line and VALILIK.did in line
    assert "handle and account_id" in line
