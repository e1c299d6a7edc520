"""Bluesky ground truth (what an auditor should report) and the scenario builder's helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from modaudit.sandbox.world.bluesky_actions import (
    BLOCK,
    LIST,
    POST,
    BskyActor,
    BskyAppearanceAction,
    BskyBlockAction,
    BskyDeleteAction,
    BskyDetachQuoteAction,
    BskyHideReplyAction,
    BskyListAction,
    BskyListBlockAction,
    BskyPostAction,
    BskyThreadgateAction,
)
from modaudit.sandbox.world.bluesky_ids import at_uri, split_at_uri, tid


class BskyTruth:
    """Turns Bluesky actions, fed in time order, into (kind, subject) ground-truth pairs."""

    def __init__(self, accounts: set[str]) -> None:
        self.accounts = accounts  # the institutions' DIDs: only their moderation is ground truth
        self._gates: dict[str, tuple[str, ...] | None] = {}  # post uri -> allow (None: everyone)
        self._hidden: dict[str, list[str]] = {}  # post uri -> its hidden replies

    def observe(self, action: Any) -> list[tuple[str, str]]:
        """The ground truth an action amounts to (none unless it is moderation by an account)."""
        post_uri = getattr(action, "post_uri", None)
        if post_uri is not None and (split_at_uri(post_uri) or ("",))[0] not in self.accounts:
            return []  # someone else gating, hiding or detaching on their own post
        if isinstance(action, BskyBlockAction):
            return [("user_blocked" if action.blocked else "user_unblocked", action.subject.did)]
        if isinstance(action, BskyListBlockAction):
            return [("user_blocked" if action.blocked else "user_unblocked", action.list_uri)]
        if isinstance(action, BskyHideReplyAction):
            hidden = self._hidden.setdefault(action.post_uri, [])
            hidden[:] = [uri for uri in hidden if uri != action.reply_uri]
            if action.hidden:
                hidden.append(action.reply_uri)
            return [("comment_hidden" if action.hidden else "comment_unhidden", action.reply_uri)]
        if isinstance(action, BskyDetachQuoteAction) and action.detached:
            return [("quote_detached", action.quote_uri)]
        if isinstance(action, BskyThreadgateAction):
            return self._gate(action)
        return []

    def _gate(self, action: BskyThreadgateAction) -> list[tuple[str, str]]:
        """A gate narrowed or widened; deleting it also unhides the replies it hid."""
        before = self._gates.get(action.post_uri)
        after = None if action.delete else action.allow
        self._gates[action.post_uri] = after
        change = gate_change(before, after)
        found = [(change, action.post_uri)] if change else []
        if action.delete:
            found += [("comment_unhidden", uri) for uri in self._hidden.pop(action.post_uri, [])]
        return found


def gate_change(before: tuple[str, ...] | None, after: tuple[str, ...] | None) -> str | None:
    """ "replies_restricted", "replies_reopened" or None, between two `allow`s (None: everyone)."""
    if before == after or (before is not None and after is not None and set(before) == set(after)):
        return None
    if after is None:
        return "replies_reopened"
    if before is None or not set(before) <= set(after):
        return "replies_restricted"  # someone who could reply no longer can
    return "replies_reopened"


class BskyScenarioBuilder:
    """Builder helpers for Bluesky actions, mixed into `Scenario` (which provides `add`)."""

    add: Callable[..., Any]

    def bsky_post(self, at: datetime, author: BskyActor, text: str, *, reply_to: str | None = None,
                  quote_of: str | None = None) -> str:  # fmt: skip
        """An actor posts (replies, quotes); returns the post's at-uri (rkey = the TID of `at`)."""
        self.add(BskyPostAction(at, author, text, reply_to, quote_of))
        return at_uri(author.did, POST, tid(at))

    def bsky_delete(self, at: datetime, uri: str) -> None:
        """The author deletes their own post."""
        self.add(BskyDeleteAction(at, uri))

    def bsky_block(self, at: datetime, account_did: str, subject: BskyActor, blocked: bool = True) -> str:
        """An account blocks (or unblocks) an actor; returns the block record's at-uri."""
        self.add(BskyBlockAction(at, account_did, subject, blocked))
        return at_uri(account_did, BLOCK, tid(at))

    def bsky_list(self, at: datetime, account_did: str, name: str, members: tuple[BskyActor, ...],
                  description: str = "") -> str:  # fmt: skip
        """An account creates a moderation list; returns the list's at-uri."""
        self.add(BskyListAction(at, account_did, name, members, description))
        return at_uri(account_did, LIST, tid(at))

    def bsky_listblock(self, at: datetime, account_did: str, list_uri: str, blocked: bool = True) -> None:
        """An account blocks (or stops blocking) a list."""
        self.add(BskyListBlockAction(at, account_did, list_uri, blocked))

    def bsky_threadgate(self, at: datetime, post_uri: str, allow: tuple[str, ...] | None = (),
                        *, delete: bool = False) -> None:  # fmt: skip
        """Gate who may reply to a post (`()` nobody, None everyone), or delete the gate."""
        self.add(BskyThreadgateAction(at, post_uri, allow, delete))

    def bsky_hide_reply(self, at: datetime, post_uri: str, reply_uri: str, hidden: bool = True) -> None:
        """The root post's author hides (or unhides) a reply."""
        self.add(BskyHideReplyAction(at, post_uri, reply_uri, hidden))

    def bsky_detach_quote(self, at: datetime, post_uri: str, quote_uri: str, detached: bool = True) -> None:
        """A post's author detaches (or reattaches) a quote of it."""
        self.add(BskyDetachQuoteAction(at, post_uri, quote_uri, detached))

    def bsky_appear_as(self, at: datetime, uri: str, appears_as: str | None = "notFound") -> None:
        """Platform quirk: threads show a live post as "notFound" or "blocked" from `at` on."""
        self.add(BskyAppearanceAction(at, uri, appears_as))
