"""The portal's users, their one-time password links and their sign-in attempts.

Passwords arrive here already hashed (argon2, by web/portal/auth.py); a link's token is kept
only as its SHA-256, so the database never holds anything that opens an account. Adding a
user, a reset, disabling and enabling are each chained (store/chain.py) with who did it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from modaudit.store import chain
from modaudit.store.schema_users import LoginAttempt, User, UserToken

ROLES = ("manager", "auditor", "operator")
TOKEN_HOURS = 48


class UserError(Exception):
    """A user that cannot be added or changed (duplicate, unknown, bad role), said in one line."""


def normal_email(email: str) -> str:
    """The stored form of an address: trimmed, lower-case."""
    return email.strip().lower()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(session: Session, email: str, role: str, institutions: list[str],
             now: datetime, by: str = "command line") -> User:
    """A new user without a password (they set it through a one-time link), chained as added."""
    email = normal_email(email)
    if "@" not in email or any(c.isspace() for c in email):
        raise UserError(f"not an email address: {email!r}")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if role == "manager" and not institutions:
        raise UserError("a manager needs at least one --institution")
    if user_by_email(session, email) is not None:
        raise UserError(f"a user {email} already exists; use `users reset` for a new link")
    user = User(email=email, role=role, institutions=sorted(set(institutions)) if role == "manager"
                else [], password_hash=None, enabled=True, created_at=now)
    session.add(user)
    session.flush()
    _chain(session, user, "added", by, now)
    return user


def _chain(session: Session, user: User, action: str, by: str, now: datetime,
           password_ended: bool = False) -> None:
    institutions = list(user.institutions or ())
    chain.chain_user_change(session, chain.user_payload(user.email, action, user.role, institutions,
                                                        by, password_ended),
                            institutions if user.role == "manager" else None, now)


def end_sessions(user: User) -> None:
    """End every session `user` has open (the signed cookies carry an older generation)."""
    user.session_generation = (user.session_generation or 0) + 1


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this address, or None."""
    return session.scalars(select(User).where(User.email == normal_email(email))).first()


def existing_user(session: Session, email: str) -> User:
    """The user with this address, or a UserError naming it."""
    user = user_by_email(session, email)
    if user is None:
        raise UserError(f"no user {normal_email(email)}")
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by address."""
    return list(session.scalars(select(User).order_by(User.email)))


def set_disabled(session: Session, email: str, now: datetime, *, disabled: bool = True,
                 by: str = "command line") -> User:
    """Disable (or re-enable) a user; a disabled user's open sessions end at once (chained)."""
    user = existing_user(session, email)
    user.enabled = not disabled
    if disabled:  # an unused link must not re-open the account
        revoke_links(session, user)
        end_sessions(user)
    session.flush()
    _chain(session, user, "disabled" if disabled else "enabled", by, now)
    return user


def revoke_links(session: Session, user: User) -> None:
    """Make every unused link of `user` stop working."""
    session.execute(update(UserToken).where(UserToken.user_id == user.id,
                                            UserToken.used_at.is_(None))
                    .values(expires_at=UserToken.created_at))


def reset_user(session: Session, email: str, now: datetime, *, end_password: bool = True,
               by: str = "command line") -> tuple[User, str]:
    """A new one-time link for an existing user (chained); by default the current password and
    every open session end with it, so whoever knew the old password is out until the link is used.
    """
    user = existing_user(session, email)
    token = issue_token(session, user, now)
    if end_password:
        user.password_hash = None
        end_sessions(user)
    session.flush()
    _chain(session, user, "reset", by, now, password_ended=end_password)
    return user, token


def issue_token(session: Session, user: User, now: datetime) -> str:
    """A new one-time token for setting `user`'s password, valid 48 hours; only its hash is kept.

    The user's older unused links stop working: only the newest link sets a password.
    """
    if not user.enabled:
        raise UserError(f"user {user.email} is disabled")
    revoke_links(session, user)
    token = secrets.token_urlsafe(32)
    session.add(UserToken(user_id=user.id, token_sha256=_token_digest(token), created_at=now,
                          expires_at=now + timedelta(hours=TOKEN_HOURS)))
    session.flush()
    return token


def token_user(session: Session, token: str, now: datetime) -> User | None:
    """The user a still valid, unused token belongs to, or None."""
    row = session.scalars(select(UserToken).where(UserToken.token_sha256 == _token_digest(token))).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    return None if user is None or not user.enabled else user


def redeem_token(session: Session, token: str, password_hash: str, now: datetime) -> User | None:
    """Set the password of a valid token's user and use the token up; None if it is not valid.

    Every session opened with the old password ends.
    """
    user = token_user(session, token, now)
    if user is None:
        return None
    session.execute(update(UserToken).where(UserToken.token_sha256 == _token_digest(token))
                    .values(used_at=now))
    user.password_hash = password_hash
    end_sessions(user)
    session.flush()
    return user


@dataclass(frozen=True)
class Throttle:
    """How many failures in the window make a sign-in wait, per address typed and per client."""

    per_email: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def record_attempt(session: Session, email: str, address: str, succeeded: bool,
                   now: datetime) -> None:
    """Keep one sign-in attempt."""
    session.add(LoginAttempt(email=normal_email(email)[:320], address=address[:64], at=now,
                             succeeded=succeeded))
    session.flush()


def throttled(session: Session, email: str, address: str, now: datetime,
              rule: Throttle = Throttle()) -> bool:
    """Whether sign-ins for this address or from this client must wait (too many failures)."""
    since = now - rule.window
    failures = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
    by_email = session.scalar(failures.where(LoginAttempt.email == normal_email(email))) or 0
    by_address = session.scalar(failures.where(LoginAttempt.address == address)) or 0
    return by_email >= rule.per_email or by_address >= rule.per_address
