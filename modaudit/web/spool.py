"""Group commit for the webhook receiver: deliveries are committed in batches before each 200.

One writer thread per receiver commits what concurrent requests hand over, then answers them;
when no delivery waits, the same thread does the processing, a batch at a time (a small one while
deliveries keep arriving, so that acknowledgements never wait long behind it).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from modaudit.store.deliveries import delivery_row, insert_deliveries

log = logging.getLogger(__name__)
MAX_BATCH = 256


@dataclass
class _Waiting:
    row: dict[str, Any]
    settle: Callable[[BaseException | None], None]


class DeliverySpool:
    """Group commit: callers hand over deliveries; one thread commits them in batches, then answers.

    A caller's `store` returns only after its delivery is committed, so a 200 is never sent for
    something a crash could lose; batching amortises the commit over concurrent requests. When no
    delivery is waiting, the same thread does `idle_work(busy)` (processing), one step at a time:
    `busy` says deliveries arrived in the last `busy_window` seconds and the step should be short,
    since whatever arrives meanwhile waits for it.
    """

    def __init__(self, engine: Engine, idle_work: Callable[[bool], bool] | None = None, *,
                 idle_interval: float = 5.0, quiet: float = 0.05, max_defer: float = 1.0,
                 busy_window: float = 0.5, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.idle_work = idle_work
        self.idle_interval = idle_interval  # look for pending work this often when all is quiet
        self.quiet = quiet  # idle work waits until no delivery arrived for this long...
        self.max_defer = max_defer  # ...but never longer than this under sustained load
        # A pause of `quiet` inside a burst (a loaded client, a slow network) is not its end: until
        # this long has passed without a delivery, idle work takes short steps.
        self.busy_window = busy_window
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._last_work = time.monotonic()
        self._last_arrival = self._last_work - busy_window

    def start(self) -> None:
        """Start the writer thread."""
        self._thread = threading.Thread(target=self._run, name="webhook-spool", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Commit what is queued, then stop the writer thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    async def store(self, body: bytes, signature: str, received_at: datetime) -> None:
        """Return once the delivery is committed; raise if it could not be."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def settle(error: BaseException | None) -> None:
            loop.call_soon_threadsafe(_settle, future, error)

        self._queue.put(_Waiting(delivery_row(body, signature, received_at), settle))
        await future

    def _next(self, more_work: bool) -> _Waiting | bool | None:
        """The next queued delivery, None to stop, or False when it is time for idle work."""
        if not more_work:
            timeout = self.idle_interval
        else:
            timeout = self.quiet - (time.monotonic() - self._last_arrival)
        try:
            return self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            return False

    def _work(self, busy: bool = False) -> bool:
        self._last_work = time.monotonic()
        return self.idle_work is not None and self.idle_work(busy)

    def _run(self) -> None:
        more_work = self.idle_work is not None  # first, whatever an earlier run left pending
        while True:
            first = self._next(more_work)
            if first is False:
                more_work = self._work(busy=time.monotonic() - self._last_arrival < self.busy_window)
                continue
            if first is None:
                break
            batch = [first]
            stopping = self._fill(batch)
            self._commit(batch)
            self._last_arrival = time.monotonic()
            more_work = self.idle_work is not None
            if stopping:
                break
            if time.monotonic() - self._last_work > self.max_defer:
                more_work = self._work(busy=True)  # sustained load: still make progress, briefly

    def _fill(self, batch: list[_Waiting]) -> bool:
        """Add what else is queued (up to max_batch); True if the stop marker was among it."""
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return False
            if item is None:
                return True
            batch.append(item)
        return False

    def _commit(self, batch: list[_Waiting]) -> None:
        error: BaseException | None = None
        try:
            insert_deliveries(self.engine, [waiting.row for waiting in batch])
        except Exception as exc:  # the callers answer 503 so that Meta retries
            log.exception("could not store %d webhook deliveries", len(batch))
            error = exc
        for waiting in batch:
            waiting.settle(error)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return  # the client went away; the delivery is stored all the same
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


