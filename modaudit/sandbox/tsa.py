"""A real RFC 3161 Time-Stamp Authority on loopback: `openssl ts -reply` behind HTTP.

For the tests and the demo. POST a DER TimeStampReq (application/timestamp-query), get the DER
TimeStampResp (application/timestamp-reply) that openssl signed with the test TSA certificate
(sandbox/tsa_ca.py). `down = True` makes it answer 503, as a TSA under maintenance does;
`delay` (seconds) makes it slow to answer, as a TSA under load is.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from modaudit.sandbox.tsa_ca import TestAuthority, make_authority

MAX_REQUEST = 64 * 1024
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"


class LoopbackTsa:
    """The loopback TSA server; a context manager that starts and stops it."""

    def __init__(self, directory: str | Path, authority: TestAuthority | None = None) -> None:
        self.authority = authority or make_authority(directory)
        self.down = False
        self.delay = 0.0
        self.requests = 0
        self._lock = threading.Lock()  # openssl increments one serial file
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever,
                                         kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        """Where to POST requests."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/tsr"

    def reply(self, request: bytes) -> bytes:
        """openssl's TimeStampResp to a DER request."""
        with self._lock, tempfile.TemporaryDirectory() as tmp:
            query, answer = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
            query.write_bytes(request)
            # Fixed arguments; the request only ever reaches openssl as a file's bytes.
            subprocess.run([OPENSSL, "ts",  # noqa: S603
 "-reply", "-config", str(self.authority.config),
                            "-queryfile", str(query), "-out", str(answer)],
                           check=True, capture_output=True, timeout=30)
            return answer.read_bytes()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, MAX_REQUEST))
                tsa.requests += 1
                if tsa.delay:
                    time.sleep(tsa.delay)
                if tsa.down:
                    self._answer(503, b"down for maintenance", "text/plain")
                    return
                try:
                    reply = tsa.reply(body)
                except subprocess.CalledProcessError:
                    self._answer(400, b"bad request", "text/plain")
                    return
                self._answer(200, reply, "application/timestamp-reply")

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return  # quiet: tests and the demo read results, not access logs

        return Handler

    def start(self) -> LoopbackTsa:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackTsa:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
