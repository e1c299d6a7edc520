"""Stored webhook deliveries and sent reports: written as they happen, so nothing is lost or sent twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from collectors.meta_webhook import body_digest
from modaudit.store.schema import ReportDelivery, WebhookDelivery

PENDING, PROCESSED, UNPARSEABLE, UNKNOWN_PAGE = "pending", "processed", "unparseable", "unknown_page"


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


def pending_ids(engine: Engine, limit: int) -> list[int]:
    """The oldest deliveries still waiting to be processed."""
    with Session(engine) as session:
        return list(session.scalars(
            select(WebhookDelivery.id).where(WebhookDelivery.status == PENDING)
            .order_by(WebhookDelivery.id).limit(limit)))


def claim(session: Session, delivery_id: int, now: datetime) -> Any:
    """Claim a pending delivery (body, digest, receipt time), or None if another processor has.

    The write comes first: it also takes SQLite's lock before anything is read.
    """
    return session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                      WebhookDelivery.status == PENDING)
        .values(processed_at=now)
        .returning(WebhookDelivery.body, WebhookDelivery.body_sha256,
                   WebhookDelivery.received_at)).first()


def settle(session: Session, delivery_id: int, status: str, error: str | None,
           page_id: str | None) -> None:
    """Record what processing made of a claimed delivery."""
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                    .values(status=status, error=error and error[:500], page_id=page_id))


def set_aside(engine: Engine, delivery_id: int, why: str) -> None:
    """Keep a delivery no rule could process, marked unparseable, with the reason."""
    with Session(engine) as session, session.begin():
        session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                        .values(status=UNPARSEABLE, error=why[:500]))


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
