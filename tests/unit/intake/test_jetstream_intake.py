"""Jetstream's intake on a store: messages stored once with the cursor, processed into events once,
and an action the nightly audit also records merged into one event with two sightings.

Messages written by hand after Jetstream's documented shape, for a fictional account.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collectors.records import (
    CommentListing,
    NewEvent,
    PostRecord,
    Snapshot,
    UserListing,
    UserRecord,
)
from modaudit.config import load_config
from modaudit.intake import tail
from modaudit.intake.jetstream import JetstreamIntake
from modaudit.store import jetstream as stream_store
from modaudit.store import runs
from modaudit.store.engine import make_engine
from modaudit.store.schema import Event, EventSighting, Finding
from modaudit.store.schema_bluesky import JetstreamCommit

DID = "did:plc:ornekbelediye2aaaaaaaaaa"
ZEYNEP = "did:plc:zeynepkaraca2aaaaaaaaaaa"
T0 = 1_794_924_000_000_000  # 2026-11-17T14:00:00Z
CREATED = datetime(2026, 11, 17, 13, 59, 58, tzinfo=UTC)
NOW = datetime(2026, 11, 17, 14, 0, 5, tzinfo=UTC)


def commit(operation: str, rkey: str, time_us: int, *, did: str = DID,
           collection: str = "app.bsky.graph.block", rev: str = "3m4rev2222222") -> dict[str, Any]:
    body: dict[str, Any] = {"rev": rev, "operation": operation, "collection": collection, "rkey": rkey}
    if operation != "delete":
        body |= {"cid": "bafyreiblok1", "record": {"$type": collection, "subject": ZEYNEP,
                                                   "createdAt": "2026-11-17T13:59:58.000Z"}}
    return {"did": did, "time_us": time_us, "kind": "commit", "commit": body}


def text(message: dict[str, Any], **dumps: Any) -> str:
    return json.dumps(message, **dumps)


@pytest.fixture
def intake(migrated: str, tmp_path: Path) -> Iterator[JetstreamIntake]:
    path = tmp_path / "modaudit.toml"
    path.write_text("\n".join([
        "[database]", f'url = "{migrated}"', "[bluesky]", 'jetstream_url = "ws://127.0.0.1:9"',
        "[[accounts]]", 'name = "belediye-bsky"', 'platform = "bluesky"', f'account_id = "{DID}"',
        'institution = "Örnek Belediyesi"', ""]), encoding="utf-8")
    engine = make_engine(migrated)
    try:
        yield JetstreamIntake(engine, load_config(path))
    finally:
        engine.dispose()


def stored_events(engine: Engine) -> list[tuple[str, str, str]]:
    with Session(engine) as session:
        return [tuple(row) for row in session.execute(
            select(Event.kind, Event.subject_id, Event.source).order_by(Event.seq))]


def test_a_replayed_commit_is_stored_and_recorded_once(intake: JetstreamIntake) -> None:
    block = commit("create", "3m4blok222222", T0)
    intake.receive([text(block)], NOW)
    # The inclusive replay of a resumed stream, and the same commit serialised differently.
    intake.receive([text(block), text(block, indent=1, sort_keys=True)], NOW)
    assert stored_events(intake.engine) == [("user_blocked", ZEYNEP, "jetstream")]
    with Session(intake.engine) as session:
        assert len(session.scalars(select(JetstreamCommit.id)).all()) == 1
        assert session.scalar(select(Event.occurred_before)) == CREATED
        assert session.scalar(select(Finding.status)) == "open"
    assert stream_store.stored_cursor(intake.engine) == T0


def test_the_cursor_only_moves_forward(intake: JetstreamIntake) -> None:
    intake.receive([text(commit("create", "3m4blok222222", T0 + 10))], NOW)
    intake.receive([text(commit("create", "3m4blok333333", T0, rev="3m4rev3333333"))], NOW)
    assert stream_store.stored_cursor(intake.engine) == T0 + 10


def test_a_delete_after_its_create_unblocks_and_closes(intake: JetstreamIntake) -> None:
    intake.receive([text(commit("create", "3m4blok222222", T0))], NOW)
    intake.receive([text(commit("delete", "3m4blok222222", T0 + 60_000_000, rev="3m4rev3333333"))],
                   NOW)
    assert [kind for kind, _, _ in stored_events(intake.engine)] == ["user_blocked", "user_unblocked"]
    with Session(intake.engine) as session:
        assert session.scalar(select(Finding.status)) == "closed"


def test_a_delete_of_a_block_never_seen_records_nothing(intake: JetstreamIntake) -> None:
    intake.receive([text(commit("delete", "3m4eski222222", T0))], NOW)
    assert stored_events(intake.engine) == []
    with Session(intake.engine) as session:
        status, error = session.execute(select(JetstreamCommit.status, JetstreamCommit.error)).one()
    assert status == "processed" and "nightly audit" in error


def test_what_is_not_a_moderation_commit_is_kept_or_ignored(intake: JetstreamIntake) -> None:
    intake.receive([
        "{not json",
        text({"did": DID, "time_us": T0, "kind": "identity", "identity": {"did": DID}}),
        text(commit("create", "3m4post222222", T0, collection="app.bsky.feed.post")),
        text(commit("create", "3m4blok222222", T0, did="did:plc:baskabiri2aaaaaaaaaaaaa")),
    ], NOW)
    with Session(intake.engine) as session:
        statuses = sorted(session.scalars(select(JetstreamCommit.status)))
    assert statuses == ["unknown_did", "unparseable"]
    assert intake.outcome.ignored == 2 and stored_events(intake.engine) == []


def test_the_nightly_record_of_a_streamed_block_is_a_sighting(intake: JetstreamIntake) -> None:
    intake.receive([text(commit("create", "3m4blok222222", T0))], NOW)
    nightly = NewEvent(kind="user_blocked", subject_id=ZEYNEP, actor="account", source="record",
                       occurred_after=CREATED, occurred_before=CREATED,
                       evidence={"uri": f"at://{DID}/app.bsky.graph.block/3m4blok222222"})
    with Session(intake.engine) as session, session.begin():
        account_id = session.scalar(select(Event.account_id))
        recorded = tail.record(session, account_id, None, [nightly], NOW)
    assert recorded.events == 0 and recorded.findings_opened == 0
    with Session(intake.engine) as session:
        assert session.scalars(select(EventSighting.source)).all() == ["record"]
    assert stored_events(intake.engine) == [("user_blocked", ZEYNEP, "jetstream")]


def test_a_commit_naming_an_id_the_store_cannot_keep_is_set_aside_alone(
    intake: JetstreamIntake,
) -> None:
    post = f"at://{DID}/app.bsky.feed.post/3m4duyuru2222"
    gate = {"did": DID, "time_us": T0, "kind": "commit", "commit": {
        "rev": "3m4rev2222222", "operation": "create", "collection": "app.bsky.feed.threadgate",
        "rkey": "3m4duyuru2222", "cid": "bafyreigate1",
        "record": {"$type": "app.bsky.feed.threadgate", "post": post, "createdAt":
                   "2026-11-17T13:00:00.000Z", "hiddenReplies": ["at://" + "x" * 150]}}}
    intake.receive([text(gate), text(commit("create", "3m4blok222222", T0 + 1))], NOW)
    assert stored_events(intake.engine) == [("user_blocked", ZEYNEP, "jetstream")]
    with Session(intake.engine) as session:
        rows = dict(session.execute(select(JetstreamCommit.status, JetstreamCommit.error)
                                    .order_by(JetstreamCommit.time_us)).all())
    assert set(rows) == {"unparseable", "processed"}
    assert "at most 100" in rows["unparseable"]


BLOCK_URI = f"at://{DID}/app.bsky.graph.block/3m4gece222222"
LISTED_AT = datetime(2026, 11, 16, 23, 0, tzinfo=UTC)  # the night before T0


def nightly_listing(intake: JetstreamIntake, fetched_at: datetime = LISTED_AT) -> int:
    """A nightly run that read one block record (written by hand after app.bsky.graph.block);
    the account's id."""
    value = {"$type": "app.bsky.graph.block", "subject": ZEYNEP,
             "createdAt": "2026-11-16T20:00:00.000Z"}
    user = UserRecord(ZEYNEP, "zeynepkaraca.bsky.social",
                      {"uri": BLOCK_URI, "cid": "bafyreigece1", "createdAt": value["createdAt"],
                       "kind": "block", "value": value},
                      recorded_at=datetime(2026, 11, 16, 20, 0, tzinfo=UTC))
    with Session(intake.engine) as session, session.begin():
        account_id = runs.sync_accounts(session, intake.config.accounts, fetched_at)["belediye-bsky"]
        run_id = runs.start_run(session, account_id, "nightly", fetched_at)
        runs.save_snapshot(session, account_id, run_id, Snapshot(
            fetched_at=fetched_at, blocked=UserListing(users=[user], complete=True)))
    return account_id


