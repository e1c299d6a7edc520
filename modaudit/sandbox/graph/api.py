"""Facebook Graph API subset (Pages, posts, comments, bans) answered from a PlatformState."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from modaudit.sandbox.api import ApiRequest, ApiResponse
from modaudit.sandbox.faults import Fault
from modaudit.sandbox.graph.comments import (
    COMMENT_FIELDS,
    can_moderate,
    comment_item,
    comment_node,
    comment_params,
    comments_expansion,
    listed_comments,
    summary,
)
from modaudit.sandbox.graph.errors import (
    fault_response,
    no_such_object,
    oauth_error,
    param_error,
    unknown_path,
)
from modaudit.sandbox.graph.fields import FieldSpec, graph_time, requested_fields, select, truthy
from modaudit.sandbox.graph.instagram import handle_instagram, serves_instagram
from modaudit.sandbox.graph.paging import Row, listing, start_offset
from modaudit.sandbox.graph.quirks import Quirks
from modaudit.sandbox.graph.routing import checked_route, handle_graph, route_parts
from modaudit.sandbox.world.scenario import BanState, PlatformState, PostState

__all__ = ["COMMENT_FIELDS", "GraphApi", "graph_time"]

LISTING_EDGES = frozenset({"posts", "comments", "blocked", "media", "replies"})  # last two: Instagram

_VERSIONED_PATH = re.compile(r"^/(v\d+\.\d+)(/.*)?$")

# Fields each node type serves (defaults: graph_fields.DEFAULTS); Posts also expand `comments`.
PAGE_FIELDS = ("id", "name")
POST_FIELDS = ("id", "message", "created_time", "permalink_url")
POST_EDGES = ("comments",)
USER_FIELDS = ("id", "name")

class GraphApi:
    """The Graph API module the simulator's router dispatches `/vNN.N/...` paths to."""

    name = "graph"

    def parse(
        self, method: str, path: str, query: Mapping[str, str], base_url: str
    ) -> ApiRequest | None:
        """Claim paths that start with a Graph version segment."""
        match = _VERSIONED_PATH.match(path)
        if match is None:
            return None
        return ApiRequest(
            method=method,
            path=path,
            route=match.group(2) or "/",
            version=match.group(1),
            query=dict(query),
            base_url=base_url,
        )

    def handle(self, state: PlatformState, request: ApiRequest) -> ApiResponse:
        """Answer a request from the state (Instagram objects by the Instagram subset)."""
        if serves_instagram(state, request):
            return handle_instagram(state, request)
        return handle_graph(state, request, _dispatch)

    def fault_response(
        self, fault: Fault, state: PlatformState, request: ApiRequest
    ) -> ApiResponse | None:
        """The Graph error for an error-kind fault (None for X's kinds)."""
        return fault_response(fault.kind, state, request)

    def listing_offset(self, request: ApiRequest) -> int | None:
        """Starting offset of a listing request (after/before cursor or paging token), else None."""
        parts = route_parts(request.route)
        if len(parts) != 2 or parts[1] not in LISTING_EDGES:
            return None
        return start_offset(request)


# -- dispatch ------------------------------------------------------------------------------


def _dispatch(
    state: PlatformState, request: ApiRequest, quirks: Quirks
) -> tuple[Any, frozenset[str]]:
    """Route a request to its node or edge; returns (body, ids left out by an omit fault)."""
    token = request.query.get("access_token", "")
    parts = checked_route(request, known_token=bool(token) and state.page_for_token(token) is not None)
    if parts[0] == "me":  # Graph's /me is whoever the token is: for a Page token, that Page
        page = state.page_for_token(token)
        assert page is not None  # checked_route refused unknown tokens
        parts = [page.page_id, *parts[1:]]
    node_id = parts[0]
    owner = state.owner_page_id(node_id)
    if owner is not None and state.pages[owner].token != token:
        raise oauth_error()
    if len(parts) == 1:
        return _node(state, request, node_id, quirks), frozenset()
    edge = parts[1]
    if node_id in state.pages and edge == "posts":
        return _posts(state, request, node_id, quirks), frozenset()
    if node_id in state.pages and edge == "blocked":
        return _blocked(state, request, node_id, quirks)
    if node_id in state.posts and edge == "comments":
        return _comments(state, request, node_id, None, quirks)
    live = state.comments.get(node_id)
    if live is not None and not live.deleted and edge == "comments":
        return _comments(state, request, live.post_id, node_id, quirks)
    if owner is None or (live is not None and live.deleted):
        raise no_such_object(node_id)
    raise unknown_path(f"/{edge}")


def _node(state: PlatformState, request: ApiRequest, node_id: str, quirks: Quirks) -> dict[str, Any]:
    """GET /{id}: a page, post or live comment (wrong_object: another one of the same kind)."""
    if node_id in state.pages:
        node_id = quirks.wrong_object(node_id, list(state.pages)) or node_id
        node = select(_page_node(state, node_id), requested_fields(request, "Page", PAGE_FIELDS))
    elif node_id in state.posts:
        page_id = state.posts[node_id].page_id
        node_id = quirks.wrong_object(node_id, [p.post_id for p in state.posts_of(page_id)]) or node_id
        specs = requested_fields(request, "Post", POST_FIELDS, POST_EDGES)
        node = _post_item(state, request, state.posts[node_id], specs)
    else:
        comment = state.comments.get(node_id)
        if comment is None or comment.deleted:
            raise no_such_object(node_id)
        node_id = quirks.wrong_object(node_id, _live_comment_ids(state, node_id)) or node_id
        specs = requested_fields(request, "Comment", COMMENT_FIELDS)
        node = select(comment_node(state, state.comments[node_id]), specs)
    return quirks.reshape(node, node_id)


