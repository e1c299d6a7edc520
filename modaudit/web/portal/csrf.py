"""CSRF protection by asgi-csrf (Datasette's), and a cap on request bodies in front of it.

asgi-csrf 0.11 calls python-multipart's `FormParser(..., FileClass=...)`, an argument
python-multipart 0.0.26 removed (simonw/asgi-csrf#38; fix proposed in PR #39). Older
python-multipart has CVE-2026-40347, so instead of pinning it, the parser asgi-csrf uses is
given back the argument: a file part before the token still refuses the form, now at the end of
that part instead of its first byte (asgi-csrf holds the body in memory either way, which is
why the body cap below runs first). Remove `_FormParser` once asgi-csrf ships the fix.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import asgi_csrf
from python_multipart import FormParser

Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]
Failure = Callable[[Scope, Any, Any], Awaitable[None]]


class _FormParser(FormParser):
    """python-multipart's parser, accepting asgi-csrf's `FileClass` (a file part refuses)."""

    def __init__(self, content_type: str, on_field: Any, on_end: Any, *, boundary: Any = None,
                 FileClass: Any = None) -> None:
        def on_file(_file: Any) -> None:
            raise asgi_csrf.FileBeforeToken

        super().__init__(content_type, on_field, on_file, on_end, boundary=boundary)


if "FileClass" not in inspect.signature(FormParser.__init__).parameters:
    asgi_csrf.FormParser = _FormParser


def protect(app: ASGI, secret: str, *, https: bool, always: set[str], failed: Failure) -> ASGI:
    """`app` behind asgi-csrf: every unsafe request needs the form field matching its cookie."""
    return asgi_csrf.asgi_csrf(app, signing_secret=secret, cookie_secure=https,
                               always_protect=always, send_csrf_failed=failed)


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