def test_a_streamed_delete_of_a_block_only_the_nightly_audit_saw_unblocks(
    intake: JetstreamIntake,
) -> None:
    account_id = nightly_listing(intake)
    intake.receive([text(commit("delete", "3m4gece222222", T0, rev="3m4rev4444444"))], NOW)
    assert stored_events(intake.engine) == [("user_unblocked", ZEYNEP, "jetstream")]
    with Session(intake.engine) as session:
        evidence = session.scalar(select(Event.evidence))
        assert (evidence["block_cid"], evidence["block_createdAt"]) == \
            ("bafyreigece1", "2026-11-16T20:00:00.000Z")
    # The nightly diff of the next two listings brackets the streamed time: one event, two sightings.
    nightly = NewEvent(kind="user_unblocked", subject_id=ZEYNEP, actor="account",
                       source="snapshot_diff", occurred_after=LISTED_AT,
                       occurred_before=datetime(2026, 11, 17, 23, 0, tzinfo=UTC),
                       evidence={"list": "blocked", "confirmed_by": "consecutive_lists"})
    with Session(intake.engine) as session, session.begin():
        recorded = tail.record(session, account_id, None, [nightly], NOW)
    assert recorded.events == 0
    with Session(intake.engine) as session:
        assert session.scalars(select(EventSighting.source)).all() == ["snapshot_diff"]
    assert stored_events(intake.engine) == [("user_unblocked", ZEYNEP, "jetstream")]


