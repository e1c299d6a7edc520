"""store/changes.py on small stored runs: visibility, deletion candidates, reply settings, lists."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.orm import Session

from analysis.change_events import is_reopening
from collectors.records import UserListing
from modaudit.store import state
from modaudit.store.changes import (
    deletion_candidates,
    hidden_by_event,
    list_changes,
    previous_complete_list_at,
    reply_settings_changes,
    visibility_changes,
)
from tests.support.stored_runs import (
    POSTED,
    WRITTEN,
    StoredAccount,
    at,
    comment,
    ids,
    new_event,
)

# --- visibility ------------------------------------------------------------------------------

def test_visible_then_hidden_is_a_change_bracketed_by_the_last_sighting(page: StoredAccount) -> None:
    """A comment seen visible, then hidden, is one change carrying when it was last seen before."""
    first = page.run(at(0), {"p1": [comment("c1")]})
    second = page.run(at(24), {"p1": [comment("c1", hidden=True)]})
    assert visibility_changes(page.session, [first]) == []
    [change] = visibility_changes(page.session, [second])
    assert (change.comment_id, change.post_id, change.run_id) == ("c1", "p1", second)
    assert (change.was_hidden, change.is_hidden, change.first_seen_now) == (False, True, False)
    assert (change.last_seen_before, change.seen_at, change.created_at) == (at(0), at(24), WRITTEN)


def test_hidden_then_visible_is_a_change(page: StoredAccount) -> None:
    """A comment recorded hidden and then seen visible is reported (an unhide to confirm)."""
    page.run(at(0), {"p1": [comment("c1", hidden=True)]})
    second = page.run(at(24), {"p1": [comment("c1", hidden=False)]})
    [change] = visibility_changes(page.session, [second])
    assert (change.was_hidden, change.is_hidden, change.last_seen_before) == (True, False, at(0))


def test_a_recorded_hide_is_not_a_change_again(page: StoredAccount) -> None:
    """Once detection records the hide, the next hidden sighting changes nothing."""
    page.run(at(0), {"p1": [comment("c1")]})
    second = page.run(at(24), {"p1": [comment("c1", hidden=True)]})
    state.set_visibility(page.session, {c.comment_pk: c.is_hidden
                                        for c in visibility_changes(page.session, [second])})
    third = page.run(at(48), {"p1": [comment("c1", hidden=True)]})
    assert visibility_changes(page.session, [third]) == []


@pytest.mark.parametrize("recorded", [False, True])
def test_unknown_visibility_changes_nothing(page: StoredAccount, recorded: bool) -> None:
    """An answer that does not say whether the comment is hidden is never read as a change."""
    page.run(at(0), {"p1": [comment("c1", hidden=recorded)]})
    second = page.run(at(24), {"p1": [comment("c1", hidden=None)]})
    assert visibility_changes(page.session, [second]) == []


def test_a_comment_first_seen_hidden_is_a_change(page: StoredAccount) -> None:
    """A new comment seen hidden is reported, with no previous visibility."""
    first = page.run(at(0), {"p1": [comment("c1"), comment("c2", hidden=True)]})
    [change] = visibility_changes(page.session, [first])
    assert (change.comment_id, change.was_hidden, change.is_hidden) == ("c2", None, True)
    assert change.first_seen_now and change.last_seen_before is None


@pytest.mark.parametrize("hidden", [True, False])
def test_first_known_visibility_after_unknown_is_a_change(page: StoredAccount, hidden: bool) -> None:
    """Seen first with unknown visibility, the first answer that says is reported as first known."""
    page.run(at(0), {"p1": [comment("c1", hidden=None)]})
    second = page.run(at(24), {"p1": [comment("c1", hidden=hidden)]})
    [change] = visibility_changes(page.session, [second])
    assert (change.was_hidden, change.is_hidden, change.first_seen_now) == (None, hidden, False)


def test_a_pending_unhide_travels_with_the_change_until_seen_hidden_again(page: StoredAccount) -> None:
    """An unhide held for confirmation is carried by the next change; a hidden sighting drops it."""
    page.run(at(0), {"p1": [comment("c1", hidden=True)]})
    page.run(at(24), {"p1": [comment("c1")]})
    state.hold_unhides(page.session, {page.comment_pk("c1"): (at(24), at(0))})
    third = page.run(at(48), {"p1": [comment("c1")]})
    [change] = visibility_changes(page.session, [third])
    assert (change.unhide_seen_at, change.unhide_after) == (at(24), at(0))
    fourth = page.run(at(72), {"p1": [comment("c1", hidden=True)]})
    assert state.drop_unhides_seen_hidden(page.session, fourth) == 1
    assert page.comment_row("c1").unhide_seen_at is None


def test_hide_bracket_starts_at_the_last_sighting_that_saw_it_visible(page: StoredAccount) -> None:
    """Visible, then unknown, then hidden: the hide happened after the last *visible* sighting."""
    page.run(at(0), {"p1": [comment("c1")]})
    page.run(at(24), {"p1": [comment("c1", hidden=None)]})
    third = page.run(at(48), {"p1": [comment("c1", hidden=True)]})
    [change] = visibility_changes(page.session, [third])
    assert change.last_seen_before == at(0)


# --- deletion candidates ---------------------------------------------------------------------

def test_missing_from_a_complete_listing_becomes_a_candidate(page: StoredAccount) -> None:
    """A known comment a complete listing lacks is a candidate, missing since that run."""
    first = page.run(at(0), {"p1": [comment("c1"), comment("c2")]})
    second = page.run(at(24), {"p1": [comment("c1")]})
    assert state.open_candidates(page.session, [second], at(24)) == 1
    [candidate] = deletion_candidates(page.session, [page.id])
    assert (candidate.comment_id, candidate.post_id) == ("c2", "p1")
    assert candidate.comment_pk == page.comment_pk("c2")
    assert (candidate.first_seen_at, candidate.last_seen_at) == (at(0), at(0))
    assert candidate.missing_since == at(24)
    assert (candidate.last_complete_run_id, candidate.last_complete_at) == (first, at(0))
    assert (candidate.lookups, candidate.present_at, candidate.existed_until) == (0, None, at(0))


def test_a_candidate_knows_its_parent_and_last_status(page: StoredAccount) -> None:
    """A reply's candidate names its comment and whether that one is missing or gone; the
    platform's own status word (YouTube's moderationStatus in `raw`) comes along."""
    held = replace(comment("c1"), raw={"id": "c1", "moderationStatus": "heldForReview"})
    page.run(at(0), {"p1": [held, comment("c1.r1", parent="c1"), comment("c2"),
                            comment("c2.r1", parent="c2")]})
    second = page.run(at(24), {"p1": [comment("c2")]})
    state.open_candidates(page.session, [second], at(24))
    found = {c.comment_id: c for c in deletion_candidates(page.session, [page.id])}
    assert set(found) == {"c1", "c1.r1", "c2.r1"}
    assert (found["c1"].parent_id, found["c1"].parent_state, found["c1"].last_status) == \
        (None, None, "heldForReview")
    assert (found["c1.r1"].parent_id, found["c1.r1"].parent_state) == ("c1", "missing")
    assert (found["c2.r1"].parent_id, found["c2.r1"].parent_state, found["c2.r1"].last_status) \
        == ("c2", None, None)
    state.mark_gone(page.session, [page.comment_pk("c1")], at(25))
    [reply, _] = sorted(deletion_candidates(page.session, [page.id]), key=lambda c: c.comment_id)
    assert (reply.comment_id, reply.parent_state) == ("c1.r1", "gone")


def test_hidden_by_event_is_the_last_visibility_event(page: StoredAccount) -> None:
    """An unhide closes something only after a recorded hide (the last of hide and unhide)."""
    run = page.run(at(0), {"p1": [comment("c1"), comment("c2"), comment("c3")]})
    page.record([new_event("comment_hidden", "c1", at(1)), new_event("comment_hidden", "c2", at(1)),
                 new_event("comment_unhidden", "c2", at(2))], at(3), run)
    assert hidden_by_event(page.session, page.id, ["c1", "c2", "c3"]) == {"c1"}


@pytest.mark.parametrize("listing", ["failed", "partial"])
def test_missing_from_an_incomplete_listing_is_not_a_candidate(page: StoredAccount, listing: str) -> None:
    """A listing that failed or stopped early proves nothing about a missing comment."""
    page.run(at(0), {"p1": [comment("c1"), comment("c2")]})
    if listing == "failed":
        second = page.run(at(24), {"p1": None})
    else:
        second = page.run(at(24), {"p1": [comment("c1")]}, incomplete={"p1"})
    assert state.open_candidates(page.session, [second], at(24)) == 0
    assert deletion_candidates(page.session, [page.id]) == []


def test_a_post_not_listed_in_the_run_makes_no_candidates(page: StoredAccount) -> None:
    """Comments of a post this run did not list are not missing from it."""
    page.run(at(0), {"p1": [comment("c1")], "p2": [comment("c2", "p2")]})
    second = page.run(at(24), {"p2": [comment("c2", "p2")]})
    assert state.open_candidates(page.session, [second], at(24)) == 0


def test_seen_only_in_an_incomplete_listing_then_missing_is_a_candidate(page: StoredAccount) -> None:
    """Known from a partial listing is known: missing from a complete one makes it a candidate."""
    page.run(at(0), {"p1": [comment("c1"), comment("c2")]}, incomplete={"p1"})
    second = page.run(at(24), {"p1": [comment("c1")]})
    assert state.open_candidates(page.session, [second], at(24)) == 1
    [candidate] = deletion_candidates(page.session, [page.id])
    assert candidate.comment_id == "c2"
    assert (candidate.last_complete_run_id, candidate.last_complete_at) == (None, None)


@pytest.mark.parametrize("partial", [False, True])
def test_reappearing_in_any_listing_ends_the_candidacy(page: StoredAccount, partial: bool) -> None:
    """A candidate seen again (even in a partial listing) is not a candidate any more."""
    page.run(at(0), {"p1": [comment("c1"), comment("c2")]})
    second = page.run(at(24), {"p1": [comment("c1")]})
    state.open_candidates(page.session, [second], at(24))
    third = page.run(at(48), {"p1": [comment("c2")]}, incomplete={"p1"} if partial else ())
    assert state.close_reappeared(page.session, page.id, third) == 1
    assert deletion_candidates(page.session, [page.id]) == []
    assert page.comment_row("c2").missing_since is None


def test_a_candidate_stays_open_until_it_reappears_or_is_gone(page: StoredAccount) -> None:
    """Run after run it stays a candidate, keeping its first missing_since; gone ends it for good."""
    page.run(at(0), {"p1": [comment("c1"), comment("c2")]})
    for hours in (24, 48, 72):
        run = page.run(at(hours), {"p1": [comment("c1")]})
        state.close_reappeared(page.session, page.id, run)
        state.open_candidates(page.session, [run], at(hours))
        assert [(c.comment_id, c.missing_since) for c in deletion_candidates(page.session, [page.id])] \
            == [("c2", at(24))]
    state.mark_gone(page.session, [page.comment_pk("c2")], at(73))
    later = page.run(at(96), {"p1": [comment("c1")]})
    assert state.open_candidates(page.session, [later], at(96)) == 0
    assert deletion_candidates(page.session, [page.id]) == []


def test_existed_until_is_the_later_of_last_seen_and_a_present_lookup(page: StoredAccount) -> None:
    """A lookup answering "present" moves the last moment the comment is known to have existed."""
    page.run(at(0), {"p1": [comment("c1"), comment("c2")]})
    second = page.run(at(24), {"p1": []})
    state.open_candidates(page.session, [second], at(24))
    c1, c2 = page.comment_pk("c1"), page.comment_pk("c2")
    state.record_lookups(page.session, [c1, c2], present=[c1], now=at(25))
    state.record_lookups(page.session, [c1], present=[], now=at(49))
    by_id = {c.comment_id: c for c in deletion_candidates(page.session, [page.id])}
    assert (by_id["c1"].lookups, by_id["c1"].present_at, by_id["c1"].existed_until) == (2, at(25), at(25))
    assert (by_id["c2"].lookups, by_id["c2"].present_at, by_id["c2"].existed_until) == (1, None, at(0))


def test_least_looked_up_first_then_longest_missing_and_limit(page: StoredAccount) -> None:
    """Candidates come least looked up first, then longest missing; the limit keeps the first."""
    page.run(at(0), {"p1": [comment("c1"), comment("c2"), comment("c3")]})
    second = page.run(at(24), {"p1": [comment("c3")]})
    state.open_candidates(page.session, [second], at(24))
    third = page.run(at(48), {"p1": []})
    state.open_candidates(page.session, [third], at(48))
    state.record_lookups(page.session, [page.comment_pk("c1")], present=[], now=at(25))
    assert ids(deletion_candidates(page.session, [page.id])) == ["c2", "c3", "c1"]
    assert ids(deletion_candidates(page.session, [page.id], limit_per_account=1)) == ["c2"]


def test_candidates_of_several_accounts_in_one_call(session: Session) -> None:
    """One set-based call opens and lists candidates of many accounts, the limit per account."""
    accounts = [StoredAccount(session, "valilik"), StoredAccount(session, "belediye")]
    latest = []
    for account in accounts:
        account.run(at(0), {"p1": [comment("c1"), comment("c2"), comment("c3")]})
        latest.append(account.run(at(24), {"p1": [comment("c3")]}))
    assert state.open_candidates(session, latest, at(24)) == 4
    found = deletion_candidates(session, [a.id for a in accounts])
    assert sorted((c.comment_pk, c.comment_id) for c in found) == sorted(
        (a.comment_pk(cid), cid) for a in accounts for cid in ("c1", "c2"))
    limited = deletion_candidates(session, [a.id for a in accounts], limit_per_account=1)
    assert sorted(c.comment_pk for c in limited) == sorted(a.comment_pk("c1") for a in accounts)
    assert ids(deletion_candidates(session, [accounts[0].id])) == ["c1", "c2"]


# --- reply settings --------------------------------------------------------------------------

def _settle(page: StoredAccount, run_id: int) -> None:
    """Record the run's reply settings as detection does for everything but a reopening."""
    state.set_reply_settings(page.session, {c.post_pk: c.current
                                            for c in reply_settings_changes(page.session, [run_id])})


