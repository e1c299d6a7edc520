"""Detection end to end: simulator → real collector → store → events and findings, on both databases."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from modaudit.cli import cli
from modaudit.sandbox import Fault, Scenario, Simulator
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_events, list_findings
from modaudit.store.schema import Run
from tests.support.scenarios import AYSE, IBRAHIM, PAGE, TRICKY_TEXT, TROLL, audit_night, small_scenario

Audit = Callable[[int], object]


@pytest.fixture
def scenario() -> Scenario:
    return small_scenario()


@pytest.fixture
def world(scenario: Scenario, migrated: str, write_config) -> Iterator[tuple[Simulator, Path, str]]:
    """A running simulator for `scenario`, a config pointing at it, and the database URL."""
    with Simulator(scenario) as simulator:
        simulator.timeout_sleep = 0.5
        config_path = write_config(migrated, simulator.base_url, scenario.pages)
        yield simulator, config_path, migrated


def _events(db_url: str) -> list[tuple[str, str]]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        events = [(e.kind, e.subject_id) for e in list_events(session)]
    engine.dispose()
    return events


def _findings(db_url: str):
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = list_findings(session)
    engine.dispose()
    return rows


def _run(world, scenario: Scenario, day: int):
    simulator, config_path, _ = world
    return audit_night(config_path, simulator, scenario, day)


def test_first_collection_reports_what_is_already_hidden_or_banned(scenario: Scenario, world) -> None:
    scenario.hide(scenario.day(-1), "1003")
    scenario.ban(scenario.day(-1), PAGE.page_id, TROLL)
    result = _run(world, scenario, 0)
    assert result.status == "ok"
    findings = {(f.kind, f.subject_id): f for f in _findings(world[2])}
    assert set(findings) == {("comment_hidden", "1003"), ("user_blocked", TROLL.user_id)}
    blocked = findings[("user_blocked", TROLL.user_id)]
    assert blocked.occurred_after is None and blocked.evidence["before_first_seen"] is True
    assert blocked.severity == "high" and blocked.subject_name == TROLL.name
    assert findings[("comment_hidden", "1003")].evidence["before_first_seen"] is True
    assert _run(world, scenario, 1).events == 0  # nothing new the next night


@pytest.mark.parametrize("fault", [
    Fault("cutoff", path="900100_1/comments", after_items=1),
    Fault("throttle_page", path="900100_1/comments"),
    Fault("http500", path="900100_1/comments"),
])
def test_incomplete_listing_never_yields_a_deletion(scenario: Scenario, world, fault: Fault) -> None:
    scenario.delete(scenario.day(1, hour=9), "1002", by="page")
    simulator = world[0]
    assert _run(world, scenario, 0).status == "ok"
    simulator.add_fault(Fault(fault.kind, path=fault.path, after_items=fault.after_items,
                              start=scenario.day(1, 0), end=scenario.day(2, 0)))
    night1 = _run(world, scenario, 1)
    assert night1.status == "partial"
    assert not [e for e in _events(world[2]) if e[0] == "comment_deleted"]
    night2 = _run(world, scenario, 2)
    assert night2.status == "ok"
    deleted = [f for f in _findings(world[2]) if f.kind == "comment_deleted"]
    # 1002's reply 1004 goes with it, as on Facebook.
    assert sorted(f.subject_id for f in deleted) == ["1002", "1004"]
    first = next(f for f in deleted if f.subject_id == "1002")
    assert first.actor == "unknown" and first.severity == "review"
    assert first.occurred_after == scenario.day(0, hour=23, minute=30)  # last seen: night 0
    assert first.occurred_before == scenario.day(2, hour=23, minute=30)
    assert first.evidence["lookup"]["error"].startswith("Graph error 100/33")
    assert first.text == "Ne zaman bitecek?" and first.subject_name == IBRAHIM.name


def test_throttled_ban_list_never_yields_an_unblock(scenario: Scenario, world) -> None:
    scenario.ban(scenario.day(-1), PAGE.page_id, TROLL)
    scenario.ban(scenario.day(1, hour=9), PAGE.page_id, TROLL, banned=False)
    simulator = world[0]
    _run(world, scenario, 0)
    simulator.add_fault(Fault("throttle_page", path="/blocked", start=scenario.day(1, 0),
                              end=scenario.day(2, 0)))
    assert _run(world, scenario, 1).status == "partial"
    assert ("user_unblocked", TROLL.user_id) not in _events(world[2])
    assert [f.status for f in _findings(world[2])] == ["open"]
    _run(world, scenario, 2)
    assert ("user_unblocked", TROLL.user_id) in _events(world[2])
    assert [f.status for f in _findings(world[2])] == ["closed"]


def test_listing_glitch_is_counted_not_flagged(scenario: Scenario, world) -> None:
    simulator = world[0]
    _run(world, scenario, 0)
    simulator.add_fault(Fault("omit", item_id="1006", start=scenario.day(1, 0), end=scenario.day(2, 0)))
    result = _run(world, scenario, 1)
    assert result.listing_glitches == 1 and result.events == 0
    assert any(w.code == "listing_glitch" for w in result.warnings)
    assert _findings(world[2]) == []


def test_hide_unhide_ban_and_deletion_over_nights(scenario: Scenario, world) -> None:
    scenario.hide(scenario.day(1), "1005")
    scenario.delete(scenario.day(1), "1006", by="page")
    scenario.ban(scenario.day(2), PAGE.page_id, AYSE)
    scenario.hide(scenario.day(3), "1005", hidden=False)
    for day in range(4):
        _run(world, scenario, day)
    events = _events(world[2])
    assert events == [("comment_hidden", "1005"), ("comment_deleted", "1006"),
                      ("user_blocked", AYSE.user_id), ("comment_unhidden", "1005")]
    findings = {(f.kind, f.subject_id): f for f in _findings(world[2])}
    assert findings[("comment_hidden", "1005")].status == "closed"
    assert findings[("user_blocked", AYSE.user_id)].status == "open"
    assert findings[("user_blocked", AYSE.user_id)].occurred_after == scenario.day(1, 23, 30)
    truth = {(t.kind, t.subject_id) for t in scenario.ground_truth()}
    assert truth == set(events)


def test_author_deletion_on_facebook_is_unknown_actor_for_review(scenario: Scenario, world) -> None:
    scenario.delete(scenario.day(1), "1001", by="author")
    _run(world, scenario, 0)
    _run(world, scenario, 1)
    (finding,) = _findings(world[2])
    assert (finding.kind, finding.actor, finding.severity) == ("comment_deleted", "unknown", "review")


def test_findings_json_contract_and_text_round_trip(scenario: Scenario, world) -> None:
    scenario.hide(scenario.day(1), "1005")
    _run(world, scenario, 0)
    _run(world, scenario, 1)
    result = CliRunner().invoke(cli, ["--config", str(world[1]), "findings", "--format", "json"])
    assert result.exit_code == 0, result.output
    (finding,) = json.loads(result.output)
    for key in ("id", "account", "platform", "kind", "subject_id", "post_id", "severity", "status",
                "occurred_after", "occurred_before", "detected_at"):
        assert key in finding
    assert finding["kind"] == "comment_hidden" and finding["subject_id"] == "1005"
    assert finding["post_id"] == "900100_2" and finding["platform"] == "facebook"
    assert finding["text"] == TRICKY_TEXT and finding["subject_name"] == TROLL.name
    table = CliRunner(env={"COLUMNS": "300"}).invoke(cli, ["--config", str(world[1]), "findings"])
    assert "İıŞşĞğ" in table.output and "<script>" in table.output
    csv_out = CliRunner().invoke(cli, ["--config", str(world[1]), "findings", "--format", "csv"])
    assert TROLL.name in csv_out.output


def test_review_keeps_history_and_needs_note_and_name(scenario: Scenario, world) -> None:
    scenario.ban(scenario.day(-1), PAGE.page_id, TROLL)
    _run(world, scenario, 0)
    config = str(world[1])
    (finding,) = _findings(world[2])
    runner = CliRunner()
    missing = runner.invoke(cli, ["--config", config, "review", str(finding.id), "--status", "justified",
                                  "--by", "Vali Yardımcısı"])
    assert missing.exit_code == 2 and "--note" in missing.output
    blank = runner.invoke(cli, ["--config", config, "review", str(finding.id), "--status", "justified",
                                "--note", "  ", "--by", "Vali Yardımcısı"])
    assert blank.exit_code == 1 and "needs a note" in blank.output
    ok = runner.invoke(cli, ["--config", config, "review", str(finding.id), "--status", "justified",
                             "--note", "Mahkeme kararı 2026/12", "--by", "Vali Yardımcısı"])
    assert ok.exit_code == 0, ok.output
    runner.invoke(cli, ["--config", config, "review", str(finding.id), "--status", "confirmed",
                        "--note", "Karar kaldırıldı", "--by", "Ahmet Çelik"])
    (reviewed,) = _findings(world[2])
    # The CLI records who ran it (the OS user) and whom it was for (--by).
    assert reviewed.status == "confirmed" and reviewed.reviewed_by == getpass.getuser()
    assert reviewed.on_behalf_of == "Ahmet Çelik"
    engine = make_engine(world[2])
    with engine.connect() as connection:
        history = connection.execute(text(
            "SELECT old_status, new_status, on_behalf_of FROM finding_reviews ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in history] == [("open", "justified", "Vali Yardımcısı"),
                                           ("justified", "confirmed", "Ahmet Çelik")]
    turkish = runner.invoke(cli, ["--config", config, "review", str(finding.id), "--status",
                                  "İhlal Teyit Edildi", "--note", "Türkçe kelimeyle"])
    assert turkish.exit_code == 0, turkish.output
    assert _findings(world[2])[0].status == "confirmed"
    unknown = runner.invoke(cli, ["--config", config, "review", "999", "--status", "dismissed",
                                  "--note", "x", "--by", "y"])
    assert unknown.exit_code == 1 and "no finding with id 999" in unknown.output


def test_verify_detects_an_edited_event(scenario: Scenario, world) -> None:
    scenario.hide(scenario.day(1), "1005")
    scenario.ban(scenario.day(1), PAGE.page_id, AYSE)
    _run(world, scenario, 0)
    _run(world, scenario, 1)
    runner = CliRunner()
    config = str(world[1])
    assert runner.invoke(cli, ["--config", config, "verify"]).exit_code == 0
    engine = make_engine(world[2])
    with engine.begin() as connection:
        connection.execute(text("UPDATE events SET actor = 'author' WHERE kind = 'comment_hidden'"))
    engine.dispose()
    result = runner.invoke(cli, ["--config", config, "verify"])
    assert result.exit_code == 1
    assert "contents changed after recording" in result.output


def test_token_never_appears_in_output_logs_or_store(scenario: Scenario, world, caplog) -> None:
    caplog.set_level("DEBUG")
    simulator, config_path, db_url = world
    simulator.add_fault(Fault("cutoff", path="900100_1/comments", after_items=1))
    simulator.add_fault(Fault("timeout", path="900100_2/comments"))
    simulator.add_fault(Fault("http500", path="/blocked"))
    simulator.set_now(scenario.day(0, 23))
    result = CliRunner().invoke(cli, ["--config", str(config_path), "-v", "scan", "page-0"])
    assert "partial" in result.output
    assert PAGE.token not in result.output
    assert PAGE.token not in caplog.text
    engine = make_engine(db_url)
    with Session(engine) as session:
        warnings = json.dumps([r.warnings for r in session.scalars(select(Run))])
    engine.dispose()
    # The failures are said without their URLs (which carry the token), so none can leak it.
    assert PAGE.token not in warnings and "cut off" in warnings and "access_token" not in warnings


def test_missing_token_env_fails_the_run_naming_the_variable(scenario: Scenario, world, monkeypatch) -> None:
    monkeypatch.delenv("TEST_PAGE_TOKEN_0")
    result = _run(world, scenario, 0)
    assert result.status == "failed"
    assert "TEST_PAGE_TOKEN_0" in result.warnings[0].message


def test_findings_csv_neutralises_spreadsheet_formulas(scenario: Scenario, world) -> None:
    import csv
    import io

    scenario.comment(scenario.day(0, 9), "900100_2", "1010", AYSE, '=HYPERLINK("http://x","tıkla")')
    scenario.hide(scenario.day(1), "1010")
    _run(world, scenario, 0)
    _run(world, scenario, 1)
    out = CliRunner().invoke(cli, ["--config", str(world[1]), "findings", "--format", "csv"]).output
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["text"] == '\'=HYPERLINK("http://x","tıkla")'
    assert row["subject_name"] == "Ayşe Yılmaz"
