"""The weekly report: decide → build the data → render → send, and record it.

The body of the `weekly_report` job, on an open engine.
"""

from __future__ import annotations

import logging
import re
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analysis.cost import prices, quota_projects
from modaudit.config import AccountConfig, Config, ConfigError
from modaudit.notify import anchoring, mail
from modaudit.report.cost_section import CostSettings
from modaudit.report.data import ReportScope, WeeklyReport, build_weekly_report
from modaudit.report.periods import IsoWeek
from modaudit.report.render import Permalinks, render_weekly, render_weekly_html
from modaudit.store import deliveries
from modaudit.store.permalinks import instagram_permalinks

log = logging.getLogger(__name__)
WEEKLY = "weekly"


@dataclass
class ReportOutcome:
    """What happened to one institution's weekly report."""

    institution: str
    period: str
    status: str  # sent | already_sent | not_delivered | no_recipients | built
    new_findings: int = 0
    delivered: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    text: str = ""
    sent_at: datetime | None = None


def institutions(config: Config) -> dict[str, list[AccountConfig]]:
    """Each institution's accounts, in configuration order."""
    grouped: dict[str, list[AccountConfig]] = {}
    for account in config.accounts:
        grouped.setdefault(account.institution, []).append(account)
    return grouped


def managers(accounts: list[AccountConfig]) -> list[str]:
    """The report's recipients: every manager of the institution's accounts, once."""
    return list(dict.fromkeys(address for account in accounts for address in account.managers))


def run_weekly_report(engine: Engine, config: Config, week: IsoWeek, *, now: datetime,
                      institution: str | None = None, send: bool = True, force: bool = False,
                      out: Path | None = None,
                      ssl_context: ssl.SSLContext | None = None,
                      unfinished: frozenset[str] = frozenset()) -> list[ReportOutcome]:
    """Build (and send, and/or write) the report of `week` for each institution, or only one.

    `unfinished`: accounts whose scan was still queued or running; the report says so.
    """
    groups = institutions(config)
    if institution is not None:
        if institution not in groups:
            where = config.path.name if config.path else "the configuration"
            raise ConfigError(f"no institution named {institution!r} in {where}")
        groups = {institution: groups[institution]}
    outcomes = []
    for name, accounts in groups.items():
        outcome = _weekly_for(engine, config, name, accounts, week, now=now, send=send,
                              force=force, out=_out_path(out, name, len(groups) > 1),
                              ssl_context=ssl_context, unfinished=unfinished)
        outcomes.append(outcome)
    return outcomes


def _out_path(out: Path | None, institution: str, many: bool) -> Path | None:
    if out is None or not many:
        return out
    slug = re.sub(r"\W+", "-", institution).strip("-")
    return out.with_name(f"{out.stem}-{slug}{out.suffix or '.html'}")


def _weekly_for(engine: Engine, config: Config, institution: str, accounts: list[AccountConfig],
                week: IsoWeek, *, now: datetime, send: bool, force: bool, out: Path | None,
                ssl_context: ssl.SSLContext | None,
                unfinished: frozenset[str] = frozenset()) -> ReportOutcome:
    outcome = ReportOutcome(institution=institution, period=week.label, status="built")
    # Time-stamp the heads this report will witness (a TSA down only leaves them pending).
    anchoring.anchor_quietly(engine, config, now, [a.name for a in accounts])
    with Session(engine) as session:
        sent_at = (deliveries.report_sent_at(session, WEEKLY, institution, week.label)
                   if send and not force else None)
        if sent_at is not None:
            log.info("%s %s: already sent at %s", institution, week.label, sent_at)
            outcome.status, outcome.sent_at, send = "already_sent", sent_at, False
            if out is None:
                return outcome
        scope = ReportScope(institution=institution,
                            accounts=[(a.name, a.platform, a.handle) for a in accounts],
                            language=config.report.language, tz=config.tz,
                            unfinished=unfinished & {a.name for a in accounts},
                            min_group_size=config.selective.min_group_size,
                            alpha=config.selective.alpha,
                            nightly_audit=config.schedule.nightly_audit,
                            cost_settings=CostSettings(config.collect.recheck_days,
                                                       config.collect.lists_every_days,
                                                       prices(config.x), config.x.prices_as_of,
                                                       quota_projects(config)))
        report = build_weekly_report(session, scope, week, now)
        permalinks = instagram_permalinks(session, [
            (row.account, row.post_id) for row in (*report.open_findings, *report.new_findings)])
    chart_cid = mail.new_content_id("chart")
    rendered = render_weekly(report, chart_src=f"cid:{chart_cid}", base_url=config.web.base_url,
                             permalinks=permalinks)
    outcome.new_findings, outcome.text = len(report.new_findings), rendered.text
    if out is not None:
        outcome.files = write_files(report, rendered.csv, rendered.chart_png, out,
                                    base_url=config.web.base_url, permalinks=permalinks)
    if not send:
        return outcome
    recipients = managers(accounts)
    if not recipients:
        log.warning("%s %s: no managers configured, report not sent", institution, week.label)
        outcome.status = "no_recipients"
        return outcome
    message = mail.compose(
        subject=rendered.subject, sender=config.smtp.from_, recipients=recipients,
        text=rendered.text, html=rendered.html, now=now,
        inline=(mail.InlineImage(chart_cid, rendered.chart_png),),
        attachments=(mail.Attachment(f"modaudit-{week.label}.csv", rendered.csv, "text", "csv",
                                     {"charset": "utf-8"}),),
    )
    delivery = mail.send(config.smtp, message, recipients, ssl_context=ssl_context)
    outcome.delivered, outcome.failures = delivery.delivered, delivery.failures
    outcome.status = "sent" if delivery.ok else "not_delivered"
    if delivery.ok:
        _record_delivery(engine, institution, week.label, now, delivery)
        outcome.sent_at = now
    if delivery.failures:
        log.warning("%s %s: report not delivered to %s", institution, week.label,
                    ", ".join(f"{r} ({why})" for r, why in delivery.failures.items()))
    return outcome


def write_files(report: WeeklyReport, csv: bytes, chart_png: bytes, out: Path,
                base_url: str = "", permalinks: Permalinks | None = None) -> list[Path]:
    """Write the HTML at `out`, with its chart (PNG) and the findings (CSV) beside it."""
    html_path = out if out.suffix else out.with_suffix(".html")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    chart_path, csv_path = html_path.with_suffix(".png"), html_path.with_suffix(".csv")
    chart_path.write_bytes(chart_png)
    csv_path.write_bytes(csv)
    html = render_weekly_html(report, chart_src=chart_path.name, attached_csv=False,
                              base_url=base_url, permalinks=permalinks)
    html_path.write_text(html, encoding="utf-8")
    return [html_path, csv_path, chart_path]


def _record_delivery(engine: Engine, institution: str, period: str, now: datetime,
                     delivery: mail.Delivery) -> None:
    with Session(engine) as session, session.begin():
        deliveries.record_report(session, WEEKLY, institution, period, now, delivery.delivered,
                                 delivery.failures)
