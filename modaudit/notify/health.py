"""Collector health: tell the operator, once, when an account fails on consecutive nights."""

from __future__ import annotations

import html
import logging
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from modaudit.config import Config
from modaudit.notify import mail
from modaudit.store import anchors, deliveries, runs

log = logging.getLogger(__name__)
CONSECUTIVE_FAILURES = 2
HEALTH = "health"  # the report-delivery kind of the operator's notices

TEXT = {
    "tr": ("modaudit: {account} hesabı art arda {nights} gecedir toplanamıyor",
           "{account} ({institution}) hesabının son {nights} gece denetimi başarısız oldu.\n"
           "Son hata: {error}\nBu hesap için moderasyon kanıtı toplanamıyor; lütfen erişim "
           "belirtecini ve bağlantıyı kontrol edin.\n"),
    "en": ("modaudit: account {account} has failed {nights} nights in a row",
           "The last {nights} nightly audits of {account} ({institution}) failed.\n"
           "Last error: {error}\nNo moderation evidence is being collected for this account; "
           "please check its access token and connectivity.\n"),
}


ANCHOR_TEXT = {
    "tr": ("modaudit: {account} zincir başı zaman damgası bekliyor",
           "{account} hesabının kanıt zinciri {since} tarihinden beri zaman damgası alamıyor "
           "(TSA: {url}).\nSon hata: {error}\nToplama sürüyor; zaman damgası TSA yeniden yanıt "
           "verdiğinde kaldığı yerden alınacak. Lütfen [timestamp] ayarını ve bağlantıyı kontrol "
           "edin.\n"),
    "en": ("modaudit: account {account}'s chain head awaits a time-stamp",
           "{account}'s evidence chain has not been time-stamped since {since} (TSA: {url}).\n"
           "Last error: {error}\nCollection goes on; the time-stamp catches up when the TSA "
           "answers again. Please check [timestamp] and connectivity.\n"),
}


def _mail_operator(config: Config, subject: str, text: str, now: datetime) -> mail.Delivery:
    """One plain-text notice to `[report] operator` (the HTML part is the same text, escaped)."""
    message = mail.compose(subject=subject, sender=config.smtp.from_,
                           recipients=[config.report.operator], text=text,
                           html=f"<pre>{html.escape(text)}</pre>", now=now)
    return mail.send(config.smtp, message, [config.report.operator])


def _notify_once(session: Session, config: Config, account: str, period: str, subject: str,
                 text: str, now: datetime) -> bool:
    """Mail the operator about `account` unless this `period`'s notice was already delivered;
    a delivered notice is recorded so that it is sent once. True if sent now."""
    if deliveries.report_sent_at(session, HEALTH, account, period) is not None:
        return False
    session.commit()  # end the read: no transaction stays open while the mail server answers
    delivery = _mail_operator(config, subject, text, now)
    if not delivery.ok:
        log.error("could not tell the operator about %s: %s", account, delivery.failures)
        return False
    deliveries.record_report(session, HEALTH, account, period, now, delivery.delivered,
                             delivery.failures)
    session.commit()
    return True


def notify_pending_anchors(engine: Engine, config: Config, now: datetime) -> list[str]:
    """Email `[report] operator` once per account whose head has waited for a TSA a day or
    more (a TSA down delays anchors, nothing else); returns the accounts notified."""
    notified = []
    with Session(engine) as session:
        for head in anchors.heads(session):
            if head.pending_since is None or (now - head.pending_since).total_seconds() < 86400:
                continue
            period = f"tsa-{int(head.pending_since.timestamp())}"  # fits report_deliveries.period
            subject, body = ANCHOR_TEXT[config.report.language]
            values = {"account": head.account, "since": f"{head.pending_since:%Y-%m-%d %H:%M} UTC",
                      "url": config.timestamp.url, "error": head.last_error or "?"}
            if _notify_once(session, config, head.account, period, subject.format(**values),
                            body.format(**values), now):
                notified.append(head.account)
    return notified


CHECK_TEXT = {
    "tr": ("modaudit: başlangıç denetiminde {n} sorun", "modaudit serve başlarken `modaudit check` "
           "şu sorunları buldu; düzeltilene kadar ilgili hesaplar denetlenemez:\n\n{lines}\n"),
    "en": ("modaudit: {n} problems at start", "When modaudit serve started, `modaudit check` found "
           "these problems; the accounts concerned cannot be audited until they are fixed:\n\n"
           "{lines}\n"),
}


def notify_check_failures(config: Config, failures: list[str], now: datetime) -> bool:
    """Email `[report] operator` the failed start-up checks at once; True if delivered."""
    subject, body = CHECK_TEXT[config.report.language]
    text = body.format(lines="\n".join(f"✗ {line}" for line in failures))
    delivery = _mail_operator(config, subject.format(n=len(failures)), text, now)
    if not delivery.ok:
        log.error("could not tell the operator about the failed checks: %s", delivery.failures)
    return delivery.ok


def notify_failing_accounts(engine: Engine, config: Config, now: datetime) -> list[str]:
    """Email `[report] operator` once per failure streak; returns the accounts notified."""
    notified = []
    with Session(engine) as session:
        streaks = runs.failing_streaks(session, CONSECUTIVE_FAILURES)
        for account, streak in streaks:
            period = f"run-{streak[0].id}"
            warnings = streak[-1].warnings or [{}]
            error = f"{warnings[0].get('code', '?')}: {warnings[0].get('message', '')}"
            subject, body = TEXT[config.report.language]
            values = {"account": account.name, "institution": account.institution,
                      "nights": len(streak), "error": error}
            if _notify_once(session, config, account.name, period, subject.format(**values),
                            body.format(**values), now):
                notified.append(account.name)
    return notified
