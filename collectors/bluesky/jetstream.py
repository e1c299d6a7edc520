"""Bluesky's Jetstream (JSON over WebSocket): one message parsed into a commit record, pure.

A message is `{"did", "time_us", "kind": "commit" | "identity" | "account", ...}`; a commit
carries `{"rev", "operation": "create" | "update" | "delete", "collection", "rkey", "record"?,
"cid"?}`. Identity and account messages are not moderation: `parse_message` returns None for them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from collectors.records import PlatformError

OPERATIONS = frozenset({"create", "update", "delete"})
IGNORED_KINDS = frozenset({"identity", "account"})


class MalformedMessage(PlatformError):
    """A Jetstream message that is not of the documented shape (never guessed at)."""


@dataclass(frozen=True)
class JetstreamCommit:
    """One record created, updated or deleted in an account's repository, as Jetstream sent it."""

    did: str
    time_us: int  # Jetstream's cursor: microseconds since the epoch
    operation: str  # "create" | "update" | "delete"
    collection: str
    rkey: str
    uri: str  # at://{did}/{collection}/{rkey}
    cid: str | None  # None on a delete
    record: dict[str, Any] | None = field(default=None)  # None on a delete
    rev: str | None = None


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedMessage(f"Jetstream message: `{name}` is missing or not a string")
    return value


def parse_message(message: str | bytes | dict[str, Any]) -> JetstreamCommit | None:
    """A commit message as a JetstreamCommit; None for identity/account messages.

    Raises MalformedMessage for anything else (bad JSON, unknown kind, missing fields).
    """
    if isinstance(message, str | bytes):
        try:
            message = json.loads(message)
        except ValueError:
            raise MalformedMessage("Jetstream message: not JSON") from None
    if not isinstance(message, dict):
        raise MalformedMessage("Jetstream message: not a JSON object")
    did = _text(message.get("did"), "did")
    time_us = message.get("time_us")
    if isinstance(time_us, bool) or not isinstance(time_us, int) or time_us < 0:
        raise MalformedMessage("Jetstream message: `time_us` is missing or not a whole number")
    kind = message.get("kind")
    if kind in IGNORED_KINDS:
        return None
    if kind != "commit":
        raise MalformedMessage(f"Jetstream message: unknown kind {kind!r}")
    commit = message.get("commit")
    if not isinstance(commit, dict):
        raise MalformedMessage("Jetstream message: `commit` is missing or not an object")
    operation = _text(commit.get("operation"), "commit.operation")
    if operation not in OPERATIONS:
        raise MalformedMessage(f"Jetstream message: unknown operation {operation!r}")
    collection = _text(commit.get("collection"), "commit.collection")
    rkey = _text(commit.get("rkey"), "commit.rkey")
    record = commit.get("record")
    cid = commit.get("cid")
    if operation == "delete":
        record, cid = None, None
    else:
        if not isinstance(record, dict):
            raise MalformedMessage(f"Jetstream message: a {operation} without its `record`")
        cid = _text(cid, "commit.cid")
    rev = commit.get("rev")
    return JetstreamCommit(did=did, time_us=time_us, operation=operation, collection=collection,
                           rkey=rkey, uri=f"at://{did}/{collection}/{rkey}", cid=cid, record=record,
                           rev=rev if isinstance(rev, str) else None)


def subscribe_url(base: str, dids: list[str], collections: list[str], cursor: int | None = None) -> str:
    """The subscription address: `{base}/subscribe?wantedDids=…&wantedCollections=…&cursor=…`."""
    query: list[tuple[str, str]] = [("wantedDids", did) for did in dids]
    query += [("wantedCollections", collection) for collection in collections]
    if cursor is not None:
        query.append(("cursor", str(cursor)))
    root = base.rstrip("/")
    if not root.endswith("/subscribe"):
        root += "/subscribe"
    return f"{root}?{urlencode(query)}" if query else root
