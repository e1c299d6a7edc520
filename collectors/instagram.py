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

from collectors.facebook import PAGE_SIZE, FacebookPageCollector, fetch_pages, graph_request
from collectors.graph_payloads import (
    IG_COMMENT_FIELDS,
    MEDIA_FIELDS,
    check_identity,
    transform_ig_comment,
    transform_media,
)
from collectors.listings import items_of, transformed
from collectors.records import (
    CommentRecord,
    LookupResult,
    NotFound,
    PostRecord,
    Snapshot,
    UserListing,
)
from collectors.validation import FieldProblem, ListingProblems

log = logging.getLogger(__name__)


def fetch_media(graph: Any, ig_user_id: str, since: datetime,
                page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """The account's media, newest first, down to the first one older than `since`.

    `/media` takes no `since`, so the listing stops by date; a media without a readable
    timestamp is passed on (its problem is the caller's to report).
    """
    for raw in items_of(fetch_pages(graph, ig_user_id, "media",
                                    {"fields": MEDIA_FIELDS, "limit": page_size})):
        created = transform_media(raw)[0]
        if created is not None and created.created_at is not None and created.created_at < since:
            return
        yield raw


def fetch_comments(graph: Any, media_id: str, page_size: int = PAGE_SIZE,
                   expected: int | None = None) -> Iterator[Any]:
    """The top-level comments on one media (hidden ones included, flagged `hidden`)."""
    yield from items_of(fetch_pages(graph, media_id, "comments",
                                    {"fields": IG_COMMENT_FIELDS, "limit": page_size},
                                    expected=expected))


def fetch_replies(graph: Any, comment_id: str, page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """The replies to one comment."""
    yield from items_of(fetch_pages(graph, comment_id, "replies",
                                    {"fields": IG_COMMENT_FIELDS, "limit": page_size}))


class InstagramCollector(FacebookPageCollector):
    """Collects one Instagram professional account: media in the window, comments and replies."""

    @property
    def ig_user_id(self) -> str:
        """The Instagram professional account (IG User) id."""
        return self.page_id

    def check_token(self) -> None:
        """Raise AuthFailed (or another CollectorError) unless the token reads the account itself."""
        try:
            answer = graph_request(self.graph, self.ig_user_id, {"fields": "id,username"})
        except NotFound as exc:  # the account's own object: the configured id is wrong
            raise NotFound(str(exc), {**exc.details, "object": "account"}) from None
        check_identity(answer, self.ig_user_id, "the Instagram account")

    def _post_items(self, since: datetime) -> Iterator[Any]:
        return fetch_media(self.graph, self.ig_user_id, since, self.page_size)

    def _transform_post(self, raw: Any) -> tuple[PostRecord | None, list[FieldProblem]]:
        return transform_media(raw)

    def _comments_of(self, post: PostRecord, problems: ListingProblems,
                     items: list[Any] | None = None) -> Iterator[CommentRecord]:
        items = fetch_comments(self.graph, post.platform_id, self.page_size, post.comment_count)
        for comment in list(transformed(items, lambda raw: transform_ig_comment(raw, post.platform_id),
                                        problems)):
            yield comment
            replies = fetch_replies(self.graph, comment.platform_id, self.page_size)
            yield from transformed(
                replies, lambda raw, parent=comment.platform_id: transform_ig_comment(
                    raw, post.platform_id, parent), problems)

    def _list_blocked(self, snapshot: Snapshot) -> UserListing | None:
        return None  # Instagram has no block-list API: nothing to compare, so no events

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        """Instagram has no block list, so no per-user check either."""
        return None

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look one comment up by id: gone (code 100/33) or present with its `hidden` flag."""
        return self._lookup(comment_id, "id,hidden,timestamp", "hidden")
