"""Render report data: HTML and text (Jinja2, autoescaped), the CSV attachment and the PNG chart."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from analysis.coverage import Blind
from modaudit import platforms
from modaudit.report import i18n
from modaudit.report.blocked_words import blocked_entry, headings
from modaudit.report.coverage_words import act_label, blind_lines, blind_title
from modaudit.report.data import SEVERITIES, BlockedUser, WeeklyReport, by_severity
from modaudit.report.evidence_view import evidence_lines
from modaudit.report.links import platform_url
from modaudit.report.phrases import CSV_HEADERS, SEVERITY_LEGEND, warning_sentence
from modaudit.report.selective_section import section_view
from modaudit.report.subjects import Subject, describe
from modaudit.report.text_safety import visible
from modaudit.report.witness import WitnessRow, csv_rows
from modaudit.store.exported import PostSeen
from modaudit.store.finding_rows import FindingRow

__all__ = ["RenderedReport", "bdi", "bracket", "evidence_lines", "findings_csv", "neutralise",
           "render_alert", "render_weekly", "render_weekly_html", "shown"]
# Words, not codes, in the CSV: these columns go through i18n.term (kind and actor in the
# words of the row's platform, below).
_CSV_TERMS = frozenset({"severity", "status", "source"})
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SEVERITY_COLOURS = {"high": "#d92d20", "medium": "#f79009", "review": "#2e90fa", "low": "#98a2b3"}
# Continuation lines of user text in plain text: indented, so they cannot pose as report lines.
_CONTINUATION = "    "
# Posts' addresses on the platform by (account, post id), where the ids cannot make one.
Permalinks = dict[tuple[str, str], str]
# Stored posts by (account, post id): what a finding about a post shows (its text, its time).
Posts = dict[tuple[str, str], PostSeen]


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
    env = Environment(loader=PackageLoader("modaudit.report", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html",),
                                                   default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["dt"] = _format_datetime
    env.filters["term"] = _term
    env.filters["money"] = _money
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


@pass_context
def _money(context: Context, amount: float) -> str:
    return i18n.money(amount, context["lang"])


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


def portal_link(base_url: str, finding_id: int) -> str:
    """The portal page of a finding (`[web] base_url`/bulgu/{id}), or "" without a portal."""
    return f"{base_url}/bulgu/{int(finding_id)}" if base_url else ""


def _helpers(language: str, tz: ZoneInfo, handles: dict[str, str] | None = None,
             base_url: str = "", permalinks: Permalinks | None = None,
             posts: Posts | None = None) -> dict[str, Any]:
    def ref(finding_id: int) -> Markup:
        link = portal_link(base_url, finding_id)
        if not link:
            return Markup("<b>#{}</b>").format(finding_id)
        return Markup('<a href="{}" style="color:#175cd3;"><b>#{}</b></a>').format(link, finding_id)

    return {
        "ref": ref,  # a finding's number, linked to its portal page when there is one
        "portal": bool(base_url),
        "url": lambda finding_id: (f" {portal_link(base_url, finding_id)}" if base_url else ""),
        "L": i18n.LABELS[language], "lang": language, "tz": tz,
        "bracket": lambda after, before, first=False: bracket(after, before, first, language, tz),
        "evidence": lambda row: evidence_lines(row, language, tz),
        "duration": lambda user, now: blocked_duration(user, now, language),
        "link": lambda row: finding_link(row, handles or {}, permalinks),
        "about": lambda row: subject_of(row, language, tz, posts),
        "kind": lambda row: kind_of(row, language),
    }


def kind_of(row: Any, language: str) -> str:
    """A row's kind in its account's platform's words, where the row says its platform."""
    return i18n.kind_term(row.kind, language, getattr(row, "platform", None),
                          getattr(row, "subject_id", ""))


def subject_of(row: FindingRow, language: str, tz: ZoneInfo, posts: Posts | None = None) -> Subject:
    """What a finding is about in its kind's words: the comment, the user, or the post (with
    its stored text and time from `posts`)."""
    post = (posts or {}).get((row.account, row.subject_id)) if row.kind.startswith("replies") else None
    return describe(row.kind, row.subject_id, name=row.subject_name, text=row.text,
                    post_id=row.post_id, evidence=row.evidence, language=language, tz=tz,
                    post_text=post.message if post else None,
                    published_at=post.created_at if post else None, platform=row.platform)


def finding_link(row: FindingRow, handles: dict[str, str],
                 permalinks: Permalinks | None = None) -> str | None:
    """The platform page of the post or comment a finding is about (report/links.py);
    `permalinks`: posts' addresses by (account, post id), where ids cannot make one."""
    return platform_url(row.platform, row.kind, subject_id=row.subject_id, post_id=row.post_id,
                        handle=handles.get(row.account, ""),
                        permalink=(permalinks or {}).get((row.account, row.post_id or "")))


