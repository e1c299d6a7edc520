"""Bluesky's own tables: the quotes its post gates detach, and for Jetstream where the stream was
left, the commits received and the records they built (tables of the same metadata as
modaudit/store/schema.py; the store package imports this module)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from modaudit.store.schema import Base, BigId, UTCDateTime


class DetachedQuote(Base):
    """A quote of one of the account's posts that its postgate detaches now (Bluesky).

    The current state the next complete read is compared with: a row leaves when the quote is
    attached again, so detaching it once more is a new event.
    """

    __tablename__ = "detached_quotes"
    __table_args__ = (UniqueConstraint("account_id", "post_id", "quote_uri"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    post_id: Mapped[str] = mapped_column(String(100))  # the account's post (at-uri)
    quote_uri: Mapped[str] = mapped_column(String(100))  # the quoting post (at-uri)
    record_uri: Mapped[str] = mapped_column(Text)  # the postgate naming it
    # The quoting post's author and text as read: here, where retention erases them, and in the
    # event only as a digest (docs/architecture.md §9).
    quote_author: Mapped[str | None] = mapped_column(Text)
    quote_text: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_seen_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class JetstreamCursor(Base):
    """The time_us of the last commit stored from one stream: a reconnect resumes there."""

    __tablename__ = "jetstream_cursors"
    stream: Mapped[str] = mapped_column(String(40), primary_key=True)  # "bluesky"
    time_us: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JetstreamCommit(Base):
    """One Jetstream commit message, stored raw before it is processed (like a webhook delivery)."""

    __tablename__ = "jetstream_commits"
    __table_args__ = (Index("ix_jetstream_commits_status", "status", "time_us", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    did: Mapped[str] = mapped_column(String(100))
    time_us: Mapped[int] = mapped_column(BigInteger)
    # The record's at-uri, operation, rev and cid: a replay from the cursor is stored once.
    dedup_key: Mapped[str] = mapped_column(String(400), unique=True)
    body: Mapped[str] = mapped_column(Text)
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # pending | processed | unparseable | unknown_did
    error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BlueskyRecord(Base):
    """The last state Jetstream showed of one moderation record of an account's repository, or
    the nightly audit's listing read of a block or listblock: what a later delete or update is
    compared with (a block's subject, a gate's hidden replies)."""

    __tablename__ = "bluesky_records"
    __table_args__ = (UniqueConstraint("account_id", "uri"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    uri: Mapped[str] = mapped_column(String(300))
    collection: Mapped[str] = mapped_column(String(60))
    cid: Mapped[str | None] = mapped_column(String(100))
    rev: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # None once deleted
    time_us: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
