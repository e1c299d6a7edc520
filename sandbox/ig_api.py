"""Instagram Graph API subset (professional account, media, comments, replies) on the Graph host.

Instagram objects live under the same `/vNN.N/` prefix as Pages; `GraphApi` hands a request here
when its first path segment is an Instagram object or its token an Instagram account's.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import ApiRequest, ApiResponse
from sandbox.graph import _fields, _listing, _parts, _select, checked_route, graph_time, handle_graph
from sandbox.graph_errors import no_such_object, oauth_error, unknown_path
from sandbox.ig_scenario import IGCommentState, IGMediaState, IGState
from sandbox.scenario import PlatformState

USER_FIELDS = ("id", "username", "name", "media_count")
MEDIA_FIELDS = ("id", "caption", "media_type", "timestamp", "permalink", "comments_count",
                "is_comment_enabled", "username", "like_count")
COMMENT_FIELDS = ("id", "text", "timestamp", "username", "hidden", "from", "parent_id", "media",
                  "like_count")
_DEFAULTS = {"IGUser": ("id",), "IGMedia": ("id",), "IGComment": ("timestamp", "text", "id")}


def serves_instagram(state: PlatformState, request: ApiRequest) -> bool:
    """True if the request concerns an Instagram object or carries an Instagram account's token."""
    parts = _parts(request.route)
    ig = state.instagram
    token = request.query.get("access_token", "")
    return bool(parts) and (ig.owner_of(parts[0]) is not None
                            or ig.account_for_token(token) is not None)


def handle_instagram(state: PlatformState, request: ApiRequest) -> ApiResponse:
    """Answer one Instagram request; every error becomes a Graph-shaped error response."""
    return handle_graph(state, request, dispatch=_dispatch)


def _dispatch(state: PlatformState, request: ApiRequest) -> tuple[Any, frozenset[str]]:
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
        return _node(ig, request, node_id), frozenset()
    edge = parts[1]
    if node_id in ig.accounts and edge == "media":
        fields = _ig_fields(request, "IGMedia", MEDIA_FIELDS)
        media = [_select(_media_node(ig, m), fields) for m in ig.media_of(node_id)]
        return _listing(request, media), frozenset()
    if node_id in ig.media and edge == "comments":
        newest_first = list(reversed(ig.live_comments(node_id, None)))
        return _comments(ig, request, newest_first)
    if comment is not None and edge == "replies":
        return _comments(ig, request, ig.live_comments(comment.media_id, node_id))
    raise unknown_path(f"/{edge}")


def _node(ig: IGState, request: ApiRequest, node_id: str) -> dict[str, Any]:
    if node_id in ig.accounts:
        account = ig.accounts[node_id]
        node = {"id": node_id, "username": account.username, "name": account.name,
                "media_count": len(ig.media_of(node_id))}
        return _select(node, _ig_fields(request, "IGUser", USER_FIELDS))
    if node_id in ig.media:
        return _select(_media_node(ig, ig.media[node_id]),
                       _ig_fields(request, "IGMedia", MEDIA_FIELDS))
    return _select(_comment_node(ig.comments[node_id]),
                   _ig_fields(request, "IGComment", COMMENT_FIELDS))


def _comments(ig: IGState, request: ApiRequest,
              comments: list[IGCommentState]) -> tuple[dict[str, Any], frozenset[str]]:
    """A listing of comments or replies; hidden ones included (the owner sees them, flagged)."""
    fields = _ig_fields(request, "IGComment", COMMENT_FIELDS)
    kept = [c for c in comments if c.comment_id not in request.omit_ids]
    dropped = frozenset(c.comment_id for c in comments) & request.omit_ids
    return _listing(request, [_select(_comment_node(c), fields) for c in kept]), dropped


def _media_node(ig: IGState, media: IGMediaState) -> dict[str, Any]:
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


def _ig_fields(request: ApiRequest, node_type: str, allowed: tuple[str, ...]) -> list[str]:
    """The requested fields, checked as Graph checks them, or Instagram's defaults."""
    if not (request.query.get("fields") or "").strip():
        return list(_DEFAULTS[node_type])
    return _fields(request, node_type, allowed)
