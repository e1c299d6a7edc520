"""YouTube part of a scenario: channels, videos, comments, holds, rejections, comments off.

A comment is in one of YouTube's moderation statuses (published, heldForReview, likelySpam) while it
lives; rejected (by the channel) and deleted (by its author) comments are gone and cannot be told
apart through the API. A channel that rejects with `ban_author` silently rejects that author's later
comments: they never appear anywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from modaudit.sandbox.world.base import ScenarioError

FORCE_SSL_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
READONLY_SCOPE = "https://www.googleapis.com/auth/youtube.readonly"
YOUTUBE_SCOPE = "https://www.googleapis.com/auth/youtube"
LIVE_STATUSES = ("published", "heldForReview", "likelySpam")
HIDDEN_STATUSES = ("heldForReview", "likelySpam")
GONE_STATUSES = ("rejected", "deleted")
DEFAULT_DAILY_QUOTA = 10_000


@dataclass(frozen=True)
class YTChannelSpec:
    """An institution's YouTube channel and the owner's OAuth client the simulator accepts.

    The token endpoint trades `refresh_token` (with `client_id` and `client_secret`) for an access
    token carrying `scopes`; a `revoked` refresh token is refused with `invalid_grant`.
    `daily_quota` is the units the client's Google Cloud project may spend per Pacific day.
    """

    channel_id: str  # "UC" + 22 characters
    title: str
    handle: str  # "@ornekbelediyesi"
    client_id: str
    client_secret: str
    refresh_token: str
    scopes: tuple[str, ...] = (FORCE_SSL_SCOPE,)
    revoked: bool = False
    daily_quota: int = DEFAULT_DAILY_QUOTA
    description: str = ""
    created: str = "2012-03-01T09:00:00Z"

    @property
    def uploads_playlist_id(self) -> str:
        """The channel's uploads playlist: its id with "UC" turned into "UU", as on YouTube."""
        return "UU" + self.channel_id[2:]

    @property
    def access_token(self) -> str:
        """The access token the token endpoint issues for this channel's refresh token."""
        digest = hashlib.sha256(f"{self.client_id}:{self.refresh_token}".encode()).hexdigest()
        return f"ya29.sim-{digest[:40]}"


@dataclass(frozen=True)
class YTAuthor:
    """A commenter: their channel id and display name ("@handle" style, as YouTube shows it)."""

    channel_id: str
    display_name: str


@dataclass(frozen=True)
class YTVideoAction:
    """The channel publishes a video; `comments_enabled=False` publishes it with comments off."""

    at: datetime
    channel_id: str
    video_id: str
    title: str
    description: str = ""
    comments_enabled: bool = True


@dataclass(frozen=True)
class YTCommentAction:
    """Someone comments on a video, or replies to a top-level comment when `parent_id` is set.

    `likely_spam=True`: YouTube's own filter puts it in likelySpam from the start.
    """

    at: datetime
    video_id: str
    comment_id: str
    author_channel_id: str
    author_name: str
    text: str
    parent_id: str | None = None
    likely_spam: bool = False


@dataclass(frozen=True)
class YTHoldAction:
    """The channel takes a comment out of public view: to "heldForReview" or "likelySpam"."""

    at: datetime
    comment_id: str
    status: str = "heldForReview"


@dataclass(frozen=True)
class YTApproveAction:
    """The channel approves a held or spam comment: it is published."""

    at: datetime
    comment_id: str


@dataclass(frozen=True)
class YTRejectAction:
    """The channel rejects a comment (gone, replies with it); `ban_author` hides the author."""

    at: datetime
    comment_id: str
    ban_author: bool = False


@dataclass(frozen=True)
class YTAuthorDeleteAction:
    """The author deletes their own comment (gone, replies with it)."""

    at: datetime
    comment_id: str


@dataclass(frozen=True)
class YTCommentsAction:
    """The channel turns a video's comments off (`enabled=False`) or back on."""

    at: datetime
    video_id: str
    enabled: bool


YTAction = (
    YTVideoAction
    | YTCommentAction
    | YTHoldAction
    | YTApproveAction
    | YTRejectAction
    | YTAuthorDeleteAction
    | YTCommentsAction
)
YT_ACTIONS = (
    YTVideoAction,
    YTCommentAction,
    YTHoldAction,
    YTApproveAction,
    YTRejectAction,
    YTAuthorDeleteAction,
    YTCommentsAction,
)


