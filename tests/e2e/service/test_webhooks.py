"""The Meta webhook receiver over real HTTP (uvicorn on loopback), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from collectors.records import NewEvent
from modaudit.cli import cli
from modaudit.clock import utcnow
from modaudit.intake.webhooks import process_deliveries
from modaudit.sandbox.meta_webhooks import post_delivery, send_feed_webhooks, sign
from modaudit.store import runs as store
from modaudit.store.evidence import record_events
from modaudit.store.finding_rows import list_findings
from modaudit.store.verify import verify_chain
from modaudit.web.receiver import MAX_BODY_BYTES, build_app, serve_in_thread
from tests.support.scenarios import audit_night, night
from tests.support.webhook_world import (
    APP_SECRET,
    VERIFY_TOKEN,
    World,
    change,
    deliveries,
    events,
    post,
)


def findings(world: World):
    with Session(world.engine) as session:
        return list_findings(session)


def status_line(world: World, request: bytes, then: bytes = b"") -> str:
    """Send raw bytes (and `then`), return the answer's status line."""
    parts = urlsplit(world.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(request)
        if then:
            sock.sendall(then)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def test_valid_delivery_is_stored_then_becomes_an_exact_time_event(world: World) -> None:
    assert post(world, change("1002", at=1_795_000_000)) == 200
    assert deliveries(world) == [("pending", None)]
    assert events(world) == []  # answered before any processing
    outcome = process_deliveries(world.engine, world.config)
    assert (outcome.processed, outcome.events, outcome.findings_opened) == (1, 1, 1)
    assert deliveries(world) == [("processed", None)]
    (finding,) = findings(world)
    assert (finding.kind, finding.subject_id, finding.source, finding.actor, finding.severity) == \
        ("comment_hidden", "1002", "webhook", "account", "medium")
    assert finding.occurred_after == finding.occurred_before
    assert finding.occurred_before.timestamp() == 1_795_000_000
    assert finding.evidence["delivery_id"] == 1 and len(finding.evidence["body_sha256"]) == 64
    assert "Ne zaman" not in json.dumps(finding.evidence)  # text only in the delivery, as a digest
    assert process_deliveries(world.engine, world.config).processed == 0  # idempotent


def test_remove_is_a_deletion_by_an_unknown_actor(world: World) -> None:
    assert post(world, change("1003", verb="remove")) == 200
    assert post(world, change("1001", verb="add")) == 200  # not moderation: stored, no event
    process_deliveries(world.engine, world.config)
    (finding,) = findings(world)
    assert (finding.kind, finding.actor, finding.severity) == ("comment_deleted", "unknown", "review")


def test_bad_or_missing_signature_is_refused_and_nothing_stored(world: World,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    body = change("1002")
    assert post(world, body, signature=None) == 401
    assert post(world, body, signature=sign(body, "not-the-app-secret")) == 403
    assert post(world, body, signature="sha256=" + "0" * 64) == 403
    assert post(world, body, signature="sha1=" + sign(body, APP_SECRET)[7:]) == 403
    assert post(world, body + b" ", signature=sign(body, APP_SECRET)) == 403  # altered body
    assert deliveries(world) == []
    assert "CANARY" not in caplog.text


def test_oversized_body_is_refused_before_it_is_read(world: World) -> None:
    head = (f"POST /webhooks/meta HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"X-Hub-Signature-256: {sign(b'x', APP_SECRET)}\r\n")
    declared = f"{head}Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode()
    assert " 413 " in status_line(world, declared, then=b'{"object":')
    chunk = b"x" * 65536
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(MAX_BODY_BYTES // 65536 + 1))
    assert " 413 " in status_line(world, f"{head}Transfer-Encoding: chunked\r\n\r\n".encode(), chunked)
    assert deliveries(world) == []
    assert post(world, change("1002")) == 200  # and the receiver still serves


def test_malformed_json_with_a_valid_signature_is_kept_as_unparseable(world: World) -> None:
    for body in (b'{"object": "page", "entry": [', b"[]", b'{"entry": [{"id": "1", "changes": 5}]}',
                 "çöp".encode("latin-1")):
        assert post(world, body) == 200
    assert post(world, change("1002")) == 200
    outcome = process_deliveries(world.engine, world.config)
    assert (outcome.unparseable, outcome.processed, outcome.events) == (4, 1, 1)
    stored = deliveries(world)
    assert [status for status, _ in stored] == ["unparseable"] * 4 + ["processed"]
    assert stored[0][1].startswith("not JSON")


def test_the_same_delivery_twice_yields_one_event(world: World) -> None:
    body = change("1002")
    assert post(world, body) == 200
    assert post(world, body) == 200  # a redelivery: acknowledged, stored once
    assert len(deliveries(world)) == 1
    same_change = json.dumps(json.loads(body), indent=1).encode()  # another body, same change
    assert post(world, same_change) == 200
    process_deliveries(world.engine, world.config)
    assert deliveries(world) == [("processed", None), ("processed", None)]
    assert events(world) == [("comment_hidden", "1002", "webhook")]


def test_delivery_for_an_unknown_page_is_kept_without_events(world: World) -> None:
    assert post(world, change("77_1", page_id="555000111")) == 200
    outcome = process_deliveries(world.engine, world.config)
    assert outcome.unknown_page == 1
    ((status, error),) = deliveries(world)
    assert status == "unknown_page" and "555000111" in error
    assert events(world) == []


def test_handshake_echoes_the_challenge_only_for_the_verify_token(world: World) -> None:
    def get(mode: str, token: str) -> tuple[int, str]:
        query = urlencode({"hub.mode": mode, "hub.verify_token": token, "hub.challenge": "1158201444"})
        try:
            with urllib.request.urlopen(f"{world.url}?{query}", timeout=5) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    assert get("subscribe", VERIFY_TOKEN) == (200, "1158201444")
    assert get("subscribe", "wrong")[0] == 403
    assert get("unsubscribe", VERIFY_TOKEN)[0] == 403
    assert get("subscribe", "")[0] == 403


def test_webhook_then_polling_is_one_finding_citing_both(world: World) -> None:
    scenario = world.scenario
    scenario.hide(scenario.day(1, 10), "1002")
    scenario.delete(scenario.day(1, 11), "1005", by="page")
    audit_night(world.config_path, world.simulator, scenario, 0)
    assert send_feed_webhooks(world.url, APP_SECRET, scenario, night(scenario, 0),
                              night(scenario, 1)) == [200, 200]
    assert process_deliveries(world.engine, world.config).events == 2
    polled = audit_night(world.config_path, world.simulator, scenario, 1)
    assert polled.status == "ok" and polled.events == 0  # both seen again, neither counted twice
    by_kind = {f.kind: f for f in findings(world)}
    assert set(by_kind) == {"comment_hidden", "comment_deleted"}
    hidden = by_kind["comment_hidden"]
    assert hidden.source == "webhook" and hidden.occurred_before == scenario.day(1, 10)
    (sighting,) = hidden.evidence["sightings"]
    assert sighting["source"] == "snapshot_diff"
    assert sighting["occurred_after"] == night(scenario, 0).isoformat()
    (lookup,) = by_kind["comment_deleted"].evidence["sightings"]
    assert lookup["source"] == "lookup" and lookup["evidence"]["lookup"]["error"].startswith("Graph")
    with Session(world.engine) as session:
        assert verify_chain(session)[1] == []
    assert audit_night(world.config_path, world.simulator, scenario, 2).events == 0


def test_polling_then_a_late_webhook_is_still_one_finding(world: World) -> None:
    scenario = world.scenario
    scenario.hide(scenario.day(1, 10), "1002")
    scenario.hide(scenario.day(2, 9), "1002", hidden=False)
    audit_night(world.config_path, world.simulator, scenario, 0)
    audit_night(world.config_path, world.simulator, scenario, 1)
    assert send_feed_webhooks(world.url, APP_SECRET, scenario, night(scenario, 0),
                              night(scenario, 2)) == [200, 200]
    outcome = process_deliveries(world.engine, world.config)
    # The hide was polled already (one sighting more); the unhide is new and closes the finding.
    assert (outcome.processed, outcome.events, outcome.findings_closed) == (2, 1, 1)
    (finding,) = findings(world)
    assert finding.kind == "comment_hidden" and finding.source == "snapshot_diff"
    assert finding.status == "closed"
    (sighting,) = finding.evidence["sightings"]
    assert sighting["source"] == "webhook" and sighting["seen_at"] == scenario.day(1, 10).isoformat()
    assert audit_night(world.config_path, world.simulator, scenario, 2).events == 0  # merged too
    assert events(world) == [("comment_hidden", "1002", "snapshot_diff"),
                             ("comment_unhidden", "1002", "webhook")]


def test_the_served_app_processes_in_the_background(world: World) -> None:
    with serve_in_thread(build_app(world.engine, world.config)) as base_url:
        body = change("1003")
        assert post_delivery(f"{base_url}/webhooks/meta", body, sign(body, APP_SECRET)) == 200
        deadline = time.monotonic() + 10
        while not events(world) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert events(world) == [("comment_hidden", "1003", "webhook")]


def test_cli_names_a_missing_secret_and_processes_pending(world: World,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert post(world, change("1002")) == 200
    processed = CliRunner().invoke(cli, ["--config", str(world.config_path), "webhook", "process"])
    assert processed.exit_code == 0 and "1 deliveries processed" in processed.output
    monkeypatch.delenv("TEST_META_APP_SECRET")
    refused = CliRunner().invoke(cli, ["--config", str(world.config_path), "webhook", "serve"])
    assert refused.exit_code == 2
    assert "TEST_META_APP_SECRET" in refused.output and "Traceback" not in refused.output


def test_a_scan_and_the_processor_take_turns_on_the_hash_chain(world: World) -> None:
    assert post(world, change("1002")) == 200
    now = utcnow()
    with Session(world.engine) as session, session.begin():
        account_id = store.sync_accounts(session, world.config.accounts, now)["page-0"]
    with Session(world.engine) as session, session.begin():  # a scan recording its events
        record_events(session, account_id, None, [NewEvent(
            kind="user_blocked", subject_id="5004", actor="account", source="snapshot_diff",
            occurred_after=None, occurred_before=now)], now)
        processor = threading.Thread(target=process_deliveries, args=(world.engine, world.config))
        processor.start()
        time.sleep(0.3)
        assert processor.is_alive()  # waiting for the scan's transaction, not forking the chain
    processor.join(timeout=30)
    with Session(world.engine) as session:
        assert verify_chain(session) == (2, [])
