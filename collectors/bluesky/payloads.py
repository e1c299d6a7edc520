"""The Bluesky answers modaudit reads, declared after the AT Protocol lexicons, and their transforms.

Pure functions: a page or an item in, records and field problems out. The lexicons are
`com.atproto.repo.listRecords`/`getRecord`, `app.bsky.graph.block`/`listblock`/`getList`,
`app.bsky.feed.threadgate`/`postgate`/`getAuthorFeed`/`getPostThread`, `app.bsky.actor.getProfiles`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collectors.paging import Page
from collectors.records import DetachedQuote, PlatformError, PostRecord, UserRecord
from collectors.validation import Count, FieldProblem, Payload, StrictStr, parse_item, time_field

BLOCK = "app.bsky.graph.block"
LISTBLOCK = "app.bsky.graph.listblock"
THREADGATE = "app.bsky.feed.threadgate"
POSTGATE = "app.bsky.feed.postgate"
POST = "app.bsky.feed.post"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
NOT_FOUND_POST = "app.bsky.feed.defs#notFoundPost"
BLOCKED_POST = "app.bsky.feed.defs#blockedPost"
# Threadgate `allow` rules (app.bsky.feed.threadgate) and the words reply_settings uses for them.
RULES = {"app.bsky.feed.threadgate#mentionRule": "mention",
         "app.bsky.feed.threadgate#followingRule": "following",
         "app.bsky.feed.threadgate#followerRule": "follower"}
LIST_RULE = "app.bsky.feed.threadgate#listRule"


@dataclass(frozen=True)
class DidDoc:
    """What an account's DID document says: its handle (alsoKnownAs) and PDS (#atproto_pds)."""

    did: str
    handle: str | None
    pds_url: str | None
    raw: dict[str, Any] = field(default_factory=dict)


def parse_time(value: Any) -> datetime | None:
    """An AT Protocol datetime (RFC 3339 with a zone: `2026-11-16T10:00:00.000Z`), else None."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


AtTime = time_field(parse_time)


class RepoRecord(Payload):
    """One record of a listRecords page (`com.atproto.repo.listRecords#record`) or a getRecord answer."""

    uri: StrictStr | None = None
    cid: StrictStr | None = None
    value: dict[str, Any] | None = None


class Subject(Payload):
    """A block's or listblock's value: whom (DID) or which list (at-uri), and when."""

    subject: StrictStr | None = None
    createdAt: AtTime | None = None


class Threadgate(Payload):
    """A threadgate's value: who may reply (`allow`), which replies are hidden."""

    post: StrictStr | None = None
    allow: list[dict[str, Any]] | None = None
    hiddenReplies: list[StrictStr] | None = None
    createdAt: AtTime | None = None


class Postgate(Payload):
    """A postgate's value: the quote posts detached from the post."""

    post: StrictStr | None = None
    detachedEmbeddingUris: list[StrictStr] | None = None
    createdAt: AtTime | None = None


class Author(Payload):
    """A profile as views embed it (`app.bsky.actor.defs#profileViewBasic`)."""

    did: StrictStr | None = None
    handle: StrictStr | None = None


class PostValue(Payload):
    """An `app.bsky.feed.post` record as views embed it."""

    text: StrictStr | None = None
    createdAt: AtTime | None = None


class PostView(Payload):
    """`app.bsky.feed.defs#postView`."""

    uri: StrictStr | None = None
    cid: StrictStr | None = None
    author: Author | None = None
    record: PostValue | None = None
    indexedAt: StrictStr | None = None
    replyCount: Count | None = None


def page_of(answer: dict[str, Any], items_key: str) -> Page:
    """A listing answer as a Page: its `items_key` list and its `cursor`."""
    items = answer.get(items_key)
    if not isinstance(items, list):
        raise PlatformError(f"malformed Bluesky answer: `{items_key}` is not a list")
    cursor = answer.get("cursor")
    return Page(items, cursor if isinstance(cursor, str) and cursor else None, answer)


def record_key(item: dict[str, Any]) -> str | None:
    """A listed record's at-uri (its id in a listing)."""
    uri = item.get("uri") if isinstance(item, dict) else None
    return uri if isinstance(uri, str) else None


def rkey_of(uri: str) -> str:
    """The record key, the last segment of an at-uri."""
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _record(raw: Any) -> tuple[RepoRecord | None, list[FieldProblem]]:
    return parse_item(RepoRecord, raw, ("uri", "cid", "value"))


def _evidence(record: RepoRecord, value: dict[str, Any], kind: str) -> dict[str, Any]:
    return {"uri": record.uri, "cid": record.cid, "createdAt": value.get("createdAt"), "kind": kind,
            "value": value}


def transform_block(raw: Any, names: dict[str, str] | None = None,
                    kind: str = "block") -> tuple[UserRecord | None, list[FieldProblem]]:
    """A block (or listblock) record as a UserRecord: the subject, its handle if known, its time."""
    record, problems = _record(raw)
    if record is None or record.value is None or problems:
        return None, problems or [FieldProblem("value", "missing")]
    value, value_problems = parse_item(Subject, record.value, ("subject", "createdAt"))
    problems += value_problems
    if value is None or value.subject is None or problems:
        return None, problems
    expected = "did:" if kind == "block" else "at://"  # a block names a DID, a listblock a list
    if not value.subject.startswith(expected):
        return None, [FieldProblem("subject", f"not {'a DID' if kind == 'block' else 'an at-uri'}")]
    return UserRecord(platform_id=value.subject, name=(names or {}).get(value.subject),
                      raw=_evidence(record, record.value, kind), recorded_at=value.createdAt), problems


