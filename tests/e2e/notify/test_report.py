"""Weekly report data and rendering, over a store filled by real audits of the simulator."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.report.data import ReportScope, WeeklyReport, build_weekly_report
from modaudit.report.observability import unobservable
from modaudit.report.periods import last_complete_week, parse_week
from modaudit.report.render import neutralise, render_weekly
from modaudit.store.schema import Account, Finding
from tests.support.mailserver import free_port
from tests.support.report_world import (
    FORMULAS,
    IMG,
    INSTITUTION_A,
    REPORT_NOW,
    REVIEWER,
    SCRIPT,
    WEEK,
    World,
)
from tests.support.scenarios import TROLL


@pytest.fixture
def world(report_world: World) -> World:
    """The shared audited store (tests/conftest.py): these tests only read its findings."""
    return report_world


def _report(world: World, institution: str = INSTITUTION_A, week: str = WEEK,
            config_path: Path | None = None) -> WeeklyReport:
    config = load_config(config_path or world.config_path)
    accounts = [(a.name, a.platform, a.handle) for a in config.accounts
                if a.institution == institution]
    scope = ReportScope(institution, accounts, config.report.language, config.tz)
    engine = world.engine()
    with Session(engine) as session:
        report = build_weekly_report(session, scope, parse_week(week), REPORT_NOW)
    engine.dispose()
    return report


def test_iso_weeks_follow_the_configured_zone() -> None:
    from zoneinfo import ZoneInfo

    istanbul = ZoneInfo("Europe/Istanbul")
    start, end = parse_week("2026-W47").bounds(istanbul)
    assert (start, end) == (datetime(2026, 11, 15, 21, tzinfo=UTC), datetime(2026, 11, 22, 21, tzinfo=UTC))
    assert last_complete_week(datetime(2026, 11, 22, 21, tzinfo=UTC), istanbul).label == "2026-W47"
    assert last_complete_week(datetime(2026, 11, 22, 20, 59, tzinfo=UTC), istanbul).label == "2026-W46"
    assert parse_week("2021-W01").previous().label == "2020-W53"
    for bad in ("2026-47", "2026-W54", "W47"):
        with pytest.raises(ValueError, match=r"ISO week|has no week"):
            parse_week(bad)


def test_counts_reconcile_with_the_findings_command_and_the_store(world: World) -> None:
    report = _report(world)
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "findings", "--format", "json"])
    assert result.exit_code == 0, result.output
    start, end = parse_week(WEEK).bounds(load_config(world.config_path).tz)
    prev_start = start - timedelta(days=7)
    listed = json.loads(result.output)
    def in_period(row: dict, lo: datetime, hi: datetime) -> bool:
        return row["institution"] == INSTITUTION_A and lo <= datetime.fromisoformat(row["detected_at"]) < hi
    this_week = [row for row in listed if in_period(row, start, end)]
    before = [row for row in listed if in_period(row, prev_start, start)]

    assert len(report.new_findings) == len(this_week) == 8
    assert report.previous_week_total == len(before) == 1
    assert {c.key: c.this_week for c in report.by_kind} == Counter(r["kind"] for r in this_week)
    assert {c.key: c.previous_week for c in report.by_kind if c.previous_week} == \
        Counter(r["kind"] for r in before)
    assert {c.key: c.this_week for c in report.by_account} == Counter(r["account"] for r in this_week)
    assert sum(sum(day.by_severity.values()) for day in report.per_day) == 8
    engine = world.engine()
    with Session(engine) as session:
        stored = session.scalar(
            select(func.count()).select_from(Finding).join(Account, Account.id == Finding.account_id)
            .where(Account.institution == INSTITUTION_A, Finding.detected_at >= start,
                   Finding.detected_at < end))
    engine.dispose()
    assert stored == 8
    # The hide found at local Monday 00:00 belongs to the next week, not to this one.
    assert "2009" not in {row.subject_id for row in report.new_findings}
    assert _report(world, week="2026-W48").by_kind[0].key == "comment_hidden"


def test_report_states_blocks_reviews_health_and_limits(world: World) -> None:
    report = _report(world)
    [blocked] = report.blocked
    assert (blocked.user_id, blocked.user_name, blocked.account) == (TROLL.user_id, TROLL.name, "page-0")
    assert blocked.blocked_after is not None and blocked.blocked_before < REPORT_NOW
    [review] = report.reviews  # the W46 review is not this week's
    assert (review.reviewed_by, review.new_status) == (REVIEWER, "justified")
    reviewed = next(row for row in report.new_findings if row.subject_id == "2001")
    assert (reviewed.status, reviewed.reviewed_by) == ("justified", REVIEWER)
    [health] = report.health
    assert health.runs == {"ok": 3, "partial": 0, "failed": 0} and health.api_calls > 0
    assert health.last_success is not None
    assert health.unobservable == unobservable("facebook", "tr")
    rendered = render_weekly(report, chart_src="cid:chart")
    assert "gerekçeli" in rendered.html
    assert REVIEWER in rendered.html and REVIEWER in rendered.text
    for limit in unobservable("facebook", "tr"):
        assert limit.replace("'", "&#39;") in rendered.html and limit in rendered.text
    assert "ayrımcılık yapmamalı ve kullanıcıları veya yorumlarını silmemeli ya da engellememelidir." \
        in rendered.html
    assert "denetim ve gözetim görevini özenle yürütür" in rendered.text


def test_user_text_is_escaped_in_html_and_verbatim_in_csv(world: World) -> None:
    rendered = render_weekly(_report(world), chart_src="cid:chart")
    html = rendered.html
    assert "<script" not in html.lower() and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Rojda &lt;b&gt;Demir&lt;/b&gt;" in html
    assert SCRIPT in rendered.text and IMG in rendered.text
    # Turkish-locale Excel: a BOM, `;` between cells, Turkish headers, words for codes.
    assert rendered.csv.startswith("\ufeff".encode())
    # The findings table, then a blank row, then the chain heads (the mailbox's witness copy).
    table, heads = rendered.csv.decode("utf-8-sig").split("\r\n\r\n")
    rows = list(csv.DictReader(io.StringIO(table), delimiter=";"))
    assert "chain-head " in heads
    texts = {row["Konu kimliği"]: row["Metin"] for row in rows}
    assert texts["2001"] == SCRIPT and texts["2002"] == IMG
    for comment_id, formula in FORMULAS.items():
        assert texts[comment_id] == "'" + formula
    assert {row["Yazan / kullanıcı"] for row in rows} >= {"Ayşe Yılmaz", "İbrahim Işık", "Rojda <b>Demir</b>"}
    assert {row["Tür"] for row in rows} >= {"yorum gizlendi", "kullanıcı engellendi"}
    assert {row["Önem"] for row in rows} <= {"yüksek", "orta", "belirsiz", "düşük"}
    assert rows[0]["Tespit zamanı"].count(".") == 2 and "T" not in rows[0]["Tespit zamanı"]
    assert any(row["Bağlantı"].startswith("https://www.facebook.com/") for row in rows)


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert neutralise("a=1") == "a=1" and neutralise("") == ""


def test_english_report(world: World) -> None:
    english = world.config(free_port(), extra='[report]\nlanguage = "en"', name="english.toml")
    report = _report(world, config_path=english)
    rendered = render_weekly(report, chart_src="cid:chart")
    assert rendered.subject.startswith("Test Valiliği: social media audit, 16–22 Nov 2026 — ")
    assert "New findings this week" in rendered.html and "Collection health" in rendered.text
    assert "Mon 16 Nov 2026 – Sun 22 Nov 2026" in rendered.html
    assert "must not delete or block users or their comments" in rendered.html
    assert unobservable("facebook", "en")[0] in rendered.text
    assert "Bu hafta" not in rendered.html


def test_turkish_dates_and_chart(world: World) -> None:
    report = _report(world)
    rendered = render_weekly(report, chart_src="cid:chart")
    waiting = len(report.open_findings)
    assert rendered.subject == (f"Test Valiliği: 16–22 Kasım 2026 sosyal medya denetimi — "
                                f"{waiting} bulgu incelemenizi bekliyor")
    assert "W47" not in rendered.subject
    assert "16 Kasım 2026 Pazartesi – 22 Kasım 2026 Pazar" in rendered.html
    assert 'src="cid:chart"' in rendered.html
    assert rendered.chart_png.startswith(b"\x89PNG\r\n\x1a\n")
    by_day = {day.day.isoformat(): day.by_severity for day in report.per_day}
    assert by_day["2026-11-18"]["medium"] == 6  # the six hides, found Wednesday 02:30
    assert by_day["2026-11-19"]["high"] == 1 and by_day["2026-11-20"]["review"] == 1


def test_report_command_writes_html_csv_and_chart(world: World, tmp_path: Path) -> None:
    out = tmp_path / "out" / "rapor.html"
    result = CliRunner().invoke(cli, ["--config", str(world.config_path), "report", "weekly",
                                      "--week", WEEK, "--institution", INSTITUTION_A, "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert 'src="rapor.png"' in html and "<script" not in html.lower()
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    table, heads = out.with_suffix(".csv").read_bytes().decode("utf-8-sig").split("\r\n\r\n")
    assert table.count("\r\n") == 8 and "chain-head " in heads  # header + 8 findings; heads
    preview = CliRunner().invoke(cli, ["--config", str(world.config_path), "report", "weekly",
                                       "--week", WEEK])
    assert preview.exit_code == 0 and "Örnek Belediyesi — Hafta 2026-W47" in preview.output
    bad = CliRunner().invoke(cli, ["--config", str(world.config_path), "report", "weekly",
                                   "--week", "2026-W99"])
    assert bad.exit_code == 2 and "no week 99" in bad.output
    unknown = CliRunner().invoke(cli, ["--config", str(world.config_path), "report", "weekly",
                                       "--institution", "Yok Valiliği"])
    assert unknown.exit_code == 2 and "no institution named 'Yok Valiliği'" in unknown.output


def test_with_a_portal_every_finding_links_to_its_page(world: World) -> None:
    report = _report(world)
    linked = render_weekly(report, chart_src="chart.png", base_url="https://modaudit.example")
    for row in [*report.new_findings, *report.open_findings]:
        assert f'href="https://modaudit.example/bulgu/{row.id}"' in linked.html
        assert f"https://modaudit.example/bulgu/{row.id}" in linked.text
    plain = render_weekly(report, chart_src="chart.png")
    assert "/bulgu/" not in plain.html + plain.text