def test_a_listing_read_before_a_streamed_delete_does_not_bring_the_record_back(
    intake: JetstreamIntake,
) -> None:
    """The scan writes after it reads: a delete streamed in between stays the record's state."""
    intake.receive([text(commit("create", "3m4gece222222", T0 - 10))], NOW)
    intake.receive([text(commit("delete", "3m4gece222222", T0, rev="3m4rev4444444"))], NOW)
    account_id = nightly_listing(intake, fetched_at=datetime(2026, 11, 17, 13, 0, tzinfo=UTC))
    with Session(intake.engine) as session:
        known = stream_store.known_records(session, account_id, [BLOCK_URI])
    assert known[BLOCK_URI].value is None and known[BLOCK_URI].time_us == T0


def test_a_listing_keeps_the_streamed_version_of_the_same_record(intake: JetstreamIntake) -> None:
    """A record Jetstream already showed in this version keeps its revision and time."""
    streamed = commit("create", "3m4gece222222", T0)
    streamed["commit"]["cid"] = "bafyreigece1"
    intake.receive([text(streamed)], NOW)
    account_id = nightly_listing(intake, fetched_at=datetime(2026, 11, 17, 23, 0, tzinfo=UTC))
    with Session(intake.engine) as session:
        known = stream_store.known_records(session, account_id, [BLOCK_URI])
    assert (known[BLOCK_URI].rev, known[BLOCK_URI].time_us) == ("3m4rev2222222", T0)


def test_only_records_of_their_own_are_kept_from_a_listing() -> None:
    """An X-style entry (no record time, no at-uri) is no Bluesky record."""
    listing = UserListing(users=[UserRecord("12345", "ornek", {"id": "12345"}),
                                 UserRecord(ZEYNEP, None, {"uri": "https://x", "value": {}},
                                            recorded_at=CREATED)], complete=True)
    assert stream_store.listed_record_rows(Snapshot(fetched_at=NOW, blocked=listing)) == []
    assert stream_store.listed_record_rows(Snapshot(fetched_at=NOW)) == []


