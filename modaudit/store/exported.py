"""What an export package reads beyond the findings: review attachments with their bytes, and the
posts that findings about a post (replies restricted or reopened) are about (also read by the
portal and the weekly report, to show such a finding's post).

Read-only; the package's builder (modaudit/evidence/package.py) gets records, not rows.
docs/architecture.md §3.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from modaudit.store.schema import (
    Account,
    ChainRecord,
    Event,
    Finding,
    FindingAttachment,
    FindingReview,
    Post,
)

CHUNK = 300  # pairs per IN list, well under every backend's limit on bound parameters


@dataclass(frozen=True)
class AttachmentBytes:
    """One review attachment as stored: its bytes, the digest recorded and chained, its name."""

    id: int
    finding_id: int
    review_id: int
    filename: str  # as uploaded: shown, never used as a path
    content_type: str
    size: int
    sha256: str
    content: bytes


@dataclass(frozen=True)
class PostSeen:
    """A post as the audit last stored it: its text (None once purged or never given) and time."""

    platform_id: str
    message: str | None
    created_at: datetime | None


def attachment_files(session: Session, finding_ids: Iterable[int]) -> list[AttachmentBytes]:
    """The attachments of these findings' reviews, with their bytes, oldest first."""
    ids = sorted(set(finding_ids))
    if not ids:
        return []
    rows = session.execute(select(
        FindingAttachment.id, FindingAttachment.finding_id, FindingAttachment.review_id,
        FindingAttachment.filename, FindingAttachment.content_type, FindingAttachment.size,
        FindingAttachment.sha256, FindingAttachment.content)
        .where(FindingAttachment.finding_id.in_(ids)).order_by(FindingAttachment.id)).all()
    return [AttachmentBytes(*row) for row in rows]


def posts_seen(session: Session, account_id: int, platform_ids: Iterable[str]) -> dict[str, PostSeen]:
    """The stored posts of one account by platform id (those the store has)."""
    wanted = sorted(set(platform_ids))
    if not wanted:
        return {}
    rows = session.execute(select(Post.platform_id, Post.message, Post.created_at).where(
        Post.account_id == account_id, Post.platform_id.in_(wanted))).all()
    return {row.platform_id: PostSeen(row.platform_id, row.message, row.created_at) for row in rows}


def finding_owner(session: Session, finding_id: int) -> str | None:
    """The name of the account finding `finding_id` belongs to (None: no such finding)."""
    return session.scalar(select(Account.name).join(Finding, Finding.account_id == Account.id)
                          .where(Finding.id == finding_id))


def account_named(session: Session, name: str) -> Account:
    """The stored account called `name`."""
    return session.scalars(select(Account).where(Account.name == name)).one()


def cited_events(session: Session, finding_ids: list[int]) -> dict[int, Event]:
    """Each finding's own event, by finding id."""
    event_ids = dict(session.execute(select(Finding.id, Finding.event_id)
                                     .where(Finding.id.in_(finding_ids))).all())
    events = {e.id: e for e in session.scalars(select(Event).where(
        Event.id.in_(list(event_ids.values()))))}
    return {fid: events[eid] for fid, eid in event_ids.items()}


def record_positions(session: Session, account_id: int,
                     finding_ids: list[int]) -> list[tuple[int, int]]:
    """(chain position, finding id) of every chained record about these findings, in order."""
    return [(seq, fid) for seq, fid in session.execute(
        select(ChainRecord.seq, ChainRecord.finding_id).where(
            ChainRecord.account_id == account_id, ChainRecord.finding_id.in_(finding_ids))
        .order_by(ChainRecord.seq))]


def reviews_of(session: Session, finding_ids: list[int]) -> list[FindingReview]:
    """The reviews of these findings, oldest first."""
    return list(session.scalars(select(FindingReview).where(
        FindingReview.finding_id.in_(finding_ids)).order_by(FindingReview.id)))


def chain_elements(session: Session, account_id: int, first: int,
                   last: int) -> list[Event | ChainRecord]:
    """The account's chain from position `first` to `last`, events and records in order."""
    return sorted([
        *session.scalars(select(Event).where(Event.account_id == account_id,
                                             Event.seq.between(first, last))),
        *session.scalars(select(ChainRecord).where(ChainRecord.account_id == account_id,
                                                   ChainRecord.seq.between(first, last)))],
        key=lambda e: e.seq)


def posts_by_account(session: Session,
                     posts: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str], PostSeen]:
    """The stored posts asked for by (account name, post id), those the store has: what the
    portal, the report and the CSVs show for a finding about a post."""
    wanted = sorted({(account, post) for account, post in posts if post})
    found: dict[tuple[str, str], PostSeen] = {}
    for start in range(0, len(wanted), CHUNK):
        for account, post_id, message, created_at in session.execute(
                select(Account.name, Post.platform_id, Post.message, Post.created_at)
                .join(Account, Account.id == Post.account_id)
                .where(tuple_(Account.name, Post.platform_id).in_(wanted[start:start + CHUNK]))):
            found[(account, post_id)] = PostSeen(post_id, message, created_at)
    return found
