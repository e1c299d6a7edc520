"""The simulated Jetstream: commits reach subscribers as the clock passes them, filtered, replayable."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.bluesky.jetstream import JetstreamServer
from modaudit.sandbox.scenarios.bluesky_demo import BSKY_ACCOUNT, add_bluesky_demo
from modaudit.sandbox.world.bluesky_ids import micros

Running = tuple[Simulator, JetstreamServer]
GRAPH = "wantedCollections=app.bsky.graph.block&wantedCollections=app.bsky.graph.listblock"


@pytest.fixture(name="demo")
def demo_scenario() -> Scenario:
    s = Scenario(start=datetime(2026, 11, 16, tzinfo=UTC), pages=[])
    add_bluesky_demo(s)
    return s


@pytest.fixture(name="running")
def running_stream(demo: Scenario) -> Iterator[tuple[Simulator, JetstreamServer]]:
    with Simulator(demo) as sim, JetstreamServer(sim) as stream:
        sim.set_now(demo.day(0, 23))
        yield sim, stream


def receive(ws: ClientConnection, timeout: float = 3.0) -> dict[str, Any]:
    """The next event, parsed."""
    return json.loads(ws.recv(timeout=timeout))


def attach(stream: JetstreamServer, url: str) -> ClientConnection:
    """A subscriber the server has registered: its live tail starts before the clock moves on
    (a busy machine may otherwise run the server's handler after the test's next step)."""
    before = stream.connections
    ws = connect(url)
    deadline = time.monotonic() + 5
    while stream.connections <= before and time.monotonic() < deadline:
        time.sleep(0.01)
    return ws


def subscribe(stream: JetstreamServer, query: str) -> ClientConnection:
    """A subscriber to the account's repository with extra query parameters."""
    return attach(stream, f"{stream.url}/subscribe?wantedDids={BSKY_ACCOUNT.did}&{query}")


def test_a_block_and_its_deletion_reach_a_live_subscriber(
    running: Running, demo: Scenario
) -> None:
    sim, stream = running
    with subscribe(stream, GRAPH) as ws:
        sim.set_now(demo.day(1, 14, 1))  # the block of day 1 14:00
        created = receive(ws)
        assert created["kind"] == "commit" and created["did"] == BSKY_ACCOUNT.did
        assert created["time_us"] == micros(demo.day(1, 14))
        commit = created["commit"]
        assert commit["operation"] == "create" and commit["collection"] == "app.bsky.graph.block"
        assert commit["record"]["createdAt"] == "2026-11-17T14:00:00.000Z"
        assert commit["cid"].startswith("bafyrei") and len(commit["rkey"]) == 13
        sim.set_now(demo.day(5, 15))  # the listblock of day 4, then the unblock of day 5
        listblock, deleted = receive(ws), receive(ws)
        assert listblock["commit"]["collection"] == "app.bsky.graph.listblock"
        assert deleted["commit"]["operation"] == "delete"
        assert deleted["commit"]["rkey"] == commit["rkey"]
        assert "record" not in deleted["commit"] and "cid" not in deleted["commit"]
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)  # posts, lists and gates are filtered out


def test_filters_by_did_and_collection_prefix(running: Running, demo: Scenario) -> None:
    sim, stream = running
    with attach(stream, f"{stream.url}/subscribe?wantedCollections=app.bsky.feed.*") as ws:
        sim.set_now(demo.day(1, 10, 30))  # the post p2 at 09:00 and mehmet's reply at 10:00
        events = [receive(ws), receive(ws)]
    assert [e["commit"]["collection"] for e in events] == ["app.bsky.feed.post"] * 2
    assert events[0]["did"] == BSKY_ACCOUNT.did and events[1]["did"] != BSKY_ACCOUNT.did


def test_cursor_replays_inclusively(running: Running, demo: Scenario) -> None:
    sim, stream = running
    sim.set_now(demo.day(7, 23))
    with subscribe(stream, f"{GRAPH}&cursor=0") as ws:
        everything = [receive(ws) for _ in range(3)]  # block, listblock, unblock
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)
    assert [e["commit"]["operation"] for e in everything] == ["create", "create", "delete"]
    with subscribe(stream, f"{GRAPH}&cursor={everything[1]['time_us']}") as ws:
        assert [receive(ws), receive(ws)] == everything[1:]


def test_a_dropped_subscriber_resumes_from_its_cursor(
    running: Running, demo: Scenario
) -> None:
    sim, stream = running
    handled: dict[int, dict[str, Any]] = {}
    with subscribe(stream, GRAPH) as ws:
        sim.set_now(demo.day(1, 14, 1))
        first = receive(ws)
        handled[first["time_us"]] = first
        stream.drop_connections()
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=3)
    sim.set_now(demo.day(5, 15))  # the listblock and the unblock happen while disconnected
    with subscribe(stream, f"{GRAPH}&cursor={first['time_us']}") as ws:
        replayed = [receive(ws) for _ in range(3)]
    assert replayed[0] == first  # the cursor is inclusive: a client skips what it has handled
    fresh = [e for e in replayed if e["time_us"] not in handled]
    assert [e["commit"]["collection"] for e in fresh] == ["app.bsky.graph.listblock", "app.bsky.graph.block"]


def test_drop_every_cuts_each_connection_after_n_events(running: Running, demo: Scenario) -> None:
    sim, stream = running
    stream.drop_every = 1
    sim.set_now(demo.day(7, 23))
    with subscribe(stream, f"{GRAPH}&cursor=0") as ws:
        first = receive(ws)
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=3)
    with subscribe(stream, f"{GRAPH}&cursor={first['time_us'] + 1}") as ws:
        assert receive(ws)["commit"]["collection"] == "app.bsky.graph.listblock"


def test_published_events_reach_subscribers(running: Running, demo: Scenario) -> None:
    stream = running[1]
    event = {
        "did": BSKY_ACCOUNT.did,
        "time_us": micros(demo.day(0, 23, 30)),
        "kind": "commit",
        "commit": {"rev": "3n2aaaaaaaa22", "operation": "delete", "collection": "app.bsky.graph.block",
                   "rkey": "3n2aaaaaaaa22"},
    }  # fmt: skip
    with subscribe(stream, GRAPH) as ws:
        stream.publish(event)
        assert receive(ws) == event
    assert stream.sent >= 1
