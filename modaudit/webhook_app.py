"""The Meta webhook receiver: a Starlette app served by uvicorn at `/webhooks/meta`.

GET answers Meta's verification handshake. POST refuses bodies over the size limit, checks
`X-Hub-Signature-256` on the raw bytes before anything is parsed, commits the raw delivery and only
then answers 200; the writer thread turns stored deliveries into events when idle
(`modaudit.webhooks`).
"""

from __future__ import annotations

import hmac
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

import uvicorn
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from collectors.meta_webhook import verify_signature
from modaudit.config import Config, secret
from modaudit.db import utcnow
from modaudit.webhooks import DeliveryProcessor, DeliverySpool

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/meta"
MAX_BODY_BYTES = 1024 * 1024  # Meta's deliveries are a few kilobytes; anything this big is not one
SIGNATURE_HEADER = "x-hub-signature-256"


@dataclass(frozen=True)
class WebhookSecrets:
    """The app secret (signatures) and the verify token (handshake); never printed."""

    app_secret: str = field(repr=False)
    verify_token: str = field(repr=False)


def read_secrets(config: Config) -> WebhookSecrets:
    """Both secrets from the environment; ConfigError naming the variable if one is missing."""
    names = config.meta_webhook
    return WebhookSecrets(
        app_secret=secret(names.app_secret_env, named_by="meta_webhook.app_secret_env"),
        verify_token=secret(names.verify_token_env, named_by="meta_webhook.verify_token_env"),
    )


def _text(body: str, status: int) -> Response:
    return PlainTextResponse(body, status_code=status, headers={"x-content-type-options": "nosniff"})


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The raw body, or None as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None  # refused before reading any of it
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None  # a chunked body that grew too big: stop reading
        chunks.append(chunk)
    return b"".join(chunks)


def build_app(engine: Engine, config: Config, *, secrets: WebhookSecrets | None = None,
              max_body_bytes: int = MAX_BODY_BYTES, process: bool = True) -> Starlette:
    """The receiver app on `engine`; with `process`, stored deliveries become events in the background."""
    secrets = secrets if secrets is not None else read_secrets(config)
    processor = DeliveryProcessor(engine, config) if process else None
    spool = DeliverySpool(engine, idle_work=processor.step if processor else None)

    async def handshake(request: Request) -> Response:
        params = request.query_params
        token = params.get("hub.verify_token") or ""
        challenge = params.get("hub.challenge")
        if (params.get("hub.mode") == "subscribe" and challenge is not None
                and hmac.compare_digest(token.encode(), secrets.verify_token.encode())):
            log.info("webhook subscription verified")
            return _text(challenge, 200)
        log.warning("webhook verification refused (mode %r)", params.get("hub.mode"))
        return _text("verification failed", 403)

    async def receive(request: Request) -> Response:
        body = await _read_capped(request, max_body_bytes)
        if body is None:
            return _text(f"body larger than {max_body_bytes} bytes", 413)
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return _text("missing X-Hub-Signature-256", 401)
        if not verify_signature(body, signature, secrets.app_secret):
            client = request.client.host if request.client else "?"
            log.warning("webhook delivery from %s refused: bad signature", client)
            return _text("bad signature", 403)
        try:
            await spool.store(body, signature, utcnow())
        except Exception:  # logged by the spool; Meta retries what is not acknowledged
            return _text("could not store the delivery; retry later", 503)
        return _text("EVENT_RECEIVED", 200)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        spool.start()
        try:
            yield
        finally:
            spool.stop()

    return Starlette(routes=[Route(WEBHOOK_PATH, handshake, methods=["GET"]),
                             Route(WEBHOOK_PATH, receive, methods=["POST"])], lifespan=lifespan)


def _uvicorn_config(app: Starlette, host: str, port: int) -> uvicorn.Config:
    # No access log: the handshake's query string carries the verify token. One worker: the
    # spool and the processor live in this process. Behind a TLS proxy on loopback, trust its
    # X-Forwarded-* headers (uvicorn's default allows 127.0.0.1).
    return uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None,
                          lifespan="on", proxy_headers=True, timeout_keep_alive=30)


def serve(engine: Engine, config: Config, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the receiver in the foreground until interrupted."""
    app = build_app(engine, config)
    log.info("webhook receiver on http://%s:%d%s", host, port, WEBHOOK_PATH)
    uvicorn.Server(_uvicorn_config(app, host, port)).run()


@contextmanager
def serve_in_thread(app: Starlette, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(_uvicorn_config(app, host, port))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name=f"webhook-receiver-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the webhook receiver did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
