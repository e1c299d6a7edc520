"""X end to end: blocks, mutes, reply restrictions and author deletions, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from modaudit.cli import cli
from modaudit.sandbox import Fault, Scenario, Simulator
from modaudit.store.engine import make_engine
from tests.support.scenarios import X_ACCOUNT, X_AYSE, X_IBRAHIM, X_TROLL, audit_x_night, small_x_scenario

ACCOUNT = X_ACCOUNT.user_id


@pytest.fixture
def scenario() -> Scenario:
    return small_x_scenario()


@pytest.fixture
def world(scenario: Scenario, migrated: str, write_config) -> Iterator[tuple[Simulator, Path, str]]:
    with Simulator(scenario) as simulator:
        yield simulator, write_config(migrated, simulator.base_url, [], x_accounts=(X_ACCOUNT,)), migrated


def _night(world, scenario: Scenario, day: int):
    return audit_x_night(world[1], world[0], scenario, day)


def _findings(world) -> list[dict]:
    result = CliRunner().invoke(cli, ["--config", str(world[1]), "findings", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _events(world) -> list[tuple[str, str, str]]:
    engine = make_engine(world[2])
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT kind, subject_id, actor FROM events ORDER BY id")).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_blocks_mutes_and_restrictions_each_listed_once(scenario: Scenario, world) -> None:
    scenario.x_block(scenario.day(-1, 15), ACCOUNT, X_TROLL)  # before the first audit
    scenario.x_mute(scenario.day(1, 9), ACCOUNT, X_AYSE)
    scenario.set_reply_settings(scenario.day(1, 10), "1900000000000000001", "following")
    scenario.x_block(scenario.day(2, 9), ACCOUNT, X_IBRAHIM)
    scenario.x_block(scenario.day(2, 10), ACCOUNT, X_TROLL, blocked=False)
    scenario.set_reply_settings(scenario.day(2, 11), "1900000000000000001", "everyone")
    for day in range(3):
        assert _night(world, scenario, day).status == "ok"
    # An unblock and a reopening close findings: absent (open) on night 2 is not yet enough.
    pending = {(f["kind"], f["subject_id"]): f["status"] for f in _findings(world)}
    assert pending[("user_blocked", X_TROLL.user_id)] == "open"
    assert pending[("replies_restricted", "1900000000000000001")] == "open"
    assert _night(world, scenario, 3).status == "ok"  # the second observation confirms both
    findings = {(f["kind"], f["subject_id"]): f for f in _findings(world)}
    assert set(findings) == {
        ("user_blocked", X_TROLL.user_id), ("replies_restricted", "1900000000000000002"),
        ("user_muted", X_AYSE.user_id), ("replies_restricted", "1900000000000000001"),
        ("user_blocked", X_IBRAHIM.user_id)}
    assert len(_findings(world)) == 5
    assert findings[("user_blocked", X_TROLL.user_id)]["status"] == "closed"  # unblocked on day 2
    unblocked = next(e for e in _events(world) if e[0] == "user_unblocked")
    assert unblocked[1] == X_TROLL.user_id
    assert findings[("user_blocked", X_TROLL.user_id)]["occurred_after"] is None  # before first seen
    assert findings[("replies_restricted", "1900000000000000001")]["status"] == "closed"
    assert findings[("user_muted", X_AYSE.user_id)]["severity"] == "low"
    assert findings[("user_blocked", X_IBRAHIM.user_id)]["subject_name"] == "İbrahim Işık (@ibrahim_isik)"
    truth = {(t.kind, t.subject_id) for t in scenario.ground_truth()}
    assert truth == {(kind, subject) for kind, subject, _ in _events(world)}


def test_reply_deleted_by_its_author_is_recorded_purged_and_never_a_finding(scenario, world) -> None:
    scenario.delete_tweet(scenario.day(1, 9), "1910000000000000001", by="author")
    _night(world, scenario, 0)
    _night(world, scenario, 1)
    assert ("reply_deleted_by_author", "1910000000000000001", "author") in _events(world)
    assert {f["kind"] for f in _findings(world)} == {"replies_restricted"}  # tweet 2, not the reply
    engine = make_engine(world[2])
    with engine.connect() as connection:
        message, author = connection.execute(text(
            "SELECT message, author_name FROM comments WHERE platform_id = '1910000000000000001'")).one()
        kept = connection.execute(text(
            "SELECT message FROM comments WHERE platform_id = '1910000000000000002'")).scalar()
    engine.dispose()
    assert message is None and author is None
    assert kept.startswith("Yanıt 2")


def test_throttled_blocking_list_never_yields_an_unblock(scenario: Scenario, world) -> None:
    scenario.x_block(scenario.day(-1, 15), ACCOUNT, X_TROLL)
    scenario.x_block(scenario.day(1, 9), ACCOUNT, X_TROLL, blocked=False)
    _night(world, scenario, 0)
    world[0].add_fault(Fault("x_rate_limit_no_reset", path="/blocking", start=scenario.day(1, 0),
                             end=scenario.day(2, 0)))
    assert _night(world, scenario, 1).status == "partial"
    assert ("user_unblocked", X_TROLL.user_id, "account") not in _events(world)
    _night(world, scenario, 2)
    assert ("user_unblocked", X_TROLL.user_id, "account") not in _events(world)  # absent once
    _night(world, scenario, 3)
    assert ("user_unblocked", X_TROLL.user_id, "account") in _events(world)


def test_oauth2_user_token_works_too(scenario: Scenario, migrated: str, write_config) -> None:
    scenario.x_mute(scenario.day(-1, 15), ACCOUNT, X_AYSE)
    with Simulator(scenario) as simulator:
        config = write_config(migrated, simulator.base_url, [], x_accounts=(X_ACCOUNT,), x_oauth2=True)
        result = audit_x_night(config, simulator, scenario, 0)
    assert result.status == "ok" and result.findings_opened == 2
