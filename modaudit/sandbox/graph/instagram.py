"""Instagram Graph API subset (professional account, media, comments, replies) on the Graph host.

Instagram objects live under the same `/vNN.N/` prefix as Pages; `GraphApi` hands a request here
when its first path segment is an Instagram object or its token an Instagram account's. Paging,
errors and quirk faults are Graph's (sandbox.graph_paging, sandbox.graph_quirks).
"""

from __future__ import annotations

from typing import Any

from modaudit.sandbox.api import ApiRequest, ApiResponse
from modaudit.sandbox.graph.errors import no_such_object, oauth_error, unknown_path
from modaudit.sandbox.graph.fields import FieldSpec, graph_time, requested_fields, select
from modaudit.sandbox.graph.paging import Row, listing
from modaudit.sandbox.graph.quirks import Quirks
from modaudit.sandbox.graph.routing import checked_route, handle_graph, route_parts
from modaudit.sandbox.world.instagram import IGCommentState, IGMediaState, IGState
from modaudit.sandbox.world.scenario import PlatformState

USER_FIELDS = ("id", "username", "name", "media_count")
MEDIA_FIELDS = ("id", "caption", "media_type", "timestamp", "permalink", "comments_count",
                "is_comment_enabled", "username", "like_count")
COMMENT_FIELDS = ("id", "text", "timestamp", "username", "hidden", "from", "parent_id", "media",
                  "like_count")


def serves_instagram(state: PlatformState, request: ApiRequest) -> bool:
    """True if the request concerns an Instagram object or carries an Instagram account's token."""
    parts = route_parts(request.route)
    ig = state.instagram
    token = request.query.get("access_token", "")
    return bool(parts) and (ig.owner_of(parts[0]) is not None
                            or ig.account_for_token(token) is not None)


def handle_instagram(state: PlatformState, request: ApiRequest) -> ApiResponse:
    """Answer one Instagram request; every error becomes a Graph-shaped error response."""
    return handle_graph(state, request, dispatch=_dispatch)


def _dispatch(state: PlatformState, request: ApiRequest,
              quirks: Quirks) -> tuple[Any, frozenset[str]]:
    """Route an Instagram request to its node or edge."""
    ig = state.instagram
    token = request.query.get("access_token", "")
    parts = checked_route(request, known_token=bool(token) and ig.account_for_token(token) is not None)
    node_id = parts[0]
    owner = ig.owner_of(node_id)
    if owner is None:
        raise no_such_object(node_id)
    if ig.accounts[owner].token != token:
        raise oauth_error()
    comment = ig.comments.get(node_id)
    if comment is not None and comment.deleted:
        raise no_such_object(node_id)  # deleted: code 100, subcode 33, as on Pages
    if len(parts) == 1:
        return _node(ig, request, node_id, owner, quirks), frozenset()
    edge = parts[1]
    if node_id in ig.accounts and edge == "media":
        specs = requested_fields(request, "IGMedia", MEDIA_FIELDS)
        rows = [Row(select(_media_node(ig, m), specs), m.media_id, m.timestamp)
                for m in ig.media_of(node_id)]
        return listing(request, rows, quirks), frozenset()
    if node_id in ig.media and edge == "comments":
        newest_first = list(reversed(ig.live_comments(node_id, None)))
        return _comments(request, newest_first, quirks)
    if comment is not None and edge == "replies":
        return _comments(request, ig.live_comments(comment.media_id, node_id), quirks)
    raise unknown_path(f"/{edge}")


def _node(ig: IGState, request: ApiRequest, node_id: str, owner: str,
          quirks: Quirks) -> dict[str, Any]:
    """GET /{id}: the account, a media or a live comment (wrong_object: another of the kind)."""
    if node_id in ig.accounts:
        node_id = quirks.wrong_object(node_id, list(ig.accounts)) or node_id
        account = ig.accounts[node_id]
        node = {"id": node_id, "username": account.username, "name": account.name,
                "media_count": len(ig.media_of(node_id))}
        specs = requested_fields(request, "IGUser", USER_FIELDS)
    elif node_id in ig.media:
        node_id = quirks.wrong_object(node_id, [m.media_id for m in ig.media_of(owner)]) or node_id
        node = _media_node(ig, ig.media[node_id])
        specs = requested_fields(request, "IGMedia", MEDIA_FIELDS)
    else:
        same_account = [c.comment_id for c in ig.comments.values()
                        if not c.deleted and ig.owner_of(c.comment_id) == owner]
        node_id = quirks.wrong_object(node_id, same_account) or node_id
        node = _comment_node(ig.comments[node_id])
        specs = requested_fields(request, "IGComment", COMMENT_FIELDS)
    return quirks.reshape(select(node, specs), node_id)


def _comments(request: ApiRequest, comments: list[IGCommentState],
              quirks: Quirks) -> tuple[dict[str, Any], frozenset[str]]:
    """A listing of comments or replies; hidden ones included (the owner sees them, flagged)."""
    specs: list[FieldSpec] = requested_fields(request, "IGComment", COMMENT_FIELDS)
    kept = [c for c in comments if c.comment_id not in request.omit_ids]
    dropped = frozenset(c.comment_id for c in comments) & request.omit_ids
    rows = [Row(select(_comment_node(c), specs), c.comment_id, c.timestamp) for c in kept]
    return listing(request, rows, quirks), dropped


def _media_node(ig: IGState, media: IGMediaState) -> dict[str, Any]:
    # comments_count "includes replies on comments" (IG Media reference).
    live = [c for c in ig.comments.values() if c.media_id == media.media_id and not c.deleted]
    return {
        "id": media.media_id,
        "caption": media.caption,
        "media_type": media.media_type,
        "timestamp": graph_time(media.timestamp),
        "permalink": f"https://www.instagram.com/p/{media.media_id[-11:]}/",
        "comments_count": len(live),
        "is_comment_enabled": media.comments_enabled,
        "username": ig.accounts[media.ig_user_id].username,
        "like_count": 0,
    }


def _comment_node(comment: IGCommentState) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": comment.comment_id,
        "text": comment.text,
        "timestamp": graph_time(comment.timestamp),
        "username": comment.username,
        "hidden": comment.hidden,
        "from": {"id": comment.user_id, "username": comment.username},
        "media": {"id": comment.media_id},
        "like_count": 0,
    }
    if comment.parent_id is not None:
        node["parent_id"] = comment.parent_id
    return node
