"""The Graph API answers modaudit reads (Pages and Instagram), declared, and their transforms.

Shapes follow Meta's Graph API reference (Comment, Page Post, Page `/blocked`, IG Media,
IG Comment; paging; error objects). Each transform returns the record and the problems of the
fields detection relies on; it never writes anything and never talks to the network.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import Field

from collectors.records import (
    AuthFailed,
    CommentRecord,
    LookupResult,
    PlatformError,
    PostRecord,
    UserRecord,
)
from collectors.validation import Count, FieldProblem, GraphId, Payload, parse_item, time_field

# The query keys of `paging.next` that carry the position: Graph pages by cursor (`after`), by
# time (`until` with `__paging_token`) or by offset. Nothing else is taken from the link.
CURSOR_KEYS = ("after", "until", "__paging_token", "offset")
# Page posts are read with their comment count, so the comment listing knows how long it is.
POST_FIELDS = "id,message,created_time,permalink_url,comments.summary(true).limit(0)"
COMMENT_FIELDS = "id,from,message,created_time,is_hidden,parent,permalink_url"
COMMENT_REQUIRED = ("id", "created_time", "is_hidden")
POST_REQUIRED = ("id", "created_time")
MEDIA_FIELDS = "id,caption,media_type,timestamp,permalink,comments_count,is_comment_enabled"
MEDIA_REQUIRED = ("id", "timestamp", "is_comment_enabled")
IG_COMMENT_FIELDS = "id,text,timestamp,username,hidden,from,parent_id"
IG_COMMENT_REQUIRED = ("id", "timestamp", "hidden")
COMMENTS_ON = "everyone"  # PostRecord.reply_settings for Instagram: anything else restricts
COMMENTS_OFF = "comments_disabled"


def parse_time(value: Any) -> datetime | None:
    """A Graph timestamp (`2026-11-16T10:00:00+0000`) as an aware datetime, else None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


GraphTime = time_field(parse_time)


class Ref(Payload):
    """A reference to another object (`from`, `parent`)."""

    id: GraphId | None = None
    name: str | None = None
    username: str | None = None


class Summary(Payload):
    """The `summary` of a comments edge (`summary=true`)."""

    total_count: Count | None = None


class CommentEdge(Payload):
    """A post's `comments` asked as a field with `.summary(true).limit(0)`."""

    summary: Summary | None = None


class GraphPost(Payload):
    """A Page post as listed by `/{page-id}/posts`."""

    id: GraphId | None = None
    message: str | None = None
    created_time: GraphTime | None = None
    permalink_url: str | None = None
    comments: CommentEdge | None = None


class GraphComment(Payload):
    """A comment as listed by `/{object-id}/comments` or read by `/{comment-id}`."""

    id: GraphId | None = None
    message: str | None = None
    created_time: GraphTime | None = None
    is_hidden: bool | None = None
    from_: Ref | None = Field(default=None, alias="from")
    parent: Ref | None = None
    permalink_url: str | None = None


class GraphUser(Payload):
    """A user of `/{page-id}/blocked`."""

    id: GraphId | None = None
    name: str | None = None


class IGMedia(Payload):
    """An Instagram media of `/{ig-user-id}/media`."""

    id: GraphId | None = None
    caption: str | None = None
    timestamp: GraphTime | None = None
    permalink: str | None = None
    comments_count: Count | None = None
    is_comment_enabled: bool | None = None


class IGComment(Payload):
    """An Instagram comment or reply."""

    id: GraphId | None = None
    text: str | None = None
    timestamp: GraphTime | None = None
    username: str | None = None
    hidden: bool | None = None
    from_: Ref | None = Field(default=None, alias="from")
    parent_id: GraphId | None = None


class Paging(Payload):
    """The `paging` object of a listing page."""

    next: str | None = None


class ListingPage(Payload):
    """One page of a Graph listing: items, paging and (comments) a summary."""

    data: list[Any]
    paging: Paging | None = None
    summary: Summary | None = None


def next_cursor(next_url: str | None) -> tuple[tuple[str, str], ...] | None:
    """The position in a `paging.next` link (sorted query pairs), or None at the end."""
    if not next_url:
        return None
    pairs = [(key, value) for key, value in parse_qsl(urlsplit(next_url).query, keep_blank_values=True)
             if key in CURSOR_KEYS and value]
    return tuple(sorted(pairs)) or None


