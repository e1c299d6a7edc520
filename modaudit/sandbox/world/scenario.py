"""Scenario model for the simulated platform: timed actions, the state they yield, ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.base import GroundTruth, ScenarioError, require_aware
from modaudit.sandbox.world.bluesky import BskyState
from modaudit.sandbox.world.bluesky_actions import BSKY_ACTIONS, BskyAction, BskyActor
from modaudit.sandbox.world.bluesky_truth import BskyScenarioBuilder, BskyTruth
from modaudit.sandbox.world.instagram import (
    IG_ACTIONS,
    IGAccountSpec,
    IGAction,
    IGScenarioBuilder,
    IGState,
    IGTruth,
)
from modaudit.sandbox.world.x import X_ACTIONS, XAccountSpec, XAction, XScenarioBuilder, XState, XTruth
from modaudit.sandbox.world.youtube import (
    YT_ACTIONS,
    YTAction,
    YTChannelSpec,
    YTScenarioBuilder,
    YTState,
)
from modaudit.sandbox.world.youtube_truth import YTTruth

# The Page tasks a token's user can perform (Graph's `tasks` on /{user-id}/accounts); all by default.
PAGE_TASKS = ("ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE")


@dataclass(frozen=True)
class PageSpec:
    """A Facebook Page in the scenario; `token` is the Page access token the simulator accepts.

    `tasks` are what that token's user may do on the Page: without "MODERATE", Graph (v11.0+) leaves
    `id` out of the comments it lists.
    """

    page_id: str
    name: str
    token: str
    tasks: tuple[str, ...] = PAGE_TASKS


@dataclass(frozen=True)
class User:
    """A commenter (page-scoped id and display name)."""

    user_id: str
    name: str


@dataclass(frozen=True)
class PostAction:
    """The page publishes a post."""

    at: datetime
    page_id: str
    post_id: str
    message: str


@dataclass(frozen=True)
class CommentAction:
    """A user comments on a post, or replies to a comment when `parent_id` is set."""

    at: datetime
    post_id: str
    comment_id: str
    author_id: str
    author_name: str
    message: str
    parent_id: str | None = None


@dataclass(frozen=True)
class HideAction:
    """The page hides a comment (`hidden=False`: unhides it)."""

    at: datetime
    comment_id: str
    hidden: bool = True


@dataclass(frozen=True)
class DeleteAction:
    """A comment is deleted by "page", "author" or "platform"; its replies go with it."""

    at: datetime
    comment_id: str
    by: str = "page"


@dataclass(frozen=True)
class BanAction:
    """The page bans a user (`banned=False`: unbans)."""

    at: datetime
    page_id: str
    user_id: str
    user_name: str
    banned: bool = True


Action = (
    PostAction | CommentAction | HideAction | DeleteAction | BanAction | XAction | IGAction
    | YTAction | BskyAction
)

DELETERS = ("page", "author", "platform")


@dataclass(frozen=True)
class PostState:
    """A published post."""

    post_id: str
    page_id: str
    message: str
    created_time: datetime


@dataclass(frozen=True)
class CommentState:
    """A comment as the platform holds it at one moment."""

    comment_id: str
    post_id: str
    parent_id: str | None
    author_id: str
    author_name: str
    message: str
    created_time: datetime
    is_hidden: bool = False
    deleted: bool = False
    deleted_by: str | None = None


@dataclass(frozen=True)
class BanState:
    """A user currently banned by a page."""

    user_id: str
    user_name: str
    banned_at: datetime


@dataclass
class PlatformState:
    """Everything the platform holds at `now`; built by `Scenario.state_at`, then only read."""

    now: datetime
    pages: dict[str, PageSpec]
    posts: dict[str, PostState] = field(default_factory=dict)
    comments: dict[str, CommentState] = field(default_factory=dict)
    banned: dict[str, list[BanState]] = field(default_factory=dict)
    x: XState = field(default_factory=XState)
    instagram: IGState = field(default_factory=IGState)
    youtube: YTState = field(default_factory=YTState)
    bluesky: BskyState = field(default_factory=BskyState)

    def page_for_token(self, token: str) -> PageSpec | None:
        """The page whose access token this is, if any."""
        return next((p for p in self.pages.values() if p.token == token), None)

    def owner_page_id(self, object_id: str) -> str | None:
        """The page owning a page, post or comment id (deleted comments included)."""
        if object_id in self.pages:
            return object_id
        if object_id in self.posts:
            return self.posts[object_id].page_id
        comment = self.comments.get(object_id)
        if comment is not None:
            return self.posts[comment.post_id].page_id
        return None

    def posts_of(self, page_id: str) -> list[PostState]:
        """Posts of a page, newest first."""
        posts = [p for p in self.posts.values() if p.page_id == page_id]
        return sorted(posts, key=lambda p: p.created_time, reverse=True)

    def comments_of(self, post_id: str, *, replies: bool) -> list[CommentState]:
        """Live comments of a post in chronological order; top-level only unless `replies`."""
        live = [
            c
            for c in self.comments.values()
            if c.post_id == post_id and not c.deleted and (replies or c.parent_id is None)
        ]
        return sorted(live, key=lambda c: c.created_time)  # stable: ties keep action order

    def _apply(self, action: Action) -> None:
        """Apply one action; raises ScenarioError when it refers to something absent."""
        if isinstance(action, PostAction):
            self._need(action.page_id in self.pages, f"unknown page {action.page_id!r}")
            self._need(action.post_id not in self.posts, f"duplicate post {action.post_id!r}")
            self.posts[action.post_id] = PostState(
                action.post_id, action.page_id, action.message, action.at
            )
        elif isinstance(action, CommentAction):
            self._apply_comment(action)
        elif isinstance(action, HideAction):
            comment = self._live_comment(action.comment_id)
            self.comments[comment.comment_id] = replace(comment, is_hidden=action.hidden)
        elif isinstance(action, DeleteAction):
            self._need(action.by in DELETERS, f"unknown deleter {action.by!r}")
            comment = self._live_comment(action.comment_id)
            for other in list(self.comments.values()):
                if other.comment_id == comment.comment_id or (
                    other.parent_id == comment.comment_id and not other.deleted
                ):
                    self.comments[other.comment_id] = replace(
                        other, deleted=True, deleted_by=action.by
                    )
        elif isinstance(action, BanAction):
            self._need(action.page_id in self.pages, f"unknown page {action.page_id!r}")
            bans = self.banned.setdefault(action.page_id, [])
            bans[:] = [b for b in bans if b.user_id != action.user_id]
            if action.banned:
                bans.append(BanState(action.user_id, action.user_name, action.at))
        elif isinstance(action, X_ACTIONS):
            self.x.apply(action)
        elif isinstance(action, IG_ACTIONS):
            self.instagram.apply(action)
        elif isinstance(action, YT_ACTIONS):
            self.youtube.apply(action)
        elif isinstance(action, BSKY_ACTIONS):
            self.bluesky.apply(action)
        else:
            raise ScenarioError(f"unknown action {action!r}")

    def _apply_comment(self, action: CommentAction) -> None:
        """Add a comment or reply."""
        self._need(action.post_id in self.posts, f"comment on unknown post {action.post_id!r}")
        self._need(
            action.comment_id not in self.comments, f"duplicate comment {action.comment_id!r}"
        )
        if action.parent_id is not None:
            parent = self._live_comment(action.parent_id)
            self._need(
                parent.post_id == action.post_id,
                f"reply {action.comment_id!r} is not under its parent's post",
            )
        self.comments[action.comment_id] = CommentState(
            comment_id=action.comment_id,
            post_id=action.post_id,
            parent_id=action.parent_id,
            author_id=action.author_id,
            author_name=action.author_name,
            message=action.message,
            created_time=action.at,
        )

    def _live_comment(self, comment_id: str) -> CommentState:
        """A comment that exists and is not deleted."""
        comment = self.comments.get(comment_id)
        if comment is None:
            raise ScenarioError(f"unknown comment {comment_id!r}")
        self._need(not comment.deleted, f"comment {comment_id!r} is already deleted")
        return comment

    @staticmethod
    def _need(condition: bool, message: str) -> None:
        """Raise ScenarioError with `message` unless `condition` holds."""
        if not condition:
            raise ScenarioError(message)


@dataclass
class Scenario(XScenarioBuilder, IGScenarioBuilder, YTScenarioBuilder, BskyScenarioBuilder):
    """Pages, X, Instagram, YouTube and Bluesky accounts, timed actions and faults; `state_at(now)`
    replays actions up to `now`."""

    start: datetime
    pages: list[PageSpec]
    actions: list[Action] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    x_accounts: list[XAccountSpec] = field(default_factory=list)
    instagram_accounts: list[IGAccountSpec] = field(default_factory=list)
    youtube_channels: list[YTChannelSpec] = field(default_factory=list)
    bluesky_accounts: list[BskyActor] = field(default_factory=list)

    def __post_init__(self) -> None:
        require_aware(self.start)

    # -- builder helpers -------------------------------------------------------------------

    def day(self, n: int, hour: int = 10, minute: int = 0) -> datetime:
        """`start` plus n days, at the given hour and minute (UTC)."""
        return self.start + timedelta(days=n, hours=hour, minutes=minute)

    def add(self, *actions: Action) -> Scenario:
        """Append actions; returns the scenario for chaining."""
        for action in actions:
            require_aware(action.at)
            self.actions.append(action)
        return self

    def post(self, at: datetime, page_id: str, post_id: str, message: str) -> str:
        """Add a post; returns its id."""
        self.add(PostAction(at, page_id, post_id, message))
        return post_id

    def comment(
        self,
        at: datetime,
        post_id: str,
        comment_id: str,
        author: User,
        message: str,
        parent_id: str | None = None,
    ) -> str:
        """Add a comment (a reply when `parent_id` is set); returns its id."""
        self.add(
            CommentAction(at, post_id, comment_id, author.user_id, author.name, message, parent_id)
        )
        return comment_id

    def hide(self, at: datetime, comment_id: str, hidden: bool = True) -> None:
        """The page hides (or, with hidden=False, unhides) a comment."""
        self.add(HideAction(at, comment_id, hidden))

    def delete(self, at: datetime, comment_id: str, by: str = "page") -> None:
        """A comment is deleted by the page, its author or the platform."""
        self.add(DeleteAction(at, comment_id, by))

    def ban(self, at: datetime, page_id: str, user: User, banned: bool = True) -> None:
        """The page bans (or, with banned=False, unbans) a user."""
        self.add(BanAction(at, page_id, user.user_id, user.name, banned))

    # -- replay ----------------------------------------------------------------------------

    def ordered_actions(self) -> list[Action]:
        """Actions in time order; actions at the same instant keep the order they were added."""
        return sorted(self.actions, key=lambda a: a.at)

    def state_at(self, now: datetime) -> PlatformState:
        """The platform as it stands at `now`: every action with `at <= now` applied in order."""
        require_aware(now)
        state = PlatformState(
            now=now,
            pages={p.page_id: p for p in self.pages},
            x=XState(accounts={a.user_id: a for a in self.x_accounts}),
            instagram=IGState(accounts={a.ig_user_id: a for a in self.instagram_accounts}),
            youtube=YTState(channels={c.channel_id: c for c in self.youtube_channels}),
            bluesky=BskyState(accounts={a.did: a for a in self.bluesky_accounts}),
        )
        for action in self.ordered_actions():
            if action.at > now:
                break
            state._apply(action)
        return state

    def validate(self) -> None:
        """Replay every action; raises ScenarioError if any refers to something absent."""
        last = max((a.at for a in self.actions), default=self.start)
        self.state_at(last)

    def ground_truth(self, until: datetime | None = None) -> list[GroundTruth]:
        """Moderation by pages and X accounts (not by authors or the platform), in time order."""
        truths: list[GroundTruth] = []
        x_truth = XTruth({a.user_id: a for a in self.x_accounts})
        ig_truth = IGTruth()
        yt_truth = YTTruth()
        bsky_truth = BskyTruth({a.did for a in self.bluesky_accounts})
        for action in self.ordered_actions():
            if until is not None and action.at > until:
                break
            if isinstance(action, HideAction):
                kind = "comment_hidden" if action.hidden else "comment_unhidden"
                truths.append(GroundTruth(kind, action.comment_id, action.at))
            elif isinstance(action, DeleteAction) and action.by == "page":
                truths.append(GroundTruth("comment_deleted", action.comment_id, action.at))
            elif isinstance(action, BanAction):
                kind = "user_blocked" if action.banned else "user_unblocked"
                truths.append(GroundTruth(kind, action.user_id, action.at))
            else:
                observed = (
                    x_truth.observe(action) or ig_truth.observe(action) or yt_truth.observe(action)
                )
                if observed is not None:
                    truths.append(GroundTruth(*observed, action.at))
                for kind, subject in bsky_truth.observe(action):
                    truths.append(GroundTruth(kind, subject, action.at))
        return truths
