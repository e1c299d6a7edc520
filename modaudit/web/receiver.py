"""The Meta webhook receiver: a Starlette app served by uvicorn at `/webhooks/meta`.

GET answers Meta's verification handshake. POST reads the body under guard (a size limit, one
deadline for the whole body, a cap on bodies read at once), checks `X-Hub-Signature-256` on the raw
bytes before anything is parsed, commits the raw delivery and only then answers 200; the writer
thread turns stored deliveries into events when idle (`modaudit.webhooks`). Every refusal is a
short fixed text: nothing of the request is echoed.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import uvicorn
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from collectors.meta_webhook import verify_signature
from modaudit.config import Config, secret
from modaudit.intake.webhooks import DeliveryProcessor
from modaudit.store.engine import utcnow
from modaudit.web.spool import DeliverySpool

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/meta"
MAX_BODY_BYTES = 1024 * 1024  # Meta's deliveries are a few kilobytes; anything this big is not one
# A delivery of a few kilobytes arrives in milliseconds; a body still dripping in after this is not
# Meta, and each one would hold a read slot (and a connection) for as long as it drips.
READ_TIMEOUT_SECONDS = 10.0
# Bodies read at once; past this a POST is refused with 503 before its body is read (Meta retries
# non-2xx deliveries), so slow clients cannot pin the receiver's memory and connections.
MAX_CONCURRENT_READS = 32
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


class BodyNotRead(Exception):
    """A request body that did not arrive whole; `received` is how many of its bytes did."""

    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received


class BodyTooLarge(BodyNotRead):
    """The body is, or declares itself, over the size limit."""


class BodyTimedOut(BodyNotRead):
    """The body was still incomplete when the read timeout ran out."""


class BodyAbandoned(BodyNotRead):
    """The client disconnected before the whole body arrived."""


class ReadSlots:
    """A cap on the bodies being read at once; a plain count, as only the event loop's thread uses it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0

    def try_take(self) -> bool:
        """Take a slot if one is free; False (taking nothing) when all are in use."""
        if self.in_use >= self.limit:
            return False
        self.in_use += 1
        return True

    def release(self) -> None:
        """Give back a slot taken by `try_take`."""
        self.in_use -= 1


async def read_body(request: Request, *, limit: int, timeout: float) -> bytes:
    """The raw body, whole within `timeout` seconds and at most `limit` bytes; else a BodyNotRead."""
    declared = request.headers.get("content-length")
    # isascii too: str.isdigit accepts "²", which int() then rejects (uvicorn's parsers refuse
    # such a header already; this keeps the function total whatever serves it).
    if declared is not None and (not (declared.isascii() and declared.isdigit()) or int(declared) > limit):
        raise BodyTooLarge(0)  # refused before reading any of it
    chunks: list[bytes] = []
    received = 0
    try:
        # One deadline for the whole body, not an idle timeout per read: a client dripping a byte
        # a second never leaves a gap, yet must not hold its slot for minutes.
        async with asyncio.timeout(timeout), aclosing(request.stream()) as stream:
            async for chunk in stream:
                received += len(chunk)
                if received > limit:
                    raise BodyTooLarge(received)  # a chunked body that grew too big: stop reading
                chunks.append(chunk)
    except TimeoutError:
        raise BodyTimedOut(received) from None
    except ClientDisconnect:
        # uvicorn answers receive() with `http.disconnect` once the socket is closed, and
        # Starlette's stream() raises ClientDisconnect for it; nobody is left to answer.
        raise BodyAbandoned(received) from None
    return b"".join(chunks)


def _text(body: str, status: int, *, close: bool = False, retry_after: int | None = None) -> Response:
    headers = {"x-content-type-options": "nosniff"}
    if close:
        # Answered before the body was read whole: without closing, uvicorn would go on reading
        # (and dropping) the rest on a connection whose keep-alive timer each arriving byte cancels.
        headers["connection"] = "close"
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    return PlainTextResponse(body, status_code=status, headers=headers)


def _client(request: Request) -> str:
    """host:port of the peer (behind the proxy, the client it names) for log lines."""
    return f"{request.client.host}:{request.client.port}" if request.client else "?"


def build_app(engine: Engine, config: Config, *, secrets: WebhookSecrets | None = None,
              max_body_bytes: int = MAX_BODY_BYTES, read_timeout: float = READ_TIMEOUT_SECONDS,
              max_concurrent_reads: int = MAX_CONCURRENT_READS, process: bool = True,
              clock: Callable[[], datetime] = utcnow) -> Starlette:
    """The receiver app on `engine`; with `process`, stored deliveries become events in the background.

    `clock` stamps each delivery's `received_at` (the demo's is the simulated week's).
    """
    if read_timeout <= 0 or max_concurrent_reads < 1:
        raise ValueError("read_timeout must be positive and max_concurrent_reads at least 1")
    secrets = secrets if secrets is not None else read_secrets(config)
    slots = ReadSlots(max_concurrent_reads)
    # By then every body being read now has arrived or timed out, so a slot is free again.
    retry_after = max(1, math.ceil(read_timeout))
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
        client = _client(request)
        if not slots.try_take():
            log.warning("webhook delivery from %s refused: %d bodies already being read",
                        client, slots.limit)
            return _text("too many deliveries at once; retry later", 503, close=True,
                         retry_after=retry_after)
        try:
            body = await read_body(request, limit=max_body_bytes, timeout=read_timeout)
        except BodyTooLarge:
            return _text(f"body larger than {max_body_bytes} bytes", 413)
        except BodyTimedOut as exc:
            log.warning("webhook delivery from %s refused: body incomplete after %g s (%d bytes arrived)",
                        client, read_timeout, exc.received)
            return _text("request body not received in time", 408, close=True)
        except BodyAbandoned as exc:
            log.warning("webhook delivery from %s abandoned: client disconnected after %d bytes of the body",
                        client, exc.received)
            return _text("client disconnected", 400)  # nobody reads it: uvicorn drops it unsent
        finally:
            slots.release()
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return _text("missing X-Hub-Signature-256", 401)
        if not verify_signature(body, signature, secrets.app_secret):
            log.warning("webhook delivery from %s refused: bad signature", client)
            return _text("bad signature", 403)
        try:
            await spool.store(body, signature, clock())
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


def serve(engine: Engine, config: Config, sock: socket.socket) -> None:
    """Run the receiver on the bound `sock` in the foreground until interrupted (the caller
    binds it, so a busy port is refused before anything starts)."""
    app = build_app(engine, config)
    host, port = sock.getsockname()[:2]
    log.info("webhook receiver on http://%s:%d%s", host, port, WEBHOOK_PATH)
    uvicorn.Server(_uvicorn_config(app, host, port)).run(sockets=[sock])


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
