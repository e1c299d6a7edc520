"""Bluesky part of a scenario: the repositories that timed actions write, and their commits.

Every action writes, updates or deletes records in an actor's repository, as the Bluesky app does:
a block is an `app.bsky.graph.block` record (rkey a TID, `createdAt` the action time), hiding a
reply updates the root post's `app.bsky.feed.threadgate`, detaching a quote its
`app.bsky.feed.postgate`. Each write is also a commit, the stream Jetstream serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from modaudit.sandbox.world.base import ScenarioError
from modaudit.sandbox.world.bluesky_actions import (
    APPEARANCES,
    BLOCK,
    GATE_RULES,
    LIST,
    LISTBLOCK,
    LISTITEM,
    MODLIST,
    POST,
    POSTGATE,
    THREADGATE,
    BskyAction,
    BskyActor,
    BskyAppearanceAction,
    BskyBlockAction,
    BskyDeleteAction,
    BskyDetachQuoteAction,
    BskyHideReplyAction,
    BskyListAction,
    BskyListBlockAction,
    BskyPostAction,
    BskyThreadgateAction,
)
from modaudit.sandbox.world.bluesky_ids import at_uri, cid_of, iso, micros, split_at_uri, tid


@dataclass(frozen=True)
class RecordState:
    """A record as its repository holds it now: its at-uri parts, value (with `$type`) and cid."""

    did: str
    collection: str
    rkey: str
    value: dict[str, Any]
    cid: str
    indexed_at: datetime

    @property
    def uri(self) -> str:
        """at://did/collection/rkey."""
        return at_uri(self.did, self.collection, self.rkey)


@dataclass(frozen=True)
class Commit:
    """One write to a repository, as Jetstream relays it (`record`/`cid` absent on deletes)."""

    time_us: int
    did: str
    operation: str  # "create" | "update" | "delete"
    collection: str
    rkey: str
    rev: str
    record: dict[str, Any] | None = None
    cid: str | None = None


