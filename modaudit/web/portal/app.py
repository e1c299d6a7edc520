"""The portal's ASGI application: routes, signed-cookie sessions, CSRF, templates, `serve`.

A process of its own (`modaudit web serve`), beside the webhook receiver: the receiver faces
Meta on the internet, the portal faces staff (docs/architecture.md §6). Handlers that read the
database or run argon2 run in Starlette's thread pool, never on the event loop.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from modaudit.config import Config, secret
from modaudit.web.portal import forms, pages, users_form
from modaudit.web.portal.csrf import SessionCSRF, limit_body
from modaudit.web.portal.templating import render
from modaudit.web.portal.words import WORDS

Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]
# No script runs on any page: the portal works without JavaScript, and injected markup cannot.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                                 b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"), (b"cache-control", b"no-store"),
]
# Sent only on a request that arrived over https (directly, or from a trusted proxy saying
# X-Forwarded-Proto: https), as RFC 6797 §7.2 asks: a year, this host only.
HSTS = (b"strict-transport-security", b"max-age=31536000")


def read_session_secret(config: Config) -> str:
    """The cookie-signing secret from the variable `[web] session_secret_env` names."""
    return secret(config.web.session_secret_env, named_by="web.session_secret_env")


async def _error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status in (301, 302, 303) and isinstance(exc, HTTPException) and exc.headers:
        return Response(status_code=status, headers=exc.headers)
    key = {404: "not_found", 403: "forbidden"}.get(status, "not_found")
    return render(request, "message.html", status=status, message=WORDS[
        request.app.state.config.report.language][key])


def _with_headers(app: ASGI) -> ASGI:
    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        extra = [*SECURITY_HEADERS, HSTS] if scope.get("scheme") == "https" else SECURITY_HEADERS

        async def send_with(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)
        await app(scope, receive, send_with if scope["type"] == "http" else send)
    return wrapped


def build_app(engine: Engine, config: Config, session_secret: str) -> ASGI:
    """The portal over `engine`; cookies are signed with `session_secret`."""
    https = config.web.base_url.startswith("https://")
    routes = [
        Route("/", pages.overview), Route("/bulgular", pages.findings_list),
        Route("/bulgular.csv", pages.findings_csv), Route("/bulgu/{fid:int}", pages.finding_page),
        Route("/bulgu/{fid:int}/inceleme", forms.review, methods=["POST"]),
        Route("/ek/{aid:int}", pages.attachment_download),
        Route("/engellenenler", pages.blocked), Route("/engellenenler.csv", pages.blocked_csv),
        Route("/saglik", pages.health), Route("/saglik.csv", pages.health_csv),
        Route("/secici", pages.selective),
        Route("/giris", forms.login, methods=["GET", "POST"]),
        Route("/cikis", forms.logout, methods=["POST"]),
        Route("/parola/{token}", forms.set_password, methods=["GET", "POST"]),
        Route("/kullanicilar", users_form.users_page, methods=["GET", "POST"]),
    ]

    async def csrf_failed(scope: Scope, send: Any) -> None:
        language = config.report.language
        body = (f'<!DOCTYPE html><html lang="{language}"><meta charset="utf-8"><title>403</title>'
                f"<p>{WORDS[language]['csrf']}</p></html>").encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/html; charset=utf-8")]})
        await send({"type": "http.response.body", "body": body})

    # SameSite=Lax, not Strict: a manager opening a finding from an alert e-mail arrives by a
    # cross-site navigation, on which a Strict cookie is withheld (they would seem signed out and
    # sign in again over a live session). Lax still withholds the cookie from cross-site POSTs,
    # and what stops a same-site page (another port of this host) is the session-bound token.
    # Every unsafe request's token is checked against the session before any handler runs.
    app = Starlette(routes=routes, exception_handlers={HTTPException: _error},
                    middleware=[Middleware(SessionMiddleware, secret_key=session_secret,
                                           session_cookie="modaudit_session",
                                           max_age=config.web.session_hours * 3600,
                                           same_site="lax", https_only=https),
                                Middleware(SessionCSRF, failed=csrf_failed)])
    app.state.engine = engine
    app.state.config = config
    # Bodies are capped before the CSRF check reads them: an attachment and its form, no more.
    cap = config.web.max_attachment_mb * 1024 * 1024 + forms.FORM_OVERHEAD
    return _with_headers(limit_body(app, cap))


def server_config(app: ASGI, config: Config, host: str, port: int) -> uvicorn.Config:
    """uvicorn's settings for the portal: forwarded headers believed from `[web] trusted_proxies`.

    Only those proxies' X-Forwarded-For (throttling sees real addresses) and X-Forwarded-Proto
    (https: Secure cookies' scheme and HSTS) are believed; anyone else's are ignored.
    """
    return uvicorn.Config(app, host=host, port=port, proxy_headers=True,
                          forwarded_allow_ips=list(config.web.trusted_proxies),
                          log_level="warning", server_header=False)


def serve(engine: Engine, config: Config, sock: socket.socket) -> None:
    """Run the portal on the bound `sock` until interrupted (uvicorn; behind a TLS proxy, see the
    README). The caller binds it, so a busy port is refused before the portal is announced."""
    app = build_app(engine, config, read_session_secret(config))
    host, port = sock.getsockname()[:2]
    uvicorn.Server(server_config(app, config, host, port)).run(sockets=[sock])