def test_a_posts_first_reply_settings_are_a_change_from_nothing(page: StoredAccount) -> None:
    """The first value read for a post is reported with no previous value."""
    first = page.run(at(0), {"p1": []}, reply_settings={"p1": "everyone"})
    [change] = reply_settings_changes(page.session, [first])
    assert (change.post_id, change.post_pk, change.previous, change.current) == (
        "p1", page.post_pk("p1"), None, "everyone")
    assert (change.previous_seen_at, change.created_at, change.seen_at) == (None, POSTED, at(0))


@pytest.mark.parametrize(("before", "after", "reopening"), [
    ("everyone", "following", False),  # restricted
    ("following", "everyone", True),  # reopened
    ("following", "mentionedUsers", False),  # one restriction swapped for another
])
def test_reply_settings_changes(page: StoredAccount, before: str, after: str, reopening: bool) -> None:
    """Restricted, reopened and swapped settings are changes from the last recorded value."""
    first = page.run(at(0), {"p1": []}, reply_settings={"p1": before})
    _settle(page, first)
    second = page.run(at(24), {"p1": []}, reply_settings={"p1": after})
    [change] = reply_settings_changes(page.session, [second])
    assert (change.previous, change.current, change.previous_seen_at) == (before, after, at(0))
    assert is_reopening(change) is reopening


