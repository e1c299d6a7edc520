"""Graph comments: nodes, listing order, the edge `summary`, and the Post `comments` expansion.

Per /{object-id}/comments (https://developers.facebook.com/docs/graph-api/reference/object/comments):
`filter` {toplevel, stream}, `order` {chronological, reverse_chronological}, `summary` with
{order, total_count, can_comment}; and since v11.0 a listing leaves comment `id`s out unless the
token's user can perform the Page's MODERATE task.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.graph.errors import param_error
from modaudit.sandbox.graph.fields import DEFAULTS, FieldSpec, graph_time, parse_fields, select, truthy
from modaudit.sandbox.graph.paging import DEFAULT_LIMIT, MAX_LIMIT, encode_cursor
from modaudit.sandbox.world.scenario import CommentState, PlatformState, PostState

COMMENT_FIELDS = ("id", "from", "message", "created_time", "is_hidden", "parent", "permalink_url")
FILTERS = ("toplevel", "stream")
ORDERS = ("chronological", "reverse_chronological")
_EXPANSION_MODIFIERS = frozenset({"summary", "limit", "filter", "order"})


def comment_params(mode: str | None, order: str | None) -> tuple[str, str]:
    """Checked `filter` and `order` (as parameters or as expansion modifiers)."""
    mode = mode or "toplevel"
    if mode not in FILTERS:
        raise param_error("(#100) param filter must be one of {toplevel, stream}")
    order = order or "chronological"
    if order not in ORDERS:
        raise param_error(
            "(#100) param order must be one of {chronological, reverse_chronological}"
        )
    return mode, order


def listed_comments(
    state: PlatformState, post_id: str, parent_id: str | None, mode: str, order: str
) -> list[CommentState]:
    """Live comments in listing order: top level, all levels (stream), or one comment's replies."""
    comments = state.comments_of(post_id, replies=mode == "stream" or parent_id is not None)
    if parent_id is not None:
        comments = [c for c in comments if c.parent_id == parent_id]
    if order == "reverse_chronological":
        comments.reverse()
    return comments


def summary(
    state: PlatformState, post_id: str, parent_id: str | None, mode: str, order: str | None
) -> dict[str, Any]:
    """A comments edge's `summary`: total_count counts every live comment (replies included)."""
    comments = state.comments_of(post_id, replies=True)
    if parent_id is not None:
        comments = [c for c in comments if c.parent_id == parent_id]
    # "If the comments can be ranked, then the order will always be ranked" (reference) unless an
    # order is asked for; stream listings come chronological.
    label = "ranked" if mode == "toplevel" and order is None else (order or "chronological")
    return {"order": label, "total_count": len(comments), "can_comment": True}


def can_moderate(state: PlatformState, post_id: str) -> bool:
    """Whether the Page owning the post grants MODERATE (else Graph leaves comment ids out)."""
    return "MODERATE" in state.pages[state.posts[post_id].page_id].tasks


def comment_node(state: PlatformState, comment: CommentState) -> dict[str, Any]:
    """Every field the simulator serves for a comment."""
    post = state.posts[comment.post_id]
    post_number = post.post_id.rsplit("_", 1)[-1]
    comment_number = comment.comment_id.rsplit("_", 1)[-1]
    node: dict[str, Any] = {
        "id": comment.comment_id,
        "from": {"id": comment.author_id, "name": comment.author_name},
        "message": comment.message,
        "created_time": graph_time(comment.created_time),
        "is_hidden": comment.is_hidden,
        "permalink_url": (
            f"https://www.facebook.com/{post.page_id}/posts/{post_number}"
            f"?comment_id={comment_number}"
        ),
    }
    if comment.parent_id is not None:
        node["parent"] = {"id": comment.parent_id}
    return node


def comment_item(
    state: PlatformState, comment: CommentState, specs: list[FieldSpec], moderate: bool
) -> dict[str, Any]:
    """A listed comment; without the MODERATE task Graph (v11.0+) leaves its `id` out."""
    item = select(comment_node(state, comment), specs)
    if not moderate:
        item.pop("id", None)
    return item


def comments_expansion(
    state: PlatformState, request: ApiRequest, post: PostState, spec: FieldSpec
) -> dict[str, Any] | None:
    """`comments.summary(true).limit(0){...}` on a Post: its first comments and/or summary."""
    unknown = set(spec.modifiers) - _EXPANSION_MODIFIERS
    if unknown:
        raise param_error(f"(#100) Unknown modifier {sorted(unknown)[0]} on edge comments")
    mods = spec.modifiers
    mode, order = comment_params(mods.get("filter"), mods.get("order"))
    limit = _expansion_limit(mods.get("limit"))
    if spec.subfields is not None:
        specs = parse_fields(spec.subfields, "Comment", COMMENT_FIELDS)
    else:
        specs = [FieldSpec(name) for name in DEFAULTS["Comment"]]
    comments = listed_comments(state, post.post_id, None, mode, order)
    moderate = can_moderate(state, post.post_id)
    data = [comment_item(state, c, specs, moderate) for c in comments[:limit]]
    edge: dict[str, Any] = {"data": data}
    if data:
        edge["paging"] = _expansion_paging(request, post, spec, len(data), more=len(comments) > limit)
    if truthy(mods.get("summary")):
        edge["summary"] = summary(state, post.post_id, None, mode, mods.get("order"))
    # Graph leaves an empty edge out of the node unless a summary was asked for.
    return edge if data or "summary" in edge else None


def _expansion_paging(
    request: ApiRequest, post: PostState, spec: FieldSpec, count: int, *, more: bool
) -> dict[str, Any]:
    """Cursors of an expanded edge, and a `next` link into the edge itself if more remain."""
    paging: dict[str, Any] = {"cursors": {"before": encode_cursor(0), "after": encode_cursor(count)}}
    if more:
        params = {k: v for k, v in spec.modifiers.items() if k in ("filter", "order")}
        if spec.subfields is not None:
            params["fields"] = spec.subfields
        params.update(
            limit=str(count),
            access_token=request.query.get("access_token", ""),
            after=encode_cursor(count),
        )
        paging["next"] = (
            f"{request.base_url}/{request.version}/{post.post_id}/comments?{urlencode(params)}"
        )
    return paging


def _expansion_limit(raw: str | None) -> int:
    """An expansion's `.limit(n)`: 0 allowed (summary only), default 25, at most 100."""
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.strip().isdigit():
        raise param_error("(#100) Param limit must be a number")
    return min(int(raw), MAX_LIMIT)
