"""The YouTube Data API v3 answers modaudit reads, declared after the API reference, and their
transforms.

Pure functions: an answer or an item in, records and field problems out. Shapes: channel,
playlistItem, commentThread, comment, list responses (`items`, `nextPageToken`) and Google's error
envelope. A nested field detection relies on that is missing is a problem named by its path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from collectors.paging import Page
from collectors.records import CommentRecord, LookupResult, PlatformError, PostRecord
from collectors.validation import Count, FieldProblem, Payload, parse_item, time_field

COMMENTS_ON = "everyone"  # PostRecord.reply_settings of a video whose threads were listed
# ... and of one answered 403 commentsDisabled: Instagram's word for the same, one set of words.
COMMENTS_OFF = "comments_disabled"
SKIPPED_COMMENTS_OFF = "comments_off"  # CommentListing.skipped: deliberately not listed
WATCH_URL = "https://www.youtube.com/watch?v={video_id}"
# CommentSnippet.moderationStatus values in the API reference; anything else is unknown.
MODERATION_STATUSES = frozenset({"published", "heldForReview", "likelySpam", "rejected"})


def parse_time(value: Any) -> datetime | None:
    """A YouTube timestamp (`2026-11-16T10:00:00Z`, fractions allowed) as an aware datetime."""
    if not isinstance(value, str) or not value.endswith("Z"):
        return None
    try:
        return datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        return None


YouTubeTime = time_field(parse_time)


class ErrorItem(Payload):
    """One of `error.errors`."""

    message: str | None = None
    domain: str | None = None
    reason: str | None = None


class ErrorBody(Payload):
    """Google's `error` object."""

    code: int | None = None
    message: str | None = None
    errors: list[ErrorItem] | None = None
    status: str | None = None


class ErrorEnvelope(Payload):
    """Google's error answer."""

    error: ErrorBody | None = None


class ListResponse(Payload):
    """Any `*.list` answer: its items and the next page's token."""

    kind: str | None = None
    items: list[Any] | None = None
    nextPageToken: str | None = None


class RelatedPlaylists(Payload):
    """A channel's `contentDetails.relatedPlaylists`."""

    uploads: str | None = None


class ChannelContent(Payload):
    """A channel's `contentDetails`."""

    relatedPlaylists: RelatedPlaylists | None = None


class ChannelSnippet(Payload):
    """A channel's `snippet` (only the title is read)."""

    title: str | None = None


class Channel(Payload):
    """A channel resource."""

    id: str | None = None
    snippet: ChannelSnippet | None = None
    contentDetails: ChannelContent | None = None


class PlaylistContent(Payload):
    """A playlistItem's `contentDetails`: the video and when it was published."""

    videoId: str | None = None
    videoPublishedAt: YouTubeTime | None = None


class PlaylistSnippet(Payload):
    """A playlistItem's `snippet` (the title is the video's)."""

    title: str | None = None
    publishedAt: YouTubeTime | None = None


class PlaylistItem(Payload):
    """A playlistItem resource of the uploads playlist."""

    id: str | None = None
    snippet: PlaylistSnippet | None = None
    contentDetails: PlaylistContent | None = None


class AuthorChannel(Payload):
    """A comment's `authorChannelId`."""

    value: str | None = None


class CommentSnippet(Payload):
    """A comment's `snippet`."""

    videoId: str | None = None
    textDisplay: str | None = None
    textOriginal: str | None = None
    authorDisplayName: str | None = None
    authorChannelId: AuthorChannel | None = None
    parentId: str | None = None
    publishedAt: YouTubeTime | None = None
    updatedAt: YouTubeTime | None = None
    moderationStatus: str | None = None


class Comment(Payload):
    """A comment resource (top-level or reply)."""

    id: str | None = None
    snippet: CommentSnippet | None = None


class ThreadSnippet(Payload):
    """A commentThread's `snippet`."""

    videoId: str | None = None
    topLevelComment: Any = None
    totalReplyCount: Count | None = None


class ThreadReplies(Payload):
    """A commentThread's `replies` (some of the replies, inlined)."""

    comments: list[Any] | None = None


class CommentThread(Payload):
    """A commentThread resource."""

    id: str | None = None
    snippet: ThreadSnippet | None = None
    replies: ThreadReplies | None = None


def _prefixed(problems: list[FieldProblem], prefix: str) -> list[FieldProblem]:
    return [FieldProblem(f"{prefix}.{p.field}", p.detail) for p in problems]


def list_page(answer: Any, what: str) -> Page:
    """A list answer as a Page; an answer without `items` is malformed, never an empty page."""
    page, problems = parse_item(ListResponse, answer, ("items",))
    if page is None or problems:
        detail = "; ".join(f"{p.field} {p.detail}" for p in problems)
        raise PlatformError(f"malformed YouTube answer for {what}: {detail}")
    return Page([item for item in page.items or []], page.nextPageToken or None, answer)


def uploads_playlist(answer: Any, channel_id: str) -> str:
    """The uploads playlist id from `channels.list?part=contentDetails&id=…`."""
    page = list_page(answer, f"channel {channel_id}")
    channel, _ = parse_item(Channel, page.items[0] if page.items else None, ("id",))
    if channel is None or channel.id != channel_id:
        raise PlatformError(f"YouTube answered no channel {channel_id} (is account_id the channel's "
                            "UC… id?)")
    related = channel.contentDetails.relatedPlaylists if channel.contentDetails else None
    if related is None or not related.uploads:
        raise PlatformError(f"channel {channel_id}: the answer has no uploads playlist")
    return related.uploads