@dataclass(frozen=True)
class YTVideoState:
    """A video as YouTube holds it at one moment."""

    video_id: str
    channel_id: str
    title: str
    description: str
    published_at: datetime
    comments_enabled: bool = True


@dataclass(frozen=True)
class YTCommentState:
    """A comment (or reply) at one moment; `status` is a LIVE_STATUSES or GONE_STATUSES value."""

    comment_id: str
    video_id: str
    channel_id: str  # the channel the video belongs to
    parent_id: str | None
    author_channel_id: str
    author_name: str
    text: str
    published_at: datetime
    updated_at: datetime
    status: str = "published"

    @property
    def live(self) -> bool:
        """Whether the comment still exists (in any moderation status)."""
        return self.status in LIVE_STATUSES


@dataclass
class YTState:
    """The YouTube side of the platform at one moment; filled by `apply`, then only read."""

    channels: dict[str, YTChannelSpec] = field(default_factory=dict)
    videos: dict[str, YTVideoState] = field(default_factory=dict)
    comments: dict[str, YTCommentState] = field(default_factory=dict)
    banned: dict[str, set[str]] = field(default_factory=dict)  # channel id -> author channel ids

    def channel_for_token(self, access_token: str) -> YTChannelSpec | None:
        """The channel whose (unrevoked) owner this access token belongs to, if any."""
        return next(
            (c for c in self.channels.values() if not c.revoked and c.access_token == access_token),
            None,
        )

    def uploads(self, channel_id: str) -> list[YTVideoState]:
        """A channel's videos, newest first (the uploads playlist's order)."""
        videos = [v for v in self.videos.values() if v.channel_id == channel_id]
        return sorted(videos, key=lambda v: v.published_at, reverse=True)

    def live_comment(self, comment_id: str) -> YTCommentState | None:
        """The comment if it exists in any moderation status."""
        comment = self.comments.get(comment_id)
        return comment if comment is not None and comment.live else None

    def threads(self, video_ids: set[str], status: str) -> list[YTCommentState]:
        """Top-level comments of these videos listed under `status`, newest first.

        A thread is listed under a status if its top-level comment has it; under heldForReview or
        likelySpam also a published thread one of whose replies has it (that reply is inlined).
        """
        with_reply = {c.parent_id for c in self.comments.values() if c.status == status}
        tops = [
            c
            for c in self.comments.values()
            if c.parent_id is None and c.video_id in video_ids and c.live
            and (c.status == status or (c.status == "published" and c.comment_id in with_reply))
        ]
        return sorted(tops, key=lambda c: c.published_at, reverse=True)

    def replies(self, parent_id: str, status: str | None = "published") -> list[YTCommentState]:
        """Live replies to a comment, oldest first; only those in `status` unless it is None."""
        found = [
            c
            for c in self.comments.values()
            if c.parent_id == parent_id and c.live and (status is None or c.status == status)
        ]
        return sorted(found, key=lambda c: c.published_at)

    def apply(self, action: YTAction) -> None:
        """Apply one YouTube action; raises ScenarioError when it refers to something absent."""
        if isinstance(action, YTVideoAction):
            _need(action.channel_id in self.channels, f"unknown channel {action.channel_id!r}")
            _need(action.video_id not in self.videos, f"duplicate video {action.video_id!r}")
            self.videos[action.video_id] = YTVideoState(
                action.video_id, action.channel_id, action.title, action.description, action.at,
                action.comments_enabled,
            )
        elif isinstance(action, YTCommentAction):
            self._apply_comment(action)
        elif isinstance(action, YTHoldAction):
            _need(action.status in HIDDEN_STATUSES, f"cannot hold into {action.status!r}")
            self._set_status(action.comment_id, action.status)
        elif isinstance(action, YTApproveAction):
            self._set_status(action.comment_id, "published")
        elif isinstance(action, YTRejectAction):
            comment = self._gone(action.comment_id, "rejected")
            if action.ban_author:
                self.banned.setdefault(comment.channel_id, set()).add(comment.author_channel_id)
        elif isinstance(action, YTAuthorDeleteAction):
            self._gone(action.comment_id, "deleted")
        elif isinstance(action, YTCommentsAction):
            video = self._video(action.video_id)
            self.videos[video.video_id] = replace(video, comments_enabled=action.enabled)
        else:
            raise ScenarioError(f"unknown YouTube action {action!r}")

    def _apply_comment(self, action: YTCommentAction) -> None:
        """Add a comment or reply; a banned author's comment is rejected on arrival."""
        video = self._video(action.video_id)
        _need(video.comments_enabled, f"comment on {action.video_id!r} while comments are off")
        _need(action.comment_id not in self.comments, f"duplicate comment {action.comment_id!r}")
        if action.parent_id is not None:
            parent = self._live(action.parent_id)
            _need(parent.parent_id is None, f"reply {action.comment_id!r} to a reply")
            _need(parent.video_id == action.video_id, f"reply {action.comment_id!r} off its video")
        status = "likelySpam" if action.likely_spam else "published"
        if action.author_channel_id in self.banned.get(video.channel_id, set()):
            status = "rejected"
        self.comments[action.comment_id] = YTCommentState(
            comment_id=action.comment_id,
            video_id=action.video_id,
            channel_id=video.channel_id,
            parent_id=action.parent_id,
            author_channel_id=action.author_channel_id,
            author_name=action.author_name,
            text=action.text,
            published_at=action.at,
            updated_at=action.at,
            status=status,
        )

    def _set_status(self, comment_id: str, status: str) -> None:
        """Move a live comment to another live moderation status."""
        comment = self._live(comment_id)
        self.comments[comment_id] = replace(comment, status=status)

    def _gone(self, comment_id: str, status: str) -> YTCommentState:
        """Remove a live comment and its replies (status "rejected" or "deleted")."""
        comment = self._live(comment_id)
        for other in list(self.comments.values()):
            if other.comment_id == comment_id or (other.parent_id == comment_id and other.live):
                self.comments[other.comment_id] = replace(other, status=status)
        return comment

    def _video(self, video_id: str) -> YTVideoState:
        """A video that exists."""
        video = self.videos.get(video_id)
        if video is None:
            raise ScenarioError(f"unknown video {video_id!r}")
        return video

    def _live(self, comment_id: str) -> YTCommentState:
        """A comment that exists and is not gone."""
        comment = self.comments.get(comment_id)
        if comment is None:
            raise ScenarioError(f"unknown comment {comment_id!r}")
        _need(comment.live, f"comment {comment_id!r} is already gone")
        return comment


