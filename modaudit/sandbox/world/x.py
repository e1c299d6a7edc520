"""X (Twitter) part of a scenario: accounts, timed tweet/reply/moderation actions, their state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from modaudit.sandbox.world.base import ScenarioError

# Exactly the enum of the OpenAPI's ReplySettingsWithVerifiedUsers (Tweet.reply_settings).
REPLY_SETTINGS = ("everyone", "mentionedUsers", "following", "other", "subscribers", "verified")
TWEET_DELETERS = ("author", "platform")


@dataclass(frozen=True)
class XAccountSpec:
    """An institution's X account and the credentials the simulator accepts for it.

    OAuth 1.0a user context: the (consumer_key, access_token) pair, signed with both secrets.
    OAuth 2.0 user context: `oauth2_user_token` as a bearer token. `app_bearer_token` (optional)
    is an app-only bearer token: it reads tweets and search, but not blocking or muting.
    """

    user_id: str
    username: str
    name: str
    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str
    oauth2_user_token: str
    app_bearer_token: str = ""


@dataclass(frozen=True)
class XUser:
    """Any X user (a replier, or someone an account blocks or mutes)."""

    user_id: str
    username: str
    name: str


@dataclass(frozen=True)
class TweetAction:
    """A post (`in_reply_to` None, by an account) or a reply to the tweet `in_reply_to`.

    A reply's author username and name are given here unless the author is a scenario account.
    """

    at: datetime
    author_id: str
    tweet_id: str
    text: str
    reply_settings: str = "everyone"
    in_reply_to: str | None = None
    author_username: str = ""
    author_name: str = ""


@dataclass(frozen=True)
class TweetDeleteAction:
    """A tweet is deleted by its "author" or by the "platform" (never by anyone else on X)."""

    at: datetime
    tweet_id: str
    by: str = "author"


@dataclass(frozen=True)
class XBlockAction:
    """An account blocks a user (`blocked=False`: unblocks)."""

    at: datetime
    account_user_id: str
    user_id: str
    username: str
    blocked: bool = True
    name: str = ""


@dataclass(frozen=True)
class XMuteAction:
    """An account mutes a user (`muted=False`: unmutes)."""

    at: datetime
    account_user_id: str
    user_id: str
    username: str
    muted: bool = True
    name: str = ""


@dataclass(frozen=True)
class ReplySettingsAction:
    """The author changes who may reply to a tweet (one of REPLY_SETTINGS)."""

    at: datetime
    tweet_id: str
    reply_settings: str


XAction = TweetAction | TweetDeleteAction | XBlockAction | XMuteAction | ReplySettingsAction
X_ACTIONS = (TweetAction, TweetDeleteAction, XBlockAction, XMuteAction, ReplySettingsAction)


@dataclass(frozen=True)
class TweetState:
    """A tweet as X holds it at one moment."""

    tweet_id: str
    author_id: str
    text: str
    created_at: datetime
    conversation_id: str
    reply_settings: str = "everyone"
    in_reply_to: str | None = None
    in_reply_to_user_id: str | None = None
    deleted: bool = False
    deleted_by: str | None = None


@dataclass(frozen=True)
class XRelation:
    """A user an account currently blocks or mutes, and since when."""

    user_id: str
    since: datetime


@dataclass
class XState:
    """The X side of the platform at one moment; filled by `apply`, then only read."""

    accounts: dict[str, XAccountSpec] = field(default_factory=dict)
    users: dict[str, XUser] = field(default_factory=dict)
    tweets: dict[str, TweetState] = field(default_factory=dict)
    blocking: dict[str, list[XRelation]] = field(default_factory=dict)
    muting: dict[str, list[XRelation]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for account in self.accounts.values():
            self.users[account.user_id] = XUser(account.user_id, account.username, account.name)
        self._reply_counts: dict[str, int] | None = None  # built on first read, after `apply`s

    def reply_count(self, tweet_id: str) -> int:
        """Live replies below a tweet (for a post: every live reply in its conversation)."""
        if self._reply_counts is None:
            counts: dict[str, int] = {}
            for tweet in self.tweets.values():
                if tweet.deleted or tweet.in_reply_to is None:
                    continue
                parent: str | None = tweet.in_reply_to
                while parent is not None:  # a deleted reply still links its replies upwards
                    counts[parent] = counts.get(parent, 0) + 1
                    above = self.tweets.get(parent)
                    parent = above.in_reply_to if above is not None else None
            self._reply_counts = counts
        return self._reply_counts.get(tweet_id, 0)

    def live_tweet(self, tweet_id: str) -> TweetState | None:
        """The tweet if it exists and is not deleted."""
        tweet = self.tweets.get(tweet_id)
        return None if tweet is None or tweet.deleted else tweet

    def tweets_by(self, user_id: str) -> list[TweetState]:
        """Live tweets (posts and replies) by a user, newest first."""
        own = [t for t in self.tweets.values() if t.author_id == user_id and not t.deleted]
        return _newest_first(own)

    def replies_in(self, conversation_id: str) -> list[TweetState]:
        """Live replies in a conversation (its root excluded), newest first."""
        replies = [
            t
            for t in self.tweets.values()
            if t.conversation_id == conversation_id and t.in_reply_to is not None and not t.deleted
        ]
        return _newest_first(replies)

    def relations(self, kind: str, account_user_id: str) -> list[XRelation]:
        """Users an account blocks ("blocking") or mutes ("muting"), most recent first."""
        table = self.blocking if kind == "blocking" else self.muting
        return sorted(table.get(account_user_id, []), key=lambda r: r.since, reverse=True)

    def apply(self, action: XAction) -> None:
        """Apply one X action; raises ScenarioError when it refers to something absent."""
        self._reply_counts = None
        if isinstance(action, TweetAction):
            self._apply_tweet(action)
        elif isinstance(action, TweetDeleteAction):
            _need(action.by in TWEET_DELETERS, f"unknown tweet deleter {action.by!r}")
            tweet = self._live(action.tweet_id)
            self.tweets[tweet.tweet_id] = replace(tweet, deleted=True, deleted_by=action.by)
        elif isinstance(action, ReplySettingsAction):
            _need(action.reply_settings in REPLY_SETTINGS, f"bad {action.reply_settings!r}")
            tweet = self._live(action.tweet_id)
            self.tweets[tweet.tweet_id] = replace(tweet, reply_settings=action.reply_settings)
        elif isinstance(action, XBlockAction):
            self._relate(self.blocking, action, action.blocked)
        elif isinstance(action, XMuteAction):
            self._relate(self.muting, action, action.muted)
        else:
            raise ScenarioError(f"unknown X action {action!r}")

    def _apply_tweet(self, action: TweetAction) -> None:
        """Add a post or a reply."""
        _need(action.tweet_id.isdigit(), f"tweet id {action.tweet_id!r} is not numeric")
        _need(action.tweet_id not in self.tweets, f"duplicate tweet {action.tweet_id!r}")
        _need(action.reply_settings in REPLY_SETTINGS, f"bad {action.reply_settings!r}")
        if action.author_id not in self.accounts:
            _need(action.in_reply_to is not None, f"post by non-account {action.author_id!r}")
            _need(bool(action.author_username), f"reply {action.tweet_id!r} needs a username")
            self.users[action.author_id] = XUser(
                action.author_id, action.author_username, action.author_name
            )
        conversation_id, parent_author = action.tweet_id, None
        if action.in_reply_to is not None:
            parent = self._live(action.in_reply_to)
            conversation_id, parent_author = parent.conversation_id, parent.author_id
        self.tweets[action.tweet_id] = TweetState(
            tweet_id=action.tweet_id,
            author_id=action.author_id,
            text=action.text,
            created_at=action.at,
            conversation_id=conversation_id,
            reply_settings=action.reply_settings,
            in_reply_to=action.in_reply_to,
            in_reply_to_user_id=parent_author,
        )

    def _relate(
        self, table: dict[str, list[XRelation]], action: XBlockAction | XMuteAction, on: bool
    ) -> None:
        """Add or remove a block or mute."""
        _need(action.account_user_id in self.accounts, f"unknown X account {action.account_user_id!r}")
        known = self.users.get(action.user_id)
        self.users[action.user_id] = XUser(
            action.user_id, action.username, action.name or (known.name if known else action.username)
        )
        relations = table.setdefault(action.account_user_id, [])
        relations[:] = [r for r in relations if r.user_id != action.user_id]
        if on:
            relations.append(XRelation(action.user_id, action.at))

    def _live(self, tweet_id: str) -> TweetState:
        """A tweet that exists and is not deleted."""
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            raise ScenarioError(f"unknown tweet {tweet_id!r}")
        _need(not tweet.deleted, f"tweet {tweet_id!r} is already deleted")
        return tweet


class XTruth:
    """Turns X actions, fed in time order, into (kind, subject id) ground-truth pairs."""

    def __init__(self, accounts: dict[str, XAccountSpec]) -> None:
        self.accounts = accounts
        self._settings: dict[str, str] = {}  # account tweet id -> current reply settings

    def observe(self, action: Any) -> tuple[str, str] | None:
        """The ground truth an action amounts to, if it is moderation by an account."""
        if isinstance(action, XBlockAction):
            return ("user_blocked" if action.blocked else "user_unblocked", action.user_id)
        if isinstance(action, XMuteAction):
            return ("user_muted" if action.muted else "user_unmuted", action.user_id)
        if isinstance(action, TweetAction) and action.author_id in self.accounts:
            self._settings[action.tweet_id] = action.reply_settings
            if action.reply_settings != "everyone":
                return ("replies_restricted", action.tweet_id)
        if isinstance(action, ReplySettingsAction) and action.tweet_id in self._settings:
            before = self._settings[action.tweet_id]
            self._settings[action.tweet_id] = action.reply_settings
            if before == "everyone" and action.reply_settings != "everyone":
                return ("replies_restricted", action.tweet_id)
            if before != "everyone" and action.reply_settings == "everyone":
                return ("replies_reopened", action.tweet_id)
        return None


class XScenarioBuilder:
    """Builder helpers for X actions, mixed into `Scenario` (which provides `add`)."""

    add: Callable[..., Any]

    def tweet(
        self,
        at: datetime,
        account_user_id: str,
        tweet_id: str,
        text: str,
        reply_settings: str = "everyone",
    ) -> str:
        """An account posts a tweet (restricted from the start unless "everyone"); returns its id."""
        self.add(TweetAction(at, account_user_id, tweet_id, text, reply_settings))
        return tweet_id

    def reply(self, at: datetime, tweet_id: str, in_reply_to: str, author: XUser, text: str) -> str:
        """A user replies to a tweet (a post or another reply); returns the reply's id."""
        self.add(
            TweetAction(
                at,
                author.user_id,
                tweet_id,
                text,
                in_reply_to=in_reply_to,
                author_username=author.username,
                author_name=author.name,
            )
        )
        return tweet_id

    def delete_tweet(self, at: datetime, tweet_id: str, by: str = "author") -> None:
        """A tweet is deleted by its author or by the platform."""
        self.add(TweetDeleteAction(at, tweet_id, by))

    def x_block(self, at: datetime, account_user_id: str, user: XUser, blocked: bool = True) -> None:
        """An account blocks (or, with blocked=False, unblocks) a user."""
        self.add(XBlockAction(at, account_user_id, user.user_id, user.username, blocked, user.name))

    def x_mute(self, at: datetime, account_user_id: str, user: XUser, muted: bool = True) -> None:
        """An account mutes (or, with muted=False, unmutes) a user."""
        self.add(XMuteAction(at, account_user_id, user.user_id, user.username, muted, user.name))

    def set_reply_settings(self, at: datetime, tweet_id: str, reply_settings: str) -> None:
        """The author changes who may reply to a tweet."""
        self.add(ReplySettingsAction(at, tweet_id, reply_settings))


def _newest_first(tweets: list[TweetState]) -> list[TweetState]:
    """Tweets by creation time (then id), newest first."""
    return sorted(tweets, key=lambda t: (t.created_at, int(t.tweet_id)), reverse=True)


def _need(condition: bool, message: str) -> None:
    """Raise ScenarioError with `message` unless `condition` holds."""
    if not condition:
        raise ScenarioError(message)