POST = f"at://{DID}/app.bsky.feed.post/3m4duyuru3333"
GATE_URI = f"at://{DID}/app.bsky.feed.threadgate/3m4duyuru3333"
POSTGATE_URI = f"at://{DID}/app.bsky.feed.postgate/3m4duyuru3333"
R1, R2 = (f"at://did:plc:yorumcu{n}aaaaaaaaaaaaaaaa/app.bsky.feed.post/3m4yanit{n}1111"
          for n in (1, 2))
Q1, Q2 = (f"at://did:plc:alinti{n}aaaaaaaaaaaaaaaaa/app.bsky.feed.post/3m4alinti{n}111"
          for n in (1, 2))


def gate_commit(operation: str, collection: str, value: dict[str, Any] | None, time_us: int,
                rev: str) -> str:
    """A threadgate or postgate commit on POST (after app.bsky.feed.threadgate/postgate)."""
    body: dict[str, Any] = {"rev": rev, "operation": operation, "collection": collection,
                            "rkey": "3m4duyuru3333"}
    if value is not None:
        body |= {"cid": f"bafyrei{rev[-4:]}", "record": {"$type": collection, "post": POST,
                                                        "createdAt": "2026-11-16T09:00:00.000Z",
                                                        **value}}
    return text({"did": DID, "time_us": time_us, "kind": "commit", "commit": body})


def nightly_gates(intake: JetstreamIntake) -> int:
    """A nightly run that read POST with its threadgate (replies from nobody, R1 hidden) and its
    postgate (Q1 detached), as the collector keeps them on the post; the account's id."""
    created = "2026-11-16T09:00:00.000Z"
    threadgate = {"$type": "app.bsky.feed.threadgate", "post": POST, "allow": [],
                  "hiddenReplies": [R1], "createdAt": created}
    postgate = {"$type": "app.bsky.feed.postgate", "post": POST, "detachedEmbeddingUris": [Q1],
                "createdAt": created}
    raw = {"uri": POST, "cid": "bafyreipost1",
           "threadgate": {"uri": GATE_URI, "cid": "bafyreigate0", "createdAt": created,
                          "allow": [], "value": threadgate},
           "postgate": {"uri": POSTGATE_URI, "cid": "bafyreipgate0", "createdAt": created,
                        "value": postgate}}
    post = PostRecord(POST, datetime(2026, 11, 16, 8, 0, tzinfo=UTC), "Duyuru", raw,
                      reply_settings="nobody")
    with Session(intake.engine) as session, session.begin():
        account_id = runs.sync_accounts(session, intake.config.accounts, LISTED_AT)["belediye-bsky"]
        run_id = runs.start_run(session, account_id, "nightly", LISTED_AT)
        runs.save_snapshot(session, account_id, run_id, Snapshot(
            fetched_at=LISTED_AT, listings=[CommentListing(post, [], complete=True)]))
    return account_id


def test_a_streamed_change_of_a_gate_only_the_nightly_audit_saw_is_compared_with_it(
    intake: JetstreamIntake,
) -> None:
    """Only what changed: R2 newly hidden (R1 already was), Q2 newly detached; then the gate's
    delete reopens the thread and unhides both."""
    nightly_gates(intake)
    intake.receive([
        gate_commit("update", "app.bsky.feed.threadgate", {"allow": [], "hiddenReplies": [R1, R2]},
                    T0, "3m4rev5555555"),
        gate_commit("update", "app.bsky.feed.postgate", {"detachedEmbeddingUris": [Q1, Q2]},
                    T0 + 1, "3m4rev6666666"),
    ], NOW)
    assert stored_events(intake.engine) == [("comment_hidden", R2, "jetstream"),
                                            ("quote_detached", Q2, "jetstream")]
    intake.receive([gate_commit("delete", "app.bsky.feed.threadgate", None, T0 + 2,
                                "3m4rev7777777")], NOW)
    assert stored_events(intake.engine)[2:] == [("replies_reopened", POST, "jetstream"),
                                                ("comment_unhidden", R1, "jetstream"),
                                                ("comment_unhidden", R2, "jetstream")]
