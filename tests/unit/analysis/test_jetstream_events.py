"""analysis/jetstream_events.py on records alone: Jetstream commits in, events and record states out.

Messages written by hand after Jetstream's documented shape and the app.bsky lexicons, for a
fictional municipality's account; no database, no simulator.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from analysis.jetstream_events import (
    CommitContext,
    KnownRecord,
    commit_time,
    decide_commit,
    decide_commits,
)
from analysis.merge import merge_corroborations
from collectors.bluesky.jetstream import JetstreamCommit, parse_message
from collectors.records import NewEvent

DID = "did:plc:ornekbelediye2aaaaaaaaaa"
SELIN = "did:plc:selinyildirim2aaaaaaaaaa"
POST = f"at://{DID}/app.bsky.feed.post/3m4belediye22"
REPLY = "at://did:plc:kemalarslan2aaaaaaaaaaaa/app.bsky.feed.post/3m4yanit222222"
QUOTE = "at://did:plc:kemalarslan2aaaaaaaaaaaa/app.bsky.feed.post/3m4alinti22222"
LIST = f"at://{DID}/app.bsky.graph.list/3m4liste222222"
CONTEXT = CommitContext(7, "ab" * 32, datetime(2026, 11, 17, 14, 0, 1, tzinfo=UTC))
T_BLOCK = 1_794_924_000_000_000  # 2026-11-17T14:00:00Z


def message(operation: str, collection: str, rkey: str, record: dict[str, Any] | None = None,
            time_us: int = T_BLOCK, rev: str = "3m4rev2222222",
            cid: str = "bafyreiexample1") -> JetstreamCommit:
    """One Jetstream commit message, parsed as the intake parses it."""
    commit: dict[str, Any] = {"rev": rev, "operation": operation, "collection": collection, "rkey": rkey}
    if record is not None:
        commit |= {"record": record, "cid": cid}
    parsed = parse_message({"did": DID, "time_us": time_us, "kind": "commit", "commit": commit})
    assert parsed is not None
    return parsed


def block(subject: str = SELIN, created: str = "2026-11-17T13:59:58.000Z") -> dict[str, Any]:
    return {"$type": "app.bsky.graph.block", "subject": subject, "createdAt": created}


def gate(allow: list[dict[str, Any]] | None = None, hidden: list[str] | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"$type": "app.bsky.feed.threadgate", "post": POST,
                             "createdAt": "2026-11-18T09:00:00.000Z"}
    if allow is not None:
        value["allow"] = allow
    if hidden is not None:
        value["hiddenReplies"] = hidden
    return value


def known_of(commit: JetstreamCommit) -> KnownRecord:
    return KnownRecord(commit.uri, commit.collection, commit.record, commit.cid, commit.rev,
                       commit.time_us)


def kinds(events: list[NewEvent]) -> list[tuple[str, str]]:
    return [(event.kind, event.subject_id) for event in events]


def test_a_block_created_is_user_blocked_at_the_records_own_time() -> None:
    decision = decide_commit(message("create", "app.bsky.graph.block", "3m4blok222222", block()),
                             None, CONTEXT)
    [event] = decision.events
    assert (event.kind, event.subject_id, event.source, event.actor) == (
        "user_blocked", SELIN, "jetstream", "account")
    assert event.occurred_before == event.occurred_after == datetime(2026, 11, 17, 13, 59, 58,
                                                                     tzinfo=UTC)
    assert event.evidence["uri"] == f"at://{DID}/app.bsky.graph.block/3m4blok222222"
    assert event.evidence["commit_id"] == 7 and event.evidence["cid"] == "bafyreiexample1"
    assert decision.state is not None and decision.state.value == block()


def test_a_block_deleted_unblocks_the_subject_the_store_knew() -> None:
    created = message("create", "app.bsky.graph.block", "3m4blok222222", block())
    deleted = message("delete", "app.bsky.graph.block", "3m4blok222222", time_us=T_BLOCK + 3_600_000_000,
                      rev="3m4rev3333333")
    decision = decide_commit(deleted, known_of(created), CONTEXT)
    [event] = decision.events
    assert (event.kind, event.subject_id) == ("user_unblocked", SELIN)
    assert event.occurred_before == commit_time(T_BLOCK + 3_600_000_000)
    assert decision.state is not None and decision.state.value is None


def test_a_delete_of_a_block_never_seen_records_nothing() -> None:
    decision = decide_commit(message("delete", "app.bsky.graph.block", "3m4eski222222"), None, CONTEXT)
    assert decision.events == [] and "nightly audit" in (decision.note or "")


def test_a_listblock_blocks_the_list_wholesale_and_its_deletion_unblocks_it() -> None:
    created = message("create", "app.bsky.graph.listblock", "3m4lblok22222",
                      {"$type": "app.bsky.graph.listblock", "subject": LIST,
                       "createdAt": "2026-11-17T13:59:00.000Z"})
    assert kinds(decide_commit(created, None, CONTEXT).events) == [("user_blocked", LIST)]
    deleted = message("delete", "app.bsky.graph.listblock", "3m4lblok22222", time_us=T_BLOCK + 1)
    assert kinds(decide_commit(deleted, known_of(created), CONTEXT).events) == [("user_unblocked", LIST)]


def test_a_block_without_created_at_is_a_problem_not_an_event() -> None:
    decision = decide_commit(message("create", "app.bsky.graph.block", "3m4blok222222",
                                     {"subject": SELIN}), None, CONTEXT)
    assert decision.events == [] and "createdAt" in (decision.note or "")


def test_the_same_record_again_is_no_second_event() -> None:
    created = message("create", "app.bsky.graph.block", "3m4blok222222", block())
    assert decide_commit(created, known_of(created), CONTEXT).events == []


def test_thread_gate_hides_narrows_widens_and_unhides() -> None:
    rkey = "3m4belediye22"
    first = message("create", "app.bsky.feed.threadgate", rkey, gate(hidden=[REPLY]), time_us=T_BLOCK)
    narrowed = message("update", "app.bsky.feed.threadgate", rkey,
                       gate(allow=[{"$type": "app.bsky.feed.threadgate#followingRule"}], hidden=[REPLY]),
                       time_us=T_BLOCK + 10, cid="bafyreiexample2")
    widened = message("update", "app.bsky.feed.threadgate", rkey, gate(hidden=[]),
                      time_us=T_BLOCK + 20, cid="bafyreiexample3")
    decisions = decide_commits([(first, CONTEXT), (narrowed, CONTEXT), (widened, CONTEXT)], {})
    assert [kinds(d.events) for d in decisions] == [
        [("comment_hidden", REPLY)],
        [("replies_restricted", POST)],
        [("replies_reopened", POST), ("comment_unhidden", REPLY)],
    ]
    restricted = decisions[1].events[0]
    assert restricted.post_id == POST and restricted.evidence["reply_settings"] == "following"
    assert restricted.occurred_before == commit_time(T_BLOCK + 10)


def test_one_restriction_swapped_for_another_is_no_event() -> None:
    rkey = "3m4belediye22"
    nobody = message("create", "app.bsky.feed.threadgate", rkey, gate(allow=[]))
    mentioned = message("update", "app.bsky.feed.threadgate", rkey,
                        gate(allow=[{"$type": "app.bsky.feed.threadgate#mentionRule"}]),
                        time_us=T_BLOCK + 5, cid="bafyreiexample2")
    assert kinds(decide_commit(nobody, None, CONTEXT).events) == [("replies_restricted", POST)]
    assert decide_commit(mentioned, known_of(nobody), CONTEXT).events == []


def test_a_gate_deleted_reopens_and_unhides() -> None:
    rkey = "3m4belediye22"
    nobody = message("create", "app.bsky.feed.threadgate", rkey, gate(allow=[], hidden=[REPLY]))
    deleted = message("delete", "app.bsky.feed.threadgate", rkey, time_us=T_BLOCK + 5)
    assert kinds(decide_commit(deleted, known_of(nobody), CONTEXT).events) == [
        ("replies_reopened", POST), ("comment_unhidden", REPLY)]


def test_an_update_of_a_gate_never_seen_is_left_to_the_nightly_audit() -> None:
    update = message("update", "app.bsky.feed.threadgate", "3m4belediye22", gate(hidden=[REPLY]))
    decision = decide_commit(update, None, CONTEXT)
    assert decision.events == [] and decision.state is not None


def test_a_postgate_detaching_a_quote_is_quote_detached_once() -> None:
    value = {"$type": "app.bsky.feed.postgate", "post": POST, "detachedEmbeddingUris": [QUOTE],
             "createdAt": "2026-11-18T16:00:00.000Z"}
    created = message("create", "app.bsky.feed.postgate", "3m4belediye22", value)
    [event] = decide_commit(created, None, CONTEXT).events
    assert (event.kind, event.subject_id, event.post_id) == ("quote_detached", QUOTE, POST)
    again = message("update", "app.bsky.feed.postgate", "3m4belediye22",
                    {**value, "embeddingRules": []}, time_us=T_BLOCK + 1, cid="bafyreiexample2")
    assert decide_commit(again, known_of(created), CONTEXT).events == []


def test_an_older_commit_never_undoes_a_newer_state() -> None:
    newer = message("delete", "app.bsky.graph.block", "3m4blok222222", time_us=T_BLOCK + 100)
    older = message("create", "app.bsky.graph.block", "3m4blok222222", block())
    state = KnownRecord(newer.uri, newer.collection, None, None, newer.rev, newer.time_us)
    assert decide_commit(older, state, CONTEXT).events == []


def test_a_jetstream_block_and_the_nightly_record_are_one_event() -> None:
    """The nightly audit's block (source "record", the record's createdAt) corroborates the event
    Jetstream recorded: a sighting, not a second finding."""
    [streamed] = decide_commit(message("create", "app.bsky.graph.block", "3m4blok222222", block()),
                               None, CONTEXT).events

    class Recorded:
        id, source = 41, "jetstream"
        occurred_after = occurred_before = streamed.occurred_before

    nightly = NewEvent(kind="user_blocked", subject_id=SELIN, actor="account", source="record",
                       occurred_after=streamed.occurred_before, occurred_before=streamed.occurred_before)
    merged = merge_corroborations([nightly], {("user_blocked", SELIN): [Recorded()]}, CONTEXT.received_at)
    assert merged.kept == [] and merged.sightings[0]["event_id"] == 41
