"""Render report data: HTML and text (Jinja2, autoescaped), the CSV attachment and the PNG chart."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from analysis import i18n
from analysis.queries import FindingRow
from analysis.report import SEVERITIES, BlockedUser, WeeklyReport
from analysis.selective_report import section_view
from analysis.text_safety import visible
from analysis.witness import WitnessRow, csv_rows

CSV_COLUMNS = ("id", "institution", "account", "platform", "kind", "severity", "status",
               "subject_id", "subject_name", "text", "post_id", "actor", "source",
               "occurred_after", "occurred_before", "detected_at", "reviewed_by", "review_note")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SEVERITY_COLOURS = {"high": "#d92d20", "medium": "#f79009", "review": "#2e90fa", "low": "#98a2b3"}
_HIDDEN_EVIDENCE = {"before_first_seen", "list", "last_complete_listing_run"}
# Continuation lines of user text in plain text: indented, so they cannot pose as report lines.
_CONTINUATION = "    "


@dataclass(frozen=True)
class RenderedReport:
    """The parts of one report, ready to be written to files or mailed."""

    subject: str
    html: str
    text: str
    csv: bytes
    chart_png: bytes


@functools.cache
def _environment() -> Environment:
    """The templates, compiled once; everything language-specific comes with each render."""
    env = Environment(loader=PackageLoader("analysis", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html",),
                                                   default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["dt"] = _format_datetime
    env.filters["term"] = _term
    env.filters["shown"] = shown  # every user field of the .txt templates
    env.filters["bdi"] = bdi  # every user field of the .html templates
    env.globals["colour"] = _SEVERITY_COLOURS.get
    return env


@pass_context
def _format_datetime(context: Context, moment: datetime | None) -> str:
    return i18n.format_datetime(moment, context["lang"], context["tz"])


@pass_context
def _term(context: Context, value: str | None) -> str:
    return i18n.term(value, context["lang"])


def shown(value: object) -> str:
    """User text for plain text: controls as `<U+XXXX>` marks, continuation lines indented."""
    if value is None:
        return ""
    return visible(str(value)).replace("\n", "\n" + _CONTINUATION)


def bdi(value: object) -> Markup:
    """User text for HTML: escaped, C0/C1 controls visible, isolated in `<bdi>` (direction auto)."""
    if value is None or value == "":
        return Markup("")
    # <bdi> keeps right-to-left names and any bidi controls inside from reordering our sentence.
    return Markup("<bdi>{}</bdi>").format(visible(str(value), isolated=True))


def finding_link(base_url: str, finding_id: int) -> str:
    """The portal page of a finding (`[web] base_url`/bulgu/{id}), or "" without a portal."""
    return f"{base_url}/bulgu/{int(finding_id)}" if base_url else ""


def _helpers(language: str, tz: ZoneInfo, base_url: str = "") -> dict[str, Any]:
    def ref(finding_id: int) -> Markup:
        link = finding_link(base_url, finding_id)
        if not link:
            return Markup("<b>#{}</b>").format(finding_id)
        return Markup('<a href="{}" style="color:#175cd3;"><b>#{}</b></a>').format(link, finding_id)

    return {
        "ref": ref,  # a finding's number, linked to its portal page when there is one
        "url": lambda finding_id: (f" {finding_link(base_url, finding_id)}" if base_url else ""),
        "L": i18n.LABELS[language], "lang": language, "tz": tz,
        "bracket": lambda after, before, first=False: bracket(after, before, first, language, tz),
        "evidence": lambda row: evidence_lines(row, language, tz),
        "duration": lambda user, now: blocked_duration(user, now, language),
    }


def bracket(after: datetime | None, before: datetime, before_first_audit: bool, language: str,
            tz: ZoneInfo) -> str:
    """When an action happened, as the interval the audits allow us to state."""
    end = i18n.format_datetime(before, language, tz)
    if after is None:
        text = i18n.phrase("before", language, before=end)
    else:
        text = i18n.phrase("between", language, after=i18n.format_datetime(after, language, tz),
                           before=end)
    return text + (i18n.phrase("first_audit", language) if before_first_audit else "")


def blocked_duration(user: BlockedUser, now: datetime, language: str) -> str:
    """How long a user has been blocked: a range of whole days, or a lower bound."""
    low = max(0, (now - user.blocked_before).days)
    if user.blocked_after is None:
        return i18n.phrase("days_min", language, low=low)
    high = max(low, (now - user.blocked_after).days)
    return i18n.phrase("days_range", language, low=low, high=high)


def evidence_lines(row: FindingRow, language: str, tz: ZoneInfo) -> list[tuple[str, str]]:
    """A finding's evidence as (label, value) lines: who acted, how we know, what was seen when."""
    labels = i18n.LABELS[language]
    lines = [(labels["actor"], i18n.term(row.actor, language)),
             (labels["source"], i18n.term(row.source, language))]
    names = i18n.EVIDENCE_KEYS[language]
    for key, value in row.evidence.items():
        if key in _HIDDEN_EVIDENCE or value in (None, "", {}):
            continue
        lines.append((names.get(key, key), _evidence_value(key, value, language, tz)))
    return lines


