"""A post's reply tree (`app.bsky.feed.getPostThread`) as CommentRecords, pure.

A reply shown as `notFoundPost` or `blockedPost` may still exist (a block between the AppView's
viewer and its author, a takedown): the thread is then unreadable as a whole, never "deleted".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collectors.bluesky.payloads import BLOCKED_POST, NOT_FOUND_POST, THREAD_VIEW, PostView
from collectors.records import CommentRecord, PlatformError
from collectors.validation import FieldProblem, ListingProblems, parse_item

UNREADABLE = {NOT_FOUND_POST: "notFoundPost", BLOCKED_POST: "blockedPost"}


class ThreadUnreadable(PlatformError):
    """A node of the thread is not shown (notFoundPost, blockedPost, unknown): listing incomplete."""


def _node_uri(node: Any) -> str:
    uri = node.get("uri") if isinstance(node, dict) else None
    if uri is None and isinstance(node, dict) and isinstance(node.get("post"), dict):
        uri = node["post"].get("uri")
    return str(uri) if uri is not None else "?"


def _check_shown(node: Any, post_id: str) -> None:
    kind = node.get("$type") if isinstance(node, dict) else None
    if kind == THREAD_VIEW:
        return
    said = UNREADABLE.get(str(kind), f"an unknown node ({kind!r})")
    raise ThreadUnreadable(f"thread of {post_id}: {_node_uri(node)} is shown as {said}; the "
                           "record may still exist, so nothing is read from this thread",
                           {"node": _node_uri(node), "type": kind})


def transform_reply(view: PostView, post_id: str, parent_uri: str,
                    hidden: frozenset[str] | None) -> tuple[CommentRecord | None, list[FieldProblem]]:
    """One reply of the tree; `hidden` is the threadgate's hiddenReplies (None: gate unread)."""
    if view.uri is None or view.author is None or view.author.did is None or view.record is None:
        return None, [FieldProblem("post", "missing")]
    return CommentRecord(
        platform_id=view.uri, post_id=post_id,
        parent_id=None if parent_uri == post_id else parent_uri,
        author_id=view.author.did, author_name=view.author.handle, message=view.record.text,
        created_at=view.record.createdAt,
        is_hidden=None if hidden is None else view.uri in hidden,
        raw={"uri": view.uri, "cid": view.cid, "indexedAt": view.indexedAt,
             "createdAt": view.record.createdAt.isoformat() if view.record.createdAt else None},
    ), []


def thread_replies(answer: dict[str, Any], post_id: str, hidden: frozenset[str] | None,
                   problems: ListingProblems) -> Iterator[CommentRecord]:
    """Every reply under the post in a getPostThread answer, parents before their replies.

    Raises ThreadUnreadable on a node it cannot read (the listing is then incomplete).
    """
    root = answer.get("thread")
    _check_shown(root, post_id)
    if _node_uri(root) != post_id:
        raise ThreadUnreadable(f"thread of {post_id}: the AppView answered the thread of "
                               f"{_node_uri(root)}")
    stack: list[tuple[Any, str]] = [(child, post_id) for child in reversed(_replies(root, post_id))]
    while stack:
        node, parent_uri = stack.pop()
        _check_shown(node, post_id)
        view, item_problems = parse_item(PostView, node.get("post"), ("uri", "cid", "author", "record"))
        problems.add(item_problems)
        if view is None or item_problems:
            continue
        reply, reply_problems = transform_reply(view, post_id, parent_uri, hidden)
        problems.add(reply_problems)
        if reply is not None:
            yield reply
            stack.extend((child, reply.platform_id) for child in reversed(_replies(node, post_id)))


def _replies(node: dict[str, Any], post_id: str) -> list[Any]:
    replies = node.get("replies")
    if replies is None:
        return []
    if not isinstance(replies, list):
        raise ThreadUnreadable(f"thread of {post_id}: `replies` of {_node_uri(node)} is not a list")
    return replies
