"""Read-side queries over findings, shared by the CLI, the demo and reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from modaudit.store.quotes import quote_join
from modaudit.store.schema import (
    Account,
    Comment,
    Event,
    Finding,
    FindingAttachment,
    FindingReview,
    ListEntry,
)
from modaudit.store.schema_bluesky import DetachedQuote
from modaudit.store.sightings import sightings_by_event

FINDING_STATUSES = ("open", "justified", "confirmed", "dismissed", "closed")


@dataclass(frozen=True)
class FindingRow:
    """One finding with what a manager needs to check it."""

    id: int
    account: str
    platform: str
    institution: str
    kind: str
    subject_id: str
    subject_name: str | None
    text: str | None
    post_id: str | None
    severity: str
    status: str
    actor: str
    source: str
    occurred_after: datetime | None
    occurred_before: datetime
    detected_at: datetime
    reviewed_by: str | None
    review_note: str | None
    evidence: dict[str, Any]
    on_behalf_of: str | None = None  # the last review's `--by`
    # The attachments of its reviews: filename, content_type, size, sha256, review_id.
    attachments: tuple[dict[str, Any], ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The public JSON shape (`findings --format json`): times in ISO 8601 UTC."""
        data = asdict(self)
        data["attachments"] = list(data["attachments"])
        for key in ("occurred_after", "occurred_before", "detected_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def list_findings(session: Session, account: str | None = None, status: str | None = None, *,
                  since: datetime | None = None, until: datetime | None = None) -> list[FindingRow]:
    """Findings, oldest first, optionally for one account, one status and detected in [since, until)."""
    latest_review = (select(FindingReview.finding_id, FindingReview.reviewed_by, FindingReview.note,
                            FindingReview.on_behalf_of)
                     .order_by(FindingReview.id).subquery())
    query = (
        select(Finding, Event, Account, func.coalesce(Comment.author_name, DetachedQuote.quote_author),
               func.coalesce(Comment.message, DetachedQuote.quote_text), ListEntry.user_name)
        .join(Event, Event.id == Finding.event_id)
        .join(Account, Account.id == Finding.account_id)
        .outerjoin(Comment, and_(Comment.account_id == Finding.account_id,
                                 Comment.platform_id == Finding.subject_id,
                                 Finding.kind.like("comment%")))
        .outerjoin(ListEntry, and_(ListEntry.account_id == Finding.account_id,
                                   ListEntry.user_id == Finding.subject_id,
                                   Finding.kind.like("user%")))
        .outerjoin(DetachedQuote, quote_join(Finding))
        .order_by(Finding.id)
    )
    if account:
        query = query.where(Account.name == account)
    if status:
        query = query.where(Finding.status == status)
    if since is not None:
        query = query.where(Finding.detected_at >= since)
    if until is not None:
        query = query.where(Finding.detected_at < until)
    reviews: dict[int, tuple[str | None, ...]] = {
        fid: (by, note, behalf) for fid, by, note, behalf in session.execute(select(latest_review))
    }
    attached: dict[int, list[dict[str, Any]]] = {}
    for item in session.execute(select(FindingAttachment.finding_id, FindingAttachment.review_id,
                                       FindingAttachment.filename, FindingAttachment.content_type,
                                       FindingAttachment.size, FindingAttachment.sha256)
                                .order_by(FindingAttachment.id)).mappings():
        attached.setdefault(item["finding_id"], []).append(
            {key: item[key] for key in ("review_id", "filename", "content_type", "size", "sha256")})
    rows = []
    results = session.execute(query).all()
    # Other sources that saw the same action (a webhook and polling), cited in the evidence.
    sightings = sightings_by_event(session, [result[1].id for result in results])
    for finding, event, acc, author_name, message, user_name in results:
        review = reviews.get(finding.id, (None, None, None))
        rows.append(FindingRow(
            id=finding.id, account=acc.name, platform=acc.platform, institution=acc.institution,
            kind=finding.kind, subject_id=finding.subject_id,
            subject_name=user_name if finding.kind.startswith("user") else author_name,
            text=message, post_id=finding.post_id, severity=finding.severity,
            status=finding.status, actor=event.actor, source=event.source,
            occurred_after=event.occurred_after, occurred_before=event.occurred_before,
            detected_at=finding.detected_at, reviewed_by=review[0], review_note=review[1],
            evidence={**event.evidence, "sightings": sightings[event.id]}
            if event.id in sightings else event.evidence,
            on_behalf_of=review[2], attachments=tuple(attached.get(finding.id, ())),
        ))
    return rows


def list_events(session: Session, account: str | None = None) -> list[Event]:
    """All recorded events, oldest first."""
    query = select(Event).join(Account, Account.id == Event.account_id).order_by(Event.id)
    if account:
        query = query.where(Account.name == account)
    return list(session.scalars(query))
