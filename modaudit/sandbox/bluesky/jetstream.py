"""A Jetstream on loopback: the simulated repositories' commits as JSON over WebSocket.

`GET /subscribe?wantedDids=…&wantedCollections=…&cursor=<time_us>` streams commit events
`{"did", "time_us", "kind": "commit", "commit": {"rev", "operation", "collection", "rkey",
"record", "cid"}}` as the simulator's clock passes them (or as a test `publish`es them). With a
cursor, replay starts at that time_us inclusive, as Jetstream's does, so a client resuming from
the last event it handled sees that event again and must skip it. `drop_connections()` cuts every
subscriber without a close frame, the way a network failure does; `drop_every = n` cuts each
connection after its n-th event, for tests that cannot time a cut by hand.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from modaudit.sandbox.server import Simulator
from modaudit.sandbox.world.bluesky import Commit

logger = logging.getLogger(__name__)
_POLL = 0.02  # seconds between looks at the simulator's clock


def commit_event(commit: Commit) -> dict[str, Any]:
    """A Jetstream commit event for one repository write (no record or cid on a delete)."""
    body: dict[str, Any] = {
        "rev": commit.rev,
        "operation": commit.operation,
        "collection": commit.collection,
        "rkey": commit.rkey,
    }
    if commit.record is not None:
        body["record"] = commit.record
        body["cid"] = commit.cid
    return {"did": commit.did, "time_us": commit.time_us, "kind": "commit", "commit": body}


class Subscription:
    """What one subscriber asked for: DIDs, collections (a trailing ".*" is a prefix), cursor."""

    def __init__(self, path: str) -> None:
        pairs = parse_qsl(urlsplit(path).query, keep_blank_values=True)
        self.dids = {v for k, v in pairs if k == "wantedDids" and v}
        self.collections = {v for k, v in pairs if k == "wantedCollections" and v}
        cursors = [v for k, v in pairs if k == "cursor" and v]
        self.cursor = int(cursors[0]) if cursors and cursors[0].isdigit() else None

    def wants(self, event: dict[str, Any]) -> bool:
        """Whether the event passes the DID and collection filters."""
        if self.dids and event["did"] not in self.dids:
            return False
        if not self.collections:
            return True
        collection = event.get("commit", {}).get("collection", "")
        return any(
            collection == wanted or (wanted.endswith(".*") and collection.startswith(wanted[:-1]))
            for wanted in self.collections
        )


class JetstreamServer:
    """Serves a simulator's Bluesky commits to WebSocket subscribers, from its own thread."""

    def __init__(self, simulator: Simulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.simulator = simulator
        self.host = host
        self.port = port
        self.url = ""
        self.sent = 0  # events sent, over all connections
        self.drop_every: int | None = None  # quirk: cut each connection after this many events
        self._published: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._connections: set[ServerConnection] = set()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> str:
        """Serve in a daemon thread; returns the base url "ws://127.0.0.1:PORT"."""
        if self._thread is not None:
            return self.url
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="sandbox-jetstream", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout=5):
            raise RuntimeError("the simulated Jetstream did not start within 5 seconds")
        return self.url

    def stop(self) -> None:
        """Close every connection and stop serving."""
        loop, server = self._loop, self._server
        if loop is None or server is None or self._thread is None:
            return
        loop.call_soon_threadsafe(server.close)
        self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> JetstreamServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- test hooks ------------------------------------------------------------------------

    def publish(self, event: dict[str, Any]) -> None:
        """Stream an extra event (Jetstream-shaped, with `did` and `time_us`) and keep it for replay."""
        with self._lock:
            self._published.append(event)

    def drop_connections(self) -> None:
        """Cut every open subscriber without a close frame (a quirk: clients must reconnect)."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._abort_all)

    @property
    def connections(self) -> int:
        """How many subscribers are connected."""
        return len(self._connections)

    # -- serving ---------------------------------------------------------------------------

    def _run(self) -> None:
        """The thread's event loop: serve until stop() closes the server."""
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        async with serve(self._subscriber, self.host, self.port) as server:
            self._server = server
            self.port = next(iter(server.sockets)).getsockname()[1]
            self.url = f"ws://{self.host}:{self.port}"
            self._ready.set()
            await server.wait_closed()
        self._loop = None
        self._server = None

    async def _subscriber(self, connection: ServerConnection) -> None:
        """Replay from the cursor (if any), then send new events as the clock passes them."""
        path = connection.request.path if connection.request is not None else "/"
        if urlsplit(path).path.rstrip("/") != "/subscribe":
            await connection.close(1008, "only /subscribe is served")
            return
        wanted = Subscription(path)
        # No cursor, or one from the future: live tail from the latest event.
        last = self._horizon() if wanted.cursor is None else min(wanted.cursor - 1, self._horizon())
        self._connections.add(connection)
        sent_here = 0
        try:
            while True:
                for event in self._events_after(last):
                    last = event["time_us"]
                    if wanted.wants(event):
                        await connection.send(json.dumps(event, ensure_ascii=False))
                        self.sent += 1
                        sent_here += 1
                        if self.drop_every is not None and sent_here >= self.drop_every:
                            connection.transport.abort()
                            return
                await asyncio.sleep(_POLL)
                if connection.state.name in ("CLOSING", "CLOSED"):
                    return
        except ConnectionClosed:
            return
        finally:
            self._connections.discard(connection)

    def _events(self) -> list[dict[str, Any]]:
        """Every event up to the simulator's clock, commits and published ones, by time_us."""
        commits: Iterable[Commit] = self.simulator.state().bluesky.commits
        with self._lock:
            published = list(self._published)
        return sorted([commit_event(c) for c in commits] + published, key=lambda e: e["time_us"])

    def _events_after(self, time_us: int) -> list[dict[str, Any]]:
        """Events later than `time_us`."""
        return [e for e in self._events() if e["time_us"] > time_us]

    def _horizon(self) -> int:
        """The time_us of the latest event so far (a live subscriber starts after it)."""
        events = self._events()
        return events[-1]["time_us"] if events else 0

    def _abort_all(self) -> None:
        """Abort every connection's transport (runs on the server's loop)."""
        for connection in list(self._connections):
            connection.transport.abort()
        self._connections.clear()
