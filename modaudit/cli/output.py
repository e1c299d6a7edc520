"""Findings for people: a rich table in the configured zone (controls made visible), and formula-safe CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text

from analysis.render import neutralise
from analysis.text_safety import visible
from modaudit.config import Config


def write_findings_csv(rows: list[Any], stream: Any) -> None:
    """Findings as CSV; a cell that a spreadsheet would run as a formula is neutralised."""
    columns = ["id", "account", "platform", "kind", "subject_id", "subject_name", "text", "post_id",
               "severity", "status", "actor", "source", "occurred_after", "occurred_before",
               "detected_at", "reviewed_by", "review_note"]
    writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: neutralise(value) if isinstance(value, str) else value
                         for key, value in row.as_json().items()})


def print_findings_table(rows: list[Any], config: Config, emit: Callable[[Any], None]) -> None:
    """Findings as a rich table, times in the configured zone, control characters as `<U+XXXX>`."""
    def local(value: Any) -> str:
        return value.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") if value else "önce / before"
    table = Table("id", "account", "kind", "severity", "status", "subject", "text", "between", "and",
                  title=f"{len(rows)} findings")
    for row in rows:
        subject = f"{row.subject_name} ({row.subject_id})" if row.subject_name else row.subject_id
        cells = (str(row.id), row.account, row.kind, row.severity, row.status, subject,
                 row.text or "", local(row.occurred_after), local(row.occurred_before))
        # Text: user text is never rich markup; visible: nor ANSI sequences, C1 or bidi controls.
        table.add_row(*(Text(visible(cell)) for cell in cells))
    emit(table)
