"""Jetstream messages (hand-written after Jetstream's documented shape) parsed into commits."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from collectors.bluesky.jetstream import JetstreamCommit, MalformedMessage, parse_message, subscribe_url
from tests.fixtures import load

DID = "did:plc:ysvbel4kq7mz2xw3n5p6rt2a"


def test_a_block_created() -> None:
    """A create carries the record, its cid and the at-uri built from did, collection and rkey."""
    commit = parse_message(json.dumps(load("bluesky/jetstream_commit_create_block.json")))
    assert commit == JetstreamCommit(
        did=DID, time_us=1796334432318000, operation="create", collection="app.bsky.graph.block",
        rkey="3lcfw6ab7ds2x", uri=f"at://{DID}/app.bsky.graph.block/3lcfw6ab7ds2x",
        cid="bafyreidkbl3ahmetblokkaydi7hqw2vmz4rxsp5tn6ujy3oe2ikgqa4fbm",
        record={"$type": "app.bsky.graph.block", "subject": "did:plc:ahmetkaya2vq3rn4sx5tz6ab",
                "createdAt": "2026-12-03T21:47:12.318Z"},
        rev="3lcfw6ab7lk2x")


def test_a_block_deleted() -> None:
    """A delete has no record and no cid: the at-uri names what was deleted."""
    commit = parse_message(load("bluesky/jetstream_commit_delete_block.json"))
    assert commit is not None
    assert (commit.operation, commit.uri, commit.cid, commit.record) == (
        "delete", f"at://{DID}/app.bsky.graph.block/3lcfw6ab7ds2x", None, None)


def test_identity_and_account_messages_are_ignored() -> None:
    """Not moderation: None, not an error."""
    assert parse_message(load("bluesky/jetstream_identity.json")) is None
    account = {"did": DID, "time_us": 1796457700000000, "kind": "account",
               "account": {"active": True, "did": DID, "seq": 1, "time": "2026-12-05T08:01:40.000Z"}}
    assert parse_message(account) is None


def _broken(change: dict[str, Any], *, commit: dict[str, Any] | None = None,
            drop: str | None = None) -> dict[str, Any]:
    message = load("bluesky/jetstream_commit_create_block.json")
    message["commit"].update(commit or {})
    if drop:
        message["commit"].pop(drop)
    message.update(change)
    return message


@pytest.mark.parametrize(("message", "said"), [
    ("not json {", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    (_broken({"did": None}), "`did`"),
    (_broken({"time_us": "1796334432318000"}), "`time_us`"),
    (_broken({"time_us": True}), "`time_us`"),
    (_broken({"kind": "labels"}), "unknown kind 'labels'"),
    (_broken({"commit": None}), "`commit`"),
    (_broken({}, commit={"operation": "upsert"}), "unknown operation 'upsert'"),
    (_broken({}, drop="collection"), "`commit.collection`"),
    (_broken({}, drop="rkey"), "`commit.rkey`"),
    (_broken({}, drop="record"), "a create without its `record`"),
    (_broken({}, drop="cid"), "`commit.cid`"),
])
def test_malformed_messages_are_refused_with_a_clear_error(message: Any, said: str) -> None:
    """Anything not of the documented shape is refused, saying what is wrong."""
    with pytest.raises(MalformedMessage, match="Jetstream message") as caught:
        parse_message(message)
    assert said in str(caught.value)


def test_subscribe_url_names_every_did_collection_and_the_cursor() -> None:
    """`…/subscribe?wantedDids=…&wantedCollections=…&cursor=…`, values encoded."""
    url = subscribe_url("wss://jetstream.example.tr/", [DID, "did:web:valilik.example.tr"],
                        ["app.bsky.graph.block", "app.bsky.feed.threadgate"], cursor=1796334432318000)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("wss", "jetstream.example.tr", "/subscribe")
    assert parse_qsl(parts.query) == [
        ("wantedDids", DID), ("wantedDids", "did:web:valilik.example.tr"),
        ("wantedCollections", "app.bsky.graph.block"), ("wantedCollections", "app.bsky.feed.threadgate"),
        ("cursor", "1796334432318000")]
    assert subscribe_url("ws://127.0.0.1:6008/subscribe", [DID], []) == \
        f"ws://127.0.0.1:6008/subscribe?wantedDids={DID.replace(':', '%3A')}"
