"""Bluesky in real time: the follower `serve` runs, against the simulator's Jetstream.

A block made while it runs is a finding within seconds; a dropped connection resumes from the
cursor kept in the store, and what happened while it was down arrives once, never twice.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from collectors.bluesky.stream import FollowOptions
from modaudit import jobs
from modaudit.config import Config, load_config
from modaudit.intake.jetstream_follow import Following, start_following
from modaudit.sandbox import Scenario, Simulator
from modaudit.sandbox.bluesky.jetstream import JetstreamServer
from modaudit.sandbox.scenarios.bluesky_demo import BSKY_ACCOUNT, BSKY_USERS, add_bluesky_demo
from modaudit.sandbox.world.bluesky_ids import micros
from modaudit.store import jetstream as stream_store
from modaudit.store.engine import make_engine
from modaudit.store.schema import Event, EventSighting, Finding
from modaudit.store.schema_bluesky import JetstreamCommit
from modaudit.store.verify import verify_chain

FAST = FollowOptions(backoff_seconds=0.3, max_backoff_seconds=1.0, batch_seconds=0.05)
CAGLAR = BSKY_USERS["caglar"].did


@dataclass
class Live:
    """The demo week's simulator and its Jetstream, a configuration following it, the store."""

    scenario: Scenario
    uris: dict[str, str]
    sim: Simulator
    stream: JetstreamServer
    config_path: Path
    config: Config
    engine: Engine


def config_text(db_url: str, sim_url: str, stream_url: str) -> str:
    """A configuration with the demo's Bluesky account and Jetstream on."""
    return "\n".join([
        "[database]", f'url = "{db_url}"',
        "[bluesky]", f'appview_url = "{sim_url}"', f'plc_url = "{sim_url}"',
        f'jetstream_url = "{stream_url}"',
        "[[accounts]]", 'name = "belediye-bsky"', 'platform = "bluesky"',
        f'account_id = "{BSKY_ACCOUNT.did}"', f'handle = "{BSKY_ACCOUNT.handle}"',
        'institution = "Deneme Belediyesi"', "",
    ])


@pytest.fixture
def live(migrated: str, tmp_path: Path) -> Iterator[Live]:
    """The simulator at day 0 23:00, before the week's first block, with Jetstream serving."""
    scenario = Scenario(start=datetime(2026, 11, 16, tzinfo=UTC), pages=[])
    uris = add_bluesky_demo(scenario)
    with Simulator(scenario) as sim, JetstreamServer(sim) as stream:
        sim.set_now(scenario.day(0, 23))
        path = tmp_path / "modaudit.toml"
        path.write_text(config_text(migrated, sim.base_url, stream.url), encoding="utf-8")
        engine = make_engine(migrated)
        try:
            yield Live(scenario, uris, sim, stream, path, load_config(path), engine)
        finally:
            engine.dispose()


def eventually(check: Callable[[], Any], seconds: float = 15.0) -> Any:
    """Poll `check` until it answers something truthy, or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"nothing within {seconds} s")


def events(engine: Engine) -> list[Any]:
    with Session(engine) as session:
        return list(session.execute(select(Event.kind, Event.subject_id, Event.source,
                                           Event.occurred_before).order_by(Event.seq)))


def finding(engine: Engine, kind: str, subject: str) -> Any:
    with Session(engine) as session:
        return session.execute(select(Finding.status, Finding.severity).where(
            Finding.kind == kind, Finding.subject_id == subject)).first()


def following(live: Live) -> Iterator[Following]:
    running = start_following(live.config, live.engine, FAST)
    assert running is not None
    try:
        eventually(lambda: live.stream.connections >= 1)
        yield running
    finally:
        running.stop()


@pytest.fixture
def follower(live: Live) -> Iterator[Following]:
    """The follower as `serve` starts it, connected."""
    yield from following(live)


def test_a_block_made_while_following_is_a_finding_within_seconds(live: Live,
                                                                   follower: Following) -> None:
    live.sim.set_now(live.scenario.day(1, 14, 1))  # the block of day 1 at 14:00
    started = time.monotonic()
    assert eventually(lambda: finding(live.engine, "user_blocked", CAGLAR), 10) == ("open", "high")
    assert time.monotonic() - started < 10
    [(kind, subject, source, at)] = events(live.engine)
    assert (kind, subject, source) == ("user_blocked", CAGLAR, "jetstream")
    assert at == live.scenario.day(1, 14)  # the record's own createdAt
    assert stream_store.stored_cursor(live.engine) == micros(live.scenario.day(1, 14))


def test_a_dropped_connection_resumes_from_the_stored_cursor_without_a_duplicate(
    live: Live, follower: Following
) -> None:
    day = live.scenario.day
    live.sim.set_now(day(1, 14, 1))
    eventually(lambda: finding(live.engine, "user_blocked", CAGLAR))
    cursor = stream_store.stored_cursor(live.engine)
    live.stream.drop_connections()
    # While the follower waits to reconnect: the week goes on (hide, detach, gate, listblock,
    # the unblock of day 5, the gate widened on day 6).
    live.sim.set_now(day(7, 9))
    eventually(lambda: any(e.kind == "replies_reopened" for e in events(live.engine)))
    assert follower.follower.connections >= 2
    assert stream_store.stored_cursor(live.engine) > cursor
    seen = Counter((e.kind, e.subject_id) for e in events(live.engine))
    assert seen == {
        ("user_blocked", CAGLAR): 1,
        ("comment_hidden", live.uris["r4"]): 1,
        ("quote_detached", live.uris["q1"]): 1,
        ("replies_restricted", live.uris["p2"]): 1,
        ("user_blocked", live.uris["list"]): 1,
        ("user_unblocked", CAGLAR): 1,
        ("replies_reopened", live.uris["p2"]): 1,
    }
    assert finding(live.engine, "user_blocked", CAGLAR) == ("closed", "high")
    assert all(e.source == "jetstream" for e in events(live.engine))
    with Session(live.engine) as session:  # the replayed block was stored once
        stored = session.scalar(select(func.count()).select_from(JetstreamCommit)
                                .where(JetstreamCommit.time_us == cursor))
        statuses = set(session.scalars(select(JetstreamCommit.status)))
        assert verify_chain(session) == (7, [])
    assert stored == 1 and statuses == {"processed"}


def test_serve_follows_jetstream_and_stops_cleanly(live: Live) -> None:
    """`modaudit serve` itself: the block becomes a finding, SIGTERM ends it with status 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "modaudit", "--config", str(live.config_path), "serve"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        eventually(lambda: live.stream.connections >= 1 or process.poll() is not None, 30)
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        live.sim.set_now(live.scenario.day(1, 14, 1))
        assert eventually(lambda: finding(live.engine, "user_blocked", CAGLAR), 10) == ("open", "high")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "following Jetstream at ws://127.0.0.1" in output and "from now" in output
    assert "stopped following Jetstream (1 event(s) recorded)" in output


