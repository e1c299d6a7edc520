"""Hostile user text through the command line, over a store audited from the simulator."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.sandbox import Scenario, Simulator, User
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_findings
from modaudit.store.findings import review_finding
from tests.conftest import migrate_quickly
from tests.support.scenarios import PAGE, START
from tests.unit.analysis.test_output_hygiene import (
    BANNED,
    CLEAR,
    FORGED,
    HEBREW_NOTE,
    KURDISH,
    REVIEWER,
    RLO_NAME,
    RTL_NAME,
    _check_text,
    _raw_controls,
)

# -- the command line over a store audited from the simulator --------------------------------

CSV_FORMULA = "@SUM(A1)\x1b[2J"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite store after two audits of a page whose hidden comments and ban carry hostile text."""
    scenario = Scenario(start=START, pages=[PAGE])
    before = scenario.day(-7)
    scenario.post(before, PAGE.page_id, "900100_1", "Yol çalışması duyurusu")
    comments = [("7001", User("6001", RTL_NAME), CLEAR), ("7002", User("6002", RLO_NAME), FORGED),
                ("7003", User("6004", KURDISH), CSV_FORMULA)]
    for minutes, (comment_id, author, text) in enumerate(comments):
        scenario.comment(before + timedelta(minutes=minutes), "900100_1", comment_id, author, text)
        scenario.hide(scenario.day(1), comment_id)
    scenario.ban(scenario.day(1), PAGE.page_id, User("6003", BANNED))
    directory = tmp_path_factory.mktemp("hygiene")
    url = f"sqlite:///{directory / 'modaudit.db'}"
    migrate_quickly(url)
    engine = make_engine(url)
    engine.dispose()
    with Simulator(scenario) as simulator, pytest.MonkeyPatch.context() as env:
        env.setenv("TEST_HYGIENE_TOKEN", PAGE.token)
        config = directory / "modaudit.toml"
        config.write_text("\n".join([
            "[database]", f'url = "{url}"', "[facebook]", f'graph_base_url = "{simulator.base_url}"',
            "[collect]", "timeout_seconds = 2.0", "max_retries = 1", "backoff_seconds = 0.01",
            f"recheck_days = {list(range(1, 31))}",  # every night, as these tests assume
            "[report]", "nightly_alerts = false",
            "[[accounts]]", 'name = "page-0"', 'platform = "facebook"',
            f'account_id = "{PAGE.page_id}"', 'institution = "Test Valiliği"',
            'page_token_env = "TEST_HYGIENE_TOKEN"']) + "\n", encoding="utf-8")
        for day in (-5, 1):
            moment = START + timedelta(days=day, hours=23, minutes=30)
            simulator.set_now(moment)
            jobs.audit_all(load_config(config), "nightly", now=moment)
        engine = make_engine(url)
        with Session(engine) as session, session.begin():
            [finding] = [r.id for r in list_findings(session) if r.subject_id == "7002"]
            review_finding(session, finding, "justified", HEBREW_NOTE, REVIEWER, scenario.day(2))
        engine.dispose()
        yield config


def _invoke(config: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_findings_command_table_json_and_csv(store: Path) -> None:
    listed = json.loads(_invoke(store, "findings", "--format", "json"))
    by_id = {row["subject_id"]: row for row in listed}
    assert (by_id["7001"]["subject_name"], by_id["7001"]["text"]) == (RTL_NAME, CLEAR)  # exact
    assert by_id["7002"]["subject_name"] == RLO_NAME and by_id["6003"]["subject_name"] == BANNED
    table = _invoke(store, "findings")
    assert _raw_controls(table) == set() and "\x1b" not in table
    assert "<U+001B>[2J" in table and "<U+202E>ziraK" in table and "<U+001B>]0;pwned" in table
    rows = list(csv.DictReader(io.StringIO(_invoke(store, "findings", "--format", "csv"))))
    texts = {row["subject_id"]: row["text"] for row in rows}
    assert texts["7001"] == CLEAR and texts["7002"] == FORGED and texts["7003"] == "'" + CSV_FORMULA


def test_review_and_weekly_report_print_controls_visibly(store: Path) -> None:
    finding = next(row["id"] for row in json.loads(_invoke(store, "findings", "--format", "json"))
                   if row["subject_id"] == "7001")
    said = _invoke(store, "review", str(finding), "--status", "confirmed", "--note", "Gerekçesiz",
                   "--by", REVIEWER)
    assert _raw_controls(said) == set() and "for Müdür <U+202E>Yardımcısı)" in said
    text = _invoke(store, "report", "weekly", "--week", "2026-W47")  # prints the text part
    _check_text(text, [RTL_NAME, CLEAR, RLO_NAME, FORGED, KURDISH, CSV_FORMULA, BANNED, REVIEWER,
                       HEBREW_NOTE])
    assert "Berbat<U+001B>[2J<U+001B>[H<U+001B>[31mSAHTE<U+001B>[0m" in text
    assert "<U+001B>]0;pwned<U+0007>Trol (kullanıcı, kimlik 6003)" in text and "<U+2067>שם<U+2069>" in text
