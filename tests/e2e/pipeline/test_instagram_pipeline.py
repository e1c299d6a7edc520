"""Instagram end to end: simulator → real collector → store → events and findings, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit.cli import cli
from modaudit.sandbox import Scenario, Simulator
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import FindingRow, list_events, list_findings
from modaudit.store.schema import Event
from tests.support.ig_scenarios import (
    IG_ACCOUNT,
    IG_TROLL,
    MEDIA,
    audit_ig_night,
    comment_id,
    small_ig_scenario,
)
from tests.support.scenarios import TRICKY_TEXT


@pytest.fixture
def scenario() -> Scenario:
    return small_ig_scenario()


@pytest.fixture
def world(scenario: Scenario, migrated: str, write_config) -> Iterator[tuple[Simulator, Path, str]]:
    with Simulator(scenario) as simulator:
        config_path = write_config(migrated, simulator.base_url, [],
                                   instagram_accounts=(IG_ACCOUNT,))
        yield simulator, config_path, migrated


def _run(world, scenario: Scenario, day: int):
    simulator, config_path, _ = world
    return audit_ig_night(config_path, simulator, scenario, day)


def _stored(db_url: str) -> tuple[list[tuple[str, str, str, str]], dict[tuple[str, str], FindingRow]]:
    """The events (kind, subject, actor, source) and the findings by (kind, subject)."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        events = [(e.kind, e.subject_id, e.actor, e.source) for e in list_events(session)]
        findings = {(f.kind, f.subject_id): f for f in list_findings(session)}
    engine.dispose()
    return events, findings


def test_first_collection_reports_hidden_comments_and_comments_off(scenario: Scenario, world) -> None:
    scenario.ig_hide(scenario.day(-1), comment_id(3))
    result = _run(world, scenario, 0)
    assert result.status == "ok" and result.comments == 6
    findings = _stored(world[2])[1]
    assert set(findings) == {("comment_hidden", comment_id(3)), ("replies_restricted", MEDIA[2])}
    hidden = findings[("comment_hidden", comment_id(3))]
    assert hidden.evidence["before_first_seen"] is True and hidden.platform == "instagram"
    assert hidden.text == TRICKY_TEXT and hidden.subject_name == IG_TROLL.username
    restricted = findings[("replies_restricted", MEDIA[2])]
    assert restricted.evidence["reply_settings"] == "comments_disabled"
    assert _run(world, scenario, 1).events == 0  # nothing new the next night


def test_hides_deletion_and_comments_off_then_undone_over_nights(scenario: Scenario, world) -> None:
    scenario.ig_hide(scenario.day(1, 10), comment_id(5))
    scenario.ig_delete(scenario.day(1, 11), comment_id(6), by="account")
    scenario.ig_comments(scenario.day(1, 12), MEDIA[0], enabled=False)
    scenario.ig_hide(scenario.day(2, 10), comment_id(5), hidden=False)
    scenario.ig_comments(scenario.day(2, 11), MEDIA[0], enabled=True)
    for day in range(3):
        assert _run(world, scenario, day).status == "ok"
    # Comments back on closes a finding: one open observation is not enough, the next confirms.
    assert ("replies_reopened", MEDIA[0], "account", "snapshot_diff") not in _stored(world[2])[0]
    assert _run(world, scenario, 3).status == "ok"
    events, findings = _stored(world[2])
    assert events == [
        ("replies_restricted", MEDIA[2], "account", "snapshot_diff"),  # night 0: off from the start
        ("comment_hidden", comment_id(5), "account", "snapshot_diff"),
        ("replies_restricted", MEDIA[0], "account", "snapshot_diff"),
        ("comment_deleted", comment_id(6), "unknown", "lookup"),  # Instagram does not say who
        ("comment_unhidden", comment_id(5), "account", "snapshot_diff"),
        ("replies_reopened", MEDIA[0], "account", "snapshot_diff"),
    ]
    truth = {(t.kind, t.subject_id) for t in scenario.ground_truth()}
    assert truth == {(kind, subject) for kind, subject, _, _ in events}
    assert findings[("comment_hidden", comment_id(5))].status == "closed"
    assert findings[("replies_restricted", MEDIA[0])].status == "closed"
    assert findings[("replies_restricted", MEDIA[2])].status == "open"
    reopened = _reopened_bracket(world[2], MEDIA[0])
    assert reopened == (scenario.day(1, 23, 30), scenario.day(2, 23, 30))  # first seen open
    deleted = findings[("comment_deleted", comment_id(6))]
    assert (deleted.severity, deleted.status) == ("review", "open")
    assert deleted.occurred_after == scenario.day(0, 23, 30)
    assert deleted.evidence["lookup"]["error"].startswith("Graph error 100/33")


def _reopened_bracket(db_url: str, media_id: str):
    engine = make_engine(db_url)
    with Session(engine) as session:
        event = session.scalars(select(Event).where(Event.kind == "replies_reopened",
                                                    Event.subject_id == media_id)).one()
    engine.dispose()
    return event.occurred_after, event.occurred_before


def test_findings_json_and_verify_for_instagram(scenario: Scenario, world) -> None:
    scenario.ig_hide(scenario.day(1, 10), comment_id(1))
    _run(world, scenario, 0)
    _run(world, scenario, 1)
    config = str(world[1])
    result = CliRunner().invoke(cli, ["--config", config, "findings", "--account", "ig-0",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    by_kind = {row["kind"]: row for row in json.loads(result.output)}
    assert set(by_kind) == {"comment_hidden", "replies_restricted"}
    hidden = by_kind["comment_hidden"]
    assert (hidden["platform"], hidden["account"], hidden["subject_id"], hidden["post_id"]) == \
        ("instagram", "ig-0", comment_id(1), MEDIA[0])
    assert hidden["severity"] == "medium" and hidden["occurred_after"].startswith("2026-11-16T23:30")
    verified = CliRunner().invoke(cli, ["--config", config, "verify"])
    assert verified.exit_code == 0 and "chain intact" in verified.output
