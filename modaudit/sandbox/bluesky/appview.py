"""The public AppView's reads (app.bsky.feed/actor/graph) over the simulated repositories."""

from __future__ import annotations

from typing import Any

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.bluesky.pds import Answer
from modaudit.sandbox.bluesky.views import (
    list_items,
    list_view,
    post_view,
    profile_detailed,
    profile_view,
    stand_in,
    thread_node,
    threadgate_view,
)
from modaudit.sandbox.bluesky.xrpc import (
    XrpcError,
    all_values,
    body_mentions,
    int_param,
    invalid,
    not_found_uris,
    repeat_cursor,
    require,
)
from modaudit.sandbox.world.bluesky import BskyState, RecordState
from modaudit.sandbox.world.bluesky_actions import LIST, POST, BskyActor
from modaudit.sandbox.world.bluesky_ids import split_at_uri

FEED_FILTERS = (
    "posts_with_replies",
    "posts_no_replies",
    "posts_with_media",
    "posts_and_author_threads",
    "posts_with_video",
)


def _actor(state: BskyState, identifier: str) -> BskyActor:
    """The actor a DID or handle names, or 400 "Profile not found"."""
    actor = state.actor(identifier)
    if actor is None:
        raise invalid("Profile not found")
    return actor


def get_profile(state: BskyState, request: ApiRequest) -> Answer:
    """app.bsky.actor.getProfile."""
    actor = _actor(state, require(request, "actor"))
    return profile_detailed(state, actor), ()


def get_profiles(state: BskyState, request: ApiRequest) -> Answer:
    """app.bsky.actor.getProfiles: up to 25 actors; unknown ones are left out."""
    identifiers = all_values(request, "actors")
    if not identifiers:
        raise invalid('Error: Params must have the property "actors"')
    if len(identifiers) > 25:
        raise invalid("Error: actors must not have more than 25 elements")
    found = [a for a in (state.actor(i) for i in identifiers) if a is not None]
    return {"profiles": [profile_detailed(state, a) for a in found]}, ()


def get_author_feed(state: BskyState, request: ApiRequest) -> Answer:
    """app.bsky.feed.getAuthorFeed: the actor's posts newest first, cursor = createdAt::rkey."""
    actor = _actor(state, require(request, "actor"))
    limit = int_param(request, "limit", 50, 1, 100)
    kind = request.query.get("filter") or "posts_with_replies"
    if kind not in FEED_FILTERS:
        raise invalid(f"Error: filter must be one of {', '.join(FEED_FILTERS)}")
    posts = sorted(state.records_of(actor.did, POST), key=_feed_key, reverse=True)
    posts = [p for p in posts if _in_feed(state, p, kind)]
    cursor = request.query.get("cursor") or None
    start = 0
    if cursor is not None:
        later = [p for p in posts if _feed_cursor(p) < cursor]
        start = len(posts) - len(later)
        posts = later
    if request.listing_end is not None:
        limit = max(1, min(limit, request.listing_end - start))
    page = posts[:limit]
    next_cursor = _feed_cursor(page[-1]) if len(posts) > limit else None
    next_cursor, applied = repeat_cursor(request, start, next_cursor)
    body: dict[str, Any] = {"feed": [_feed_item(state, p) for p in page]}
    if next_cursor is not None:
        body["cursor"] = next_cursor
    return body, applied


def _feed_key(post: RecordState) -> tuple[str, str]:
    """Feed order: createdAt, then rkey."""
    return post.value["createdAt"], post.rkey


def _feed_cursor(post: RecordState) -> str:
    """The opaque feed cursor after `post` (sorts like the feed order)."""
    return f"{post.value['createdAt']}::{post.rkey}"


def _in_feed(state: BskyState, post: RecordState, kind: str) -> bool:
    """Whether a post belongs in the author feed under `filter`."""
    reply = post.value.get("reply")
    if kind in ("posts_with_media", "posts_with_video"):
        return False  # the simulated posts carry no images or video
    if kind == "posts_no_replies":
        return reply is None
    if kind == "posts_and_author_threads":
        return reply is None or (split_at_uri(reply["root"]["uri"]) or ("",))[0] == post.did
    return True


def _feed_item(state: BskyState, post: RecordState) -> dict[str, Any]:
    """app.bsky.feed.defs#feedViewPost, with the reply's root and parent when it is one."""
    item: dict[str, Any] = {"post": post_view(state, post)}
    reply = post.value.get("reply")
    if reply is not None:
        item["reply"] = {
            "root": _ref_view(state, reply["root"]["uri"]),
            "parent": _ref_view(state, reply["parent"]["uri"]),
        }
    return item


def _ref_view(state: BskyState, uri: str) -> dict[str, Any]:
    """A postView of a referenced post, or notFoundPost when it is gone."""
    record = state.records.get(uri)
    return post_view(state, record) if record is not None else stand_in(state, uri, "notFound")


def get_post_thread(state: BskyState, request: ApiRequest) -> Answer:
    """app.bsky.feed.getPostThread: the post, its parents and replies, and the root's threadgate."""
    uri = require(request, "uri")
    depth = int_param(request, "depth", 6, 0, 1000)
    parent_height = int_param(request, "parentHeight", 80, 0, 1000)
    post = state.records.get(uri)
    parts = split_at_uri(uri)
    if parts is None:
        raise invalid("Error: uri must be a valid at-uri")
    if post is None or post.collection != POST:
        raise XrpcError(400, "NotFound", f"Post not found: {uri}")
    faults = not_found_uris(request)
    hidden_as = dict(state.appearances)
    hidden_as.update({uri_: "notFound" for uri_ in faults})
    thread = thread_node(state, post, depth=depth, parent_height=parent_height, hidden_as=hidden_as)
    body: dict[str, Any] = {"thread": thread}
    root_uri = post.value.get("reply", {}).get("root", {}).get("uri", post.uri)
    gate = threadgate_view(state, root_uri)
    if gate is not None:
        body["threadgate"] = gate
    applied = tuple(f for u, f in faults.items() if u in state.records and body_mentions(body, u))
    return body, applied


def get_list(state: BskyState, request: ApiRequest) -> Answer:
    """app.bsky.graph.getList: the list and its members, oldest first, cursor = last item's rkey."""
    uri = require(request, "list")
    limit = int_param(request, "limit", 50, 1, 100)
    record = state.records.get(uri)
    if record is None or record.collection != LIST:
        raise invalid("List not found")
    items = list_items(state, uri)
    cursor = request.query.get("cursor") or None
    start = 0
    if cursor is not None:
        later = [i for i in items if i.rkey > cursor]
        start = len(items) - len(later)
        items = later
    page = items[:limit]
    next_cursor = page[-1].rkey if len(items) > limit else None
    next_cursor, applied = repeat_cursor(request, start, next_cursor)
    body: dict[str, Any] = {
        "list": list_view(state, record),
        "items": [{"uri": i.uri, "subject": profile_view(state.actors[i.value["subject"]])} for i in page],
    }
    if next_cursor is not None:
        body["cursor"] = next_cursor
    return body, applied
