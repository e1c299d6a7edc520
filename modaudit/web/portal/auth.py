"""Signing in and out, one-time password links, and who the current user is and may see.

Passwords are hashed with argon2 (argon2-cffi's defaults, RFC 9106's low-memory profile);
sessions are Starlette's signed cookies (itsdangerous) holding the user id, the user's session
generation and the CSRF token. Sign-out, a new password, a reset and disabling move the
generation on in the database, so every older cookie ends on the server's side. Everything here
that reads the database or runs argon2 is synchronous: handlers call it off the event loop.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from modaudit.clock import utcnow
from modaudit.store import users as store_users
from modaudit.store.portal_queries import Scope
from modaudit.store.schema_users import User
from modaudit.web.portal.csrf import new_token

HASHER = PasswordHasher()
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # the same limit where a password is set and where it is typed to sign in


# One argon2 computation at a time per process: each spreads over several cores (argon2-cffi's
# parallelism 4), so ten sign-ins at once would take every core from the pages being served.
# Sign-ins wait their turn instead (tens of milliseconds each).
_ARGON2_TURNS = threading.Lock()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the address is unknown, so both cases take argon2's time.

    Made on first use, not at import: every command imports the portal's modules.
    """
    return hash_password("modaudit-no-such-user")


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
                or request.session.get("g") != user.session_generation:
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


def _verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored` (an unknown user costs the same time as a known one)."""
    if len(password) > MAX_PASSWORD:  # longer than any password that can be set
        return False
    against = stored or _dummy_hash()  # before taking the turn: the first use hashes
    try:
        with _ARGON2_TURNS:
            return HASHER.verify(against, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def check_login(engine: Engine, email: str, password: str, address: str) -> tuple[User | None, str]:
    """(the user, "") if the password is right; (None, "throttled" | "bad_login") otherwise.

    Read, check, then write: the throttle and the stored hash are read in one short transaction,
    argon2 runs with none open (it takes the time of a query; a burst of sign-ins must not hold
    connections or SQLite's write lock), and the attempt is written in another. A throttled
    sign-in is refused before the password is checked; each attempt is kept.
    """
    now = utcnow()
    with Session(engine) as session:
        throttled = store_users.throttled(session, email, address, now)
        user = None if throttled else store_users.user_by_email(session, email)
        stored = user.password_hash if user is not None and user.enabled else None
    good = not throttled and _verify(stored, password)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        store_users.record_attempt(session, email, address, good, now)
        if throttled:
            return None, "throttled"
        # The same user, still enabled and with the hash just checked (not changed meanwhile).
        user = store_users.user_by_email(session, email) if good else None
        if user is None or not user.enabled or user.password_hash != stored:
            return None, "bad_login"
        if HASHER.check_needs_rehash(stored or ""):
            user.password_hash = hash_password(password)
        return user, ""


def start_session(request: Request, user: User) -> None:
    """Sign `user` in on a new session cookie, with a new CSRF token (the sign-in page's ends)."""
    request.session.clear()
    request.session.update({"uid": user.id, "g": user.session_generation})
    new_token(request.session)


def end_session(request: Request) -> None:
    """Sign out: the user's sessions end in the database, not only in this browser."""
    uid = request.session.get("uid")
    if isinstance(uid, int):
        with Session(request.app.state.engine) as session, session.begin():
            user = session.get(User, uid)
            if user is not None and request.session.get("g") == user.session_generation:
                store_users.end_sessions(user)
    request.session.clear()


def redirect(path: str) -> Response:
    """A 303 to `path` (after a form)."""
    return RedirectResponse(path, status_code=303)


def hash_password(password: str) -> str:
    """The argon2 hash of a new password."""
    with _ARGON2_TURNS:
        return HASHER.hash(password)
