"""The evidence store's tables (SQLAlchemy 2.x declarative models)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Integer ids autoincrement on SQLite and use BIGINT identity on PostgreSQL.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_id: Mapped[str] = mapped_column(String(100))
    handle: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # nightly | on_demand | archive | webhook
    status: Mapped[str] = mapped_column(String(20))  # running | ok | partial | failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    api_calls: Mapped[int] = mapped_column(Integer, default=0)
    api_version: Mapped[str | None] = mapped_column(String(20))
    warnings: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    blocked_complete: Mapped[bool | None] = mapped_column(Boolean)
    muted_complete: Mapped[bool | None] = mapped_column(Boolean)
    # Bluesky: whether the account's postgates (its detached quotes) were read whole.
    quotes_complete: Mapped[bool | None] = mapped_column(Boolean)
    content_digest: Mapped[str | None] = mapped_column(String(64))  # archives: what was imported


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("account_id", "platform_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    platform_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    reply_settings: Mapped[str | None] = mapped_column(String(40))  # last known; None: not observable
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Seen open after being restricted, not yet confirmed by a second observation.
    reopen_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_after: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last seen restricted
    # The re-check schedule (analysis/recheck.py): when the comments were last listed completely,
    # the comment count the platform announced then, and a signal that brings the next one forward.
    last_complete_listing_run: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    last_complete_listing_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment_count: Mapped[int | None] = mapped_column(Integer)
    recheck_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    newest_reply_id: Mapped[str | None] = mapped_column(String(100))  # X: since_id of new replies


class RunRead(Base):
    """What one run read from one endpoint: requests sent and resources (X bills these) by kind."""

    __tablename__ = "run_reads"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(200), primary_key=True)
    resource_kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # post | user | owned | item
    requests: Mapped[int] = mapped_column(Integer, default=0)
    resources: Mapped[int] = mapped_column(Integer, default=0)


class PostListing(Base):
    """Whether one run listed one post's comments completely."""

    __tablename__ = "post_listings"
    __table_args__ = (Index("ix_post_listings_post_complete", "post_id", "complete", "run_id"),)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    complete: Mapped[bool] = mapped_column(Boolean)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    reply_settings: Mapped[str | None] = mapped_column(String(40))  # as seen in this run
    skipped: Mapped[str | None] = mapped_column(String(20))  # schedule | budget | new_only


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("account_id", "platform_id"),
                      # By post, with what makes a comment a deletion candidate (migration 0011).
                      Index("ix_comments_post_state", "post_id", "gone_at", "missing_since",
                            "last_seen_at"),
                      Index("ix_comments_account_missing", "account_id", "missing_since"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    platform_id: Mapped[str] = mapped_column(String(100))
    parent_platform_id: Mapped[str | None] = mapped_column(String(100))
    author_id: Mapped[str | None] = mapped_column(String(100))
    author_name: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    text_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_hidden: Mapped[bool | None] = mapped_column(Boolean)  # last known visibility; None: unknown
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # confirmed gone
    # A deletion candidate since this time (missing from a complete listing), until it reappears
    # in a listing or a lookup says it is gone.
    missing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    present_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a lookup last said present
    last_lookup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lookups: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Seen visible after being hidden, not yet confirmed (an unhide closes a finding).
    unhide_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unhide_after: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last seen hidden
    raw_sha256: Mapped[str | None] = mapped_column(String(64))  # the payload as received
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_seen_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CommentObservation(Base):
    """One run saw one comment, with this visibility."""

    __tablename__ = "comment_observations"
    # A run's observations by post, covering what the visibility diff reads (migration 0011).
    __table_args__ = (Index("ix_comment_obs_run_post_seen", "run_id", "post_id", "comment_id",
                            "is_hidden"),
                      # the previous sighting of a comment, for visibility brackets
                      Index("ix_comment_obs_comment_run", "comment_id", "run_id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    is_hidden: Mapped[bool | None] = mapped_column(Boolean)  # None: the answer did not say


class CommentFeature(Base):
    """What one comment's text is (language, topic markers): content, never its author.

    docs/architecture.md §9.
    """

    __tablename__ = "comment_features"
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(12))  # ISO 639-1, or und (undetermined)
    language_confidence: Mapped[float] = mapped_column(Float)
    topics: Mapped[list[str]] = mapped_column(JSON)  # lexicon groups matched, e.g. ["criticism"]
    lexicon: Mapped[str] = mapped_column(String(16))  # fingerprint of the lexicon used
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ListEntry(Base):
    """A user on one of the account's block, ban or mute lists, as first and last seen."""

    __tablename__ = "list_entries"
    __table_args__ = (UniqueConstraint("account_id", "list_name", "user_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    list_name: Mapped[str] = mapped_column(String(20))  # blocked | muted
    user_id: Mapped[str] = mapped_column(String(100))
    user_name: Mapped[str | None] = mapped_column(Text)
    listed: Mapped[bool] = mapped_column(Boolean)  # on the list until an absence is confirmed
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Missing from complete fetches since this time, how many in a row (confirmed at two).
    absent_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    absent_runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ListObservation(Base):
    """One run saw one user on one list."""

    __tablename__ = "list_observations"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    list_name: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_name: Mapped[str | None] = mapped_column(Text)
    # A list entry that is a record of its own (Bluesky's block/listblock): its createdAt and its
    # evidence (at-uri, cid, a blocked list's members); NULL where a list carries no dates.
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Event(Base):
    """A moderation action inferred or received, chained by hash per account."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("account_id", "dedup_key"),
        Index("ix_events_account_subject", "account_id", "subject_id"),
        Index("uq_events_account_seq", "account_id", "seq", unique=True),
        CheckConstraint("occurred_after IS NULL OR occurred_after <= occurred_before",
                        name="ck_events_bracket"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(100))
    post_id: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    occurred_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    occurred_before: Mapped[datetime] = mapped_column(UTCDateTime())
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    text_digest: Mapped[str | None] = mapped_column(String(64))
    dedup_key: Mapped[str] = mapped_column(String(300))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Position in the account's chain, shared with chained records (store/chain.py).
    seq: Mapped[int] = mapped_column(BigInteger, server_default="0")


class ChainRecord(Base):
    """A chained record that is not an event: a finding opened, closed or reviewed, an
    attachment's digest, the digests of comment texts a run stored (store/chain.py)."""

    __tablename__ = "chain_records"
    __table_args__ = (UniqueConstraint("account_id", "seq", name="uq_chain_records_account_seq"),
                      Index("ix_chain_records_finding", "finding_id"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    # No foreign key: a record must outlive a deleted finding, to tell of it.
    finding_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainAnchor(Base):
    """An account's chain head sent to a Time-Stamp Authority (RFC 3161), with its token."""

    __tablename__ = "chain_anchors"
    __table_args__ = (Index("ix_chain_anchors_account", "account_id", "event_count"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    event_count: Mapped[int] = mapped_column(BigInteger)  # elements in the chain at the head
    head_hash: Mapped[str] = mapped_column(String(64))
    # The text time-stamped: the head and every hash since the previous stamped anchor.
    manifest: Mapped[str] = mapped_column(Text)
    token: Mapped[bytes | None] = mapped_column(LargeBinary)  # the TimeStampResp (.tsr) as received
    tsa_url: Mapped[str] = mapped_column(String(500))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stamped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the TSA's genTime
    status: Mapped[str] = mapped_column(String(20))  # stamped | failed
    error: Mapped[str | None] = mapped_column(Text)


class Finding(Base):
    __tablename__ = "findings"
    # The portal's lists: newest first, filtered by account, status, severity or kind.
    __table_args__ = (Index("ix_findings_account_status", "account_id", "status", "id"),
                      Index("ix_findings_status_severity", "status", "severity", "id"),
                      Index("ix_findings_kind", "kind", "id"),
                      Index("ix_findings_detected", "detected_at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(100))
    post_id: Mapped[str | None] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(20))  # high | medium | low | review
    status: Mapped[str] = mapped_column(String(20))  # open | justified | confirmed | dismissed | closed
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # nightly alert sent
    # The comment's author and text, or the listed user's name, Turkish-folded (store/search):
    # the portal searches one column, no join. Erased when retention erases the text.
    search_fold: Mapped[str | None] = mapped_column(Text)


class FindingReview(Base):
    """Every status change of a finding: who, when, why."""

    __tablename__ = "finding_reviews"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    old_status: Mapped[str] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(200))  # the portal's user, or the OS user
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    on_behalf_of: Mapped[str | None] = mapped_column(String(200))  # `review --by`: done for whom


class FindingAttachment(Base):
    """A document given with a review (a court order, a screenshot): its bytes and SHA-256."""

    __tablename__ = "finding_attachments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("finding_reviews.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))  # as sniffed from the content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReportDelivery(Base):
    """A report sent (or attempted) for one institution and period: makes sending idempotent."""

    __tablename__ = "report_deliveries"
    __table_args__ = (UniqueConstraint("kind", "institution", "period"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # weekly
    institution: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(20))  # ISO week, e.g. 2026-W47
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recipients: Mapped[list[str]] = mapped_column(JSON)
    failures: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class WebhookDelivery(Base):
    """One Meta webhook delivery, stored raw before it is parsed; processed into events later."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_status", "status", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    body: Mapped[bytes] = mapped_column(LargeBinary)
    body_sha256: Mapped[str] = mapped_column(String(64), unique=True)  # a redelivery is not stored twice
    signature: Mapped[str] = mapped_column(String(100))  # the X-Hub-Signature-256 header, verified
    status: Mapped[str] = mapped_column(String(20))  # pending | processed | unparseable | unknown_page
    error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    page_id: Mapped[str | None] = mapped_column(String(100))


class EventSighting(Base):
    """Another source corroborating a recorded event (polling after a webhook, or the reverse)."""

    __tablename__ = "event_sightings"
    __table_args__ = (UniqueConstraint("event_id", "source", "seen_at"),
                      Index("ix_event_sightings_event", "event_id"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    source: Mapped[str] = mapped_column(String(20))  # snapshot_diff | lookup | webhook
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
