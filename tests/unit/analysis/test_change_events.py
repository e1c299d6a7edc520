"""analysis/change_events.py: the pure event builders, on change records built by hand (no database)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.change_events import (
    deletion_event,
    is_reopening,
    is_restricted,
    list_events,
    reopen_event,
    reply_settings_events,
    reply_with_parent,
    unhide_event,
    unlist_event,
    visibility_events,
)
from collectors.records import (
    DeletionCandidate,
    ListChange,
    LookupResult,
    ReplySettingsChange,
    VisibilityChange,
)
from tests.support.stored_runs import POSTED, WRITTEN, at

RUN = 7

SEEN_HIDDEN = VisibilityChange(
    run_id=RUN, seen_at=at(24), comment_pk=1, comment_id="c1", post_id="p1", was_hidden=False,
    is_hidden=True, first_seen_now=False, created_at=WRITTEN, last_seen_before=at(0),
    text_digest="d1")
CANDIDATE = DeletionCandidate(
    comment_pk=1, comment_id="c1", post_pk=10, post_id="p1", first_seen_at=at(0),
    last_seen_at=at(0), missing_since=at(24), present_at=None, lookups=0, is_hidden=False,
    last_complete_run_id=3, last_complete_at=at(0), text_digest="d1")
RESTRICTED = ReplySettingsChange(
    run_id=RUN, seen_at=at(24), post_pk=10, post_id="p1", previous="everyone", current="following",
    created_at=POSTED, previous_seen_at=at(0))
GONE = LookupResult(status="gone", answer={"error": {"code": 100}})


# --- visibility ------------------------------------------------------------------------------

def test_only_hides_are_emitted() -> None:
    """Visibility changes yield comment_hidden for hides; an unhide waits for confirmation."""
    unhidden = replace(SEEN_HIDDEN, comment_id="c2", was_hidden=True, is_hidden=False)
    first_visible = replace(SEEN_HIDDEN, comment_id="c3", was_hidden=None, is_hidden=False)
    events = visibility_events([SEEN_HIDDEN, unhidden, first_visible], set())
    assert [(e.kind, e.subject_id, e.actor, e.source) for e in events] == [
        ("comment_hidden", "c1", "account", "snapshot_diff")]


def test_a_hide_is_bracketed_by_the_last_visible_sighting_and_this_run() -> None:
    """Seen visible before: hidden after that sighting and before this run."""
    [event] = visibility_events([SEEN_HIDDEN], set())
    assert (event.occurred_after, event.occurred_before) == (at(0), at(24))
    assert (event.post_id, event.text_digest) == ("p1", "d1")
    assert event.evidence["previously"] == "visible"
    assert event.evidence["before_first_seen"] is False


@pytest.mark.parametrize("first_seen_now", [True, False])
def test_without_a_visible_sighting_the_hide_may_date_from_the_comment(first_seen_now: bool) -> None:
    """New and hidden, or first known hidden after unknown: hidden any time since it was written."""
    change = replace(SEEN_HIDDEN, was_hidden=None, first_seen_now=first_seen_now,
                     last_seen_before=None if first_seen_now else at(0))
    [event] = visibility_events([change], set())
    assert (event.occurred_after, event.occurred_before) == (WRITTEN, at(24))
    assert event.evidence["previously"] is None


@pytest.mark.parametrize(("first_seen_now", "first_collection", "expected"), [
    (True, True, True),  # hidden before the account was first collected
    (True, False, False),  # a new comment on a later night
    (False, True, False),  # known before
])
def test_before_first_seen_marks_hides_older_than_the_audit(first_seen_now: bool, first_collection: bool,
                                                            expected: bool) -> None:
    """A comment first seen hidden in the account's first collection predates the audit."""
    change = replace(SEEN_HIDDEN, was_hidden=None, first_seen_now=first_seen_now)
    [event] = visibility_events([change], {RUN} if first_collection else set())
    assert event.evidence["before_first_seen"] is expected


def test_an_unhide_is_bracketed_and_says_how_it_was_confirmed() -> None:
    """comment_unhidden: after the last hidden sighting, before the first visible one."""
    change = replace(SEEN_HIDDEN, was_hidden=True, is_hidden=False)
    event = unhide_event(change, last_hidden_at=at(0), first_visible_at=at(24), confirmed_at=at(48),
                         confirmed_by="consecutive_observations")
    assert (event.kind, event.subject_id, event.actor) == ("comment_unhidden", "c1", "account")
    assert (event.occurred_after, event.occurred_before) == (at(0), at(24))
    assert event.evidence["confirmed_by"] == "consecutive_observations"
    assert event.evidence["confirmed_at"] == at(48).isoformat()
    assert "lookup" not in event.evidence
    looked_up = unhide_event(change, last_hidden_at=at(0), first_visible_at=at(24), confirmed_at=at(25),
                             confirmed_by="lookup", lookup={"is_hidden": False})
    assert looked_up.evidence["lookup"] == {"is_hidden": False}


