"""The webhook receiver's guards, over real HTTP (uvicorn on loopback, raw sockets as clients).

Malformed signatures, bodies that drip in or never finish, more bodies at once than the cap, and
clients that hang up mid-body: each is refused (or logged) in one short line, and nothing is stored.
"""

from __future__ import annotations

import json
import logging
import select
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, func
from sqlalchemy import select as sql_select

from collectors.meta_webhook import verify_signature
from modaudit.config import load_config
from modaudit.sandbox.meta_webhooks import post_delivery, sign
from modaudit.store.engine import make_engine
from modaudit.store.schema import WebhookDelivery
from modaudit.web.receiver import WEBHOOK_PATH, WebhookSecrets, build_app, serve_in_thread
from tests.conftest import migrate_quickly

APP_SECRET = "app-secret-CANARY-91c2"
CANARY = "BODY-CANARY-3f7a"  # in every body sent: no answer may carry it back
READ_TIMEOUT = 0.25  # short, so the slow-client tests take a fraction of a second
MAX_READS = 3
CLIENT_TIMEOUT = 3.0  # a test of a missing guard fails after this, instead of hanging


@dataclass
class Receiver:
    """A receiver being served on loopback, and its database."""

    engine: Engine
    host: str
    port: int

    @property
    def url(self) -> str:
        """Its /webhooks/meta."""
        return f"http://{self.host}:{self.port}{WEBHOOK_PATH}"

    def stored(self) -> int:
        """How many deliveries the database holds."""
        with self.engine.connect() as connection:
            return connection.execute(sql_select(func.count()).select_from(WebhookDelivery)).scalar_one()

    def connect(self) -> socket.socket:
        """A raw TCP connection to it."""
        return socket.create_connection((self.host, self.port), timeout=CLIENT_TIMEOUT)


@dataclass
class Answer:
    """An HTTP answer as read off the socket; `elapsed` is seconds until its head arrived."""

    status: int
    headers: dict[str, str]
    body: bytes
    raw: bytes
    elapsed: float


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    """A migrated SQLite database and a configuration naming it, shared by the module's tests."""
    directory = tmp_path_factory.mktemp("receiver")
    url = f"sqlite:///{directory / 'modaudit.db'}"
    (directory / "modaudit.toml").write_text(f'[database]\nurl = "{url}"\n')
    migrate_quickly(url)
    engine = make_engine(url)
    yield engine, directory / "modaudit.toml"
    engine.dispose()


@pytest.fixture
def receiver(database: tuple[Engine, Path]) -> Iterator[Receiver]:
    """A receiver of its own for each test, with a short read timeout and a cap of 3 bodies."""
    engine, config_path = database
    app = build_app(engine, load_config(config_path),
                    secrets=WebhookSecrets(app_secret=APP_SECRET, verify_token="unused"),
                    read_timeout=READ_TIMEOUT, max_concurrent_reads=MAX_READS, process=False)
    with serve_in_thread(app) as base_url:
        parts = urlsplit(base_url)
        yield Receiver(engine, parts.hostname or "127.0.0.1", parts.port or 0)


def wait_for(condition: Callable[[], bool], timeout: float = CLIENT_TIMEOUT) -> None:
    """Return once `condition()` holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the receiver"
        time.sleep(0.005)


def delivery() -> bytes:
    """A signed-able body, different each time (the database is shared, and stores a body once)."""
    return json.dumps({"object": "page", "entry": [], "note": CANARY, "n": uuid.uuid4().hex}).encode()


def head(length: int, signature: bytes, *, expect: bool = False) -> bytes:
    """A POST's request line and headers, for a body of `length` bytes."""
    return (b"POST %s HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nX-Hub-Signature-256: %s\r\n%s\r\n"
            % (WEBHOOK_PATH.encode(), length, signature, b"Expect: 100-continue\r\n" if expect else b""))


def start_reading(receiver: Receiver, body: bytes) -> socket.socket:
    """A connection whose body the receiver has begun to read (nothing of the body sent yet).

    uvicorn sends `100 Continue` at the app's first read of the body, so seeing it is seeing the
    receiver take a read slot, over HTTP alone.
    """
    sock = receiver.connect()
    sock.sendall(head(len(body), sign(body, APP_SECRET).encode(), expect=True))
    assert sock.recv(4096).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    return sock


def read_answer(sock: socket.socket, started: float | None = None) -> Answer:
    """One HTTP answer (status line, headers, Content-Length body) read from `sock`."""
    started = time.monotonic() if started is None else started
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)  # socket.timeout here: no answer within CLIENT_TIMEOUT
        assert chunk, f"connection closed without an answer: {data!r}"
        data += chunk
    elapsed = time.monotonic() - started
    top, _, body = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip()
               for name, _, value in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers.get("content-length", "0")):
        chunk = sock.recv(65536)
        assert chunk, "connection closed mid-answer"
        body += chunk
    return Answer(int(lines[0].split()[1]), headers, body, top + b"\r\n\r\n" + body, elapsed)


