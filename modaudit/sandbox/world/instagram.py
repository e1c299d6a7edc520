"""Instagram part of a scenario: professional accounts, media, comments, hides, deletes, comments off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from modaudit.sandbox.world.base import ScenarioError

IG_DELETERS = ("account", "author", "platform")


@dataclass(frozen=True)
class IGAccountSpec:
    """An institution's Instagram professional account; `token` is the Page token linked to it."""

    ig_user_id: str
    username: str
    name: str
    token: str


@dataclass(frozen=True)
class IGUser:
    """An Instagram user who comments (app-scoped id and username)."""

    user_id: str
    username: str


@dataclass(frozen=True)
class IGMediaAction:
    """The account publishes a media; `comments_enabled=False` publishes it with comments off."""

    at: datetime
    ig_user_id: str
    media_id: str
    caption: str
    media_type: str = "IMAGE"
    comments_enabled: bool = True


@dataclass(frozen=True)
class IGCommentAction:
    """A user comments on a media, or replies to a top-level comment when `parent_id` is set."""

    at: datetime
    media_id: str
    comment_id: str
    user_id: str
    username: str
    text: str
    parent_id: str | None = None


@dataclass(frozen=True)
class IGHideAction:
    """The account hides a comment (`hidden=False`: unhides it)."""

    at: datetime
    comment_id: str
    hidden: bool = True


@dataclass(frozen=True)
class IGDeleteAction:
    """A comment is deleted by the "account", its "author" or the "platform"; replies go with it."""

    at: datetime
    comment_id: str
    by: str = "account"


@dataclass(frozen=True)
class IGCommentsAction:
    """The account turns comments on a media off (`enabled=False`) or back on."""

    at: datetime
    media_id: str
    enabled: bool


IGAction = IGMediaAction | IGCommentAction | IGHideAction | IGDeleteAction | IGCommentsAction
IG_ACTIONS = (IGMediaAction, IGCommentAction, IGHideAction, IGDeleteAction, IGCommentsAction)


@dataclass(frozen=True)
class IGMediaState:
    """A published media."""

    media_id: str
    ig_user_id: str
    caption: str
    media_type: str
    timestamp: datetime
    comments_enabled: bool = True


@dataclass(frozen=True)
class IGCommentState:
    """A comment as Instagram holds it at one moment."""

    comment_id: str
    media_id: str
    parent_id: str | None
    user_id: str
    username: str
    text: str
    timestamp: datetime
    hidden: bool = False
    deleted: bool = False
    deleted_by: str | None = None


@dataclass
class IGState:
    """The Instagram side of the platform at one moment; filled by `apply`, then only read."""

    accounts: dict[str, IGAccountSpec] = field(default_factory=dict)
    media: dict[str, IGMediaState] = field(default_factory=dict)
    comments: dict[str, IGCommentState] = field(default_factory=dict)

    def account_for_token(self, token: str) -> IGAccountSpec | None:
        """The account whose token this is, if any."""
        return next((a for a in self.accounts.values() if a.token == token), None)

    def owner_of(self, object_id: str) -> str | None:
        """The IG user id owning an account, media or comment id (deleted comments included)."""
        if object_id in self.accounts:
            return object_id
        if object_id in self.media:
            return self.media[object_id].ig_user_id
        comment = self.comments.get(object_id)
        return None if comment is None else self.media[comment.media_id].ig_user_id

    def media_of(self, ig_user_id: str) -> list[IGMediaState]:
        """An account's media, newest first."""
        own = [m for m in self.media.values() if m.ig_user_id == ig_user_id]
        return sorted(own, key=lambda m: m.timestamp, reverse=True)

    def live_comments(self, media_id: str, parent_id: str | None) -> list[IGCommentState]:
        """Live top-level comments of a media (or replies to `parent_id`), oldest first."""
        live = [c for c in self.comments.values()
                if c.media_id == media_id and c.parent_id == parent_id and not c.deleted]
        return sorted(live, key=lambda c: c.timestamp)

    def apply(self, action: IGAction) -> None:
        """Apply one Instagram action; raises ScenarioError when it refers to something absent."""
        if isinstance(action, IGMediaAction):
            _need(action.ig_user_id in self.accounts, f"unknown IG account {action.ig_user_id!r}")
            _need(action.media_id not in self.media, f"duplicate media {action.media_id!r}")
            self.media[action.media_id] = IGMediaState(
                action.media_id, action.ig_user_id, action.caption, action.media_type, action.at,
                action.comments_enabled)
        elif isinstance(action, IGCommentAction):
            self._apply_comment(action)
        elif isinstance(action, IGHideAction):
            comment = self._live(action.comment_id)
            self.comments[comment.comment_id] = replace(comment, hidden=action.hidden)
        elif isinstance(action, IGDeleteAction):
            _need(action.by in IG_DELETERS, f"unknown IG deleter {action.by!r}")
            comment = self._live(action.comment_id)
            for other in list(self.comments.values()):
                if other.comment_id == comment.comment_id or (
                        other.parent_id == comment.comment_id and not other.deleted):
                    self.comments[other.comment_id] = replace(other, deleted=True,
                                                              deleted_by=action.by)
        elif isinstance(action, IGCommentsAction):
            _need(action.media_id in self.media, f"unknown media {action.media_id!r}")
            self.media[action.media_id] = replace(self.media[action.media_id],
                                                  comments_enabled=action.enabled)
        else:
            raise ScenarioError(f"unknown Instagram action {action!r}")

    def _apply_comment(self, action: IGCommentAction) -> None:
        _need(action.media_id in self.media, f"comment on unknown media {action.media_id!r}")
        _need(action.comment_id not in self.comments, f"duplicate comment {action.comment_id!r}")
        if action.parent_id is not None:
            parent = self._live(action.parent_id)
            _need(parent.media_id == action.media_id and parent.parent_id is None,
                  f"reply {action.comment_id!r} must answer a top-level comment on its media")
        self.comments[action.comment_id] = IGCommentState(
            action.comment_id, action.media_id, action.parent_id, action.user_id, action.username,
            action.text, action.at)

    def _live(self, comment_id: str) -> IGCommentState:
        comment = self.comments.get(comment_id)
        if comment is None:
            raise ScenarioError(f"unknown comment {comment_id!r}")
        _need(not comment.deleted, f"comment {comment_id!r} is already deleted")
        return comment