def bracket(after: datetime | None, before: datetime, before_first_audit: bool, language: str,
            tz: ZoneInfo) -> str:
    """When an action happened, as the interval the audits allow us to state."""
    end = i18n.format_datetime(before, language, tz)
    if after is not None and i18n.format_datetime(after, language, tz) == end:
        text = end  # one point in time is written once, not "13:00 ile 13:00 arasında"
    elif after is None:
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


def weekly_subject(report: WeeklyReport) -> str:
    """The email subject: institution, the week's dates, how many findings wait, and how many
    accounts could not be audited (never "nothing waits" about accounts it could not see)."""
    language, days = report.language, report.week.days()
    parts = []
    if report.open_findings or not report.blind:
        parts.append(todo_lines(report)[0].rstrip("."))
    if report.blind:
        parts.append(i18n.phrase("blind_count", language, n=len(report.blind)))
    return i18n.phrase("subject_weekly", language, inst=report.institution,
                       dates=i18n.format_day_range(days[0], days[-1], language),
                       what=", ".join(parts))


def render_weekly(report: WeeklyReport, chart_src: str, attached_csv: bool = True,
                  base_url: str = "", permalinks: Permalinks | None = None) -> RenderedReport:
    """Subject, HTML (chart at `chart_src`, e.g. a `cid:` URL), text, CSV and chart of one report.

    With `base_url` (`[web] base_url`), every finding links to its portal page.
    """
    env = _environment()
    context = _weekly_context(report, chart_src, attached_csv, base_url, permalinks)
    return RenderedReport(
        subject=context["subject"],
        html=env.get_template("weekly.html").render(context),
        text=env.get_template("weekly.txt").render(context),
        csv=findings_csv(by_severity(report.new_findings), report.tz, report.language,
                         report.handles, permalinks, report.posts) + witness_csv(report.witness),
        chart_png=render_chart(report),
    )


def render_weekly_html(report: WeeklyReport, chart_src: str, attached_csv: bool = True,
                       base_url: str = "", permalinks: Permalinks | None = None) -> str:
    """Only the HTML of a report (e.g. for a file beside its chart and CSV)."""
    env = _environment()
    return env.get_template("weekly.html").render(_weekly_context(report, chart_src, attached_csv,
                                                                  base_url, permalinks))


def todo_lines(report: WeeklyReport) -> list[str]:
    """What needs doing, first: how many findings await review and how long the oldest has.

    Never "nothing awaits review" about an account the audit could not see."""
    language = report.language
    oldest = report.oldest_open
    if oldest is None:
        if not report.blind:
            return [i18n.LABELS[language]["todo_none"]]
        if len(report.blind) >= len(report.accounts):
            return [i18n.LABELS[language]["todo_unknown"]]
        return [i18n.LABELS[language]["todo_none_seen"]]
    days = max(0, (report.generated_at - oldest.detected_at).days)
    values = {"id": oldest.id, "kind": kind_of(oldest, language), "account": oldest.account,
              "days": days}
    return [i18n.phrase("waiting", language, n=len(report.open_findings)),
            i18n.phrase("oldest_days" if days else "oldest_today", language, **values)]


def blind_context(blind: list[Blind], accounts: int, language: str, tz: ZoneInfo) -> dict[str, Any]:
    """The collection warning's words for a template: title, one line per account, the label."""
    return {"blind_title": blind_title(blind, accounts, language) if blind else "",
            "blind_lines": blind_lines(blind, language, tz), "blind_act": act_label(language),
            "blind_all": bool(blind) and len(blind) >= accounts}


def _weekly_context(report: WeeklyReport, chart_src: str, attached_csv: bool,
                    base_url: str = "", permalinks: Permalinks | None = None) -> dict[str, Any]:
    language, tz = report.language, report.tz
    days = report.week.days()
    blocked = [(user, blocked_entry(user.user_id, user.user_name, user.platform, language,
                                    report.handles.get(user.account, "")))
               for user in report.blocked]
    return {
        **_helpers(language, tz, report.handles, base_url, permalinks, report.posts),
        **blind_context(report.blind, len(report.accounts), language, tz),
        "r": report, "subject": weekly_subject(report), "chart_src": chart_src,
        "todo": todo_lines(report), "severities": SEVERITIES,
        # each entry in its platform's words (a Bluesky account or moderation list, an X user)
        "blocked": blocked, "B": headings([entry for _, entry in blocked], language),
        "legend": [(severity, SEVERITY_LEGEND[language][severity]) for severity in SEVERITIES],
        "open_rows": by_severity(report.open_findings), "new_rows": by_severity(report.new_findings),
        "warning": lambda code, count, platform=None: warning_sentence(code, count, language,
                                                                       platform),
        "attached_csv": attached_csv,
        "sel": section_view(report.selective, language, tz) if report.selective else None,
        "week_range": f"{i18n.format_date(days[0], language)} – {i18n.format_date(days[-1], language)}",
        "zone_note": i18n.zone_note(tz, language),
        "rule": i18n.CLAUSE_2_TR if language == "tr" else i18n.CLAUSE_2_EN,
        "duty": i18n.MANAGERS_DUTY_TR if language == "tr" else i18n.MANAGERS_DUTY_EN,
        "original": (i18n.CLAUSE_2_TR, i18n.MANAGERS_DUTY_TR) if language != "tr" else None,
    }


