"""One finding's page: its event, what it is about, the timeline of what the audits saw, reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit.store.attachments import attachments_of
from modaudit.store.evidence import verify_event
from modaudit.store.exported import PostSeen, posts_seen
from modaudit.store.portal_queries import Scope
from modaudit.store.quotes import quote_read
from modaudit.store.schema import (
    Account,
    Comment,
    CommentObservation,
    Event,
    Finding,
    FindingAttachment,
    FindingReview,
    ListEntry,
    ListObservation,
    Run,
)
from modaudit.store.sightings import sightings_by_event


@dataclass(frozen=True)
class TimelineItem:
    """Something the audit saw or did, at a time: `what` is a key of the portal's words."""

    at: datetime
    what: str
    detail: str = ""


@dataclass
class FindingDetail:
    """Everything the finding page shows."""

    finding: Finding
    event: Event
    account: Account
    comment: Comment | None
    entry: ListEntry | None
    post: PostSeen | None  # the post whose replies were restricted or reopened, if stored
    timeline: list[TimelineItem]
    chain_problem: str | None
    reviews: list[FindingReview]
    attachments: dict[int, list[FindingAttachment]]  # by review id
    related: list[Event]  # other events about the same subject (e.g. the un-event)
    quote: tuple[str | None, str | None] = (None, None)  # a detached quote's author and text


def finding_detail(session: Session, scope: Scope, finding_id: int) -> FindingDetail | None:
    """The finding, or None when it does not exist or lies outside the scope (both: 404)."""
    row = session.execute(scope.where(
        select(Finding, Event, Account).join(Event, Event.id == Finding.event_id)
        .join(Account, Account.id == Finding.account_id).where(Finding.id == finding_id))).first()
    if row is None:
        return None
    finding, event, account = row
    comment = entry = None
    post: PostSeen | None = None
    timeline: list[TimelineItem] = []
    if finding.kind.startswith("comment"):
        comment = session.scalars(select(Comment).where(Comment.account_id == account.id,
                                                        Comment.platform_id == finding.subject_id)).first()
    elif finding.kind.startswith("user"):
        list_name = "blocked" if finding.kind.startswith("user_block") else "muted"
        entry = session.scalars(select(ListEntry).where(
            ListEntry.account_id == account.id, ListEntry.user_id == finding.subject_id,
            ListEntry.list_name == list_name)).first()
        timeline += _list_timeline(session, account.id, list_name, finding.subject_id)
    elif finding.kind.startswith("replies"):
        post = posts_seen(session, account.id, [finding.subject_id]).get(finding.subject_id)
    if comment is not None:
        timeline += _comment_timeline(session, comment)
    related = list(session.scalars(select(Event).where(
        Event.account_id == account.id, Event.subject_id == finding.subject_id).order_by(Event.id)))
    sightings = sightings_by_event(session, [e.id for e in related])
    for other in related:
        timeline.append(TimelineItem(other.detected_at, "event", other.kind))
        timeline += [TimelineItem(_time(s.get("seen_at")) or other.detected_at, "sighting",
                                  str(s.get("source", ""))) for s in sightings.get(other.id, [])]
    reviews = list(session.scalars(select(FindingReview).where(FindingReview.finding_id == finding.id)
                                   .order_by(FindingReview.id)))
    by_review: dict[int, list[FindingAttachment]] = {}
    for item in attachments_of(session, finding.id):
        by_review.setdefault(item.review_id, []).append(item)
    timeline.sort(key=lambda item: item.at)
    quote = (quote_read(session, account.id, finding.post_id, finding.subject_id)
             if finding.kind == "quote_detached" else (None, None))
    return FindingDetail(finding, event, account, comment, entry, post, timeline,
                         verify_event(session, event.id), reviews, by_review,
                         [e for e in related if e.id != event.id], quote)


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _comment_timeline(session: Session, comment: Comment) -> list[TimelineItem]:
    items = [TimelineItem(comment.first_seen_at, "first_seen")]
    for started, fetched, hidden in session.execute(
            select(Run.started_at, Run.fetched_at, CommentObservation.is_hidden)
            .join(Run, Run.id == CommentObservation.run_id)
            .where(CommentObservation.comment_id == comment.id).order_by(Run.id)):
        state = "unknown" if hidden is None else ("hidden" if hidden else "visible")
        items.append(TimelineItem(fetched or started, "observed", state))
    if comment.missing_since:
        items.append(TimelineItem(comment.missing_since, "missing"))
    if comment.last_lookup_at:
        items.append(TimelineItem(comment.last_lookup_at, "lookup", str(comment.lookups)))
    if comment.present_at:
        items.append(TimelineItem(comment.present_at, "lookup_present"))
    if comment.gone_at:
        items.append(TimelineItem(comment.gone_at, "gone"))
    return items


def _list_timeline(session: Session, account_id: int, list_name: str,
                   user_id: str) -> list[TimelineItem]:
    return [TimelineItem(fetched or started, "on_list", list_name)
            for started, fetched in session.execute(
                select(Run.started_at, Run.fetched_at)
                .join(ListObservation, ListObservation.run_id == Run.id)
                .where(Run.account_id == account_id, ListObservation.list_name == list_name,
                       ListObservation.user_id == user_id).order_by(Run.id))]