@dataclass
class BskyState:
    """Every Bluesky repository at one moment, the commits that built them, and AppView quirks."""

    accounts: dict[str, BskyActor] = field(default_factory=dict)  # the institutions, by DID
    actors: dict[str, BskyActor] = field(default_factory=dict)  # everyone seen, by DID
    records: dict[str, RecordState] = field(default_factory=dict)  # by at-uri
    commits: list[Commit] = field(default_factory=list)
    appearances: dict[str, str] = field(default_factory=dict)  # post at-uri -> notFound | blocked

    def __post_init__(self) -> None:
        self.actors.update(self.accounts)

    # -- reads -----------------------------------------------------------------------------

    def actor(self, identifier: str) -> BskyActor | None:
        """The actor with this DID or handle."""
        found = self.actors.get(identifier)
        return found or next((a for a in self.actors.values() if a.handle == identifier), None)

    def records_of(self, did: str, collection: str) -> list[RecordState]:
        """One collection of a repository, by rkey ascending (oldest TID first)."""
        found = [r for r in self.records.values() if r.did == did and r.collection == collection]
        return sorted(found, key=lambda r: r.rkey)

    def collections_of(self, did: str) -> list[str]:
        """The collections a repository holds at least one record in."""
        return sorted({r.collection for r in self.records.values() if r.did == did})

    def gate_of(self, post_uri: str, collection: str = THREADGATE) -> RecordState | None:
        """The threadgate (or postgate) of a post: same repository, same rkey."""
        parts = split_at_uri(post_uri)
        return None if parts is None else self.records.get(at_uri(parts[0], collection, parts[2]))

    def replies_to(self, post_uri: str) -> list[RecordState]:
        """Live posts replying directly to a post, oldest first."""
        replies = [
            r
            for r in self.records.values()
            if r.collection == POST and r.value.get("reply", {}).get("parent", {}).get("uri") == post_uri
        ]
        return sorted(replies, key=lambda r: (r.value["createdAt"], r.rkey))

    def quotes_of(self, post_uri: str) -> list[RecordState]:
        """Live posts quoting a post."""
        return [
            r
            for r in self.records.values()
            if r.collection == POST and r.value.get("embed", {}).get("record", {}).get("uri") == post_uri
        ]

    # -- writes ----------------------------------------------------------------------------

    def apply(self, action: BskyAction) -> None:
        """Apply one Bluesky action; raises ScenarioError when it refers to something absent."""
        if isinstance(action, BskyPostAction):
            self._post(action)
        elif isinstance(action, BskyDeleteAction):
            record = self._live(action.uri)
            _need(record.collection == POST, f"{action.uri!r} is not a post")
            self._drop(action.at, record)
        elif isinstance(action, BskyBlockAction):
            self._block(action)
        elif isinstance(action, BskyListAction):
            self._list(action)
        elif isinstance(action, BskyListBlockAction):
            self._listblock(action)
        elif isinstance(action, BskyThreadgateAction):
            self._threadgate(action)
        elif isinstance(action, BskyHideReplyAction):
            self._hide(action)
        elif isinstance(action, BskyDetachQuoteAction):
            self._detach(action)
        elif isinstance(action, BskyAppearanceAction):
            self._live(action.uri)
            _need(action.appears_as in (*APPEARANCES, None), f"bad appearance {action.appears_as!r}")
            if action.appears_as is None:
                self.appearances.pop(action.uri, None)
            else:
                self.appearances[action.uri] = action.appears_as
        else:
            raise ScenarioError(f"unknown Bluesky action {action!r}")

    def _post(self, action: BskyPostAction) -> None:
        """Write a post record (a reply refers to its root and parent by uri and cid)."""
        self.actors.setdefault(action.author.did, action.author)
        value: dict[str, Any] = {"$type": POST, "text": action.text, "createdAt": iso(action.at),
                                 "langs": ["tr"]}  # fmt: skip
        if action.reply_to is not None:
            parent = self._live(action.reply_to)
            _need(parent.collection == POST, f"reply to non-post {action.reply_to!r}")
            root = parent.value.get("reply", {}).get("root") or {"uri": parent.uri, "cid": parent.cid}
            value["reply"] = {"root": root, "parent": {"uri": parent.uri, "cid": parent.cid}}
        if action.quote_of is not None:
            quoted = self._live(action.quote_of)
            value["embed"] = {"$type": "app.bsky.embed.record",
                              "record": {"uri": quoted.uri, "cid": quoted.cid}}  # fmt: skip
        uri = at_uri(action.author.did, POST, tid(action.at))
        _need(uri not in self.records, f"two posts by {action.author.handle} at one instant")
        self._put(action.at, action.author.did, POST, tid(action.at), value)

    def _block(self, action: BskyBlockAction) -> None:
        """Create a block record, or delete the one on this subject."""
        self._need_account(action.account_did)
        self.actors.setdefault(action.subject.did, action.subject)
        existing = [r for r in self.records_of(action.account_did, BLOCK)
                    if r.value["subject"] == action.subject.did]  # fmt: skip
        if action.blocked:
            _need(not existing, f"{action.subject.handle} is already blocked")
            value = {"$type": BLOCK, "subject": action.subject.did, "createdAt": iso(action.at)}
            self._put(action.at, action.account_did, BLOCK, tid(action.at), value)
        else:
            _need(bool(existing), f"{action.subject.handle} is not blocked")
            for record in existing:
                self._drop(action.at, record)

    def _list(self, action: BskyListAction) -> None:
        """Create a moderation list and one listitem per member."""
        self._need_account(action.account_did)
        value: dict[str, Any] = {"$type": LIST, "purpose": MODLIST, "name": action.name,
                                 "createdAt": iso(action.at)}  # fmt: skip
        if action.description:
            value["description"] = action.description
        list_record = self._put(action.at, action.account_did, LIST, tid(action.at), value)
        for n, member in enumerate(action.members, start=1):
            self.actors.setdefault(member.did, member)
            item = {"$type": LISTITEM, "subject": member.did, "list": list_record.uri,
                    "createdAt": iso(action.at)}  # fmt: skip
            self._put(action.at, action.account_did, LISTITEM, tid(action.at, n), item)

    def _listblock(self, action: BskyListBlockAction) -> None:
        """Create a listblock record on a list, or delete it."""
        self._need_account(action.account_did)
        _need(self._live(action.list_uri).collection == LIST, f"{action.list_uri!r} is not a list")
        existing = [r for r in self.records_of(action.account_did, LISTBLOCK)
                    if r.value["subject"] == action.list_uri]  # fmt: skip
        if action.blocked:
            _need(not existing, f"list {action.list_uri!r} is already blocked")
            value = {"$type": LISTBLOCK, "subject": action.list_uri, "createdAt": iso(action.at)}
            self._put(action.at, action.account_did, LISTBLOCK, tid(action.at), value)
        else:
            _need(bool(existing), f"list {action.list_uri!r} is not blocked")
            for record in existing:
                self._drop(action.at, record)

    def _threadgate(self, action: BskyThreadgateAction) -> None:
        """Create, change or delete a post's threadgate (its hidden replies are kept)."""
        post = self._live(action.post_uri)
        gate = self.gate_of(post.uri)
        if action.delete:
            if gate is None:
                raise ScenarioError(f"post {post.uri!r} has no threadgate")
            self._drop(action.at, gate)
            return
        value = self._gate_value(post, gate, action.at)
        value.pop("allow", None)
        if action.allow is not None:
            value["allow"] = [_rule(rule) for rule in action.allow]
        self._put(action.at, post.did, THREADGATE, post.rkey, value)

    def _hide(self, action: BskyHideReplyAction) -> None:
        """Add a reply to (or remove it from) the root post's `hiddenReplies`."""
        post = self._live(action.post_uri)
        self._live(action.reply_uri)
        gate = self.gate_of(post.uri)
        value = self._gate_value(post, gate, action.at)
        hidden = [uri for uri in value.get("hiddenReplies", []) if uri != action.reply_uri]
        if action.hidden:
            hidden.append(action.reply_uri)
        value["hiddenReplies"] = hidden
        self._put(action.at, post.did, THREADGATE, post.rkey, value)

    def _detach(self, action: BskyDetachQuoteAction) -> None:
        """Add a quote to (or remove it from) the post's postgate `detachedEmbeddingUris`."""
        post = self._live(action.post_uri)
        self._live(action.quote_uri)
        gate = self.gate_of(post.uri, POSTGATE)
        value = dict(gate.value) if gate else {"$type": POSTGATE, "post": post.uri,
                                                "createdAt": iso(action.at)}  # fmt: skip
        detached = [u for u in value.get("detachedEmbeddingUris", []) if u != action.quote_uri]
        if action.detached:
            detached.append(action.quote_uri)
        value["detachedEmbeddingUris"] = detached
        self._put(action.at, post.did, POSTGATE, post.rkey, value)

    @staticmethod
    def _gate_value(post: RecordState, gate: RecordState | None, at: datetime) -> dict[str, Any]:
        """A copy of the post's threadgate value, or a new gate that lets everyone reply."""
        if gate is not None:
            return dict(gate.value)
        return {"$type": THREADGATE, "post": post.uri, "createdAt": iso(at)}

    def _put(self, at: datetime, did: str, collection: str, rkey: str, value: dict[str, Any]) -> RecordState:
        """Create or update a record, and log the commit."""
        uri = at_uri(did, collection, rkey)
        operation = "update" if uri in self.records else "create"
        record = RecordState(did, collection, rkey, value, cid_of(value), at)
        self.records[uri] = record
        self._commit(at, did, operation, collection, rkey, value, record.cid)
        return record

    def _drop(self, at: datetime, record: RecordState) -> None:
        """Delete a record, and log the commit."""
        del self.records[record.uri]
        self.appearances.pop(record.uri, None)
        self._commit(at, record.did, "delete", record.collection, record.rkey, None, None)

    def _commit(self, at: datetime, did: str, operation: str, collection: str, rkey: str,
                value: dict[str, Any] | None, cid: str | None) -> None:  # fmt: skip
        """Log a commit; time_us strictly increases even for writes at one instant."""
        last = self.commits[-1].time_us if self.commits else 0
        time_us = max(micros(at), last + 1)
        rev = tid(at, len(self.commits) % 1024)
        self.commits.append(Commit(time_us, did, operation, collection, rkey, rev, value, cid))

    def _live(self, uri: str) -> RecordState:
        """A record that exists now."""
        record = self.records.get(uri)
        if record is None:
            raise ScenarioError(f"unknown or deleted record {uri!r}")
        return record

    def _need_account(self, did: str) -> None:
        """Refuse moderation by an actor that is not one of the scenario's accounts."""
        _need(did in self.accounts, f"unknown Bluesky account {did!r}")


def _rule(rule: str) -> dict[str, Any]:
    """The threadgate rule object for "mention", "following", "follower" or a list at-uri."""
    if rule in GATE_RULES:
        return {"$type": GATE_RULES[rule]}
    _need(rule.startswith("at://"), f"unknown threadgate rule {rule!r}")
    return {"$type": "app.bsky.feed.threadgate#listRule", "list": rule}


def _need(condition: bool, message: str) -> None:
    """Raise ScenarioError with `message` unless `condition` holds."""
    if not condition:
        raise ScenarioError(message)
