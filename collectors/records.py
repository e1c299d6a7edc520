"""Normalised records a collector yields, and the errors every collector raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class CollectorError(Exception):
    """Base of the errors a collector raises; messages never contain tokens.

    `details` holds what the platform answered (error code, subcode, type, `fbtrace_id`, HTTP
    status), kept as evidence beside the message.
    """

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.details: dict[str, Any] = dict(details or {})


class RateLimited(CollectorError):
    """The platform throttled us; `reset_at` is when it says we may try again, if it said."""

    def __init__(self, message: str, reset_at: datetime | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details)
        self.reset_at = reset_at


class AuthFailed(CollectorError):
    """The token was refused or lacks a permission."""


class NotFound(CollectorError):
    """The object does not exist, or no longer does."""


class PlatformError(CollectorError):
    """Any other failure: server errors, timeouts, malformed answers."""


class Interrupted(CollectorError):
    """Collection was stopped on request (a service shutting down) between two listings."""


@dataclass(frozen=True)
class PostRecord:
    """One post of the audited account."""

    platform_id: str
    created_at: datetime | None
    message: str | None
    raw: dict[str, Any]
    reply_settings: str | None = None  # None where the platform has no such setting, or unread
    comment_count: int | None = None  # what the platform says the post has (summary, reply_count)
    permalink: str | None = None  # the post's address on the platform


@dataclass(frozen=True)
class CommentRecord:
    """One comment or reply, with its visibility as the account's token sees it."""

    platform_id: str
    post_id: str
    parent_id: str | None
    author_id: str | None
    author_name: str | None
    message: str | None
    created_at: datetime | None
    is_hidden: bool | None  # None: the answer did not say (never read as visible)
    raw: dict[str, Any]


@dataclass(frozen=True)
class UserRecord:
    """One entry of a block, ban or mute list."""

    platform_id: str
    name: str | None
    raw: dict[str, Any]
    recorded_at: datetime | None = None  # Bluesky: the block record's own createdAt


@dataclass(frozen=True)
class DetachedQuote:
    """A quote post the account detached from one of its posts (a Bluesky postgate entry)."""

    post_id: str  # the account's post (at-uri)
    quote_uri: str  # the detached quote post (at-uri)
    record_uri: str  # the postgate record naming it
    record_cid: str | None
    recorded_at: datetime | None  # the postgate's createdAt
    quote_author: str | None = None  # the quoting post's author (handle, else DID), as read
    quote_text: str | None = None  # the quoting post's text, as read (None: unread)


@dataclass(frozen=True)
class RunWarning:
    """A coded warning a run keeps instead of raising on the first problem."""

    code: str
    message: str


@dataclass
class CommentListing:
    """The comments of one post as listed in one run; only a complete listing may be compared."""

    post: PostRecord
    comments: list[CommentRecord] = field(default_factory=list)
    complete: bool = False
    error: str | None = None
    # Deliberately not (fully) listed: "schedule" or "budget" (skipped), "new_only" (X: the
    # replies since the last listing, read in full but never compared for absences),
    # "post_only" (X: the post re-read, its replies beyond recent search's reach), "comments_off"
    # (YouTube: the video's comments are turned off, so there is nothing to list).
    skipped: str | None = None

    @property
    def rechecked(self) -> bool:
        """Whether this listing counts as the post's re-check (complete, all new replies, or all
        that can be read of it)."""
        return self.complete or (self.skipped in ("new_only", "post_only") and self.error is None)


@dataclass
class UserListing:
    """A block/ban/mute list as fetched in one run."""

    users: list[UserRecord] = field(default_factory=list)
    complete: bool = False
    error: str | None = None


@dataclass
class Snapshot:
    """Everything one collection pass over one account saw."""

    fetched_at: datetime
    listings: list[CommentListing] = field(default_factory=list)
    posts_complete: bool = False
    blocked: UserListing | None = None
    muted: UserListing | None = None
    api_calls: int = 0
    api_version: str | None = None
    warnings: list[RunWarning] = field(default_factory=list)
    detached_quotes: list[DetachedQuote] | None = None  # Bluesky postgates; None: not read


@dataclass
class ReadPlan:
    """What the schedule asks a collector to read tonight (None: everything, as a full re-crawl).

    `due(post)` says why a post's comments are listed (analysis/recheck.py), or None to skip it.
    X only: `known_due` are known posts read again by id; `newest_post_id` and `reply_since`
    are since_ids (new posts; new replies per post); `full_relist` posts get a full re-listing
    (their reply count dropped); `reply_allowance_usd` is what replies may still cost tonight.
    Quota-billed platforms only: `unit_allowance` is what the listings may spend tonight, in units.
    """

    due: Callable[[PostRecord], str | None]
    lists: bool = True
    young_since: datetime | None = None  # Graph: posts since then have comments read nested
    known_due: list[str] = field(default_factory=list)
    newest_post_id: str | None = None
    reply_since: dict[str, str] = field(default_factory=dict)
    stored_counts: dict[str, int] = field(default_factory=dict)
    reply_allowance_usd: float | None = None
    prices: dict[str, float] = field(default_factory=dict)  # resource kind -> USD
    # Quota-billed platforms (YouTube): units tonight's listings may spend, what the project's
    # daily quota leaves less room for the lookups; once spent, the oldest due posts' comments
    # are skipped (`skipped = 'budget'`). None: no limit.
    unit_allowance: int | None = None


