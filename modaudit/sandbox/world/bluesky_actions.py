"""Bluesky scenario vocabulary: the record collections, actors and the timed actions on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

POST, BLOCK, LIST, LISTITEM, LISTBLOCK = (
    "app.bsky.feed.post",
    "app.bsky.graph.block",
    "app.bsky.graph.list",
    "app.bsky.graph.listitem",
    "app.bsky.graph.listblock",
)
THREADGATE, POSTGATE = "app.bsky.feed.threadgate", "app.bsky.feed.postgate"
MODLIST = "app.bsky.graph.defs#modlist"
# Threadgate rules by short name; any other rule string is a list at-uri (a listRule).
GATE_RULES = {
    "mention": "app.bsky.feed.threadgate#mentionRule",
    "following": "app.bsky.feed.threadgate#followingRule",
    "follower": "app.bsky.feed.threadgate#followerRule",
}
APPEARANCES = ("notFound", "blocked")  # how the AppView may show a post whose record still exists


@dataclass(frozen=True)
class BskyActor:
    """A Bluesky account: the institution's own (in `Scenario.bluesky_accounts`) or anyone else's.

    `doc_handle`, when set, is another handle the DID document claims (stale or taken over): the
    handle and the DID then disagree, and the AppView shows "handle.invalid".
    """

    did: str
    handle: str
    display_name: str
    description: str = ""
    doc_handle: str | None = None

    @property
    def handle_is_correct(self) -> bool:
        """Whether the handle resolves to the DID and the DID document names the handle."""
        return self.doc_handle is None or self.doc_handle == self.handle

    @property
    def shown_handle(self) -> str:
        """The handle the AppView shows: "handle.invalid" when the two directions disagree."""
        return self.handle if self.handle_is_correct else "handle.invalid"


@dataclass(frozen=True)
class BskyPostAction:
    """An actor posts; a reply when `reply_to` (a post's at-uri), a quote when `quote_of` is set."""

    at: datetime
    author: BskyActor
    text: str
    reply_to: str | None = None
    quote_of: str | None = None


@dataclass(frozen=True)
class BskyDeleteAction:
    """The author deletes their own post (a reply deleted this way is not moderation)."""

    at: datetime
    uri: str


@dataclass(frozen=True)
class BskyBlockAction:
    """An account blocks an actor (a new block record) or, `blocked=False`, unblocks (deletes it)."""

    at: datetime
    account_did: str
    subject: BskyActor
    blocked: bool = True


@dataclass(frozen=True)
class BskyListAction:
    """An account creates a moderation list with its members (a list record and listitems)."""

    at: datetime
    account_did: str
    name: str
    members: tuple[BskyActor, ...]
    description: str = ""


@dataclass(frozen=True)
class BskyListBlockAction:
    """An account blocks a whole list (a listblock record) or, `blocked=False`, stops blocking it."""

    at: datetime
    account_did: str
    list_uri: str
    blocked: bool = True


@dataclass(frozen=True)
class BskyThreadgateAction:
    """Who may reply to a post: `allow` rules ("mention", "following", "follower" or a list
    at-uri; `()` = nobody; None = everyone), or `delete=True` to remove the gate."""

    at: datetime
    post_uri: str
    allow: tuple[str, ...] | None = ()
    delete: bool = False


@dataclass(frozen=True)
class BskyHideReplyAction:
    """The root post's author hides a reply (threadgate `hiddenReplies`), or unhides it."""

    at: datetime
    post_uri: str
    reply_uri: str
    hidden: bool = True


@dataclass(frozen=True)
class BskyDetachQuoteAction:
    """A post's author detaches a quote of it (postgate `detachedEmbeddingUris`), or reattaches it."""

    at: datetime
    post_uri: str
    quote_uri: str
    detached: bool = True


@dataclass(frozen=True)
class BskyAppearanceAction:
    """Platform quirk: the AppView shows a live post as "notFound" or "blocked" (None: normally)."""

    at: datetime
    uri: str
    appears_as: str | None = "notFound"


BskyAction = (
    BskyPostAction
    | BskyDeleteAction
    | BskyBlockAction
    | BskyListAction
    | BskyListBlockAction
    | BskyThreadgateAction
    | BskyHideReplyAction
    | BskyDetachQuoteAction
    | BskyAppearanceAction
)
BSKY_ACTIONS = (
    BskyPostAction,
    BskyDeleteAction,
    BskyBlockAction,
    BskyListAction,
    BskyListBlockAction,
    BskyThreadgateAction,
    BskyHideReplyAction,
    BskyDetachQuoteAction,
    BskyAppearanceAction,
)
