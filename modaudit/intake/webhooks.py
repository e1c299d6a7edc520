"""Stored Meta webhook deliveries turned into events, a batch per transaction.

Receiving and processing are separate on purpose: the receiver (modaudit/web) only checks the
signature and commits the raw body, so a crash loses nothing; processing turns stored deliveries
into events later and is idempotent (a redelivery is stored once, and a delivery is processed
once). Each batch is read, then decided with no transaction open (parsing and rules only: no
delivery needs the platform), then written in one short transaction. A batch the database
refuses is split until the delivery it refuses is alone; that one is tried again a bounded number
of times and then set aside with the reason, so it never holds up the deliveries behind it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from collectors.meta_webhook import MalformedDelivery, parse_delivery
from collectors.records import NewEvent
from modaudit import platforms
from modaudit.config import Config
from modaudit.intake import tail
from modaudit.intake.webhook_events import webhook_events
from modaudit.store import deliveries, recheck, runs
from modaudit.store.deliveries import PROCESSED, UNKNOWN_PAGE, UNPARSEABLE
from modaudit.store.engine import utcnow

log = logging.getLogger(__name__)

# Webhook object -> account platform, as each platform's descriptor says.
OBJECT_PLATFORMS = {p.webhook_object: p.name for p in platforms.REGISTRY.values() if p.webhook_object}
BATCH = 500  # deliveries per transaction: a backlog drains in few transactions (~0.2 s each)
# While deliveries keep arriving, a step shares the receiver's writer thread with them: a batch
# this small keeps the acknowledgements waiting behind it to a few milliseconds.
BUSY_BATCH = 25
MAX_TRIES = 3  # times a delivery the database refuses is tried alone before it is set aside
# The database itself failing (down, locked past its timeout): no delivery is to blame, and the
# whole batch waits for the next pass rather than being split.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


@dataclass
class ProcessOutcome:
    """What processing did, summed over the batches it committed."""

    processed: int = 0
    unparseable: int = 0
    unknown_page: int = 0
    events: int = 0
    findings_opened: int = 0
    findings_closed: int = 0


@dataclass(frozen=True)
class Decision:
    """What one delivery comes to, decided before anything is written."""

    delivery_id: int
    status: str
    error: str | None = None
    page_id: str | None = None
    events: dict[int, list[NewEvent]] = field(default_factory=dict)  # by account
    rechecks: tuple[tuple[int, str, datetime], ...] = ()  # (account, post id, signal time)


def _account_ids(engine: Engine, config: Config, now: datetime) -> dict[tuple[str, str], int]:
    """Database ids of the configured accounts by (platform, platform account id)."""
    with Session(engine) as session, session.begin():
        ids = runs.sync_accounts(session, config.accounts, now)
    return {(a.platform, a.account_id): ids[a.name] for a in config.accounts}


def decide(delivery: Any, accounts: dict[tuple[str, str], int]) -> Decision:
    """The events, re-check signals and status of one stored delivery; no database, no network."""
    try:
        return _decide(delivery, accounts)
    except Exception as exc:  # a body no rule foresaw: keep it, set it aside, go on
        log.exception("webhook delivery %d could not be processed", delivery.id)
        return Decision(delivery.id, UNPARSEABLE, f"processing failed: {type(exc).__name__}: {exc}")


def _decide(delivery: Any, accounts: dict[tuple[str, str], int]) -> Decision:
    delivery_id = delivery.id
    try:
        parsed = parse_delivery(delivery.body)
    except MalformedDelivery as exc:
        log.warning("webhook delivery %d is unparseable: %s", delivery_id, exc)
        return Decision(delivery_id, UNPARSEABLE, str(exc))
    platform = OBJECT_PLATFORMS.get(parsed.object, "")
    page_id = ",".join(parsed.entry_ids) or None
    known = {page: accounts[(platform, page)] for page in parsed.entry_ids
             if (platform, page) in accounts}
    unknown = sorted(set(parsed.entry_ids) - set(known))
    if not known:
        error = f"no configured {platform or parsed.object or 'account'} with id " \
                f"{', '.join(unknown) or '(none)'}"
        log.warning("webhook delivery %d: %s; kept, not processed", delivery_id,
                    deliveries.storable(error))
        return Decision(delivery_id, UNKNOWN_PAGE, error, page_id)
    mine = [change for change in parsed.changes if change.page_id in known]
    refused = next((problem for change in mine if change.is_comment_moderation
                    for name, value in (("comment_id", change.comment_id), ("post_id", change.post_id))
                    if (problem := deliveries.id_problem(name, value))), None)
    if refused:
        log.warning("webhook delivery %d set aside: %s", delivery_id, refused)
        return Decision(delivery_id, UNPARSEABLE, refused, page_id)
    unknown_verbs = sorted({change.verb for change in parsed.changes if not change.verb_known})
    if unknown_verbs:
        log.warning("webhook delivery %d: verbs Meta does not document, ignored: %s", delivery_id,
                    deliveries.storable(", ".join(repr(v[:30]) for v in unknown_verbs)))
    by_account = defaultdict(list)
    for change in mine:
        by_account[known[change.page_id]].append(change)
    events = {account_id: webhook_events(changes, delivery_id, delivery.body_sha256,
                                         delivery.received_at)
              for account_id, changes in by_account.items()}
    # A webhook about a post is a signal: its comments are re-checked tonight (§5).
    rechecks = tuple(sorted({(account_id, change.post_id, delivery.received_at)
                             for account_id, changes in by_account.items()
                             for change in changes if change.post_id}))
    notes = [f"entries for unconfigured ids ignored: {', '.join(unknown)}"] if unknown else []
    if unknown_verbs:
        notes.append(f"unknown verbs ignored: {', '.join(v[:30] for v in unknown_verbs)}")
    return Decision(delivery_id, PROCESSED, "; ".join(notes) or None, page_id,
                    {a: e for a, e in events.items() if e}, rechecks)


def write(engine: Engine, decisions: list[Decision], now: datetime) -> ProcessOutcome:
    """Write decided deliveries in one transaction; those another processor claimed are skipped."""
    outcome = ProcessOutcome()
    with Session(engine) as session, session.begin():
        claimed = deliveries.claim(session, [d.delivery_id for d in decisions], now)
        mine = [d for d in decisions if d.delivery_id in claimed]
        events: dict[int, list[NewEvent]] = defaultdict(list)
        for decision in mine:  # in delivery order, so each account's chain follows receipt
            for account_id, account_events in decision.events.items():
                events[account_id].extend(account_events)
        for account_id, account_events in sorted(events.items()):
            recorded = tail.record(session, account_id, None, account_events, now)
            outcome.events += recorded.events
            outcome.findings_opened += recorded.findings_opened
            outcome.findings_closed += recorded.findings_closed
        first_signal: dict[tuple[int, str], datetime] = {}
        for decision in mine:
            for account_id, post_id, at in decision.rechecks:
                first_signal.setdefault((account_id, post_id), at)
        for (account_id, post_id), at in sorted(first_signal.items()):
            recheck.request_recheck(session, account_id, post_id, at)
        deliveries.settle(session, [{"id": d.delivery_id, "status": d.status, "error": d.error,
                                     "page_id": d.page_id} for d in mine])
    for decision in mine:
        outcome.processed += decision.status == PROCESSED
        outcome.unparseable += decision.status == UNPARSEABLE
        outcome.unknown_page += decision.status == UNKNOWN_PAGE
    return outcome


def _refusal(exc: Exception) -> str:
    """Why a delivery could not be written, in one line (never the statement or its values)."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first_line = (str(cause).strip().splitlines() or [""])[0][:300]
    return deliveries.storable(f"{type(cause).__name__}: {first_line}")