def _posts(state: PlatformState, request: ApiRequest, page_id: str, quirks: Quirks) -> dict[str, Any]:
    """GET /{page-id}/posts: newest first, bounded by `since` / `until`."""
    specs = requested_fields(request, "Post", POST_FIELDS, POST_EDGES)
    since = _time_param(request, "since")
    # A time-paged next link carries `until` with a __paging_token; the token holds the position.
    until = None if request.query.get("__paging_token") else _time_param(request, "until")
    posts = [
        p
        for p in state.posts_of(page_id)
        if (since is None or p.created_time >= since) and (until is None or p.created_time <= until)
    ]
    rows = [Row(_post_item(state, request, p, specs), p.post_id, p.created_time) for p in posts]
    return listing(request, rows, quirks)


def _comments(
    state: PlatformState, request: ApiRequest, post_id: str, parent_id: str | None, quirks: Quirks
) -> tuple[dict[str, Any], frozenset[str]]:
    """GET /{post-id}/comments (or /{comment-id}/comments for replies), chronological."""
    specs = requested_fields(request, "Comment", COMMENT_FIELDS)
    mode, order = comment_params(request.query.get("filter"), request.query.get("order"))
    comments = listed_comments(state, post_id, parent_id, mode, order)
    kept = [c for c in comments if c.comment_id not in request.omit_ids]
    dropped = frozenset(c.comment_id for c in comments) & request.omit_ids
    moderate = can_moderate(state, post_id)
    rows = [Row(comment_item(state, c, specs, moderate), c.comment_id, c.created_time) for c in kept]
    extra = None
    if truthy(request.query.get("summary")):
        extra = {"summary": summary(state, post_id, parent_id, mode, request.query.get("order"))}
    return listing(request, rows, quirks, extra), dropped


def _blocked(state: PlatformState, request: ApiRequest, page_id: str,
             quirks: Quirks) -> tuple[dict[str, Any], frozenset[str]]:
    """GET /{page-id}/blocked: users the page bans, in ban order; `user`/`uid` asks about one.

    An "omit" fault leaves users out of the list (a glitch), never out of a per-user check.
    """
    specs = requested_fields(request, "User", USER_FIELDS)
    bans = state.banned.get(page_id, [])
    dropped: frozenset[str] = frozenset()
    asked = False
    for name in ("user", "uid"):
        wanted = request.query.get(name)
        if wanted:
            if not wanted.isdigit():
                raise param_error(f"(#100) Param {name} must be a valid ID")
            bans, asked = [b for b in bans if b.user_id == wanted], True
    if not asked:
        dropped = frozenset(b.user_id for b in bans) & request.omit_ids
        bans = [b for b in bans if b.user_id not in request.omit_ids]
    rows = [Row(select(_user_node(b), specs), b.user_id, b.banned_at) for b in bans]
    return listing(request, rows, quirks), dropped


def _live_comment_ids(state: PlatformState, comment_id: str) -> list[str]:
    """Live comments on the same Page as `comment_id` (candidates for a wrong_object answer)."""
    page_id = state.owner_page_id(comment_id)
    return [
        c.comment_id
        for c in state.comments.values()
        if not c.deleted and state.posts[c.post_id].page_id == page_id
    ]


# -- nodes -----------------------------------------------------------------------------------


def _page_node(state: PlatformState, page_id: str) -> dict[str, Any]:
    return {"id": page_id, "name": state.pages[page_id].name}


def _post_node(post: PostState) -> dict[str, Any]:
    number = post.post_id.rsplit("_", 1)[-1]
    return {
        "id": post.post_id,
        "message": post.message,
        "created_time": graph_time(post.created_time),
        "permalink_url": f"https://www.facebook.com/{post.page_id}/posts/{number}",
    }


def _post_item(
    state: PlatformState, request: ApiRequest, post: PostState, specs: list[FieldSpec]
) -> dict[str, Any]:
    """A post with its requested fields and expanded `comments` edge."""
    item = select(_post_node(post), specs)
    for spec in specs:
        if spec.name == "comments":
            edge = comments_expansion(state, request, post, spec)
            if edge is not None:
                item["comments"] = edge
    return item


def _user_node(ban: BanState) -> dict[str, Any]:
    return {"id": ban.user_id, "name": ban.user_name}


def _time_param(request: ApiRequest, name: str) -> datetime | None:
    """A `since`/`until` parameter: a unix timestamp or an ISO 8601 time (blank: absent)."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        if raw.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(raw), UTC)
        moment = datetime.fromisoformat(raw)
    except (ValueError, OverflowError, OSError):
        raise param_error(f"(#100) Param {name} must be a valid time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