def _evidence_value(key: str, value: Any, language: str, tz: ZoneInfo) -> str:
    if key == "lookup" and isinstance(value, dict):
        if set(value) == {"error"}:
            return str(value["error"])
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if key == "previously":
        return i18n.term(str(value), language)
    if isinstance(value, str):
        try:
            return i18n.format_datetime(datetime.fromisoformat(value), language, tz)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False)


def weekly_subject(report: WeeklyReport) -> str:
    """The email subject, e.g. "modaudit haftalık rapor — Örnek Valiliği — 2026-W47"."""
    return i18n.phrase("subject_weekly", report.language, inst=report.institution,
                       week=report.period)


def render_weekly(report: WeeklyReport, chart_src: str, attached_csv: bool = True,
                  base_url: str = "") -> RenderedReport:
    """Subject, HTML (chart at `chart_src`, e.g. a `cid:` URL), text, CSV and chart of one report.

    With `base_url` (`[web] base_url`), every finding links to its portal page.
    """
    env = _environment()
    context = _weekly_context(report, chart_src, attached_csv, base_url)
    return RenderedReport(
        subject=context["subject"],
        html=env.get_template("weekly.html").render(context),
        text=env.get_template("weekly.txt").render(context),
        csv=findings_csv(report.new_findings, report.tz),
        chart_png=render_chart(report),
    )


def render_weekly_html(report: WeeklyReport, chart_src: str, attached_csv: bool = True,
                       base_url: str = "") -> str:
    """Only the HTML of a report (e.g. for a file beside its chart and CSV)."""
    env = _environment()
    return env.get_template("weekly.html").render(_weekly_context(report, chart_src, attached_csv,
                                                                  base_url))


def _weekly_context(report: WeeklyReport, chart_src: str, attached_csv: bool,
                    base_url: str = "") -> dict[str, Any]:
    language, tz = report.language, report.tz
    days = report.week.days()
    return {
        **_helpers(language, tz, base_url),
        "r": report, "subject": weekly_subject(report), "chart_src": chart_src,
        "attached_csv": attached_csv,
        "sel": section_view(report.selective, language, tz) if report.selective else None,
        "week_range": f"{i18n.format_date(days[0], language)} – {i18n.format_date(days[-1], language)}",
        "zone": tz.key,
        "rule": i18n.CLAUSE_2_TR if language == "tr" else i18n.CLAUSE_2_EN,
        "duty": i18n.MANAGERS_DUTY_TR if language == "tr" else i18n.MANAGERS_DUTY_EN,
        "original": (i18n.CLAUSE_2_TR, i18n.MANAGERS_DUTY_TR) if language != "tr" else None,
    }


def render_alert(rows: list[FindingRow], account: str, institution: str, language: str,
                 tz: ZoneInfo, base_url: str = "") -> tuple[str, str, str]:
    """Subject, text and HTML of a nightly alert listing new high-severity findings."""
    env = _environment()
    subject = i18n.phrase("subject_alert", language, inst=institution, account=account, n=len(rows))
    context = {**_helpers(language, tz, base_url), "rows": rows, "account": account,
               "institution": institution, "subject": subject}
    return (subject, env.get_template("alert.txt").render(context),
            env.get_template("alert.html").render(context))


def neutralise(cell: str) -> str:
    """A CSV cell that no spreadsheet will run as a formula; anything else verbatim."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def findings_csv(rows: Iterable[FindingRow], tz: ZoneInfo) -> bytes:
    """The findings as UTF-8 CSV (with a BOM, so spreadsheets read Turkish letters), times in `tz`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = []
        for column in CSV_COLUMNS:
            value = getattr(row, column)
            if isinstance(value, datetime):
                value = value.astimezone(tz).isoformat()
            values.append(neutralise("" if value is None else str(value)))
        writer.writerow(values)
    return buffer.getvalue().encode("utf-8-sig")


def witness_csv(rows: list[WitnessRow]) -> bytes:
    """The chain heads as a CSV block (a blank line, a header, one row per account) for the
    weekly CSV writer to append below the findings; empty when there are none."""
    if not rows:
        return b""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\r\n")
    for row in csv_rows(rows):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def render_chart(report: WeeklyReport) -> bytes:
    """A PNG bar chart of new findings per local day of the week, stacked by severity."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    language = report.language
    labels = [i18n.short_day(day.day, language) for day in report.per_day]
    figure = Figure(figsize=(6.4, 2.6), dpi=100)
    axes = figure.subplots()
    bottom = [0] * len(labels)
    for severity in SEVERITIES:
        heights = [day.by_severity[severity] for day in report.per_day]
        axes.bar(labels, heights, bottom=bottom, color=_SEVERITY_COLOURS[severity],
                 label=i18n.term(severity, language), width=0.6)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_title(f"{i18n.LABELS[language]['chart']} — {report.period}", fontsize=10)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max([*bottom, 1]) + 0.5)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=8)
    axes.legend(fontsize=7, frameon=False, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    figure.subplots_adjust(left=0.06, right=0.98, top=0.88, bottom=0.24)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
