"""Signing in and out, one-time password links, and who the current user is and may see.

Passwords are hashed with argon2 (argon2-cffi's defaults, RFC 9106's low-memory profile);
sessions are Starlette's signed cookies (itsdangerous) holding the user id and a fingerprint of
the password hash, so a new password or a disabled account ends every older session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from modaudit.store import users as store_users
from modaudit.store.engine import utcnow
from modaudit.store.schema_users import User
from modaudit.web.portal.queries import Scope

HASHER = PasswordHasher()
MIN_PASSWORD = 12
# Verified against when the address is unknown, so both cases take an argon2 verification's time.
_DUMMY_HASH = HASHER.hash("modaudit-no-such-user")


@dataclass(frozen=True)
class Viewer:
    """The signed-in user, as the pages need them."""

    id: int
    email: str
    role: str
    institutions: tuple[str, ...]

    @property
    def scope(self) -> Scope:
        """A manager sees their institutions; auditors and operators every institution."""
        return Scope(self.institutions if self.role == "manager" else None)

    @property
    def reads_comments(self) -> bool:
        """Operators see collection health and users, never comment text or findings."""
        return self.role in ("manager", "auditor")

    @property
    def reviews(self) -> bool:
        """Only managers record reviews (auditors read)."""
        return self.role == "manager"


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def client_address(request: Request) -> str:
    """The client's address (uvicorn puts the proxy's X-Forwarded-For here when trusted)."""
    return request.client.host if request.client else "unknown"


def current_viewer(request: Request) -> Viewer | None:
    """The user of this request's session, if it is still valid."""
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    with Session(request.app.state.engine) as session:
        user = session.get(User, uid)
        if user is None or not user.enabled or not user.password_hash \
                or request.session.get("v") != _fingerprint(user):
            request.session.clear()
            return None
        return Viewer(user.id, user.email, user.role, tuple(user.institutions or ()))


def require(request: Request, *, comments: bool = False, operator: bool = False) -> Viewer:
    """The signed-in viewer, or a redirect to the sign-in page; 404 for what their role hides."""
    viewer = current_viewer(request)
    if viewer is None:
        raise HTTPException(303, headers={"Location": sign_in_path(request)})
    if (comments and not viewer.reads_comments) or (operator and viewer.role != "operator"):
        raise HTTPException(404)
    return viewer


def sign_in_path(request: Request) -> str:
    """The sign-in page, naming this page as `next` so that signing in leads back to it (a link
    from the weekly e-mail lands on its finding); a form's POST is not replayed."""
    if request.method != "GET" or request.url.path == "/":
        return "/giris"
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/giris?" + urlencode({"next": target})


def safe_next(value: str | None) -> str:
    """`value` if it is a page of this portal (a path, no host, no scheme), else the overview:
    an off-site `next` (`//evil.example`, `https://…`, `/\\evil`) is never followed."""
    if (not value or not value.startswith("/") or value.startswith("//") or "\\" in value
            or any(ord(char) < 32 or ord(char) == 127 for char in value)):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path in ("/giris", "/cikis"):
        return "/"
    return value


def check_login(session: Session, email: str, password: str, address: str) -> tuple[User | None, str]:
    """(the user, "") if the password is right; (None, "throttled" | "bad_login") otherwise.

    A throttled sign-in is refused before the password is checked; each attempt is kept.
    """
    now = utcnow()
    if store_users.throttled(session, email, address, now):
        store_users.record_attempt(session, email, address, False, now)
        return None, "throttled"
    user = store_users.user_by_email(session, email)
    stored = user.password_hash if user is not None and user.enabled else None
    try:
        HASHER.verify(stored or _DUMMY_HASH, password)
        good = stored is not None
    except (VerificationError, InvalidHashError):
        good = False
    store_users.record_attempt(session, email, address, good, now)
    if not good or user is None:
        return None, "bad_login"
    if HASHER.check_needs_rehash(user.password_hash or ""):
        user.password_hash = HASHER.hash(password)
    return user, ""


def start_session(request: Request, user: User) -> None:
    """Sign `user` in on this request's session cookie."""
    request.session.clear()
    request.session.update({"uid": user.id, "v": _fingerprint(user)})


def redirect(path: str) -> Response:
    """A 303 to `path` (after a form)."""
    return RedirectResponse(path, status_code=303)


def hash_password(password: str) -> str:
    """The argon2 hash of a new password."""
    return HASHER.hash(password)
