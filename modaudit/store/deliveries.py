"""Stored webhook deliveries and sent reports: written as they happen, so nothing is lost or sent twice."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from collectors.meta_webhook import body_digest
from modaudit.store.schema import Event, ReportDelivery, WebhookDelivery

PENDING, PROCESSED, UNPARSEABLE, UNKNOWN_PAGE = "pending", "processed", "unparseable", "unknown_page"
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f]")
CHUNK = 500  # ids per IN (...): well inside SQLite's limit on bound parameters
# Bodies read for one batch: Meta's are a few kilobytes, but each may be up to the receiver's 1 MiB.
PENDING_BYTES = 16 * 1024 * 1024
# Events' subject and post ids and a delivery's page ids are columns of this length.
ID_LENGTH = min(Event.__table__.c.subject_id.type.length, Event.__table__.c.post_id.type.length)


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


def pending(engine: Engine, limit: int, max_bytes: int = PENDING_BYTES) -> list[Any]:
    """The oldest deliveries still waiting (id, body, digest, receipt time), read outside any write.

    At most `limit` of them, and no more bodies than fit in `max_bytes` (but always one).
    """
    with Session(engine) as session:
        sizes = session.execute(
            select(WebhookDelivery.id, func.length(WebhookDelivery.body))
            .where(WebhookDelivery.status == PENDING).order_by(WebhookDelivery.id).limit(limit)).all()
        chosen, total = [], 0
        for delivery_id, size in sizes:
            total += size or 0
            if chosen and total > max_bytes:
                break
            chosen.append(delivery_id)
        return [row for start in range(0, len(chosen), CHUNK) for row in session.execute(
            select(WebhookDelivery.id, WebhookDelivery.body, WebhookDelivery.body_sha256,
                   WebhookDelivery.received_at)
            .where(WebhookDelivery.id.in_(chosen[start:start + CHUNK])).order_by(WebhookDelivery.id))]


def claim(session: Session, delivery_ids: list[int], now: datetime) -> set[int]:
    """Claim the deliveries of `delivery_ids` still pending; the ids this transaction now owns.

    The write comes first: it also takes SQLite's lock (and PostgreSQL's row locks) before
    anything is written from what was read, so two processors never record one delivery twice.
    """
    claimed: set[int] = set()
    for start in range(0, len(delivery_ids), CHUNK):
        claimed.update(session.scalars(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(delivery_ids[start:start + CHUNK]),
                   WebhookDelivery.status == PENDING)
            .values(processed_at=now).returning(WebhookDelivery.id)))
    return claimed


def settle(session: Session, settled: list[dict[str, Any]]) -> None:
    """Record what processing made of claimed deliveries: rows of id, status, error, page_id."""
    if settled:
        session.execute(update(WebhookDelivery), [
            {**row, "error": row["error"] and storable(row["error"])[:500],
             "page_id": row["page_id"] and storable(row["page_id"])[:ID_LENGTH]} for row in settled])


def set_aside(engine: Engine, delivery_id: int, why: str) -> bool:
    """Keep a pending delivery no rule could process, marked unparseable with the reason."""
    with Session(engine) as session, session.begin():
        result = session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                                               WebhookDelivery.status == PENDING)
                                 .values(status=UNPARSEABLE, error=storable(why)[:500]))
    return bool(result.rowcount)


def storable(text: str) -> str:
    """`text` as both databases keep it: NULs dropped, lone surrogates as U+FFFD."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # valid JSON can carry half a surrogate pair; UTF-8 cannot
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def id_problem(name: str, value: str | None) -> str | None:
    """Why the store cannot keep `value` as an id (a NUL, control characters, too long), or None.

    Checked before writing, so SQLite (which would keep it) and PostgreSQL (which refuses a NUL
    or an over-long value) set the same delivery aside.
    """
    if value is None:
        return None
    if CONTROL_CHARACTER.search(value):
        return f"{name} holds a NUL or another control character"
    if len(value) > ID_LENGTH:
        return f"{name} is {len(value)} characters long; the store keeps ids of at most {ID_LENGTH}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{name} holds half a surrogate pair (not valid UTF-8)"
    return None


def report_sent_at(session: Session, kind: str, key: str, period: str) -> datetime | None:
    """When a report (or notice) of this kind was sent for `key` and `period`, if it was."""
    return session.scalar(select(ReportDelivery.sent_at).where(
        ReportDelivery.kind == kind, ReportDelivery.institution == key,
        ReportDelivery.period == period))


def record_report(session: Session, kind: str, key: str, period: str, now: datetime,
                  delivered: list[str], failures: dict[str, str]) -> None:
    """Record a report sent (a forced resend replaces the record): sending stays idempotent."""
    row = session.scalar(select(ReportDelivery).where(
        ReportDelivery.kind == kind, ReportDelivery.institution == key,
        ReportDelivery.period == period))
    if row is None:
        session.add(ReportDelivery(kind=kind, institution=key, period=period, sent_at=now,
                                   recipients=delivered, failures=failures))
    else:
        row.sent_at, row.recipients, row.failures = now, delivered, failures