def reply_settings(gate: Threadgate | None) -> str:
    """Who may reply, as one word: no gate → "everyone", `allow: []` → "nobody", else the rules."""
    if gate is None or gate.allow is None:
        return "everyone"  # the lexicon: an undefined `allow` lets anyone reply
    if not gate.allow:
        return "nobody"
    # Rule names only (the store keeps 40 characters); which lists is in the gate's evidence.
    words = {"list" if rule.get("$type") == LIST_RULE
             else RULES.get(str(rule.get("$type")), "unknown") for rule in gate.allow}
    return ",".join(sorted(words))


@dataclass(frozen=True)
class Gate:
    """One threadgate or postgate record as read, with its evidence."""

    post_id: str
    uri: str
    cid: str | None
    created_at: datetime | None
    threadgate: Threadgate | None = None
    postgate: Postgate | None = None
    value: dict[str, Any] | None = None  # the record's value as listed

    def evidence(self) -> dict[str, Any]:
        """The record's uri, cid and createdAt, kept on the post (a threadgate's rules too: the
        reply setting names a list rule, the evidence which list), and its value as listed (what
        a streamed change of the gate is compared with)."""
        found: dict[str, Any] = {"uri": self.uri, "cid": self.cid,
                                 "createdAt": self.created_at.isoformat() if self.created_at else None}
        if self.threadgate is not None:
            found["allow"] = self.threadgate.allow
        if self.value is not None:
            found["value"] = self.value
        return found


def transform_gate(raw: Any, kind: str) -> tuple[Gate | None, list[FieldProblem]]:
    """A threadgate or postgate record (`kind` its collection) as a Gate."""
    record, problems = _record(raw)
    if record is None or record.value is None or problems:
        return None, problems or [FieldProblem("value", "missing")]
    model = Threadgate if kind == THREADGATE else Postgate
    value, value_problems = parse_item(model, record.value, ("post", "createdAt"))
    problems += value_problems
    if value is None or value.post is None or record.uri is None or problems:
        return None, problems
    gate = Gate(post_id=value.post, uri=record.uri, cid=record.cid, created_at=value.createdAt,
                threadgate=value if isinstance(value, Threadgate) else None,
                postgate=value if isinstance(value, Postgate) else None, value=record.value)
    return gate, problems


def detached_quotes(gate: Gate) -> list[DetachedQuote]:
    """The quotes a postgate detaches from its post, one record each."""
    uris = gate.postgate.detachedEmbeddingUris if gate.postgate else None
    return [DetachedQuote(post_id=gate.post_id, quote_uri=uri, record_uri=gate.uri,
                          record_cid=gate.cid, recorded_at=gate.created_at) for uri in uris or []]


def permalink(handle: str | None, did: str, post_uri: str) -> str:
    """The post's page on bsky.app (by handle when known, else by DID)."""
    return f"https://bsky.app/profile/{handle or did}/post/{rkey_of(post_uri)}"


def transform_post(raw: Any, *, did: str, handle: str | None, threadgates: dict[str, Gate] | None,
                   postgates: dict[str, Gate] | None = None) -> tuple[PostRecord | None, list[FieldProblem]]:
    """One getAuthorFeed item as the account's PostRecord; reposts and others' posts are skipped.

    `threadgates` (post uri → gate) is None when the threadgate listing was incomplete: the
    post's reply settings are then unread (None), never guessed. The post's raw keeps its
    threadgate's and postgate's uri, cid and createdAt as evidence.
    """
    if not isinstance(raw, dict):
        return None, [FieldProblem("item", f"not an object, got {type(raw).__name__}")]
    if raw.get("reason") is not None:
        return None, []  # a repost or a pin: not a post of the window as written
    view, problems = parse_item(PostView, raw.get("post"), ("uri", "cid", "author", "record"))
    if view is None or problems:
        return None, problems
    assert view.author is not None and view.record is not None and view.uri is not None
    if view.author.did != did:
        return None, []
    if view.record.createdAt is None:
        return None, [FieldProblem("createdAt", "missing")]
    gate = threadgates.get(view.uri) if threadgates is not None else None
    settings = reply_settings(gate.threadgate if gate else None) if threadgates is not None else None
    postgate = (postgates or {}).get(view.uri)
    evidence = {"uri": view.uri, "cid": view.cid, "indexedAt": view.indexedAt,
                "threadgate": gate.evidence() if gate else None,
                "postgate": postgate.evidence() if postgate else None}
    return PostRecord(platform_id=view.uri, created_at=view.record.createdAt, message=view.record.text,
                      raw=evidence, reply_settings=settings, comment_count=view.replyCount,
                      permalink=permalink(handle, did, view.uri)), []


def profile_names(answer: dict[str, Any]) -> dict[str, str]:
    """DID → handle of a getProfiles answer (profiles that do not parse are left out)."""
    names: dict[str, str] = {}
    for raw in answer.get("profiles") or []:
        author, problems = parse_item(Author, raw, ("did", "handle"))
        if author is not None and not problems and author.did and author.handle:
            names[author.did] = author.handle
    return names


def list_members(items: list[Any]) -> tuple[list[dict[str, str]], list[FieldProblem]]:
    """A getList page's items as {"did", "handle"} (`app.bsky.graph.defs#listItemView`)."""
    members: list[dict[str, str]] = []
    problems: list[FieldProblem] = []
    for raw in items:
        subject = raw.get("subject") if isinstance(raw, dict) else None
        author, item_problems = parse_item(Author, subject, ("did",))
        problems += item_problems
        if author is not None and author.did and not item_problems:
            members.append({"did": author.did, "handle": author.handle or ""})
    return members, problems
