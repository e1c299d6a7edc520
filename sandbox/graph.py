"""Facebook Graph API subset (Pages, posts, comments, bans) answered from a PlatformState."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from sandbox.api import ApiRequest, ApiResponse
from sandbox.faults import Fault
from sandbox.graph_errors import (
    GraphError,
    error_response,
    fault_response,
    graph_headers,
    new_trace_id,
    no_such_object,
    oauth_error,
    param_error,
    unknown_path,
    unsupported_method,
)
from sandbox.scenario import BanState, CommentState, PlatformState, PostState

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
LISTING_EDGES = frozenset({"posts", "comments", "blocked", "media", "replies"})  # last two: Instagram

_VERSIONED_PATH = re.compile(r"^/(v\d+\.\d+)(/.*)?$")
_GRAPH_TIME = "%Y-%m-%dT%H:%M:%S+0000"
_CURSOR_PREFIX = "offset:"

# Fields each node type serves, and the ones Graph returns when `fields` is not given.
PAGE_FIELDS = ("id", "name")
POST_FIELDS = ("id", "message", "created_time", "permalink_url")
COMMENT_FIELDS = ("id", "from", "message", "created_time", "is_hidden", "parent", "permalink_url")
USER_FIELDS = ("id", "name")
_DEFAULTS = {
    "Page": ("id", "name"),
    "Post": ("created_time", "message", "id"),
    "Comment": ("created_time", "from", "message", "id"),
    "User": ("id", "name"),
}


def graph_time(moment: datetime) -> str:
    """Format a datetime the way Graph does: "2026-11-16T10:00:00+0000"."""
    return moment.astimezone(UTC).strftime(_GRAPH_TIME)


def encode_cursor(offset: int) -> str:
    """An opaque paging cursor for a listing offset."""
    raw = f"{_CURSOR_PREFIX}{offset}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The listing offset in a cursor; raises GraphError (code 100) if it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError(text)
        offset = int(text[len(_CURSOR_PREFIX) :])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise param_error(f"(#100) Invalid cursor: {cursor}") from None
    if offset < 0:
        raise param_error(f"(#100) Invalid cursor: {cursor}")
    return offset


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
        from sandbox.ig_api import handle_instagram, serves_instagram  # it builds on this module

        if serves_instagram(state, request):
            return handle_instagram(state, request)
        return handle_graph(state, request)

    def fault_response(
        self, fault: Fault, state: PlatformState, request: ApiRequest
    ) -> ApiResponse | None:
        """The Graph error for an error-kind fault (None for X's kinds)."""
        return fault_response(fault.kind, state, request)

    def listing_offset(self, request: ApiRequest) -> int | None:
        """Starting offset of a listing request (posts, comments, blocked), else None."""
        parts = _parts(request.route)
        if len(parts) != 2 or parts[1] not in LISTING_EDGES:
            return None
        cursor = request.query.get("after")
        if not cursor:
            return 0
        try:
            return decode_cursor(cursor)
        except GraphError:
            return 0


def handle_graph(state: PlatformState, request: ApiRequest, dispatch: Any = None) -> ApiResponse:
    """Answer one Graph request (with `dispatch`, e.g. Instagram's, if given); every error becomes
    a Graph-shaped error response."""
    trace_id = new_trace_id()
    try:
        body, dropped = (dispatch or _dispatch)(state, request)
    except GraphError as error:
        return error_response(request, error, trace_id)
    return ApiResponse(200, body, graph_headers(request, trace_id), dropped)


# -- dispatch ------------------------------------------------------------------------------


def _dispatch(state: PlatformState, request: ApiRequest) -> tuple[Any, frozenset[str]]:
    """Route a request to its node or edge; returns (body, ids left out by an omit fault)."""
    token = request.query.get("access_token", "")
    parts = checked_route(request, known_token=bool(token) and state.page_for_token(token) is not None)
    node_id = parts[0]
    owner = state.owner_page_id(node_id)
    if owner is not None and state.pages[owner].token != token:
        raise oauth_error()
    if len(parts) == 1:
        return _node(state, request, node_id), frozenset()
    edge = parts[1]
    if node_id in state.pages and edge == "posts":
        return _posts(state, request, node_id), frozenset()
    if node_id in state.pages and edge == "blocked":
        return _blocked(state, request, node_id), frozenset()
    if node_id in state.posts and edge == "comments":
        return _comments(state, request, node_id, parent_id=None)
    live = state.comments.get(node_id)
    if live is not None and not live.deleted and edge == "comments":
        return _comments(state, request, live.post_id, parent_id=node_id)
    if owner is None or (live is not None and live.deleted):
        raise no_such_object(node_id)
    raise unknown_path(f"/{edge}")


def checked_route(request: ApiRequest, known_token: bool) -> list[str]:
    """The route's parts, once the token is known, the method GET and the path one or two deep."""
    if not known_token:
        raise oauth_error()
    if request.method != "GET":
        raise unsupported_method(request.method)
    parts = _parts(request.route)
    if not parts or len(parts) > 2:
        raise unknown_path(request.route)
    return parts


def _node(state: PlatformState, request: ApiRequest, node_id: str) -> dict[str, Any]:
    """GET /{id}: a page, post or live comment."""
    if node_id in state.pages:
        fields = _fields(request, "Page", PAGE_FIELDS)
        return _select(_page_node(state, node_id), fields)
    if node_id in state.posts:
        fields = _fields(request, "Post", POST_FIELDS)
        return _select(_post_node(state.posts[node_id]), fields)
    comment = state.comments.get(node_id)
    if comment is None or comment.deleted:
        raise no_such_object(node_id)
    fields = _fields(request, "Comment", COMMENT_FIELDS)
    return _select(_comment_node(comment), fields)


def _posts(state: PlatformState, request: ApiRequest, page_id: str) -> dict[str, Any]:
    """GET /{page-id}/posts: newest first, bounded by `since` / `until`."""
    fields = _fields(request, "Post", POST_FIELDS)
    since = _time_param(request, "since")
    until = _time_param(request, "until")
    posts = [
        p
        for p in state.posts_of(page_id)
        if (since is None or p.created_time >= since) and (until is None or p.created_time <= until)
    ]
    return _listing(request, [_select(_post_node(p), fields) for p in posts])


def _comments(
    state: PlatformState, request: ApiRequest, post_id: str, parent_id: str | None
) -> tuple[dict[str, Any], frozenset[str]]:
    """GET /{post-id}/comments (or /{comment-id}/comments for replies), chronological."""
    fields = _fields(request, "Comment", COMMENT_FIELDS)
    mode = request.query.get("filter", "toplevel")
    if mode not in ("toplevel", "stream"):
        raise param_error("(#100) param filter must be one of {toplevel, stream}")
    order = request.query.get("order", "chronological")
    if order not in ("chronological", "reverse_chronological"):
        raise param_error(
            "(#100) param order must be one of {chronological, reverse_chronological}"
        )
    comments = state.comments_of(post_id, replies=mode == "stream" or parent_id is not None)
    if parent_id is not None:
        comments = [c for c in comments if c.parent_id == parent_id]
    if order == "reverse_chronological":
        comments.reverse()
    kept = [c for c in comments if c.comment_id not in request.omit_ids]
    dropped = frozenset(c.comment_id for c in comments) & request.omit_ids
    body = _listing(request, [_select(_comment_node(c), fields) for c in kept])
    return body, dropped


def _blocked(state: PlatformState, request: ApiRequest, page_id: str) -> dict[str, Any]:
    """GET /{page-id}/blocked: users the page currently bans, in ban order."""
    fields = _fields(request, "User", USER_FIELDS)
    bans = state.banned.get(page_id, [])
    return _listing(request, [_select(_user_node(b), fields) for b in bans])


# -- nodes and fields ----------------------------------------------------------------------


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


def _comment_node(comment: CommentState) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": comment.comment_id,
        "from": {"id": comment.author_id, "name": comment.author_name},
        "message": comment.message,
        "created_time": graph_time(comment.created_time),
        "is_hidden": comment.is_hidden,
        "permalink_url": (
            f"https://www.facebook.com/{comment.post_id}?comment_id={comment.comment_id}"
        ),
    }
    if comment.parent_id is not None:
        node["parent"] = {"id": comment.parent_id}
    return node


