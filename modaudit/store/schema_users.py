"""The portal's people: users, their one-time links and sign-in attempts (tables of the same
metadata as modaudit/store/schema.py; the store package imports this module, so the metadata is
always whole)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from modaudit.store.schema import Base, BigId, UTCDateTime


class User(Base):
    """Someone who signs in to the portal: a manager, an auditor or an operator."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    role: Mapped[str] = mapped_column(String(20))  # manager | auditor | operator
    institutions: Mapped[list[str]] = mapped_column(JSON, default=list)  # a manager's
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2; None until set
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")  # `users disable`
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Signed session cookies carry the generation they were made in; sign-out, a new password,
    # a reset and disabling add one, which ends every older session on the server's side.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class UserToken(Base):
    """A one-time link for setting a password: only the token's SHA-256 is kept."""

    __tablename__ = "user_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    """One sign-in attempt, kept so throttling survives a restart and spans processes."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_email", "email", "at"),
                      Index("ix_login_attempts_address", "address", "at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))  # as typed, lower-case; may be no user's
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    succeeded: Mapped[bool] = mapped_column(Boolean)
