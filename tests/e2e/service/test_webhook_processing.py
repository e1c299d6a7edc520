"""Webhook processing in batches: odd deliveries set aside, never in the way, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from modaudit.intake.webhooks import MAX_TRIES, process_deliveries
from modaudit.sandbox.meta_webhooks import post_delivery, sign
from modaudit.store.deliveries import delivery_row, insert_deliveries, pending
from modaudit.store.schema import Event, Finding
from modaudit.store.verify import verify_chain
from modaudit.web.receiver import build_app, serve_in_thread
from tests.support.scenarios import PAGE
from tests.support.webhook_world import (
    APP_SECRET,
    World,
    change,
    deliveries,
    delivery_of,
    events,
    feed_value,
    post,
)

RESTFB = Path("/work/shared/data/meta-webhooks-restfb/restfb")
RESTFB_PAGE = "1234567890321"  # the placeholder Page id of the recorded deliveries (SOURCES.md)
VERB_KINDS = {"hide": "comment_hidden", "unhide": "comment_unhidden", "remove": "comment_deleted"}


def wait_for(condition, seconds: float = 5.0) -> float:
    """Poll `condition` until true; the seconds it took (fails the test past `seconds`)."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def digest_of(world: World, subject_id: str) -> str | None:
    with Session(world.engine) as session:
        return session.scalar(select(Event.text_digest).where(Event.subject_id == subject_id))


@pytest.mark.parametrize("odd_id, reason", [
    ("1002\x00", "comment_id holds a NUL"),
    ("9" * 5000, "comment_id is 5000 characters long"),
], ids=["nul", "over-long"])
def test_an_id_the_store_cannot_keep_is_set_aside_and_the_hide_after_it_recorded(
        world: World, odd_id: str, reason: str) -> None:
    with serve_in_thread(build_app(world.engine, world.config)) as base_url:  # processing on
        url = f"{base_url}/webhooks/meta"
        for body in (change(odd_id), change("1003")):
            assert post_delivery(url, body, sign(body, APP_SECRET)) == 200
        took = wait_for(lambda: events(world) == [("comment_hidden", "1003", "webhook")])
        wait_for(lambda: deliveries(world)[0][0] != "pending")
    assert took < 5
    (odd_status, odd_error), second = deliveries(world)
    assert odd_status == "unparseable" and reason in odd_error
    assert second == ("processed", None)


def test_a_value_postgresql_refuses_is_tried_alone_then_set_aside(world: World,
                                                                 db_url: str) -> None:
    # `created_time: NaN` is JSON Python reads; PostgreSQL's json type refuses the evidence holding
    # it (SQLite keeps it). In one batch with ordinary hides, it must not cost them their events.
    odd = feed_value("1004")
    odd["created_time"] = float("nan")
    bodies = [change("1002"), delivery_of(odd), change("1003", at=1_795_000_100)]
    for body in bodies:
        assert post(world, body) == 200
    outcome = process_deliveries(world.engine, world.config)
    recorded = {subject for _, subject, _ in events(world)}
    stored = deliveries(world)
    assert {"1002", "1003"} <= recorded
    assert stored[0] == stored[2] == ("processed", None)
    if db_url.startswith("postgresql"):
        assert "1004" not in recorded and outcome.unparseable == 1
        status, error = stored[1]
        assert status == "unparseable"
        assert error.startswith(f"the database refused it {MAX_TRIES} times: ")
        assert "invalid input syntax for type json" in error
        assert (outcome.processed, outcome.events) == (2, 2)
    else:
        assert "1004" in recorded and stored[1] == ("processed", None)
    with Session(world.engine) as session:
        assert verify_chain(session)[1] == []


def test_half_an_emoji_in_a_message_still_records_the_hide(world: World) -> None:
    message = "Yollar ne zaman açılacak? \ud83d"  # the emoji's second half was cut off
    lone_id_value = feed_value("1003\udc00")
    for value in ({**feed_value("1002"), "message": message}, lone_id_value):
        body = delivery_of(value)
        assert b"\\ud83d" in body or b"\\udc00" in body  # valid JSON: escapes, ASCII only
        assert post(world, body) == 200
    outcome = process_deliveries(world.engine, world.config)
    assert (outcome.processed, outcome.unparseable, outcome.events) == (2, 0, 2)
    assert deliveries(world) == [("processed", None), ("processed", None)]
    assert events(world) == [("comment_hidden", "1002", "webhook"),
                             ("comment_hidden", "1003\ufffd", "webhook")]  # kept, with U+FFFD
    # The digest covers the text as received (its code points, the lone one as is), so it differs
    # from the digest of the same text with U+FFFD or without the half emoji.
    as_received = "Yollar ne zaman açılacak? ".encode() + b"\xed\xa0\xbd"
    assert digest_of(world, "1002") == hashlib.sha256(as_received).hexdigest()
    assert digest_of(world, "1002") not in {
        hashlib.sha256(message.replace("\ud83d", "\ufffd").encode()).hexdigest(),
        hashlib.sha256(message[:-1].encode()).hexdigest()}
    with Session(world.engine) as session:
        assert verify_chain(session)[1] == []


