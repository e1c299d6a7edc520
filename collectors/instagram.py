"""Instagram professional accounts over the Graph API (facebook-sdk): media, comments, replies.

Instagram shares Facebook's Graph host, versions, paging and error codes, so this module builds on
`collectors.facebook` (the one module importing the SDK) and changes only what differs: media
instead of posts, `hidden` instead of `is_hidden`, replies on their own edge, `is_comment_enabled`
as the reply setting, and no block list at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from collectors.facebook import (
    PAGE_SIZE,
    FacebookPageCollector,
    fetch_connection,
    graph_request,
    parse_time,
)
from collectors.records import (
    CommentRecord,
    LookupResult,
    NotFound,
    PostRecord,
    Snapshot,
    UserListing,
)

log = logging.getLogger(__name__)

MEDIA_FIELDS = "id,caption,media_type,timestamp,permalink,comments_count,is_comment_enabled"
COMMENT_FIELDS = "id,text,timestamp,username,hidden,from,parent_id"
COMMENTS_ON = "everyone"  # PostRecord.reply_settings: anything else restricts replies
COMMENTS_OFF = "comments_disabled"


def fetch_media(graph: Any, ig_user_id: str, since: datetime,
                page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """The account's media, newest first, down to the first one older than `since`."""
    for raw in fetch_connection(graph, ig_user_id, "media", fields=MEDIA_FIELDS, limit=page_size):
        created = parse_time(raw.get("timestamp"))
        if created is not None and created < since:
            return
        yield raw


def fetch_comments(graph: Any, media_id: str, page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """The top-level comments on one media (hidden ones included, flagged `hidden`)."""
    yield from fetch_connection(graph, media_id, "comments", fields=COMMENT_FIELDS, limit=page_size)


def fetch_replies(graph: Any, comment_id: str, page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """The replies to one comment."""
    yield from fetch_connection(graph, comment_id, "replies", fields=COMMENT_FIELDS, limit=page_size)


def transform_media(raw: dict[str, Any]) -> PostRecord:
    """An Instagram media as a PostRecord; comments turned off count as restricted replies."""
    enabled = raw.get("is_comment_enabled")
    settings = None if enabled is None else (COMMENTS_ON if enabled else COMMENTS_OFF)
    return PostRecord(platform_id=str(raw["id"]), created_at=parse_time(raw.get("timestamp")),
                      message=raw.get("caption"), raw=raw, reply_settings=settings)


def transform_comment(raw: dict[str, Any], media_id: str, parent_id: str | None = None) -> CommentRecord:
    """An Instagram comment or reply as a CommentRecord."""
    author = raw.get("from") if isinstance(raw.get("from"), dict) else {}
    parent = raw.get("parent_id") or parent_id
    return CommentRecord(
        platform_id=str(raw["id"]), post_id=media_id, parent_id=str(parent) if parent else None,
        author_id=str(author["id"]) if author.get("id") else None,
        author_name=raw.get("username") or author.get("username"), message=raw.get("text"),
        created_at=parse_time(raw.get("timestamp")), is_hidden=bool(raw.get("hidden", False)),
        raw=raw,
    )


class InstagramCollector(FacebookPageCollector):
    """Collects one Instagram professional account: media in the window, comments and replies."""

    @property
    def ig_user_id(self) -> str:
        """The Instagram professional account (IG User) id."""
        return self.page_id

    def check_token(self) -> None:
        """Raise AuthFailed (or another CollectorError) unless the token reads the account itself."""
        graph_request(self.graph, self.ig_user_id, {"fields": "id,username"})

    def _list_posts(self, since: datetime) -> list[PostRecord]:
        return [transform_media(m) for m in fetch_media(self.graph, self.ig_user_id, since,
                                                         self.page_size)]

    def _comments_of(self, post: PostRecord) -> Iterator[CommentRecord]:
        for raw in fetch_comments(self.graph, post.platform_id, self.page_size):
            comment = transform_comment(raw, post.platform_id)
            yield comment
            for reply in fetch_replies(self.graph, comment.platform_id, self.page_size):
                yield transform_comment(reply, post.platform_id, comment.platform_id)

    def _list_blocked(self, snapshot: Snapshot) -> UserListing | None:  # type: ignore[override]
        return None  # Instagram has no block-list API: nothing to compare, so no events

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look one comment up by id: gone (code 100/33) or present with its `hidden` flag."""
        try:
            answer = graph_request(self.graph, comment_id, {"fields": "id,hidden,timestamp"})
        except NotFound as exc:
            return LookupResult(status="gone", answer={"error": str(exc)})
        return LookupResult(status="present", is_hidden=bool(answer.get("hidden")), answer=answer)
