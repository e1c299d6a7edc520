"""Documents given with a review (a court order, a screenshot), stored with their SHA-256.

`store_attachment` is the one place an attachment is written, so the evidence chain can cover
its digest there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from modaudit.store.schema import FindingAttachment


@dataclass(frozen=True)
class NewAttachment:
    """An attachment to store: its name as uploaded, its type as sniffed, its bytes."""

    filename: str
    content_type: str
    content: bytes


def store_attachment(session: Session, finding_id: int, review_id: int, attachment: NewAttachment,
                     now: datetime) -> FindingAttachment:
    """Keep one attachment of a review, with its size and SHA-256."""
    row = FindingAttachment(finding_id=finding_id, review_id=review_id,
                            filename=attachment.filename[:255] or "ek",
                            content_type=attachment.content_type, size=len(attachment.content),
                            sha256=hashlib.sha256(attachment.content).hexdigest(),
                            content=attachment.content, created_at=now)
    session.add(row)
    session.flush()
    return row


def attachments_of(session: Session, finding_id: int) -> list[FindingAttachment]:
    """A finding's attachments without their bytes (deferred), oldest first."""
    return list(session.scalars(select(FindingAttachment)
                                .options(defer(FindingAttachment.content))
                                .where(FindingAttachment.finding_id == finding_id)
                                .order_by(FindingAttachment.id)))


def attachment(session: Session, attachment_id: int) -> FindingAttachment | None:
    """One attachment with its bytes."""
    return session.get(FindingAttachment, attachment_id)