def _user_node(ban: BanState) -> dict[str, Any]:
    return {"id": ban.user_id, "name": ban.user_name}


def _fields(request: ApiRequest, node_type: str, allowed: tuple[str, ...]) -> list[str]:
    """The requested fields (or the node type's defaults); unknown fields are an error."""
    raw = request.query.get("fields")
    if raw is None or not raw.strip():
        return list(_DEFAULTS[node_type])
    fields = list(dict.fromkeys(f.strip() for f in raw.split(",") if f.strip()))
    for name in fields:
        if name not in allowed:
            raise param_error(
                f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})"
            )
    return fields


def _select(node: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Only the requested fields that the node has, and always its id (last, as Graph does)."""
    selected = {name: node[name] for name in fields if name in node}
    selected.setdefault("id", node["id"])
    return selected


# -- paging and parameters -----------------------------------------------------------------


def _listing(request: ApiRequest, items: list[dict[str, Any]]) -> dict[str, Any]:
    """One page of a listing with Graph's cursors and an absolute `next` link."""
    limit = _limit(request)
    cursor = request.query.get("after")
    offset = decode_cursor(cursor) if cursor else 0
    if request.listing_end is not None and offset < request.listing_end:
        limit = min(limit, request.listing_end - offset)
    chunk = items[offset : offset + limit]
    body: dict[str, Any] = {"data": chunk}
    if not chunk:
        return body
    end = offset + len(chunk)
    paging: dict[str, Any] = {
        "cursors": {"before": encode_cursor(offset), "after": encode_cursor(end)}
    }
    if end < len(items):
        paging["next"] = _next_url(request, encode_cursor(end))
    body["paging"] = paging
    return body


def _next_url(request: ApiRequest, after: str) -> str:
    """The request's own URL with its parameters, the token and the next cursor."""
    params = [(k, v) for k, v in request.query.items() if k not in ("access_token", "after")]
    params = [(k, v) for k, v in params if k != "before"]
    params += [("access_token", request.query["access_token"]), ("after", after)]
    return f"{request.base_url}{request.path}?{urlencode(params)}"


def _limit(request: ApiRequest) -> int:
    """The page size asked for: default 25, at most 100."""
    raw = request.query.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise param_error("(#100) Param limit must be a number") from None
    if limit <= 0:
        raise param_error("(#100) Param limit must be a positive number")
    return min(limit, MAX_LIMIT)


def _time_param(request: ApiRequest, name: str) -> datetime | None:
    """A `since`/`until` parameter: a unix timestamp or an ISO 8601 time."""
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


def _parts(route: str) -> list[str]:
    return [part for part in route.split("/") if part]
