"""Meta webhook deliveries: stored durably as they arrive (group commit), then processed into events.

Receiving and processing are separate on purpose: the receiver only checks the signature and
commits the raw body, so a crash loses nothing; `process_deliveries` turns stored deliveries into
events later, one transaction per delivery, and is idempotent (a redelivery is stored once, and a
delivery is processed once).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from analysis.merge import absorb_corroborations
from analysis.rules import apply_rules
from analysis.webhook_events import webhook_events
from collectors.meta_webhook import MalformedDelivery, body_digest, parse_delivery
from modaudit import store
from modaudit.config import Config
from modaudit.db import WebhookDelivery, utcnow
from modaudit.evidence import record_events

log = logging.getLogger(__name__)

PENDING, PROCESSED, UNPARSEABLE, UNKNOWN_PAGE = "pending", "processed", "unparseable", "unknown_page"
OBJECT_PLATFORMS = {"page": "facebook", "instagram": "instagram"}  # webhook object -> account platform
MAX_BATCH = 256


def insert_deliveries(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Commit deliveries in one transaction; a body already stored (a redelivery) is skipped."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(WebhookDelivery).on_conflict_do_nothing(index_elements=["body_sha256"])
    with engine.begin() as connection:
        connection.execute(statement, rows)


def delivery_row(body: bytes, signature: str, received_at: datetime) -> dict[str, Any]:
    """The row a verified delivery is stored as, pending processing."""
    return {"received_at": received_at, "body": body, "body_sha256": body_digest(body),
            "signature": signature[:100], "status": PENDING}


@dataclass
class _Waiting:
    row: dict[str, Any]
    settle: Callable[[BaseException | None], None]


class DeliverySpool:
    """Group commit: callers hand over deliveries; one thread commits them in batches, then answers.

    A caller's `store` returns only after its delivery is committed, so a 200 is never sent for
    something a crash could lose; batching amortises the commit over concurrent requests. When no
    delivery is waiting, the same thread does `idle_work` (processing), one small step at a time.
    """

    def __init__(self, engine: Engine, idle_work: Callable[[], bool] | None = None, *,
                 idle_interval: float = 5.0, quiet: float = 0.05, max_defer: float = 1.0,
                 max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.idle_work = idle_work
        self.idle_interval = idle_interval  # look for pending work this often when all is quiet
        self.quiet = quiet  # idle work waits until no delivery arrived for this long...
        self.max_defer = max_defer  # ...but never longer than this under sustained load
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._last_arrival = self._last_work = time.monotonic()

    def start(self) -> None:
        """Start the writer thread."""
        self._thread = threading.Thread(target=self._run, name="webhook-spool", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    async def store(self, body: bytes, signature: str, received_at: datetime) -> None:
        """Return once the delivery is committed; raise if it could not be."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def settle(error: BaseException | None) -> None:
            loop.call_soon_threadsafe(_settle, future, error)

        self._queue.put(_Waiting(delivery_row(body, signature, received_at), settle))
        await future

    def _next(self, more_work: bool) -> _Waiting | bool | None:
        """The next queued delivery, None to stop, or False when it is time for idle work."""
        if not more_work:
            timeout = self.idle_interval
        else:
            timeout = self.quiet - (time.monotonic() - self._last_arrival)
        try:
            return self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            return False

    def _work(self) -> bool:
        self._last_work = time.monotonic()
        return self.idle_work is not None and self.idle_work()

    def _run(self) -> None:
        more_work = self.idle_work is not None  # first, whatever an earlier run left pending
        while True:
            first = self._next(more_work)
            if first is False:
                more_work = self._work()
                continue
            if first is None:
                break
            batch = [first]
            stopping = self._fill(batch)
            self._commit(batch)
            self._last_arrival = time.monotonic()
            more_work = self.idle_work is not None
            if stopping:
                break
            if time.monotonic() - self._last_work > self.max_defer:
                more_work = self._work()  # sustained load: still make progress, a step at a time

    def _fill(self, batch: list[_Waiting]) -> bool:
        """Add what else is queued (up to max_batch); True if the stop marker was among it."""
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return False
            if item is None:
                return True
            batch.append(item)
        return False

    def _commit(self, batch: list[_Waiting]) -> None:
        error: BaseException | None = None
        try:
            insert_deliveries(self.engine, [waiting.row for waiting in batch])
        except Exception as exc:  # the callers answer 503 so that Meta retries
            log.exception("could not store %d webhook deliveries", len(batch))
            error = exc
        for waiting in batch:
            waiting.settle(error)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return  # the client went away; the delivery is stored all the same
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


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
        ids = store.sync_accounts(session, config.accounts, now)
    return {(a.platform, a.account_id): ids[a.name] for a in config.accounts}


def _pending_ids(engine: Engine, limit: int) -> list[int]:
    with Session(engine) as session:
        return list(session.scalars(
            select(WebhookDelivery.id).where(WebhookDelivery.status == PENDING)
            .order_by(WebhookDelivery.id).limit(limit)))


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
        _set_aside(engine, delivery_id, f"processing failed: {type(exc).__name__}: {exc}")
        outcome.unparseable += 1
    return True


def process_deliveries(engine: Engine, config: Config, now: datetime | None = None,
                       batch: int = 500) -> ProcessOutcome:
    """Turn pending deliveries into events, one transaction each; safe to run again or concurrently."""
    outcome = ProcessOutcome()
    accounts: dict[tuple[str, str], int] | None = None
    while pending := _pending_ids(engine, batch):
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
                self._pending.extend(_pending_ids(self.engine, 100))
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


def _set_aside(engine: Engine, delivery_id: int, why: str) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                        .values(status=UNPARSEABLE, error=why[:500]))


def _process_one(engine: Engine, delivery_id: int, accounts: dict[tuple[str, str], int],
                 now: datetime, outcome: ProcessOutcome) -> None:
    with Session(engine) as session, session.begin():
        # Claim it first: the write also takes SQLite's lock before anything is read.
        delivery = session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                          WebhookDelivery.status == PENDING)
            .values(processed_at=now)
            .returning(WebhookDelivery.body, WebhookDelivery.body_sha256,
                       WebhookDelivery.received_at)).first()
        if delivery is None:
            return  # another processor took it
        status, error, page_id = _apply(session, delivery_id, delivery, accounts, now, outcome)
        session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                        .values(status=status, error=error and error[:500], page_id=page_id))


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
        events = absorb_corroborations(session, account_id, events, now)
        written = record_events(session, account_id, None, events, now)
        opened, closed = apply_rules(session, written, now)
        outcome.events += len(written)
        outcome.findings_opened += opened
        outcome.findings_closed += closed
    outcome.processed += 1
    notes = [f"entries for unconfigured ids ignored: {', '.join(unknown)}"] if unknown else []
    if unknown_verbs:
        notes.append(f"unknown verbs ignored: {', '.join(v[:30] for v in unknown_verbs)}")
    return PROCESSED, "; ".join(notes) or None, page_id
