"""AppView shapes built from the repositories: profile, post, thread and list views (app.bsky.*.defs)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from modaudit.sandbox.world.bluesky import BskyState, RecordState
from modaudit.sandbox.world.bluesky_actions import LIST, LISTITEM, POST, POSTGATE, BskyActor
from modaudit.sandbox.world.bluesky_ids import iso, split_at_uri

_EARLY = datetime(2023, 2, 1, tzinfo=UTC)  # before any simulated write: an empty repo's indexedAt


def profile_basic(actor: BskyActor) -> dict[str, Any]:
    """app.bsky.actor.defs#profileViewBasic."""
    return {"did": actor.did, "handle": actor.shown_handle, "displayName": actor.display_name, "labels": []}


def profile_view(actor: BskyActor) -> dict[str, Any]:
    """app.bsky.actor.defs#profileView."""
    view = profile_basic(actor)
    if actor.description:
        view["description"] = actor.description
    return view


def profile_detailed(state: BskyState, actor: BskyActor) -> dict[str, Any]:
    """app.bsky.actor.defs#profileViewDetailed, with counts from the repository."""
    view = profile_view(actor)
    view.update(
        followersCount=0,
        followsCount=0,
        postsCount=len(state.records_of(actor.did, POST)),
        indexedAt=iso(state_first_write(state, actor.did)),
    )
    return view


def state_first_write(state: BskyState, did: str) -> datetime:
    """When the actor's repository was first written (a fixed early date when it holds nothing)."""
    records = [r.indexed_at for r in state.records.values() if r.did == did]
    return min(records, default=_EARLY)


def post_view(state: BskyState, post: RecordState) -> dict[str, Any]:
    """app.bsky.feed.defs#postView: the record, its author, counts, a quote's embed, its threadgate."""
    author = state.actors[post.did]
    view: dict[str, Any] = {
        "$type": "app.bsky.feed.defs#postView",
        "uri": post.uri,
        "cid": post.cid,
        "author": profile_basic(author),
        "record": post.value,
        "replyCount": len(state.replies_to(post.uri)),
        "repostCount": 0,
        "likeCount": 0,
        "quoteCount": len(state.quotes_of(post.uri)),
        "indexedAt": iso(post.indexed_at),
        "labels": [],
    }
    embed = _quote_embed(state, post)
    if embed is not None:
        view["embed"] = embed
    gate = threadgate_view(state, post.uri)
    if gate is not None:
        view["threadgate"] = gate
    return view


def _quote_embed(state: BskyState, post: RecordState) -> dict[str, Any] | None:
    """app.bsky.embed.record#view of a quoted post: the record, detached, or not found."""
    embed = post.value.get("embed") or {}
    if embed.get("$type") != "app.bsky.embed.record":
        return None
    uri = embed["record"]["uri"]
    quoted = state.records.get(uri)
    if quoted is None:
        record: dict[str, Any] = {"$type": "app.bsky.embed.record#viewNotFound", "uri": uri, "notFound": True}
    elif post.uri in _detached(state, uri):
        record = {"$type": "app.bsky.embed.record#viewDetached", "uri": uri, "detached": True}
    else:
        record = {
            "$type": "app.bsky.embed.record#viewRecord",
            "uri": quoted.uri,
            "cid": quoted.cid,
            "author": profile_basic(state.actors[quoted.did]),
            "value": quoted.value,
            "indexedAt": iso(quoted.indexed_at),
        }
    return {"$type": "app.bsky.embed.record#view", "record": record}


def _detached(state: BskyState, post_uri: str) -> list[str]:
    """The quotes a post's postgate detaches."""
    gate = state.gate_of(post_uri, POSTGATE)
    return list(gate.value.get("detachedEmbeddingUris", [])) if gate else []


def threadgate_view(state: BskyState, post_uri: str) -> dict[str, Any] | None:
    """app.bsky.feed.defs#threadgateView of a post's gate, with the lists its rules name."""
    gate = state.gate_of(post_uri)
    if gate is None:
        return None
    lists = [
        list_basic(state, state.records[rule["list"]])
        for rule in gate.value.get("allow", [])
        if "list" in rule and rule["list"] in state.records
    ]
    return {"uri": gate.uri, "cid": gate.cid, "record": gate.value, "lists": lists}


def list_basic(state: BskyState, record: RecordState) -> dict[str, Any]:
    """app.bsky.graph.defs#listViewBasic."""
    return {
        "uri": record.uri,
        "cid": record.cid,
        "name": record.value["name"],
        "purpose": record.value["purpose"],
        "listItemCount": len(list_items(state, record.uri)),
        "indexedAt": iso(record.indexed_at),
        "labels": [],
    }


def list_view(state: BskyState, record: RecordState) -> dict[str, Any]:
    """app.bsky.graph.defs#listView: the basic view with its creator and description."""
    view = list_basic(state, record)
    view["creator"] = profile_view(state.actors[record.did])
    if record.value.get("description"):
        view["description"] = record.value["description"]
    return view


def list_items(state: BskyState, list_uri: str) -> list[RecordState]:
    """The listitem records of a list, oldest first."""
    parts = split_at_uri(list_uri)
    if parts is None or parts[1] != LIST:
        return []
    return [r for r in state.records_of(parts[0], LISTITEM) if r.value["list"] == list_uri]


def thread_node(
    state: BskyState,
    post: RecordState,
    *,
    depth: int,
    parent_height: int,
    hidden_as: dict[str, str],
    with_parent: bool = True,
) -> dict[str, Any]:
    """app.bsky.feed.defs#threadViewPost (or a notFound/blocked stand-in) with parents and replies."""
    shown = hidden_as.get(post.uri)
    if shown is not None:
        return stand_in(state, post.uri, shown)
    node: dict[str, Any] = {"$type": "app.bsky.feed.defs#threadViewPost", "post": post_view(state, post)}
    parent_uri = post.value.get("reply", {}).get("parent", {}).get("uri")
    if with_parent and parent_uri and parent_height > 0:
        parent = state.records.get(parent_uri)
        if parent is None:
            node["parent"] = stand_in(state, parent_uri, "notFound")
        else:
            node["parent"] = _parent_chain(state, parent, parent_height, hidden_as)
    if depth > 0:
        node["replies"] = [
            thread_node(
                state, reply, depth=depth - 1, parent_height=0, hidden_as=hidden_as, with_parent=False
            )
            for reply in state.replies_to(post.uri)
        ]
    return node


def _parent_chain(
    state: BskyState, parent: RecordState, height: int, hidden_as: dict[str, str]
) -> dict[str, Any]:
    """A parent with its own parents up to `height` levels, and no replies (as the AppView does)."""
    return thread_node(state, parent, depth=0, parent_height=height - 1, hidden_as=hidden_as)


def stand_in(state: BskyState, uri: str, shown: str) -> dict[str, Any]:
    """A notFoundPost or blockedPost for a post the AppView will not show."""
    if shown == "blocked":
        parts = split_at_uri(uri)
        did = parts[0] if parts else ""
        return {
            "$type": "app.bsky.feed.defs#blockedPost",
            "uri": uri,
            "blocked": True,
            "author": {"did": did, "viewer": {"blockedBy": False}},
        }
    return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri, "notFound": True}