def closed_by_server(sock: socket.socket) -> bool:
    """True if the server closed the connection after its answer."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_verify_signature_is_total() -> None:
    """Any header that is not `sha256=` and 64 hex digits is False, never an exception."""
    body = delivery()
    good = sign(body, APP_SECRET)
    digest = good.removeprefix("sha256=")
    assert verify_signature(body, good, APP_SECRET)
    assert verify_signature(body, "sha256=" + digest.upper(), APP_SECRET)
    assert verify_signature(body, f"{good} \t", APP_SECRET)  # optional whitespace httptools leaves in
    for header in [None, "", "sha256=", "sha256", "SHA256=" + digest, "sha1=" + digest[:40],
                   "sha256=" + digest[:63], good + "0", good + "\n", "sha256= " + digest,
                   "sha256=0x" + digest[2:], "sha256=" + digest[:60] + "_" + digest[61:],
                   "sha256=ü" + digest[1:], "sha256=" + "ü" * 64, "sha256=" + "٣" * 64,
                   "sha256=" + "ａ" * 64, "sha256=" + "Ã¼" * 32, good[:-1] + "\x00",
                   b"sha256=" + digest.encode()]:
        assert verify_signature(body, header, APP_SECRET) is False, header  # type: ignore[arg-type]


def test_malformed_signature_headers_answer_403_and_store_nothing(
        receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    """Non-ASCII or non-hex signatures are 403 (they were 500), stored nowhere, logged as no error."""
    body = delivery()
    digest = sign(body, APP_SECRET).removeprefix("sha256=").encode()
    before = receiver.stored()
    malformed = [
        "sha256=ü".encode() + digest[2:],  # UTF-8 bytes: Starlette decodes them as latin-1
        b"sha256=\xfc" + digest[1:],  # latin-1 bytes
        b"sha256=" + "٣".encode() * 32,  # digits, but not ASCII hex
        b"sha256=" + b"g" * 64,
        b"sha256=" + digest[:63],
        b"sha256=" + digest + b"\xff",
        b"sha256=" + digest[:-1] + b"\x80",
    ]
    for signature in malformed:
        with receiver.connect() as sock:
            sock.sendall(head(len(body), signature) + body)
            answer = read_answer(sock)
        assert (answer.status, answer.body) == (403, b"bad signature"), signature
        assert CANARY.encode() not in answer.raw
    # The same through an ordinary client, which sends a str header as latin-1.
    assert post_delivery(receiver.url, body, "sha256=ü" + digest[1:].decode()) == 403
    assert receiver.stored() == before
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert post_delivery(receiver.url, body, sign(body, APP_SECRET)) == 200  # still serving
    assert receiver.stored() == before + 1


def test_a_dripped_body_answers_408_when_the_read_timeout_runs_out(receiver: Receiver) -> None:
    """A body trickling in is cut off at the deadline with 408 and Connection: close."""
    body = delivery()
    before = receiver.stored()
    with receiver.connect() as sock:
        started = time.monotonic()
        sock.sendall(head(len(body), sign(body, APP_SECRET).encode()))
        sent = 0
        # A byte every 20 ms: never idle for long, yet the whole body would take seconds.
        while not select.select([sock], [], [], 0.02)[0] and sent < len(body):
            try:
                sock.sendall(body[sent:sent + 1])
            except OSError:
                break  # the server answered and closed meanwhile
            sent += 1
        answer = read_answer(sock, started)
        assert closed_by_server(sock)
    assert (answer.status, answer.body) == (408, b"request body not received in time")
    assert answer.headers["connection"] == "close"
    assert READ_TIMEOUT <= answer.elapsed < READ_TIMEOUT + 1  # the drip would take over 2 s
    assert 0 < sent < len(body)
    assert CANARY.encode() not in answer.raw
    assert receiver.stored() == before


def test_past_the_cap_a_post_answers_503_before_its_body_is_read(receiver: Receiver) -> None:
    """With every read slot held by a slow client, the next POST gets 503 and Retry-After at once."""
    body = delivery()
    signature = sign(body, APP_SECRET).encode()
    before = receiver.stored()
    slow: list[socket.socket] = []
    try:
        for _ in range(MAX_READS):  # each holds a read slot, sending a tenth of its body
            slow.append(start_reading(receiver, body))
            slow[-1].sendall(body[:len(body) // 10])
        with receiver.connect() as sock:  # asks before sending its body: refused, no 100 Continue
            sock.sendall(head(len(body), signature, expect=True))
            refused = read_answer(sock)
            assert closed_by_server(sock)
        with receiver.connect() as sock:  # a whole body: refused all the same, and not echoed
            sock.sendall(head(len(body), signature) + body)
            also_refused = read_answer(sock)
        for answer in (refused, also_refused):
            assert answer.status == 503
            assert answer.body == b"too many deliveries at once; retry later"
            assert answer.headers["retry-after"] == "1"  # the read timeout, rounded up
            assert answer.headers["connection"] == "close"
            assert CANARY.encode() not in answer.raw
        assert refused.elapsed < READ_TIMEOUT  # answered at once, not once a slot came free
        # The slow clients are timed out, which frees their slots for the next delivery.
        assert [read_answer(sock).status for sock in slow] == [408] * MAX_READS
    finally:
        for sock in slow:
            sock.close()
    assert post_delivery(receiver.url, body, signature.decode()) == 200
    assert receiver.stored() == before + 1


@pytest.mark.parametrize("sent", [0, 37])
def test_a_client_that_hangs_up_mid_body_is_one_warning_line(
        receiver: Receiver, caplog: pytest.LogCaptureFixture, sent: int) -> None:
    """A client gone mid-body is one WARNING naming it and the bytes that came, not a traceback."""
    caplog.set_level(logging.DEBUG)
    body = delivery()
    before = receiver.stored()
    with start_reading(receiver, body) as sock:
        sock.sendall(body[:sent])
        port = sock.getsockname()[1]
    wait_for(lambda: any(record.levelno >= logging.WARNING for record in caplog.records))
    time.sleep(0.05)  # room for a traceback logged just after, as there was before the fix
    loud = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(loud) == 1, caplog.text
    (record,) = loud
    assert record.levelno == logging.WARNING and record.exc_info is None
    message = record.getMessage()
    assert f"127.0.0.1:{port}" in message and f"after {sent} bytes" in message
    assert "\n" not in message and "Traceback" not in caplog.text
    assert receiver.stored() == before