def render_alert(rows: list[FindingRow], account: str, institution: str, language: str,
                 tz: ZoneInfo, handle: str = "", base_url: str = "", blind: list[Blind] | None = None,
                 accounts: int = 1, permalinks: Permalinks | None = None,
                 posts: Posts | None = None) -> tuple[str, str, str]:
    """Subject, text and HTML of a nightly alert: the institution's accounts the audit could not
    see (`blind`, of its `accounts`), first, then new high-severity findings of `account`."""
    env = _environment()
    blind = blind or []
    if rows:
        subject = i18n.phrase("subject_alert", language, inst=institution, account=account,
                              n=len(rows))
    else:
        subject = i18n.phrase("subject_blind", language, inst=institution, n=len(blind))
    context = {**_helpers(language, tz, {account: handle}, base_url, permalinks, posts),
               **blind_context(blind, accounts, language, tz), "rows": by_severity(rows),
               "account": account,
               "institution": institution, "subject": subject}
    return (subject, env.get_template("alert.txt").render(context),
            env.get_template("alert.html").render(context))


def neutralise(cell: str) -> str:
    """A CSV cell that no spreadsheet will run as a formula; anything else verbatim."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def findings_csv(rows: Iterable[FindingRow], tz: ZoneInfo, language: str = "tr",
                 handles: dict[str, str] | None = None,
                 permalinks: Permalinks | None = None, posts: Posts | None = None) -> bytes:
    """The findings for a spreadsheet in the reader's locale: `;`-separated UTF-8 with a BOM.

    Turkish-locale Excel splits on `;` (its list separator; `,` is the decimal comma) and reads
    UTF-8 only after a BOM. Headers and labels are words; times are local "dd.mm.yyyy hh:mm".
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    columns = CSV_HEADERS[language]
    writer.writerow([header for _, header in columns])
    for row in rows:
        values = []
        about = subject_of(row, language, tz, posts).cells(language)
        for column, _ in columns:
            if column in about:
                value: object = about[column]
            elif column == "when":
                value = bracket(row.occurred_after, row.occurred_before,
                                        bool(row.evidence.get("before_first_seen")), language, tz)
            elif column == "kind":
                value = kind_of(row, language)
            elif column == "actor":
                value = i18n.actor_term(row.actor, language, row.platform)
            elif column == "link":
                value = finding_link(row, handles or {}, permalinks)
            elif column == "platform":
                value = platforms.display(row.platform)
            else:
                value = getattr(row, column)
            if isinstance(value, datetime):
                value = value.astimezone(tz).strftime("%d.%m.%Y %H:%M")
            elif column in _CSV_TERMS:
                value = i18n.term(str(value), language)
            values.append(neutralise("" if value is None else str(value)))
        writer.writerow(values)
    return buffer.getvalue().encode("utf-8-sig")


def witness_csv(rows: list[WitnessRow]) -> bytes:
    """The chain heads as a CSV block (a blank line, a header, one row per account) for the
    weekly CSV writer to append below the findings; empty when there are none."""
    if not rows:
        return b""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")  # as findings_csv
    buffer.write("\r\n")
    for row in csv_rows(rows):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def render_chart(report: WeeklyReport) -> bytes:
    """A PNG bar chart of new findings per local day of the week, stacked by severity.

    Drawn for a phone first: shown at 100% of a ~350 px column it is scaled by about half, so the
    fonts are large, each bar carries its total, and the legend sits below in two columns.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    language = report.language
    labels = [i18n.short_day(day.day, language).split()[0] for day in report.per_day]
    figure = Figure(figsize=(5.0, 3.6), dpi=128)  # 640 x 461 px, the HTML column's width
    axes = figure.subplots()
    bottom = [0] * len(labels)
    for severity in SEVERITIES:
        heights = [day.by_severity[severity] for day in report.per_day]
        axes.bar(labels, heights, bottom=bottom, color=_SEVERITY_COLOURS[severity],
                 label=i18n.term(severity, language), width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    for index, total in enumerate(bottom):
        if total:
            axes.annotate(str(total), (index, total), ha="center", va="bottom", fontsize=14,
                          fontweight="bold", xytext=(0, 2), textcoords="offset points")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    axes.set_ylim(0, max([*bottom, 1]) * 1.2 + 0.2)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=13)
    axes.legend(fontsize=12, frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    figure.subplots_adjust(left=0.09, right=0.98, top=0.95, bottom=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