class DeliveryProcessor:
    """Processes pending deliveries a batch at a time; remembers which the database refused.

    The receiver runs `step` on the spool's writer thread when it is idle (one writer per
    process: on SQLite, storing never waits for processing to release the database lock);
    `process_deliveries` runs `process_batch` until nothing is left.
    """

    def __init__(self, engine: Engine, config: Config, *, batch: int = BATCH,
                 now: datetime | None = None) -> None:
        self.engine = engine
        self.config = config
        self.batch = batch
        self.now = now
        self.outcome = ProcessOutcome()
        self._accounts: dict[tuple[str, str], int] | None = None
        self._refused: dict[int, tuple[int, str]] = {}  # delivery -> (tries, last reason)

    def step(self, busy: bool = False) -> bool:
        """Process one batch of pending deliveries (a small one if `busy`); True if more may wait."""
        try:
            return self.process_batch(min(BUSY_BATCH, self.batch) if busy else self.batch)
        except DATABASE_UNAVAILABLE as exc:
            log.warning("webhook processing waits for the database: %s", _refusal(exc))
        except Exception:  # never let the receiver die with its processing
            log.exception("webhook processing failed; will retry")
        return False

    def process_batch(self, limit: int) -> bool:
        """Read, decide and write up to `limit` pending deliveries; True if more may be waiting.

        Raises if the database fails as a whole; a delivery it refuses is the processor's to count.
        """
        stored = deliveries.pending(self.engine, limit)  # read
        if not stored:
            return False
        now = self.now if self.now is not None else utcnow()
        if self._accounts is None:
            self._accounts = _account_ids(self.engine, self.config, now)
        decisions = [decide(delivery, self._accounts) for delivery in stored]  # decide
        refused_before = [d for d in decisions if d.delivery_id in self._refused]
        fresh = [d for d in decisions if d.delivery_id not in self._refused]
        if fresh:
            self._write_isolating(fresh, now)  # write
        for decision in refused_before:  # alone, so that it holds up no other
            self._write_isolating([decision], now)
        # Each pass settles its deliveries or counts a try against them: the next one ends.
        return True

    def _write_isolating(self, decisions: list[Decision], now: datetime) -> None:
        """Write `decisions`; if the database refuses them, halve until the refused one is alone."""
        try:
            written = write(self.engine, decisions, now)
        except DATABASE_UNAVAILABLE:
            raise
        except Exception as exc:  # a value the database refuses, or one no rule foresaw
            if len(decisions) > 1:
                middle = len(decisions) // 2
                self._write_isolating(decisions[:middle], now)
                self._write_isolating(decisions[middle:], now)
            else:
                self._tried(decisions[0].delivery_id, exc)
            return
        for name in vars(written):
            setattr(self.outcome, name, getattr(self.outcome, name) + getattr(written, name))
        for decision in decisions:
            self._refused.pop(decision.delivery_id, None)

    def _tried(self, delivery_id: int, exc: Exception) -> None:
        """Count one more failure of a delivery written alone; set it aside after MAX_TRIES."""
        tries = self._refused.get(delivery_id, (0, ""))[0] + 1
        reason = _refusal(exc)
        log.warning("webhook delivery %d could not be written (try %d of %d): %s",
                    delivery_id, tries, MAX_TRIES, reason)
        self._refused[delivery_id] = (tries, reason)
        if tries < MAX_TRIES:
            return
        who = "the database refused it" if isinstance(exc, DBAPIError) else "writing it failed"
        why = f"{who} {tries} times: {reason}"
        if deliveries.set_aside(self.engine, delivery_id, why):
            self.outcome.unparseable += 1
            log.warning("webhook delivery %d set aside: %s", delivery_id, why)
        del self._refused[delivery_id]


def process_deliveries(engine: Engine, config: Config, now: datetime | None = None,
                       batch: int = BATCH) -> ProcessOutcome:
    """Turn pending deliveries into events, a batch per transaction; safe to run again or concurrently."""
    processor = DeliveryProcessor(engine, config, batch=batch, now=now)
    while processor.process_batch(batch):
        pass
    return processor.outcome