# --- lookups of deletion candidates ----------------------------------------------------------

def test_an_x_reply_gone_was_deleted_by_its_author() -> None:
    """On X only the author can delete a reply: reply_deleted_by_author, actor author."""
    event = deletion_event(CANDIDATE, GONE, "x", at(25))
    assert event is not None
    assert (event.kind, event.actor, event.source) == ("reply_deleted_by_author", "author", "lookup")


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_a_graph_comment_gone_was_deleted_by_someone_unknown(platform: str) -> None:
    """On Graph platforms the page, the author or Meta may have deleted it: actor unknown."""
    event = deletion_event(CANDIDATE, GONE, platform, at(25))
    assert event is not None
    assert (event.kind, event.actor, event.source) == ("comment_deleted", "unknown", "lookup")
    assert (event.subject_id, event.post_id, event.text_digest) == ("c1", "p1", "d1")
    assert event.evidence["lookup"] == {"error": {"code": 100}}
    assert event.evidence["last_complete_listing_run"] == 3
    assert event.evidence["lookups"] == 1


def test_a_deletion_is_bracketed_from_when_the_comment_last_existed() -> None:
    """Deleted after it was last seen or looked up present, before the lookup that said gone."""
    seen_last = deletion_event(CANDIDATE, GONE, "facebook", at(25))
    assert seen_last is not None and (seen_last.occurred_after, seen_last.occurred_before) == (at(0), at(25))
    present_later = replace(CANDIDATE, present_at=at(30))
    event = deletion_event(present_later, GONE, "facebook", at(49))
    assert event is not None
    assert (event.occurred_after, event.occurred_before) == (at(30), at(49))


@pytest.mark.parametrize(("known_hidden", "answer_hidden", "kind"), [
    (False, True, "comment_hidden"),  # hidden while out of the listing
    (None, True, "comment_hidden"),  # first known visibility: hidden
    (True, True, None),  # already known hidden: nothing new
    (True, False, "comment_unhidden"),  # a read of the comment itself confirms an unhide
    (False, False, None),  # still there, still visible: a listing glitch
    (False, None, None),  # present, visibility not observable
])
def test_a_present_comment_yields_only_what_is_new(known_hidden: bool | None, answer_hidden: bool | None,
                                                   kind: str | None) -> None:
    """A "present" answer is an event only when it shows a visibility not yet recorded."""
    answer = LookupResult(status="present", is_hidden=answer_hidden, answer={"id": "c1"})
    event = deletion_event(replace(CANDIDATE, is_hidden=known_hidden), answer, "facebook", at(25))
    assert (event.kind if event else None) == kind
    if event is not None:
        assert (event.actor, event.source) == ("account", "lookup")


# --- lists -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("list_name", "kind"), [("blocked", "user_blocked"), ("muted", "user_muted")])
def test_users_added_to_a_list_are_blocks_or_mutes(list_name: str, kind: str) -> None:
    """Added users become events bracketed by the previous complete fetch; removals do not."""
    changes = [ListChange("u1", "One", True, None), ListChange("u2", "Two", False, at(0))]
    [event] = list_events(changes, list_name, at(24), at(0))
    assert (event.kind, event.subject_id, event.actor, event.post_id) == (kind, "u1", "account", None)
    assert (event.occurred_after, event.occurred_before) == (at(0), at(24))
    assert event.evidence["before_first_seen"] is False


def test_a_user_on_the_first_complete_list_was_listed_before_the_audit() -> None:
    """With no earlier complete fetch the bracket is open and the event predates the audit."""
    [event] = list_events([ListChange("u1", None, True, None)], "blocked", at(0), None)
    assert (event.occurred_after, event.evidence["before_first_seen"]) == (None, True)


@pytest.mark.parametrize(("list_name", "kind", "confirmed_by"), [
    ("blocked", "user_unblocked", "lookup"), ("muted", "user_unmuted", "consecutive_lists")])
def test_an_unlisting_is_bracketed_and_says_how_it_was_confirmed(list_name: str, kind: str,
                                                                 confirmed_by: str) -> None:
    """user_unblocked/unmuted: after the user was last seen listed, before first seen missing."""
    change = ListChange("u2", "Two", False, at(0), absent_since=at(24), absent_runs=1)
    event = unlist_event(change, list_name, missing_at=at(24), confirmed_at=at(48),
                         confirmed_by=confirmed_by, previous_complete_at=at(0))
    assert (event.kind, event.subject_id, event.actor) == (kind, "u2", "account")
    assert (event.occurred_after, event.occurred_before) == (at(0), at(24))
    assert (event.evidence["confirmed_by"], event.evidence["list"]) == (confirmed_by, list_name)