def channel_identity(answer: Any) -> tuple[str, str | None]:
    """(channel id, title) from `channels.list?mine=true`; PlatformError if it names none."""
    page = list_page(answer, "the token's own channel")
    channel, _ = parse_item(Channel, page.items[0] if page.items else None, ("id",))
    if channel is None or not channel.id:
        raise PlatformError("the token's Google account has no YouTube channel (channels.list "
                            "mine=true answered no channel)")
    return channel.id, channel.snippet.title if channel.snippet else None


def transform_video(raw: Any) -> tuple[PostRecord | None, list[FieldProblem]]:
    """An uploads playlistItem as the video's PostRecord (comment state unknown until listed)."""
    item, problems = parse_item(PlaylistItem, raw, ("contentDetails",))
    if item is None or item.contentDetails is None:
        return None, problems
    content, content_problems = parse_item(PlaylistContent, raw["contentDetails"],
                                           ("videoId", "videoPublishedAt"))
    problems += _prefixed(content_problems, "contentDetails")
    if content is None or not content.videoId:
        return None, problems
    title = item.snippet.title if item.snippet else None
    return PostRecord(platform_id=content.videoId, created_at=content.videoPublishedAt,
                      message=title, raw=raw, reply_settings=None,
                      permalink=WATCH_URL.format(video_id=content.videoId)), problems


def transform_comment(raw: Any, video_id: str, parent_id: str | None,
                      status: str) -> tuple[CommentRecord | None, list[FieldProblem]]:
    """A comment (top-level or reply) listed under moderation `status` as a CommentRecord.

    The comment's own `snippet.moderationStatus` (returned to the channel's owner) wins over the
    listing's: a thread is listed as held or spam when only one of its replies is, so its
    published top-level comment must not read as hidden. Without it, a `published` listing's
    word counts; a held or spam listing's does not (it may be there for another comment of its
    thread): visibility unknown and a field problem, never a hide read into a missing field.
    """
    comment, problems = parse_item(Comment, raw, ("id", "snippet"))
    if comment is None or not comment.id or comment.snippet is None:
        return None, problems
    snippet, snippet_problems = parse_item(CommentSnippet, raw["snippet"], ("publishedAt",))
    problems += _prefixed(snippet_problems, "snippet")
    if snippet is None:
        return None, problems
    author = snippet.authorChannelId.value if snippet.authorChannelId else None
    message = snippet.textOriginal if snippet.textOriginal is not None else snippet.textDisplay
    own = snippet.moderationStatus
    if own is not None and own not in MODERATION_STATUSES:
        problems.append(FieldProblem("snippet.moderationStatus",
                                     f"has an unknown value {own[:30]!r}"))
    if own is None and status != "published":
        problems.append(FieldProblem("snippet.moderationStatus",
                                     f"is missing from a comment listed under {status}"))
    effective = own or status
    hidden = (None if effective not in MODERATION_STATUSES or (own is None and status != "published")
              else effective != "published")
    return CommentRecord(platform_id=comment.id, post_id=video_id, parent_id=parent_id,
                         author_id=author, author_name=snippet.authorDisplayName, message=message,
                         created_at=snippet.publishedAt, is_hidden=hidden,
                         raw={**raw, "moderationStatus": effective, "listedUnder": status}), problems


def transform_thread(raw: Any, video_id: str, status: str
                     ) -> tuple[list[CommentRecord], str | None, int, list[FieldProblem]]:
    """A commentThread: its top-level comment and inlined replies, the top-level id, and how many
    replies the thread says it has beyond those inlined (0: all of them are here)."""
    thread, problems = parse_item(CommentThread, raw, ("id", "snippet"))
    if thread is None or thread.snippet is None:
        return [], None, 0, problems
    snippet, snippet_problems = parse_item(ThreadSnippet, raw["snippet"],
                                           ("topLevelComment", "totalReplyCount"))
    problems += _prefixed(snippet_problems, "snippet")
    if snippet is None:
        return [], None, 0, problems
    top, top_problems = transform_comment(snippet.topLevelComment, video_id, None, status)
    problems += _prefixed(top_problems, "snippet.topLevelComment")
    if top is None:
        return [], None, 0, problems
    records = [top]
    inlined = thread.replies.comments if thread.replies and thread.replies.comments else []
    for reply_raw in inlined:
        reply, reply_problems = transform_comment(reply_raw, video_id, top.platform_id, status)
        problems += _prefixed(reply_problems, "replies.comments")
        if reply is not None:
            records.append(reply)
    beyond = max((snippet.totalReplyCount or 0) - len(inlined), 0)
    return records, top.platform_id, beyond, problems


def lookup_answer(answer: Any, comment_id: str) -> LookupResult:
    """`comments.list?id=` answered: `items: []` is gone (rejected or deleted: YouTube does not
    say which), the very comment is present; anything else is an error, never a verdict."""
    page = list_page(answer, f"comment {comment_id}")
    if not page.items:
        return LookupResult(status="gone", answer=answer)
    comment, _ = parse_item(Comment, page.items[0], ("id",))
    if len(page.items) != 1 or comment is None or comment.id != comment_id:
        raise PlatformError(f"the lookup of comment {comment_id} answered another comment")
    return LookupResult(status="present", is_hidden=None, answer=answer)