def test_same_or_unread_reply_settings_are_no_change(page: StoredAccount) -> None:
    """The same value again, or a run that could not read the settings, changes nothing."""
    first = page.run(at(0), {"p1": []}, reply_settings={"p1": "following"})
    _settle(page, first)
    same = page.run(at(24), {"p1": []}, reply_settings={"p1": "following"})
    unread = page.run(at(48), {"p1": []})
    assert reply_settings_changes(page.session, [same, unread]) == []
    restricted = page.run(at(72), {"p1": []}, reply_settings={"p1": "everyone"})
    [change] = reply_settings_changes(page.session, [restricted])
    assert change.previous_seen_at == at(24)  # the unread run is not a sighting of the settings


# --- block and mute lists --------------------------------------------------------------------

def test_users_on_the_first_complete_list_are_added(page: StoredAccount) -> None:
    """Everyone on the first complete fetch is new, and there was no earlier complete fetch."""
    first = page.run(at(0), {}, blocked=["u2", "u1"])
    changes = list_changes(page.session, page.id, first, "blocked")
    assert [(c.user_id, c.added, c.user_name) for c in changes] == [
        ("u1", True, "Name of u1"), ("u2", True, "Name of u2")]
    assert previous_complete_list_at(page.session, page.id, first, "blocked") is None


