"""Selective moderation over many generated weeks, and end to end through the store and the command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from modaudit import jobs
from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.report.data import ReportScope, build_weekly_report
from modaudit.report.periods import parse_week
from modaudit.report.render import render_weekly
from modaudit.sandbox import CommentAction, Simulator
from modaudit.sandbox.scenarios.selective import biased_scenario, uniform_scenario
from modaudit.store.engine import make_engine, upgrade
from modaudit.store.schema import Comment, CommentFeature
from tests.conftest import scratch_database
from tests.support.scenarios import night
from tests.support.selective_world import assess_scenario

AFFECTED = {"language:ku", "topic:criticism"}


@pytest.mark.slow
def test_uniform_moderation_rarely_flags_anything(capsys: pytest.CaptureFixture[str]) -> None:
    seeds = range(200)
    flagged = [seed for seed in seeds if any(r.flagged for r in assess_scenario(uniform_scenario(seed)))]
    share = len(flagged) / len(seeds)
    with capsys.disabled():
        print(f"\nuniform scenarios with any group flagged at the 5% level: {len(flagged)}/"
              f"{len(seeds)} = {share:.1%} (seeds {flagged})")
    assert share <= 0.05


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def biased_store(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, object]]:
    """Biased scenario 0 audited twice through the simulator and the real collector, per database.

    Shared by the tests below, which only read it.
    """
    scenario = biased_scenario(0)
    directory = tmp_path_factory.mktemp("selective")
    with scratch_database(request.param, directory) as db_url, pytest.MonkeyPatch.context() as env, \
            Simulator(scenario) as simulator:
        upgrade_engine = make_engine(db_url)
        upgrade(upgrade_engine)
        upgrade_engine.dispose()
        page = scenario.pages[0]
        env.setenv("SELECTIVE_PAGE_TOKEN", page.token)
        config_path = directory / "modaudit.toml"
        config_path.write_text("\n".join([
            "[database]", f'url = "{db_url}"', "[facebook]", f'graph_base_url = "{simulator.base_url}"',
            "[collect]", f"recheck_days = {list(range(1, 31))}",  # every night: the store sees all
            "[[accounts]]", 'name = "page-0"', 'platform = "facebook"', f'account_id = "{page.page_id}"',
            'institution = "Test Valiliği"', 'page_token_env = "SELECTIVE_PAGE_TOKEN"']) + "\n",
            encoding="utf-8")
        for day in (-1, 0):
            simulator.set_now(night(scenario, day))
            result = jobs.scan_account(load_config(config_path), "page-0", "nightly",
                                       now=night(scenario, day))
            assert result.status == "ok", result.warnings
        yield config_path, db_url, scenario


def test_biased_scenario_end_to_end_through_the_store_and_the_command(biased_store) -> None:
    config_path, db_url, scenario = biased_store
    engine = make_engine(db_url)
    with Session(engine) as session:  # detection computed the features; nothing left to backfill
        assert session.scalar(select(func.count()).select_from(CommentFeature)) == \
            session.scalar(select(func.count()).select_from(Comment)) == 1000
    engine.dispose()
    result = CliRunner().invoke(cli, ["--config", str(config_path), "selective", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    keys = {"account", "group", "n", "moderated", "rate", "rate_ratio", "ci_low", "ci_high",
            "p_adjusted", "flagged", "measure", "status", "since", "until"}
    assert all(keys <= set(row) for row in rows)
    flagged = {(row["measure"], row["group"]) for row in rows if row["flagged"]}
    assert {g for m, g in flagged if m == "moderated"} == AFFECTED
    assert all(row["p_adjusted"] < 0.01 for row in rows
               if row["measure"] == "moderated" and row["group"] in AFFECTED)
    # The store saw exactly what the scenario did: same counts as straight from its actions.
    direct = {(r.measure, r.group, r.n, r.moderated) for r in assess_scenario(scenario)}
    assert {(row["measure"], row["group"], row["n"], row["moderated"]) for row in rows} == direct
    # Aggregates only: no commenter's name or id anywhere in the output.
    authors = {(a.author_id, a.author_name) for a in scenario.actions if isinstance(a, CommentAction)}
    assert not any(author_id in result.output or name in result.output for author_id, name in authors)
    table = CliRunner().invoke(cli, ["--config", str(config_path), "selective"])
    assert table.exit_code == 0 and "FLAG" in table.output and "not proof of intent" in table.output
    empty = CliRunner().invoke(cli, ["--config", str(config_path), "selective", "--until", "2026-11-01",
                                     "--format", "json"])
    assert empty.exit_code == 0 and json.loads(empty.output) == []
    unknown = CliRunner().invoke(cli, ["--config", str(config_path), "selective", "--account", "nope"])
    assert unknown.exit_code == 2 and "no account named 'nope'" in unknown.output


def test_the_weekly_report_explains_the_disparity_in_plain_words(biased_store) -> None:
    config_path, db_url, _ = biased_store
    engine = make_engine(db_url)
    texts = {}
    for language in ("tr", "en"):
        scope = ReportScope("Test Valiliği", [("page-0", "facebook", "")], language,
                            load_config(config_path).tz)
        with Session(engine) as session:
            report = build_weekly_report(session, scope, parse_week("2026-W47"),
                                         night(biased_scenario(0), 1))
        rendered = render_weekly(report, chart_src="cid:chart")
        texts[language] = rendered.text
        assert "Kürtçe" in rendered.html if language == "tr" else "in Kurdish" in rendered.html
    engine.dispose()
    assert "Kürtçe yorumlar" in texts["tr"] and "Kurumu eleştiren yorumlar" in texts["tr"]
    assert "kasıt ya da ayrımcılık kanıtı değildir" in texts["tr"]
    assert "Comments in Kurdish were hidden or deleted" in texts["en"]
    assert "a reason to review, not proof of intent" in texts["en"]
    assert "even if it was shown again" in texts["en"]
