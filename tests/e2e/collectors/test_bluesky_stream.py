"""collectors/bluesky/stream.py against the simulator's Jetstream: batches, reconnects from the
caller's cursor after drops and after its own handler fails, stops when asked."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from analysis.jetstream_events import COLLECTIONS
from collectors.bluesky.stream import FollowOptions, JetstreamFollower
from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.bluesky.jetstream import JetstreamServer
from modaudit.sandbox.scenarios.bluesky_demo import BSKY_ACCOUNT, add_bluesky_demo

FAST = FollowOptions(backoff_seconds=0.05, max_backoff_seconds=0.2, batch_seconds=0.05)
WEEK = 7  # the demo week's moderation commits: block, hide, detach, gate, listblock, unblock, gate


class Keeper:
    """A caller that keeps handled messages by time_us and its cursor, as the intake does."""

    def __init__(self, fail_first: int = 0) -> None:
        self.handled: dict[int, dict[str, Any]] = {}
        self.received = 0
        self.fail_first = fail_first
        self.last: int | None = None

    def cursor(self) -> int | None:
        return self.last

    def handle(self, batch: list[str]) -> None:
        self.received += len(batch)
        if self.fail_first:
            self.fail_first -= 1
            raise RuntimeError("the database is away")
        for message in batch:
            event = json.loads(message)
            self.handled[event["time_us"]] = event
            self.last = max(self.last or 0, event["time_us"])


@pytest.fixture
def world() -> Iterator[tuple[Scenario, Simulator, JetstreamServer]]:
    scenario = Scenario(start=datetime(2026, 11, 16, tzinfo=UTC), pages=[])
    add_bluesky_demo(scenario)
    with Simulator(scenario) as sim, JetstreamServer(sim) as stream:
        sim.set_now(scenario.day(0, 23))
        yield scenario, sim, stream


def running(stream: JetstreamServer, keeper: Keeper) -> tuple[JetstreamFollower, threading.Thread]:
    follower = JetstreamFollower(stream.url, [BSKY_ACCOUNT.did], list(COLLECTIONS),
                                 cursor=keeper.cursor, handle=keeper.handle, options=FAST)
    thread = threading.Thread(target=follower.run, daemon=True)
    thread.start()
    until(lambda: stream.connections >= 1)
    return follower, thread


def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s")
        time.sleep(0.02)


World = tuple[Scenario, Simulator, JetstreamServer]


def test_drops_after_every_second_event_lose_nothing(world: World) -> None:
    scenario, sim, stream = world
    keeper = Keeper()
    follower, thread = running(stream, keeper)
    # The first connection is live from now; once it has a cursor every reconnect replays from it
    # (inclusively: each connection's first event is the last one handled, its second is new).
    sim.set_now(scenario.day(1, 14, 1))
    until(lambda: len(keeper.handled) == 1)
    stream.drop_every = 2
    sim.set_now(scenario.day(7, 9))
    until(lambda: len(keeper.handled) == WEEK)
    follower.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert follower.connections >= WEEK - 1  # a connection per new event after the second
    assert keeper.received > WEEK  # the inclusive replays, which the caller skips
    operations = [e["commit"]["operation"] for _, e in sorted(keeper.handled.items())]
    assert operations.count("delete") == 1  # the unblock


def test_a_refused_batch_comes_again_after_the_reconnect(world: World) -> None:
    """The handler refuses the block (its database is away) before any cursor was kept: the
    follower reconnects from the refused message's time, so the block is handed over again."""
    scenario, sim, stream = world
    keeper = Keeper(fail_first=1)
    follower, thread = running(stream, keeper)
    sim.set_now(scenario.day(1, 14, 1))
    until(lambda: len(keeper.handled) == 1)
    follower.stop()
    thread.join(5)
    [block] = keeper.handled.values()
    assert block["commit"]["collection"] == "app.bsky.graph.block"
    assert keeper.received == 2 and follower.connections == 2