def test_a_user_missing_from_the_list_is_removed_then_counted_absent(page: StoredAccount) -> None:
    """Missing users are reported removed with when last seen; unconfirmed absences are counted."""
    first = page.run(at(0), {}, blocked=["u1", "u2"])
    state.update_list_entries(page.session, page.id, first, "blocked", [], at(0))
    second = page.run(at(24), {}, blocked=["u1", "u3"])
    changes = list_changes(page.session, page.id, second, "blocked")
    assert [(c.user_id, c.added, c.seen_before, c.absent_since, c.absent_runs) for c in changes] == [
        ("u3", True, None, None, 0), ("u2", False, at(0), None, 0)]
    state.update_list_entries(page.session, page.id, second, "blocked", [], at(24), absent_user_ids=["u2"])
    third = page.run(at(48), {}, blocked=["u1", "u3"])
    [removed] = list_changes(page.session, page.id, third, "blocked")
    assert (removed.user_id, removed.added, removed.absent_since, removed.absent_runs) == (
        "u2", False, at(24), 1)
    state.update_list_entries(page.session, page.id, third, "blocked", [], at(48), absent_user_ids=["u2"])
    entry = page.list_entry("blocked", "u2")
    assert (entry.listed, entry.absent_since, entry.absent_runs) == (True, at(24), 2)


