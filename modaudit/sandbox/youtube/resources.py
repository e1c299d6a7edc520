"""YouTube Data API v3 resources (channel, playlistItem, video, comment, commentThread) as JSON."""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, datetime
from typing import Any

from modaudit.sandbox.world.youtube import YTChannelSpec, YTCommentState, YTState, YTVideoState

MAX_INLINE_REPLIES = 5  # commentThreads inline at most five replies; the rest via comments.list


def etag(*parts: object) -> str:
    """A stable opaque etag for a resource or a page."""
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:27]  # noqa: S324 - not security


def rfc3339(moment: datetime) -> str:
    """A time as YouTube writes it: "2026-11-30T10:00:00Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _thumbnails(key: str) -> dict[str, Any]:
    """The default/medium/high thumbnails YouTube gives every channel and video."""
    base = f"https://i.ytimg.com/vi/{key}"
    return {
        "default": {"url": f"{base}/default.jpg", "width": 120, "height": 90},
        "medium": {"url": f"{base}/mqdefault.jpg", "width": 320, "height": 180},
        "high": {"url": f"{base}/hqdefault.jpg", "width": 480, "height": 360},
    }


def channel(spec: YTChannelSpec, parts: set[str], video_count: int = 0) -> dict[str, Any]:
    """A channel resource with the asked parts."""
    item: dict[str, Any] = {"kind": "youtube#channel", "etag": etag("c", spec.channel_id),
                            "id": spec.channel_id}
    if "snippet" in parts:
        item["snippet"] = {
            "title": spec.title,
            "description": spec.description,
            "customUrl": spec.handle.lower(),
            "publishedAt": spec.created,
            "thumbnails": _thumbnails(spec.channel_id),
            "localized": {"title": spec.title, "description": spec.description},
            "country": "TR",
        }
    if "contentDetails" in parts:
        item["contentDetails"] = {
            "relatedPlaylists": {"likes": "", "uploads": spec.uploads_playlist_id}
        }
    if "statistics" in parts:
        item["statistics"] = {"viewCount": "0", "subscriberCount": "0",
                              "hiddenSubscriberCount": False, "videoCount": str(video_count)}
    if "status" in parts:
        item["status"] = {"privacyStatus": "public", "isLinked": True,
                          "longUploadsStatus": "allowed", "madeForKids": False}
    return item


def playlist_item(
    spec: YTChannelSpec, video: YTVideoState, position: int, parts: set[str]
) -> dict[str, Any]:
    """An uploads-playlist item for a video, with the asked parts."""
    item_id = etag("pi", spec.uploads_playlist_id, video.video_id)
    item: dict[str, Any] = {"kind": "youtube#playlistItem", "etag": etag("pie", item_id),
                            "id": item_id}
    if "snippet" in parts:
        item["snippet"] = {
            "publishedAt": rfc3339(video.published_at),
            "channelId": spec.channel_id,
            "title": video.title,
            "description": video.description,
            "thumbnails": _thumbnails(video.video_id),
            "channelTitle": spec.title,
            "playlistId": spec.uploads_playlist_id,
            "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": video.video_id},
            "videoOwnerChannelTitle": spec.title,
            "videoOwnerChannelId": spec.channel_id,
        }
    if "contentDetails" in parts:
        item["contentDetails"] = {
            "videoId": video.video_id,
            "videoPublishedAt": rfc3339(video.published_at),
        }
    if "status" in parts:
        item["status"] = {"privacyStatus": "public"}
    return item


def video(state: YTState, video_state: YTVideoState, parts: set[str]) -> dict[str, Any]:
    """A video resource; `statistics.commentCount` is absent while comments are off, as on YouTube."""
    spec = state.channels[video_state.channel_id]
    item: dict[str, Any] = {"kind": "youtube#video", "etag": etag("v", video_state),
                            "id": video_state.video_id}
    if "snippet" in parts:
        item["snippet"] = {
            "publishedAt": rfc3339(video_state.published_at),
            "channelId": spec.channel_id,
            "title": video_state.title,
            "description": video_state.description,
            "thumbnails": _thumbnails(video_state.video_id),
            "channelTitle": spec.title,
            "categoryId": "25",  # News & Politics
            "liveBroadcastContent": "none",
            "localized": {"title": video_state.title, "description": video_state.description},
        }
    if "contentDetails" in parts:
        item["contentDetails"] = {"duration": "PT4M13S", "dimension": "2d", "definition": "hd",
                                  "caption": "false", "licensedContent": False,
                                  "contentRating": {}, "projection": "rectangular"}
    if "status" in parts:
        item["status"] = {
            "uploadStatus": "processed",
            "privacyStatus": "public",
            "license": "youtube",
            "embeddable": True,
            "publicStatsViewable": True,
            "madeForKids": False,
        }
    if "statistics" in parts:
        stats: dict[str, Any] = {"viewCount": "0", "likeCount": "0", "favoriteCount": "0"}
        if video_state.comments_enabled:
            public = [c for c in state.comments.values()
                      if c.video_id == video_state.video_id and c.status == "published"]
            stats["commentCount"] = str(len(public))
        item["statistics"] = stats
    return item


def comment(
    state: YTState, comment_state: YTCommentState, text_format: str, *, with_status: bool
) -> dict[str, Any]:
    """A comment resource (snippet always); `with_status` adds the owner-only moderationStatus."""
    text = comment_state.text
    display = text if text_format == "plainText" else html.escape(text).replace("\n", "<br>")
    author = comment_state.author_channel_id
    snippet: dict[str, Any] = {
        "channelId": comment_state.channel_id,
        "videoId": comment_state.video_id,
        "textDisplay": display,
        "textOriginal": text,
        "authorDisplayName": comment_state.author_name,
        "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{author}=s48-c-k-c0x00ffffff-no-rj",
        "authorChannelUrl": f"http://www.youtube.com/channel/{author}",
        "authorChannelId": {"value": author},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": 0,
        "publishedAt": rfc3339(comment_state.published_at),
        "updatedAt": rfc3339(comment_state.updated_at),
    }
    if comment_state.parent_id is not None:
        snippet["parentId"] = comment_state.parent_id
    if with_status:
        snippet["moderationStatus"] = comment_state.status
    return {
        "kind": "youtube#comment",
        "etag": etag("cm", comment_state),
        "id": comment_state.comment_id,
        "snippet": snippet,
    }


def thread(
    state: YTState,
    top: YTCommentState,
    replies: list[YTCommentState],
    parts: set[str],
    text_format: str,
    *,
    with_status: bool,
) -> dict[str, Any]:
    """A commentThread: its top-level comment and at most five of `replies` inlined."""
    video_state = state.videos[top.video_id]
    item: dict[str, Any] = {"kind": "youtube#commentThread", "etag": etag("t", top, len(replies)),
                            "id": top.comment_id}
    if "snippet" in parts:
        item["snippet"] = {
            "channelId": top.channel_id,
            "videoId": top.video_id,
            "topLevelComment": comment(state, top, text_format, with_status=with_status),
            "canReply": video_state.comments_enabled,
            "totalReplyCount": len(state.replies(top.comment_id)),
            "isPublic": True,
        }
    if "replies" in parts and replies:
        item["replies"] = {
            "comments": [
                comment(state, r, text_format, with_status=with_status)
                for r in replies[:MAX_INLINE_REPLIES]
            ]
        }
    return item
