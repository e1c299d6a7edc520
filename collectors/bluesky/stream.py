"""Following Bluesky's Jetstream over WebSocket: the only module that imports `websockets`.

The follower connects with the accounts' DIDs and the moderation collections, hands the raw
messages to its caller in small batches, and on any drop waits (doubling, up to a ceiling) and
reconnects from the cursor its caller keeps, which is read afresh before each connection. It
never parses or stores anything itself (collectors/bluesky/jetstream.py parses; intake stores).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from websockets.exceptions import InvalidHandshake, InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from collectors.bluesky.jetstream import subscribe_url
from collectors.records import PlatformError

log = logging.getLogger(__name__)

Handler = Callable[[list[str]], None]


@dataclass(frozen=True)
class FollowOptions:
    """How the follower batches and reconnects."""

    backoff_seconds: float = 1.0  # the first wait after a drop; doubled after each failure
    max_backoff_seconds: float = 60.0
    batch_seconds: float = 0.2  # a batch is handed over after this long without a new message
    batch_size: int = 200
    open_timeout: float = 10.0
    max_message_bytes: int = 4 * 1024 * 1024  # a record is at most a few kilobytes


def where(base_url: str) -> str:
    """The stream's host for messages (never its query)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the configured jetstream_url"


def _describe(exc: BaseException) -> str:
    """One line about a connection failure, in the network's terms."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def probe(base_url: str, dids: list[str], collections: list[str], *,
          open_timeout: float = 10.0) -> None:
    """Open one subscription for these DIDs and collections, and close it (`modaudit check`).

    Raises PlatformError saying why the stream could not be subscribed to; nothing is read.
    """
    url = subscribe_url(base_url, sorted(set(dids)), list(collections))
    try:
        with connect(url, open_timeout=open_timeout):
            pass
    except InvalidStatus as exc:  # the server answered, but not with a WebSocket
        status = exc.response.status_code
        raise PlatformError(f"Jetstream at {where(base_url)} refused the subscription "
                            f"(HTTP {status})", details={"http_status": status}) from None
    except InvalidHandshake as exc:  # something answered, but not as a WebSocket server
        raise PlatformError(f"Jetstream at {where(base_url)} did not answer as a WebSocket "
                            f"server ({_describe(exc)})") from None
    except (OSError, WebSocketException, TimeoutError) as exc:
        raise PlatformError(f"Jetstream at {where(base_url)}: {_describe(exc)}") from None


def _time_us(message: str) -> int | None:
    """A message's time_us, if it has one (parsing proper is collectors/bluesky/jetstream.py's)."""
    try:
        value = json.loads(message).get("time_us")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class JetstreamFollower:
    """Follows one Jetstream for a set of DIDs until `stop` is set (from another thread)."""

    def __init__(self, base_url: str, dids: list[str], collections: list[str], *,
                 cursor: Callable[[], int | None], handle: Handler,
                 options: FollowOptions | None = None) -> None:
        self.base_url = base_url
        self.dids = sorted(set(dids))
        self.collections = list(collections)
        self.cursor = cursor
        self.handle = handle
        self.options = options or FollowOptions()
        self.stop_event = threading.Event()
        self.connections = 0  # successful connections so far (1 + reconnects)
        self._connection: ClientConnection | None = None
        self._refused_from: int | None = None  # time_us of a batch refused before any cursor

    def stop(self) -> None:
        """Ask the follower to finish: it closes its connection and returns from `run`."""
        self.stop_event.set()
        connection = self._connection
        if connection is not None:
            connection.close()

    def run(self) -> None:
        """Connect, hand over messages, and reconnect after any failure until stopped."""
        failures = 0
        while not self.stop_event.is_set():
            try:
                # The cursor is the caller's stored one: what was stored before a drop is where
                # the next connection starts (Jetstream replays it inclusively; the store skips it).
                url = subscribe_url(self.base_url, self.dids, self.collections, self._resume_from())
                with connect(url, open_timeout=self.options.open_timeout,
                             max_size=self.options.max_message_bytes) as connection:
                    self._connection = connection
                    self.connections += 1
                    failures = 0
                    log.info("following Jetstream at %s for %d account(s)", where(self.base_url),
                             len(self.dids))
                    self._receive(connection)
            except (OSError, WebSocketException, TimeoutError) as exc:
                if self.stop_event.is_set():
                    break
                failures += 1
                self._wait(failures, f"Jetstream at {where(self.base_url)}: {_describe(exc)}")
            except Exception as exc:  # the handler failed (the database, say): resume from the store
                if self.stop_event.is_set():
                    break
                failures += 1
                log.exception("Jetstream messages could not be stored")
                self._wait(failures, f"storing Jetstream messages failed: {type(exc).__name__}")
            finally:
                self._connection = None
        log.info("stopped following Jetstream at %s", where(self.base_url))

    def _resume_from(self) -> int | None:
        """The caller's cursor; before it has one, the first message its handler refused."""
        stored = self.cursor()
        return stored if stored is not None else self._refused_from

    def _hand_over(self, batch: list[str]) -> None:
        """Give a batch to the handler; if it refuses, remember where the batch began."""
        try:
            self.handle(batch)
        except Exception:
            if self._refused_from is None:
                times = [t for t in map(_time_us, batch) if t is not None]
                self._refused_from = min(times) if times else None
            raise

    def _wait(self, failures: int, why: str) -> None:
        delay = min(self.options.max_backoff_seconds,
                    self.options.backoff_seconds * 2 ** (failures - 1))
        log.warning("%s; reconnecting in %.1f s from the stored cursor", why, delay)
        self.stop_event.wait(delay)

    def _receive(self, connection: ClientConnection) -> None:
        """Hand over messages in batches until the connection drops or the follower stops."""
        batch: list[str] = []
        started = time.monotonic()
        while not self.stop_event.is_set():
            try:
                message = connection.recv(timeout=self.options.batch_seconds)
            except TimeoutError:
                message = None
            except Exception:
                if batch and not self.stop_event.is_set():
                    self._hand_over(batch)  # what arrived before the drop is kept
                raise
            if message is not None:
                if not batch:
                    started = time.monotonic()
                batch.append(message if isinstance(message, str)
                             else message.decode("utf-8", "replace"))
            if batch and (message is None or len(batch) >= self.options.batch_size
                          or time.monotonic() - started >= self.options.batch_seconds):
                self._hand_over(batch)
                batch = []
        if batch:
            self._hand_over(batch)