class IGTruth:
    """Turns Instagram actions, fed in time order, into (kind, subject id) ground-truth pairs."""

    def __init__(self) -> None:
        self._comments_on: dict[str, bool] = {}  # media id -> comments enabled

    def observe(self, action: Any) -> tuple[str, str] | None:
        """The ground truth an action amounts to, if it is moderation by an account."""
        if isinstance(action, IGHideAction):
            return ("comment_hidden" if action.hidden else "comment_unhidden", action.comment_id)
        if isinstance(action, IGDeleteAction) and action.by == "account":
            return ("comment_deleted", action.comment_id)
        if isinstance(action, IGMediaAction):
            self._comments_on[action.media_id] = action.comments_enabled
            return None if action.comments_enabled else ("replies_restricted", action.media_id)
        if isinstance(action, IGCommentsAction):
            before = self._comments_on.get(action.media_id, True)
            self._comments_on[action.media_id] = action.enabled
            if before != action.enabled:
                return ("replies_reopened" if action.enabled else "replies_restricted",
                        action.media_id)
        return None


class IGScenarioBuilder:
    """Builder helpers for Instagram actions, mixed into `Scenario` (which provides `add`)."""

    add: Callable[..., Any]

    def ig_media(self, at: datetime, ig_user_id: str, media_id: str, caption: str,
                 comments_enabled: bool = True) -> str:
        """The account publishes a media; returns its id."""
        self.add(IGMediaAction(at, ig_user_id, media_id, caption, comments_enabled=comments_enabled))
        return media_id

    def ig_comment(self, at: datetime, media_id: str, comment_id: str, user: IGUser, text: str,
                   parent_id: str | None = None) -> str:
        """A user comments (or replies, with `parent_id`); returns the comment's id."""
        self.add(IGCommentAction(at, media_id, comment_id, user.user_id, user.username, text,
                                 parent_id))
        return comment_id

    def ig_hide(self, at: datetime, comment_id: str, hidden: bool = True) -> None:
        """The account hides (or, with hidden=False, unhides) a comment."""
        self.add(IGHideAction(at, comment_id, hidden))

    def ig_delete(self, at: datetime, comment_id: str, by: str = "account") -> None:
        """A comment is deleted by the account, its author or the platform."""
        self.add(IGDeleteAction(at, comment_id, by))

    def ig_comments(self, at: datetime, media_id: str, enabled: bool) -> None:
        """The account turns comments on a media off or on."""
        self.add(IGCommentsAction(at, media_id, enabled))


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise ScenarioError(message)
