"""Findings for people: a rich table in the configured zone (controls made visible), and formula-safe CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text

from modaudit.config import Config
from modaudit.report.render import neutralise
from modaudit.report.text_safety import visible


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


# Short words for the terminal, so a row fits 80 columns; the legend under the table spells out
# the severity letters.
SHORT_KINDS = {"comment_hidden": "hidden", "comment_unhidden": "unhidden",
               "comment_deleted": "deleted", "reply_deleted_by_author": "deleted by author",
               "user_blocked": "blocked", "user_unblocked": "unblocked", "user_muted": "muted",
               "user_unmuted": "unmuted", "replies_restricted": "replies restricted",
               "replies_reopened": "replies reopened", "quote_detached": "quote detached"}
SEVERITY_LETTERS = {"high": "H", "medium": "M", "review": "R", "low": "L"}
LEGEND = "severity: H high · M medium · R review (actor unknown, quote detached) · L low"


def print_findings_table(rows: list[Any], config: Config, emit: Callable[[Any], None]) -> None:
    """Findings as a rich table that stays readable at 80 columns: cells wrap, never cut words.

    Times are in the configured zone; control characters are shown as `<U+XXXX>`.
    """
    def local(value: Any) -> str:
        return value.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") if value else "before"

    table = Table(title=f"{len(rows)} findings", expand=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("finding", overflow="fold", min_width=10, max_width=20)
    table.add_column("subject / text", overflow="fold", ratio=1, min_width=16)
    table.add_column(f"when ({config.tz.key})" if hasattr(config.tz, "key") else "when",
                     no_wrap=True, min_width=16)
    for row in rows:
        subject = f"{row.subject_name} ({row.subject_id})" if row.subject_name else row.subject_id
        # Text: user text is never rich markup; visible: nor ANSI sequences, C1 or bidi controls.
        # Each part is made visible before our own line breaks join them inside a cell.
        text = visible(subject) + (f"\n“{visible(row.text)}”" if row.text else "")
        finding = "\n".join((f"{SHORT_KINDS.get(row.kind, row.kind)} "
                              f"[{SEVERITY_LETTERS.get(row.severity, row.severity)}]",
                              row.status, visible(row.account)))
        after, before = local(row.occurred_after), local(row.occurred_before)
        when = before if after == before else f"{after}\n→ {before}"
        table.add_row(Text(str(row.id)), Text(finding), Text(text), Text(when))
    emit(table)
    if rows:
        emit(Text(LEGEND, style="dim"))
