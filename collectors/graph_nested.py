"""Young posts' comments in one request: Graph's nested `comments` edge in a posts listing.

`/{page-id}/posts?since=…&fields=id,comments.filter(stream).limit(100).summary(true){…}` answers
each post with its first 100 comments, so the posts re-checked every night cost one request
between them instead of one each. A post whose nested edge offers a next page (over 100
comments), or whose edge is missing or malformed, is left to its own `/comments` listing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from collectors.graph_payloads import COMMENT_FIELDS
from collectors.records import CollectorError

log = logging.getLogger(__name__)

NESTED_FIELDS = f"id,comments.filter(stream).limit(100).summary(true){{{COMMENT_FIELDS}}}"
YOUNG_PAGE_SIZE = 25  # posts per request: at most 2,500 comments in one answer


def young_comments(fetch_pages: Any, graph: Any, page_id: str,
                   since: datetime) -> dict[str, list[Any]]:
    """Raw comment items of the posts since `since`, by post id, where the nested edge is whole.

    `fetch_pages` is `collectors.facebook.fetch_pages` (the paging guard); any error leaves every
    post to its own listing, never a listing marked complete.
    """
    found: dict[str, list[Any]] = {}
    try:
        for page in fetch_pages(graph, page_id, "posts", {
                "fields": NESTED_FIELDS, "since": int(since.timestamp()), "limit": YOUNG_PAGE_SIZE}):
            for item in page.items:
                post_id, items = _whole_edge(item)
                if post_id is not None and items is not None:
                    found[post_id] = items
    except CollectorError as exc:
        log.info("page %s: nested comments not read (%s); young posts listed one by one",
                 page_id, exc)
        return {}
    return found


def _whole_edge(item: Any) -> tuple[str | None, list[Any] | None]:
    """(post id, its comment items) if the nested edge holds all of them, else (id, None)."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return None, None
    edge = item.get("comments")
    if not isinstance(edge, dict) or not isinstance(edge.get("data"), list):
        return item["id"], None
    paging = edge.get("paging")
    if isinstance(paging, dict) and paging.get("next"):
        return item["id"], None  # over 100 comments: the post's own listing pages through them
    summary = edge.get("summary")
    total = summary.get("total_count") if isinstance(summary, dict) else None
    if not isinstance(total, int) or isinstance(total, bool) or total > len(edge["data"]):
        return item["id"], None  # fewer comments than announced: not whole
    return item["id"], edge["data"]