def sightings(engine: Engine, kind: str, subject: str) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(
            select(EventSighting.source).join(Event, Event.id == EventSighting.event_id)
            .where(Event.kind == kind, Event.subject_id == subject)))


def test_a_streamed_unblock_of_a_block_only_the_nightly_audit_saw(live: Live) -> None:
    """The block of day 1 is read by the nightly audit before Jetstream is followed; its delete
    on day 5 is streamed: user_unblocked within seconds, and the next nightly listings' absence
    is a sighting of that event, not a second one."""
    day = live.scenario.day

    def nightly(at: datetime) -> None:
        live.sim.set_now(at)
        jobs.scan_account(live.config, "belediye-bsky", "nightly", now=at)

    nightly(day(1, 23))
    assert ("user_blocked", CAGLAR, "record") in [e[:3] for e in events(live.engine)]
    for running in following(live):  # live tail: the block itself is never streamed
        live.sim.set_now(day(5, 14, 1))
        started = time.monotonic()
        eventually(lambda: finding(live.engine, "user_blocked", CAGLAR) == ("closed", "high"), 10)
        assert time.monotonic() - started < 10
        [unblock] = [e for e in events(live.engine) if e.kind == "user_unblocked"]
        assert (unblock.subject_id, unblock.source, unblock.occurred_before) == \
            (CAGLAR, "jetstream", day(5, 14))
        running.stop()
    for night in (day(5, 23), day(6, 23)):
        nightly(night)
    unblocks = [e for e in events(live.engine) if e.kind == "user_unblocked"]
    assert [(e.subject_id, e.source) for e in unblocks] == [(CAGLAR, "jetstream")]
    assert sightings(live.engine, "user_unblocked", CAGLAR) != []
    assert finding(live.engine, "user_blocked", CAGLAR) == ("closed", "high")
    with Session(live.engine) as session:
        assert verify_chain(session)[1] == []


def test_a_streamed_change_of_a_gate_only_the_nightly_audit_saw(live: Live) -> None:
    """p2's gate (replies from followers, r4 hidden) is read by the nightly audit of day 5 before
    Jetstream is followed; day 6 opens it to everyone and keeps r4 hidden: replies_reopened within
    seconds and no unhide, and the nightly audit's confirmation of the reopening (two nights) is a
    sighting, not a second event."""
    day, p2 = live.scenario.day, live.uris["p2"]
    live.sim.set_now(day(5, 23))
    jobs.scan_account(live.config, "belediye-bsky", "nightly", now=day(5, 23))
    assert not [e for e in events(live.engine) if e.kind == "replies_reopened"]
    for running in following(live):
        live.sim.set_now(day(6, 10, 1))
        started = time.monotonic()
        eventually(lambda: any(e.kind == "replies_reopened" for e in events(live.engine)), 10)
        assert time.monotonic() - started < 10
        running.stop()
    streamed = [e[:3] for e in events(live.engine) if e.source == "jetstream"]
    assert streamed == [("replies_reopened", p2, "jetstream")]  # r4 stays hidden: no unhide
    for night in (day(6, 23), day(7, 23)):  # a reopening is confirmed by a second night
        live.sim.set_now(night)
        jobs.scan_account(live.config, "belediye-bsky", "nightly", now=night)
    reopened = [e[:3] for e in events(live.engine) if e.kind == "replies_reopened"]
    assert reopened == [("replies_reopened", p2, "jetstream")]
    assert sightings(live.engine, "replies_reopened", p2) != []
    assert not [e for e in events(live.engine) if e.kind == "comment_unhidden"]