def test_a_burst_in_one_pass_is_one_event_per_delivery_in_order(world: World) -> None:
    at = 1_795_000_000
    bodies = [change(f"20{n:03d}", at=at + n) for n in range(120)]
    bodies.append(change("20007", verb="unhide", at=at + 500))  # undoes a hide of the same batch
    bodies.append(change("20008", verb="remove", at=at + 501))
    insert_deliveries(world.engine, [delivery_row(body, sign(body, APP_SECRET), utc(at))
                                     for body in bodies])
    outcome = process_deliveries(world.engine, world.config, batch=50)
    assert (outcome.processed, outcome.events) == (122, 122)
    assert (outcome.findings_opened, outcome.findings_closed) == (121, 1)  # an unhide is none
    assert [status for status, _ in deliveries(world)] == ["processed"] * 122
    recorded = events(world)
    assert recorded[:120] == [("comment_hidden", f"20{n:03d}", "webhook") for n in range(120)]
    assert recorded[120:] == [("comment_unhidden", "20007", "webhook"),
                              ("comment_deleted", "20008", "webhook")]
    with Session(world.engine) as session:
        closed = session.scalar(select(Finding.status).where(Finding.subject_id == "20007",
                                                             Finding.kind == "comment_hidden"))
        assert closed == "closed"
        assert verify_chain(session) == (122, [])


def test_a_batch_reads_no_more_bodies_than_its_byte_budget(world: World) -> None:
    bodies = [change(f"40{n}") for n in range(3)]
    insert_deliveries(world.engine, [delivery_row(body, sign(body, APP_SECRET), utc(1_795_000_000))
                                     for body in bodies])
    assert [row.body for row in pending(world.engine, 10)] == bodies
    assert [row.body for row in pending(world.engine, 10, max_bytes=len(bodies[0]) * 2)] == bodies[:2]
    assert [row.body for row in pending(world.engine, 10, max_bytes=1)] == bodies[:1]  # one at least
    assert process_deliveries(world.engine, world.config).processed == 3
    assert pending(world.engine, 10) == []


def test_two_processors_at_once_record_each_delivery_once(world: World) -> None:
    at = 1_795_000_000
    bodies = [change(f"30{n:03d}", at=at + n) for n in range(200)]
    insert_deliveries(world.engine, [delivery_row(body, sign(body, APP_SECRET), utc(at))
                                     for body in bodies])
    outcomes = []
    workers = [threading.Thread(target=lambda: outcomes.append(
        process_deliveries(world.engine, world.config, batch=20))) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sum(o.processed for o in outcomes) == 200 and sum(o.events for o in outcomes) == 200
    with Session(world.engine) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 200
        assert verify_chain(session)[1] == []


@pytest.mark.skipif(not RESTFB.is_dir(), reason="the recorded Meta deliveries are not on this machine")
def test_real_recorded_deliveries_are_all_processed_in_one_batch(world: World) -> None:
    expected = set()
    for path in sorted(RESTFB.rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8").replace(RESTFB_PAGE, PAGE.page_id))
        for entry in document.get("entry", []):
            for item in entry.get("changes") or []:
                value = item.get("value") or {}
                if (document.get("object") == "page" and item.get("field") == "feed"
                        and value.get("item") == "comment" and value.get("verb") in VERB_KINDS):
                    expected.add((VERB_KINDS[value["verb"]], value["comment_id"], "webhook"))
        # As Meta serialises: ASCII, `\uXXXX` escapes.
        assert post(world, json.dumps(document, ensure_ascii=True).encode()) == 200
    outcome = process_deliveries(world.engine, world.config)
    stored = deliveries(world)
    assert len(stored) > 140 and outcome.processed + outcome.unknown_page \
        + outcome.unparseable == len(stored)
    assert all(status != "pending" for status, _ in stored)
    assert not [error for _, error in stored if error and error.startswith(
        ("processing failed", "the database refused"))]
    assert set(events(world)) == expected and len(expected) == 3


def utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
