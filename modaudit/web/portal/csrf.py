"""CSRF tokens bound to the signed session, and a cap on request bodies in front of the check.

The token is a random value kept inside the signed session cookie: minted by the first page that
shows a form (the sign-in page too, before anyone has signed in) and replaced at sign-in. An
unsafe request is refused unless its `csrftoken` field is its own session's token. A double-
submit cookie (what asgi-csrf did) is not enough: a page on another port of the same host is the
same site, can set that cookie in the manager's browser with a token it fetched anonymously, and
auto-post a form that carries it. It cannot forge or read the signed, HttpOnly session cookie.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from python_multipart.exceptions import MultipartParseError
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]
Failure = Callable[[Scope, Any], Awaitable[None]]
FIELD = "csrftoken"  # the forms' hidden field
_KEY = "csrf"  # where the session keeps the token
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The largest form: the users page (an address, a role, institutions, the action, the token).
MAX_FIELDS = 20


def token(session: dict[str, Any]) -> str:
    """This session's CSRF token, minted (and kept in the session) on first use."""
    value = session.get(_KEY)
    if not isinstance(value, str):
        value = new_token(session)
    return value


def new_token(session: dict[str, Any]) -> str:
    """Replace the session's CSRF token (at sign-in: the sign-in page's token ends there)."""
    session[_KEY] = secrets.token_urlsafe(32)
    return str(session[_KEY])


class SessionCSRF:
    """Refuse every unsafe request whose form token is not its session's (inside the sessions)."""

    def __init__(self, app: ASGI, failed: Failure) -> None:
        self.app, self.failed = app, failed

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Check the form of an unsafe request, then hand the body on to the app unchanged."""
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        body = await request.body()  # capped by `limit_body` before it gets here
        try:
            form = await request.form(max_files=1, max_fields=MAX_FIELDS)
            given = form.get(FIELD)
            await form.close()
        except (HTTPException, MultiPartException, MultipartParseError, ValueError):
            given = None
        expected = scope.get("session", {}).get(_KEY)
        if not (isinstance(given, str) and isinstance(expected, str)
                and hmac.compare_digest(given.encode(), expected.encode())):
            await self.failed(scope, send)
            return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if replayed:
                return await receive()  # a disconnect, if the client goes
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def limit_body(app: ASGI, max_bytes: int) -> ASGI:
    """Answer 413 to a request whose body is, or grows, larger than `max_bytes`."""
    async def limited(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > max_bytes:
            await _too_large(send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > max_bytes:  # a chunked body with no length, larger than allowed
                raise _TooLarge
            return message

        try:
            await app(scope, counted, send)
        except _TooLarge:
            await _too_large(send)
    return limited


class _TooLarge(Exception):
    pass


async def _too_large(send: Any) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": b"413: request body too large"})
