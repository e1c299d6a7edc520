"""Nightly alerts: each account's managers hear of its new high-severity findings, once each,
and, first, of the institution's accounts the audit could not see (once per such stretch)."""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analysis.coverage import Blind, blind_now
from modaudit.config import AccountConfig, Config
from modaudit.notify import mail
from modaudit.report.render import Permalinks, Posts, render_alert
from modaudit.store import deliveries, findings
from modaudit.store.collection import collection_states
from modaudit.store.exported import posts_by_account
from modaudit.store.finding_rows import FindingRow, list_findings
from modaudit.store.permalinks import instagram_permalinks

log = logging.getLogger(__name__)
BLIND = "blind"  # the report-delivery kind of "this account cannot be audited" notices


@dataclass
class AlertOutcome:
    """What happened to one account's nightly alert."""

    account: str
    finding_ids: list[int]
    delivered: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


def run_nightly_alerts(engine: Engine, config: Config, now: datetime,
                       ssl_context: ssl.SSLContext | None = None) -> list[AlertOutcome]:
    """Email each account's managers its new open high-severity findings, once per finding;
    every alert first names the institution's accounts the audit could not see, and an account
    newly unseen is announced on its own once, even with no finding."""
    with Session(engine) as session:
        pending = findings.unalerted_high(session)
        blind = {item.account: item for item in blind_now(
            collection_states(session, now - timedelta(days=7)), config.schedule.nightly_audit,
            config.tz, now)}
        work = []
        for account in config.accounts:
            ids = pending.get(account.name)
            announce = account.name in blind and deliveries.report_sent_at(
                session, BLIND, account.name, _episode(blind[account.name])) is None
            if not ids and not announce:
                continue
            if not account.managers:
                log.info("account %s: %d high-severity findings, but no managers to alert",
                         account.name, len(ids or ()))
                continue
            rows = [row for row in list_findings(session, account.name, "open")
                    if row.id in (ids or ())]
            work.append((account, rows))
        permalinks = instagram_permalinks(session, [(row.account, row.post_id)
                                                    for _, rows in work for row in rows])
        posts = posts_by_account(session, [(row.account, row.subject_id) for _, rows in work
                                           for row in rows if row.kind.startswith("replies")])
    outcomes = []
    for account, rows in work:
        if not rows and _announced(engine, blind[account.name]):
            continue  # a notice about a sibling account, to the same managers, said it already
        peers = [a for a in config.accounts if a.institution == account.institution]
        unseen = [blind[a.name] for a in peers if a.name in blind]
        managed = {a.name: set(a.managers) for a in peers}
        outcomes.append(_send(engine, config, account, rows, unseen, managed, now, ssl_context,
                              permalinks, posts))
    return outcomes


def _announced(engine: Engine, item: Blind) -> bool:
    with Session(engine) as session:
        return deliveries.report_sent_at(session, BLIND, item.account, _episode(item)) is not None


def _episode(item: Blind) -> str:
    """One stretch without a successful audit, named by the last success before it."""
    return f"since-{int(item.last_success.timestamp())}" if item.last_success else "never"


def _send(engine: Engine, config: Config, account: AccountConfig, rows: list[FindingRow],
          unseen: list[Blind], managed: dict[str, set[str]], now: datetime,
          ssl_context: ssl.SSLContext | None, permalinks: Permalinks,
          posts: Posts) -> AlertOutcome:
    """One alert to `account`'s managers; an unseen account counts as announced once every
    manager of it (`managed`: the institution's accounts' managers) has received this mail."""
    subject, text, html = render_alert(rows, account.name, account.institution,
                                       config.report.language, config.tz, handle=account.handle,
                                       base_url=config.web.base_url, blind=unseen,
                                       accounts=len(managed), permalinks=permalinks, posts=posts)
    message = mail.compose(subject=subject, sender=config.smtp.from_,
                           recipients=account.managers, text=text, html=html, now=now)
    delivery = mail.send(config.smtp, message, account.managers, ssl_context=ssl_context)
    ids = [row.id for row in rows]
    if delivery.ok:
        with Session(engine) as session, session.begin():
            findings.mark_alerted(session, ids, now)
            for item in unseen:
                if managed[item.account] <= set(delivery.delivered):
                    deliveries.record_report(session, BLIND, item.account, _episode(item), now,
                                             delivery.delivered, delivery.failures)
    return AlertOutcome(account.name, ids, delivery.delivered, delivery.failures)


def alert_quietly(engine: Engine, config: Config, now: datetime) -> None:
    """Nightly alerts after an audit: a delivery problem is logged, never raised."""
    try:
        for outcome in run_nightly_alerts(engine, config, now):
            if outcome.failures:
                log.warning("alert for %s not delivered to %s", outcome.account,
                            ", ".join(f"{r} ({why})" for r, why in outcome.failures.items()))
    except Exception:
        log.exception("nightly alerts failed; the audit itself is stored")
