"""The simulator: a loopback HTTP server with one router over the platform API modules."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from modaudit.sandbox.api import Api, ApiRequest, ApiResponse
from modaudit.sandbox.bluesky.api import BlueskyApi
from modaudit.sandbox.faults import Fault, FaultBook
from modaudit.sandbox.graph.api import GraphApi
from modaudit.sandbox.world.scenario import PlatformState, Scenario
from modaudit.sandbox.x.api import NOT_FOUND_STYLES, PROBLEMS_HOSTS, XApi
from modaudit.sandbox.youtube.api import YouTubeApi
from modaudit.sandbox.youtube.quota import pacific_day

logger = logging.getLogger(__name__)

_STATE_CACHE_SIZE = 32
_POLL_INTERVAL = 0.05  # seconds; bounds how long stop() waits for the serving loop
_TOKEN_IN_QUERY = re.compile(r"(access_token=)[^&\s]*")
_SECRET_PARAMS = frozenset({"access_token", "refresh_token", "client_secret"})  # never logged
_FORM = "application/x-www-form-urlencoded"


def redact(text: str) -> str:
    """Text (a request line or path) with any access_token value masked, fit for logs."""
    return _TOKEN_IN_QUERY.sub(r"\1***", text)


class Router:
    """Offers each request to the registered APIs in turn; the first that parses it serves it."""

    def __init__(self, apis: Sequence[Api] = ()) -> None:
        self.apis: list[Api] = list(apis)

    def register(self, api: Api) -> None:
        """Add an API module (e.g. the X API v2 next to Graph)."""
        self.apis.append(api)

    def route(
        self, method: str, path: str, query: dict[str, str], base_url: str
    ) -> tuple[Api, ApiRequest] | None:
        """The API serving this path and its parsed request, or None."""
        for api in self.apis:
            request = api.parse(method, path, query, base_url)
            if request is not None:
                return api, request
        return None


class Simulator:
    """Serves a scenario's platform state at a settable simulated time, with injected faults."""

    def __init__(
        self,
        scenario: Scenario,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        apis: Sequence[Api] | None = None,
    ) -> None:
        self.scenario = scenario
        self.host = host
        self.port = port
        self.base_url = ""
        self.timeout_sleep = 3.0
        self.latency = 0.0  # seconds every answer waits, like a network round trip (benchmarks)
        self.request_log: list[tuple[str, str, dict[str, str]]] = []
        self.router = Router(apis if apis is not None
                             else [GraphApi(), XApi(), YouTubeApi(), BlueskyApi()])
        self._faults = FaultBook(scenario.faults)
        self._lock = threading.Lock()
        self._now = scenario.start
        self._states: dict[datetime, PlatformState] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> str:
        """Serve in a daemon thread; returns the base url "http://127.0.0.1:PORT"."""
        if self._server is not None:
            return self.base_url
        self._stopping.clear()
        server = _Server((self.host, self.port), _Handler)
        server.simulator = self
        self._server = server
        self.port = server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"sandbox-sim-{self.port}",
            daemon=True,
        )
        self._thread.start()
        logger.debug("simulator serving at %s", self.base_url)
        return self.base_url

    def stop(self) -> None:
        """Stop serving; handlers still sleeping on a timeout fault are woken and abandoned."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
        logger.debug("simulator at %s stopped", self.base_url)

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- clock, state and faults -----------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The simulated time requests are answered at."""
        with self._lock:
            return self._now

    @now.setter
    def now(self, value: datetime) -> None:
        self.set_now(value)

    def set_now(self, now: datetime) -> None:
        """Move the simulated clock (forwards or backwards)."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the simulator clock needs a timezone-aware datetime")
        with self._lock:
            self._now = now

    def state(self) -> PlatformState:
        """The platform state at the current simulated time."""
        with self._lock:
            now = self._now
            cached = self._states.get(now)
            if cached is None:
                if len(self._states) >= _STATE_CACHE_SIZE:
                    self._states.clear()
                cached = self._states[now] = self.scenario.state_at(now)
            return cached

    @property
    def x_not_found_style(self) -> str:
        """How X answers a lookup of a deleted or unknown tweet: "errors_200" or "http_404"."""
        styles = [api.not_found_style for api in self.router.apis if isinstance(api, XApi)]
        return styles[0] if styles else "errors_200"

    @x_not_found_style.setter
    def x_not_found_style(self, style: str) -> None:
        if style not in NOT_FOUND_STYLES:
            raise ValueError(f"unknown not-found style {style!r}; expected one of {NOT_FOUND_STYLES}")
        for api in self.router.apis:
            if isinstance(api, XApi):
                api.not_found_style = style

    @property
    def x_problems_host(self) -> str:
        """The host in X's problem-type URIs: "api.twitter.com" (older docs) or "api.x.com"."""
        hosts = [api.problems_host for api in self.router.apis if isinstance(api, XApi)]
        return hosts[0] if hosts else "api.twitter.com"

    @x_problems_host.setter
    def x_problems_host(self, host: str) -> None:
        if host not in PROBLEMS_HOSTS:
            raise ValueError(f"unknown problems host {host!r}; expected one of {PROBLEMS_HOSTS}")
        for api in self.router.apis:
            if isinstance(api, XApi):
                api.problems_host = host

    def youtube_quota_used(self, project: str, day: date | None = None) -> int:
        """YouTube units an OAuth client's project spent on a Pacific day (default: sim-now's)."""
        day = day or pacific_day(self.now)
        return sum(
            api.quota_used(project, day) for api in self.router.apis if isinstance(api, YouTubeApi)
        )

    def add_fault(self, fault: Fault) -> None:
        """Add a fault rule on top of the scenario's own."""
        self._faults.add(fault)

    @property
    def fault_counts(self) -> Counter[str]:
        """How often faults have fired, by kind."""
        return Counter(self._faults.counts)

    @property
    def faults_fired(self) -> int:
        """How often any fault has fired."""
        return self._faults.total_fired

    # -- request handling ------------------------------------------------------------------

    def respond(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> ApiResponse | None:
        """The answer to one request; None means: drop the connection without answering.

        A form-encoded body (an OAuth token request) adds its fields to the query parameters.
        """
        split = urlsplit(target)
        path = unquote(split.path)
        query: dict[str, str] = {}
        for key, value in parse_qsl(split.query, keep_blank_values=True):
            query.setdefault(key, value)
        content_type = {k.lower(): v for k, v in (headers or {}).items()}.get("content-type", "")
        if body and content_type.split(";")[0].strip().lower() == _FORM:
            for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
                query.setdefault(key, value)
        with self._lock:
            self.request_log.append(
                (method, path, {k: v for k, v in query.items() if k not in _SECRET_PARAMS})
            )
        if self.latency > 0:
            self._stopping.wait(self.latency)  # the stop event keeps stop() prompt
        state = self.state()
        routed = self.router.route(method, path, query, self.base_url)
        if routed is None:
            return _not_served(path)
        api, request = routed
        request = replace(
            request,
            headers={name.lower(): value for name, value in (headers or {}).items()},
            target=target,
        )
        plan = self._faults.plan(state.now, request.route)

        if plan.timeout is not None and self._faults.fire(plan.timeout):
            # Wait on the stop event so that stop() is never held up by a sleeping handler.
            self._stopping.wait(self.timeout_sleep)

        for fault in plan.errors:
            answer = api.fault_response(fault, state, request)
            if answer is not None and self._faults.fire(fault):
                return answer

        listing_end = None
        offset = api.listing_offset(request)
        if plan.cutoff is not None and offset is not None:
            if offset >= plan.cutoff.after_items:
                if self._faults.fire(plan.cutoff):
                    return None
            else:
                # End this page at the cut so the client asks for the page that will fail.
                listing_end = plan.cutoff.after_items

        omit_ids = frozenset(f.item_id for f in plan.omit if f.item_id)
        request = replace(request, omit_ids=omit_ids, listing_end=listing_end, shape=plan.shape)
        answer = api.handle(state, request)
        for fault in plan.omit:
            if fault.item_id in answer.dropped_ids:
                self._faults.fire(fault)
        for fault in answer.applied:
            self._faults.fire(fault)
        return answer


def _not_served(path: str) -> ApiResponse:
    """The answer for a path no registered API claims."""
    return ApiResponse(
        404,
        {"error": {"message": f"no simulated API serves {path}", "type": "SandboxError"}},
        {"content-type": "application/json; charset=UTF-8"},
    )


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer with daemon handler threads and quiet error reporting."""

    daemon_threads = True
    simulator: Simulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("error while serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into `Simulator.respond` calls and writes the JSON answers."""

    server: _Server
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            answer = self.server.simulator.respond(
                method, self.path, dict(self.headers.items()), body
            )
        except Exception:
            logger.exception("simulator failed on %s %s", method, redact(self.path))
            answer = ApiResponse(
                500,
                {"error": {"message": "simulator failure", "type": "SandboxError"}},
                {"content-type": "application/json; charset=UTF-8"},
            )
        if answer is None:
            self.close_connection = True
            logger.debug("dropped connection for %s %s (cutoff fault)", method, redact(self.path))
            return
        body = json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("client went away before %s %s was answered", method, redact(self.path))

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), redact(format % args))