class YTScenarioBuilder:
    """Builder helpers for YouTube actions, mixed into `Scenario` (which provides `add`)."""

    add: Callable[..., Any]

    def yt_video(self, at: datetime, channel_id: str, video_id: str, title: str,
                 description: str = "", comments_enabled: bool = True) -> str:
        """The channel publishes a video; returns its id."""
        self.add(YTVideoAction(at, channel_id, video_id, title, description, comments_enabled))
        return video_id

    def yt_comment(self, at: datetime, video_id: str, comment_id: str, author: YTAuthor, text: str,
                   parent_id: str | None = None, likely_spam: bool = False) -> str:
        """Someone comments (or replies, with `parent_id`); returns the comment's id."""
        self.add(YTCommentAction(at, video_id, comment_id, author.channel_id, author.display_name,
                                 text, parent_id, likely_spam))
        return comment_id

    def yt_hold(self, at: datetime, comment_id: str, status: str = "heldForReview") -> None:
        """The channel holds a comment for review (or marks it as spam)."""
        self.add(YTHoldAction(at, comment_id, status))

    def yt_approve(self, at: datetime, comment_id: str) -> None:
        """The channel approves a held or spam comment."""
        self.add(YTApproveAction(at, comment_id))

    def yt_reject(self, at: datetime, comment_id: str, ban_author: bool = False) -> None:
        """The channel rejects a comment, optionally banning its author from the channel."""
        self.add(YTRejectAction(at, comment_id, ban_author))

    def yt_author_delete(self, at: datetime, comment_id: str) -> None:
        """The author deletes their own comment."""
        self.add(YTAuthorDeleteAction(at, comment_id))

    def yt_comments(self, at: datetime, video_id: str, enabled: bool) -> None:
        """The channel turns a video's comments off or back on."""
        self.add(YTCommentsAction(at, video_id, enabled))


def _need(condition: bool, message: str) -> None:
    """Raise ScenarioError with `message` unless `condition` holds."""
    if not condition:
        raise ScenarioError(message)