def test_a_user_back_before_confirmation_is_neither_added_nor_absent(page: StoredAccount) -> None:
    """A user missing once and then listed again was never off the list."""
    first = page.run(at(0), {}, blocked=["u1"])
    state.update_list_entries(page.session, page.id, first, "blocked", [], at(0))
    second = page.run(at(24), {}, blocked=[])
    state.update_list_entries(page.session, page.id, second, "blocked", [], at(24), absent_user_ids=["u1"])
    third = page.run(at(48), {}, blocked=["u1"])
    assert list_changes(page.session, page.id, third, "blocked") == []
    state.update_list_entries(page.session, page.id, third, "blocked", [], at(48))
    entry = page.list_entry("blocked", "u1")
    assert (entry.listed, entry.absent_since, entry.absent_runs) == (True, None, 0)
    assert entry.last_seen_at == at(48)


def test_a_user_confirmed_off_the_list_and_back_is_added_again(page: StoredAccount) -> None:
    """After a confirmed removal, the same user on the list again is a new addition."""
    first = page.run(at(0), {}, blocked=["u1"])
    state.update_list_entries(page.session, page.id, first, "blocked", [], at(0))
    second = page.run(at(24), {}, blocked=[])
    state.update_list_entries(page.session, page.id, second, "blocked", ["u1"], at(24))
    assert page.list_entry("blocked", "u1").listed is False
    third = page.run(at(48), {}, blocked=["u1"])
    assert [(c.user_id, c.added) for c in list_changes(page.session, page.id, third, "blocked")] == [
        ("u1", True)]


def test_lists_are_kept_apart_by_name_and_incomplete_fetches_are_not_previous(page: StoredAccount) -> None:
    """The muted list does not count as the blocked one; an incomplete fetch is no previous fetch."""
    first = page.run(at(0), {}, blocked=["u1"], muted=["u9"])
    state.update_list_entries(page.session, page.id, first, "blocked", [], at(0))
    page.run(at(24), {}, blocked=UserListing(complete=False, error="timeout"), muted=["u9"])
    third = page.run(at(48), {}, blocked=["u1"], muted=["u9"])
    assert previous_complete_list_at(page.session, page.id, third, "blocked") == at(0)
    assert previous_complete_list_at(page.session, page.id, third, "muted") == at(24)
    assert list_changes(page.session, page.id, third, "blocked") == []
    # The muted list's entries were never brought up to date here: u9 is still new on it.
    assert [c.user_id for c in list_changes(page.session, page.id, third, "muted")] == ["u9"]