# --- reply settings --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "restricted"), [
    ("everyone", False), (None, False), ("following", True), ("mentionedUsers", True),
    ("subscribers", True)])
def test_anything_but_everyone_restricts(value: str | None, restricted: bool) -> None:
    """Any setting but `everyone` restricts replies; an unread setting restricts nothing."""
    assert is_restricted(value) is restricted


def test_a_restriction_is_bracketed_by_the_previous_sighting() -> None:
    """Open, then restricted: replies_restricted after the open sighting, before this run."""
    [event] = reply_settings_events([RESTRICTED], set())
    assert (event.kind, event.subject_id, event.post_id) == ("replies_restricted", "p1", "p1")
    assert (event.occurred_after, event.occurred_before) == (at(0), at(24))
    assert (event.evidence["reply_settings"], event.evidence["previously"]) == ("following", "everyone")


@pytest.mark.parametrize("first_collection", [True, False])
def test_a_post_first_seen_restricted_dates_from_its_publication(first_collection: bool) -> None:
    """A new restricted post: restricted any time since posted; before the audit if first collected."""
    change = replace(RESTRICTED, previous=None, previous_seen_at=None)
    [event] = reply_settings_events([change], {RUN} if first_collection else set())
    assert (event.occurred_after, event.occurred_before) == (POSTED, at(24))
    assert event.evidence["before_first_seen"] is first_collection


@pytest.mark.parametrize(("previous", "current"), [
    ("following", "everyone"),  # reopened: confirmed elsewhere
    ("following", "mentionedUsers"),  # swapped
    (None, "everyone"),  # a new open post
    ("everyone", "everyone"),
])
def test_reopenings_swaps_and_open_posts_are_no_restriction(previous: str | None, current: str) -> None:
    """Only a post going from open (or unknown) to restricted is a restriction."""
    assert reply_settings_events([replace(RESTRICTED, previous=previous, current=current)], set()) == []


def test_a_reopening_is_an_un_event_confirmed_by_consecutive_observations() -> None:
    """replies_reopened: after the last restricted sighting, before the first open one."""
    change = replace(RESTRICTED, previous="following", current="everyone")
    assert is_reopening(change) and not is_reopening(RESTRICTED)
    assert not is_reopening(replace(RESTRICTED, previous=None, current="everyone"))
    event = reopen_event(change, last_restricted_at=at(0), first_open_at=at(24), confirmed_at=at(48))
    assert (event.kind, event.subject_id, event.actor) == ("replies_reopened", "p1", "account")
    assert (event.occurred_after, event.occurred_before) == (at(0), at(24))
    assert event.evidence["confirmed_by"] == "consecutive_observations"
    assert event.evidence["confirmed_at"] == at(48).isoformat()


# --- replies that go with their comment (YouTube) ---------------------------------------------

REPLY = replace(CANDIDATE, comment_pk=2, comment_id="c1.r1", parent_id="c1")


@pytest.mark.parametrize(("parent_state", "gone_now", "present_now", "expected"), [
    ("gone", set(), set(), "with_parent"),  # its comment confirmed gone on an earlier night
    ("missing", {"c1"}, set(), "with_parent"),  # both confirmed gone tonight
    ("missing", set(), set(), "wait"),  # its comment missing, not looked up tonight
    ("missing", set(), {"c1"}, None),  # its comment still there: the reply alone was removed
    (None, set(), set(), None),  # its comment listed: the reply alone was removed
])
def test_a_reply_gone_with_its_comment_is_part_of_that_action(
        parent_state: str | None, gone_now: set[str], present_now: set[str],
        expected: str | None) -> None:
    """Rejecting (or deleting) a YouTube comment takes its replies: one action, not several."""
    reply = replace(REPLY, parent_state=parent_state)
    assert reply_with_parent(reply, gone_now, present_now) == expected


def test_a_top_level_comment_never_follows_a_parent() -> None:
    assert reply_with_parent(CANDIDATE, {"c1"}, set()) is None


def test_the_last_status_is_evidence_of_a_deletion() -> None:
    """YouTube's own word for where the comment stood when last seen, for the reviewer."""
    event = deletion_event(replace(CANDIDATE, last_status="heldForReview"), GONE, "youtube", at(30))
    assert event is not None
    assert (event.kind, event.actor, event.evidence["last_status"]) == \
        ("comment_deleted", "unknown", "heldForReview")
    plain = deletion_event(CANDIDATE, GONE, "facebook", at(30))
    assert plain is not None and "last_status" not in plain.evidence
