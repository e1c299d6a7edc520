"""Terminal tables stay readable at 80 columns: nothing wider, no word cut in half, a legend."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from collectors.records import RunWarning
from modaudit.cli import common
from modaudit.cli.output import print_findings_table
from modaudit.config import Config
from modaudit.intake.scan import RunResult
from modaudit.store.finding_rows import FindingRow

AT = datetime(2026, 11, 18, 23, 30, tzinfo=UTC)


def _row(finding_id: int, kind: str, severity: str, text: str | None) -> FindingRow:
    return FindingRow(id=finding_id, account="demo-instagram-1", platform="instagram",
                      institution="Örnek Valiliği", kind=kind, subject_id="17850000000000213",
                      subject_name="caglar.aydin", text=text, post_id="1", severity=severity,
                      status="open", actor="account", source="snapshot_diff",
                      occurred_after=AT - timedelta(days=1), occurred_before=AT, detected_at=AT,
                      reviewed_by=None, review_note=None, evidence={})


def _print(width: int, printer) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    printer(console)
    return buffer.getvalue().splitlines()


@pytest.mark.parametrize("width", [80, 160])
def test_findings_table_fits_and_keeps_words_whole(width: int) -> None:
    rows = [_row(23, "comment_hidden", "medium", "Köprü açıldı mı? Kimse bir şey söylemiyor."),
            _row(24, "reply_deleted_by_author", "review", None),
            _row(25, "replies_restricted", "high", "Yanıtlar kapatıldı")]
    config = cast(Config, SimpleNamespace(tz=ZoneInfo("Europe/Istanbul")))
    lines = _print(width, lambda console: print_findings_table(rows, config, console.print))
    assert all(len(line) <= width for line in lines), lines
    shown = "\n".join(lines)
    for whole in ("hidden [M]", "2026-11-18 02:30", "→ 2026-11-19 02:30", "demo-instagram-1",
                  "severity: H high · M medium · R review"):
        assert whole in shown, whole


def test_scan_results_fit_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    result = RunResult(account="valilik-facebook-2", run_id=12345, status="partial", api_calls=1234,
                       posts=120, comments=15000, events=33, findings_opened=12, findings_closed=3,
                       warnings=[RunWarning("listing_incomplete", "post 1: cut short")])
    buffer = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=buffer, width=80, color_system=None))
    common.print_results([result])
    lines = buffer.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    shown = "\n".join(lines)
    assert "valilik-facebook-2" in shown and "15000" in shown and "+12 −3" in shown
    assert "calls: API requests" in shown


def test_selective_table_fits_80_columns() -> None:
    from analysis.selective import GroupResult
    from modaudit.cli.selective import print_table

    small = GroupResult("demo-facebook-1", "moderated", "topic:criticism", 2, None, None, None, None,
                        None, None, None, None, None, None, False, "too_few")
    lines = _print(80, lambda console: print_table([small], console))
    assert all(len(line) <= 80 for line in lines), lines
    shown = "\n".join(lines)
    assert "demo-facebook-1" in shown and "topic:criticism" in shown and "too few to judge" in shown


def test_accounts_table_fits_80_columns(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from modaudit.cli import cli

    path = tmp_path / "modaudit.toml"
    path.write_text('[[accounts]]\nname = "valilik-instagram-1"\nplatform = "instagram"\n'
                    'account_id = "17841400000000123"\nhandle = "ornekvaliligi"\n'
                    'institution = "Örnek Valiliği"\nmanagers = ["yonetici@example.gov.tr"]\n'
                    'page_token_env = "T"\n', encoding="utf-8")
    buffer = io.StringIO()
    monkeypatch.setattr("modaudit.cli.scanning.console", Console(file=buffer, width=80,
                                                                 color_system=None))
    assert CliRunner().invoke(cli, ["--config", str(path), "accounts"]).exit_code == 0
    lines = buffer.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    shown = buffer.getvalue()
    assert "valilik-instagram-1" in shown and "17841400000000123" in shown and "…" not in shown
