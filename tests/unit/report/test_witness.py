"""The witness lines a report prints are read back from HTML, text and CSV alike."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from modaudit.report.render import witness_csv
from modaudit.report.witness import WitnessRow, read_heads

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ROWS = [WitnessRow("valilik-facebook", 32, "a" * 64, NOW, NOW, "https://freetsa.org/tsr", None),
        WitnessRow("Valilik & X", 7, "b" * 64, NOW, None, None, NOW)]


def test_lines_round_trip_through_every_format() -> None:
    text = "\n".join(f"  {row.line}" for row in ROWS)
    html = "".join(f"<code>{row.line.replace('&', '&amp;')}</code>" for row in ROWS)
    expected = [("valilik-facebook", 32, "a" * 64), ("Valilik & X", 7, "b" * 64)]
    assert read_heads(text) == expected
    assert read_heads(html) == expected
    assert read_heads(witness_csv(ROWS).decode("utf-8")) == expected


def test_the_csv_block_names_each_head() -> None:
    rows = list(csv.reader(io.StringIO(witness_csv(ROWS).decode("utf-8").strip()), delimiter=";"))
    assert rows[0][:3] == ["chain_account", "chain_count", "chain_head"]
    assert [r[:3] for r in rows[1:]] == [["valilik-facebook", "32", "a" * 64],
                                         ["Valilik & X", "7", "b" * 64]]
    assert rows[1][4] == NOW.isoformat(timespec="seconds") and rows[2][4] == ""
    assert witness_csv([]) == b""


def test_a_report_without_heads_has_none() -> None:
    assert read_heads("<html><p>chain-head nothing here</p></html>") == []
