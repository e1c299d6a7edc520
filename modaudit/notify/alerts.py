"""Nightly alerts: each account's managers hear of its new high-severity findings, once each."""

from __future__ import annotations

import logging
import ssl
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from modaudit.config import Config
from modaudit.notify import mail
from modaudit.report.render import render_alert
from modaudit.store import findings
from modaudit.store.finding_rows import list_findings
from modaudit.store.schema import Account, Finding

log = logging.getLogger(__name__)


@dataclass
class AlertOutcome:
    """What happened to one account's nightly alert."""

    account: str
    finding_ids: list[int]
    delivered: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


def run_nightly_alerts(engine: Engine, config: Config, now: datetime,
                       ssl_context: ssl.SSLContext | None = None) -> list[AlertOutcome]:
    """Email each account's managers its new open high-severity findings, once per finding."""
    with Session(engine) as session:
        pending: dict[str, set[int]] = defaultdict(set)
        for name, finding_id in session.execute(
            select(Account.name, Finding.id).join(Account, Account.id == Finding.account_id)
            .where(Finding.severity == "high", Finding.status == "open",
                   Finding.alerted_at.is_(None))
        ):
            pending[name].add(finding_id)
        work = []
        for account in config.accounts:
            ids = pending.get(account.name)
            if not ids:
                continue
            if not account.managers:
                log.info("account %s: %d high-severity findings, but no managers to alert",
                         account.name, len(ids))
                continue
            rows = [row for row in list_findings(session, account.name, "open") if row.id in ids]
            work.append((account, rows))
    outcomes = []
    for account, rows in work:
        subject, text, html = render_alert(rows, account.name, account.institution,
                                           config.report.language, config.tz,
                                           handle=account.handle,
                                           base_url=config.web.base_url)
        message = mail.compose(subject=subject, sender=config.smtp.from_,
                               recipients=account.managers, text=text, html=html, now=now)
        delivery = mail.send(config.smtp, message, account.managers, ssl_context=ssl_context)
        ids = [row.id for row in rows]
        if delivery.ok:
            with Session(engine) as session, session.begin():
                findings.mark_alerted(session, ids, now)
        outcomes.append(AlertOutcome(account.name, ids, delivery.delivered, delivery.failures))
    return outcomes


def alert_quietly(engine: Engine, config: Config, now: datetime) -> None:
    """Nightly alerts after an audit: a delivery problem is logged, never raised."""
    try:
        for outcome in run_nightly_alerts(engine, config, now):
            if outcome.failures:
                log.warning("alert for %s not delivered to %s", outcome.account,
                            ", ".join(f"{r} ({why})" for r, why in outcome.failures.items()))
    except Exception:
        log.exception("nightly alerts failed; the audit itself is stored")
