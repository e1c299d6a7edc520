"""Stored Meta webhook deliveries turned into events, one transaction per delivery.

Receiving and processing are separate on purpose: the receiver (modaudit/web) only checks the
signature and commits the raw body, so a crash loses nothing; `process_deliveries` turns stored
deliveries into events later and is idempotent (a redelivery is stored once, and a delivery is
processed once).
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from collectors.meta_webhook import MalformedDelivery, parse_delivery
from modaudit.config import Config
from modaudit.intake import tail
from modaudit.intake.webhook_events import webhook_events
from modaudit.store import deliveries, recheck, runs
from modaudit.store.deliveries import PROCESSED, UNKNOWN_PAGE, UNPARSEABLE
from modaudit.store.engine import utcnow

log = logging.getLogger(__name__)

OBJECT_PLATFORMS = {"page": "facebook", "instagram": "instagram"}  # webhook object -> account platform


@dataclass
class ProcessOutcome:
    """What one pass over the pending deliveries did."""

    processed: int = 0
    unparseable: int = 0
    unknown_page: int = 0
    events: int = 0
    findings_opened: int = 0
    findings_closed: int = 0


def _account_ids(engine: Engine, config: Config, now: datetime) -> dict[tuple[str, str], int]:
    """Database ids of the configured accounts by (platform, platform account id)."""
    with Session(engine) as session, session.begin():
        ids = runs.sync_accounts(session, config.accounts, now)
    return {(a.platform, a.account_id): ids[a.name] for a in config.accounts}


def _process_guarded(engine: Engine, delivery_id: int, accounts: dict[tuple[str, str], int],
                     now: datetime, outcome: ProcessOutcome) -> bool:
    """Process one delivery; False if the database failed (it stays pending, to retry later)."""
    try:
        _process_one(engine, delivery_id, accounts, now, outcome)
    except SQLAlchemyError:
        log.exception("webhook delivery %d could not be processed; will retry", delivery_id)
        return False
    except Exception as exc:  # a body no rule foresaw: keep it, set it aside, go on
        log.exception("webhook delivery %d could not be processed", delivery_id)
        deliveries.set_aside(engine, delivery_id, f"processing failed: {type(exc).__name__}: {exc}")
        outcome.unparseable += 1
    return True


def process_deliveries(engine: Engine, config: Config, now: datetime | None = None,
                       batch: int = 500) -> ProcessOutcome:
    """Turn pending deliveries into events, one transaction each; safe to run again or concurrently."""
    outcome = ProcessOutcome()
    accounts: dict[tuple[str, str], int] | None = None
    while pending := deliveries.pending_ids(engine, batch):
        clock = now if now is not None else utcnow()
        if accounts is None:
            accounts = _account_ids(engine, config, clock)
        for delivery_id in pending:
            if not _process_guarded(engine, delivery_id, accounts, clock, outcome):
                return outcome
        if len(pending) < batch:
            break
    return outcome


class DeliveryProcessor:
    """Processes pending deliveries a few at a time, when the spool's writer thread is idle.

    Sharing the writer thread means one writer per process: on SQLite, storing never waits for
    processing to release the database lock, so acknowledgements stay fast under load.
    """

    def __init__(self, engine: Engine, config: Config) -> None:
        self.engine = engine
        self.config = config
        self.outcome = ProcessOutcome()
        self._pending: deque[int] = deque()
        self._accounts: dict[tuple[str, str], int] | None = None

    def step(self, limit: int = 1) -> bool:
        """Process up to `limit` pending deliveries; True if more may be waiting."""
        try:
            if not self._pending:
                self._pending.extend(deliveries.pending_ids(self.engine, 100))
                if not self._pending:
                    return False
            now = utcnow()
            if self._accounts is None:
                self._accounts = _account_ids(self.engine, self.config, now)
            for _ in range(min(limit, len(self._pending))):
                if not _process_guarded(self.engine, self._pending.popleft(), self._accounts, now,
                                        self.outcome):
                    self._pending.clear()
                    return False
        except Exception:  # never let the receiver die with its processing
            log.exception("webhook processing failed; will retry")
            self._pending.clear()
            return False
        return True


def _process_one(engine: Engine, delivery_id: int, accounts: dict[tuple[str, str], int],
                 now: datetime, outcome: ProcessOutcome) -> None:
    with Session(engine) as session, session.begin():
        delivery = deliveries.claim(session, delivery_id, now)
        if delivery is None:
            return  # another processor took it
        status, error, page_id = _apply(session, delivery_id, delivery, accounts, now, outcome)
        deliveries.settle(session, delivery_id, status, error, page_id)


def _apply(session: Session, delivery_id: int, delivery: Any, accounts: dict[tuple[str, str], int],
           now: datetime, outcome: ProcessOutcome) -> tuple[str, str | None, str | None]:
    """Record the events of one claimed delivery; returns its (status, error, page ids)."""
    try:
        parsed = parse_delivery(delivery.body)
    except MalformedDelivery as exc:
        outcome.unparseable += 1
        log.warning("webhook delivery %d is unparseable: %s", delivery_id, exc)
        return UNPARSEABLE, str(exc), None
    platform = OBJECT_PLATFORMS.get(parsed.object, "")
    page_id = ",".join(parsed.entry_ids)[:100] or None
    known = {page: accounts[(platform, page)] for page in parsed.entry_ids
             if (platform, page) in accounts}
    unknown = sorted(set(parsed.entry_ids) - set(known))
    if not known:
        outcome.unknown_page += 1
        error = f"no configured {platform or parsed.object or 'account'} with id " \
                f"{', '.join(unknown) or '(none)'}"
        log.warning("webhook delivery %d: %s; kept, not processed", delivery_id, error)
        return UNKNOWN_PAGE, error, page_id
    changes_by_account = defaultdict(list)
    unknown_verbs = sorted({change.verb for change in parsed.changes if not change.verb_known})
    if unknown_verbs:
        log.warning("webhook delivery %d: verbs Meta does not document, ignored: %s", delivery_id,
                    ", ".join(repr(v[:30]) for v in unknown_verbs))
    for change in parsed.changes:
        if change.page_id in known:
            changes_by_account[known[change.page_id]].append(change)
    for account_id, changes in sorted(changes_by_account.items()):
        events = webhook_events(changes, delivery_id, delivery.body_sha256, delivery.received_at)
        recorded = tail.record(session, account_id, None, events, now)
        # A webhook about a post is a signal: its comments are re-checked tonight (§5).
        for post_id in sorted({c.post_id for c in changes if c.post_id}):
            recheck.request_recheck(session, account_id, post_id, delivery.received_at)
        outcome.events += recorded.events
        outcome.findings_opened += recorded.findings_opened
        outcome.findings_closed += recorded.findings_closed
    outcome.processed += 1
    notes = [f"entries for unconfigured ids ignored: {', '.join(unknown)}"] if unknown else []
    if unknown_verbs:
        notes.append(f"unknown verbs ignored: {', '.join(v[:30] for v in unknown_verbs)}")
    return PROCESSED, "; ".join(notes) or None, page_id