def transform_post(raw: Any) -> tuple[PostRecord | None, list[FieldProblem]]:
    """A Graph post as a PostRecord, with its comment count when the listing asked for it."""
    post, problems = parse_item(GraphPost, raw, POST_REQUIRED)
    if post is None or post.id is None:
        return None, problems
    count = post.comments.summary.total_count if post.comments and post.comments.summary else None
    return PostRecord(platform_id=post.id, created_at=post.created_time, message=post.message,
                      raw=raw, comment_count=count, permalink=post.permalink_url), problems


def transform_comment(raw: Any, post_id: str) -> tuple[CommentRecord | None, list[FieldProblem]]:
    """A Graph comment as a CommentRecord; a missing or mistyped `is_hidden` stays unknown."""
    comment, problems = parse_item(GraphComment, raw, COMMENT_REQUIRED)
    if comment is None or comment.id is None:
        return None, problems
    author = comment.from_ or Ref()
    return CommentRecord(
        platform_id=comment.id, post_id=post_id,
        parent_id=comment.parent.id if comment.parent else None,
        author_id=author.id, author_name=author.name, message=comment.message,
        created_at=comment.created_time, is_hidden=comment.is_hidden, raw=raw,
    ), problems


def transform_user(raw: Any) -> tuple[UserRecord | None, list[FieldProblem]]:
    """A user of the Page's ban list as a UserRecord."""
    user, problems = parse_item(GraphUser, raw, ("id",))
    if user is None or user.id is None:
        return None, problems
    return UserRecord(platform_id=user.id, name=user.name, raw=raw), problems


def transform_media(raw: Any) -> tuple[PostRecord | None, list[FieldProblem]]:
    """An Instagram media as a PostRecord; comments turned off count as restricted replies."""
    media, problems = parse_item(IGMedia, raw, MEDIA_REQUIRED)
    if media is None or media.id is None:
        return None, problems
    enabled = media.is_comment_enabled
    settings = None if enabled is None else (COMMENTS_ON if enabled else COMMENTS_OFF)
    return PostRecord(platform_id=media.id, created_at=media.timestamp, message=media.caption,
                      raw=raw, reply_settings=settings, comment_count=media.comments_count,
                      permalink=media.permalink), problems


def transform_ig_comment(raw: Any, media_id: str,
                         parent_id: str | None = None) -> tuple[CommentRecord | None, list[FieldProblem]]:
    """An Instagram comment or reply as a CommentRecord; a missing `hidden` stays unknown."""
    comment, problems = parse_item(IGComment, raw, IG_COMMENT_REQUIRED)
    if comment is None or comment.id is None:
        return None, problems
    author = comment.from_ or Ref()
    parent = comment.parent_id or parent_id
    return CommentRecord(
        platform_id=comment.id, post_id=media_id, parent_id=parent,
        author_id=author.id, author_name=comment.username or author.username,
        message=comment.text, created_at=comment.timestamp, is_hidden=comment.hidden, raw=raw,
    ), problems


def check_identity(answer: dict[str, Any], expected_id: str, what: str) -> None:
    """AuthFailed unless the token read `expected_id` itself (not some other object)."""
    if answer.get("id") != expected_id:
        raise AuthFailed(f"the token read object {answer.get('id')!r}, not {what} {expected_id}",
                         {"identity": answer.get("id")})


def lookup_answer(answer: dict[str, Any], object_id: str, hidden_field: str) -> LookupResult:
    """A comment read by id: present, with its visibility if the answer says it (else None).

    An answer about another object is an error, never "present".
    """
    if answer.get("id") != object_id:
        raise PlatformError(f"the lookup of comment {object_id} answered object {answer.get('id')!r}")
    model = GraphComment if hidden_field == "is_hidden" else IGComment
    comment, _ = parse_item(model, answer, (hidden_field,))
    hidden = getattr(comment, hidden_field, None) if comment is not None else None
    return LookupResult(status="present", is_hidden=hidden, answer=answer)


def ban_check(answer: dict[str, Any], user_id: str) -> bool:
    """What `/{page-id}/blocked?user=<id>` says: True if that user is banned, False if not."""
    page, problems = parse_item(ListingPage, answer, ("data",))
    if page is None or problems:
        raise PlatformError(f"malformed Graph answer for the ban check of user {user_id}")
    users = [transform_user(raw)[0] for raw in page.data]
    if any(user is None or user.platform_id != user_id for user in users):
        raise PlatformError(f"the ban check for user {user_id} answered another user")
    return bool(users)