@dataclass(frozen=True)
class LookupResult:
    """What the platform answered when one comment was looked up by id."""

    status: str  # "present" | "gone"
    is_hidden: bool | None = None  # None: not observable on this platform, or not in the answer
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredComment:
    """A stored comment as a scan's *ask* phase needs it: to see what tonight's listings lack."""

    comment_pk: int
    platform_id: str
    post_id: str  # the post's platform id
    is_hidden: bool | None  # last known visibility (None: never said)
    missing_since: datetime | None  # set: an open deletion candidate
    lookups: int
    unhide_pending: bool  # seen visible after hidden, awaiting confirmation


@dataclass(frozen=True)
class StoredState:
    """What a scan's *read* phase gives *ask*: the comments that may need a lookup, who is listed.

    `comments` holds the account's comments of posts in the watch window that are not known gone,
    and every open candidate; `listed` the user ids on each list (`blocked`, `muted`) now.
    """

    comments: list[StoredComment] = field(default_factory=list)
    listed: dict[str, frozenset[str]] = field(default_factory=dict)


# What the store's set-based diff of a run against stored evidence answers (store/changes.py), for
# analysis/change_events.py to turn into events.


@dataclass(frozen=True)
class DeletionCandidate:
    """A comment missing from a complete listing of its post, not yet confirmed gone.

    It stays a candidate, run after run, until it reappears in a listing or a lookup says it is
    gone; `present_at` is when a lookup last answered that it still exists.
    """

    comment_pk: int
    comment_id: str
    post_pk: int
    post_id: str
    first_seen_at: datetime
    last_seen_at: datetime
    missing_since: datetime
    present_at: datetime | None
    lookups: int
    is_hidden: bool | None
    last_complete_run_id: int | None
    last_complete_at: datetime | None
    text_digest: str | None
    parent_id: str | None = None  # a reply's top-level comment
    # "gone" (confirmed), "missing" (itself a candidate) or None (listed, or no parent)
    parent_state: str | None = None
    last_status: str | None = None  # the platform's own status word when last seen (YouTube's)

    @property
    def existed_until(self) -> datetime:
        """The last moment the comment is known to have existed (seen, or looked up present)."""
        return max(self.last_seen_at, self.present_at or self.last_seen_at)


@dataclass(frozen=True)
class VisibilityChange:
    """A comment whose observed visibility differs from the last one recorded (or is new and hidden)."""

    run_id: int
    seen_at: datetime
    comment_pk: int
    comment_id: str
    post_id: str
    was_hidden: bool | None  # None: never observed before
    is_hidden: bool
    first_seen_now: bool
    created_at: datetime | None
    last_seen_before: datetime | None
    text_digest: str | None
    unhide_seen_at: datetime | None = None  # an unhide already seen and awaiting confirmation
    unhide_after: datetime | None = None


@dataclass(frozen=True)
class ReplySettingsChange:
    """A post whose reply settings differ from the last recorded (or a new post's first value)."""

    run_id: int
    seen_at: datetime
    post_pk: int
    post_id: str
    previous: str | None
    current: str
    created_at: datetime | None
    previous_seen_at: datetime | None
    reopen_seen_at: datetime | None = None  # a reopening already seen, awaiting confirmation
    reopen_after: datetime | None = None


@dataclass(frozen=True)
class ListChange:
    """A user who appeared on or left a block/mute list between two complete fetches."""

    user_id: str
    user_name: str | None
    added: bool
    seen_before: datetime | None
    absent_since: datetime | None = None  # missing from complete fetches since (unconfirmed)
    absent_runs: int = 0  # how many complete fetches in a row have missed the user
    # Bluesky: the block (or listblock) record's own createdAt, and its evidence (at-uri, cid,
    # members of a blocked list); None where a list carries no dates.
    recorded_at: datetime | None = None
    record: dict[str, Any] | None = None


@dataclass(frozen=True)
class NewEvent:
    """A moderation action ready to be recorded."""

    kind: str
    subject_id: str
    actor: str
    source: str
    occurred_after: datetime | None
    occurred_before: datetime
    post_id: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    text_digest: str | None = None


# Page `feed` webhook changes (collectors/meta_webhook.py parses them; intake/webhook_events.py
# turns them into events). Every `verb` Meta documents; anything else is reported, never guessed.
COMMENT_VERBS = ("hide", "unhide", "remove")  # the verbs that are moderation of a comment
KNOWN_VERBS = frozenset({"add", "block", "edit", "edited", "delete", "follow", "hide", "mute",
                         "remove", "unblock", "unhide", "update"})


@dataclass(frozen=True)
class FeedChange:
    """One `feed` change of one Page entry: a comment added, edited, hidden, unhidden or removed."""

    page_id: str
    item: str
    verb: str
    comment_id: str | None
    post_id: str | None
    parent_id: str | None
    from_id: str | None
    message: str | None
    occurred_at: datetime  # the entry's time of update, else value.created_time
    raw: dict[str, Any]

    @property
    def verb_known(self) -> bool:
        """Whether Meta documents this verb (an unknown one is a warning, not an event)."""
        return self.verb in KNOWN_VERBS

    @property
    def is_comment_moderation(self) -> bool:
        """A hide, unhide or removal of a comment (the changes that become events)."""
        return self.item == "comment" and self.verb in COMMENT_VERBS and bool(self.comment_id)


@dataclass(frozen=True)
class Delivery:
    """A parsed delivery: its object type, the entries' ids and their feed changes."""

    object: str
    entry_ids: list[str]
    changes: list[FeedChange]


@dataclass(frozen=True)
class AccountReads:
    """One account's reads over a period, by resource kind (`store/reads` sums them, `analysis/cost`
    prices them)."""

    account: str
    platform: str
    kind: str
    requests: int
    resources: int
    runs: int
