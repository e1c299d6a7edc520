"""What a night's snapshot calls into question, decided from records alone (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta

from analysis.lookups import lookups_needed
from collectors.records import (
    CommentListing,
    PostRecord,
    Snapshot,
    StoredComment,
    StoredState,
    UserListing,
    UserRecord,
)
from tests.support.stored_runs import POSTED, at, comment

TONIGHT = at(48)


def stored(pk: int, cid: str, post: str = "p1", *, hidden: bool | None = False,
           missing_since: datetime | None = None, lookups: int = 0,
           unhide_pending: bool = False) -> StoredComment:
    """A stored comment as the read phase gives it."""
    return StoredComment(pk, cid, post, hidden, missing_since, lookups, unhide_pending)


def snapshot(listings: dict[str, list], *, incomplete: tuple[str, ...] = (),
             blocked: list[str] | None = None, blocked_complete: bool = True) -> Snapshot:
    """Tonight's collection: post id → comments listed (complete unless named incomplete)."""
    return Snapshot(fetched_at=TONIGHT, listings=[
        CommentListing(post=PostRecord(post, POSTED, "post", {"id": post}), comments=comments,
                       complete=post not in incomplete) for post, comments in listings.items()],
        blocked=None if blocked is None else UserListing(
            [UserRecord(uid, None, {"id": uid}) for uid in blocked], complete=blocked_complete))


def test_a_known_comment_a_complete_listing_lacks_is_looked_up() -> None:
    state = StoredState([stored(1, "c1"), stored(2, "c2"), stored(3, "c3", "p2")])
    plan = lookups_needed(state, snapshot({"p1": [comment("c1")], "p2": []}, incomplete=("p2",)))
    assert plan.candidates == ["c2"]  # c3's listing was cut short: its absence says nothing
    assert plan.unhides == [] and plan.unlisted == []


def test_open_candidates_are_looked_up_until_they_reappear_wherever_their_post_is() -> None:
    earlier = TONIGHT - timedelta(days=3)
    state = StoredState([stored(1, "c1", "old", missing_since=earlier, lookups=2),
                         stored(2, "c2", missing_since=earlier)])
    plan = lookups_needed(state, snapshot({"p1": [comment("c2")]}, incomplete=("p1",)))
    assert plan.candidates == ["c1"]  # c2 is listed again (even incompletely): no candidate


def test_candidates_are_asked_least_looked_up_then_longest_missing_first() -> None:
    state = StoredState([
        stored(5, "new-b"), stored(4, "new-a"),
        stored(3, "twice", missing_since=TONIGHT - timedelta(days=9), lookups=2),
        stored(2, "recent", missing_since=TONIGHT - timedelta(days=1)),
        stored(9, "oldest", missing_since=TONIGHT - timedelta(days=5)),
    ])
    plan = lookups_needed(state, snapshot({"p1": []}))
    # Tonight's new candidates are missing since tonight: after those missing longer, by row.
    assert plan.candidates == ["oldest", "recent", "new-a", "new-b", "twice"]


def test_a_hidden_comment_listed_visible_is_looked_up_unless_its_unhide_is_pending() -> None:
    state = StoredState([stored(3, "c3", hidden=True), stored(1, "c1", hidden=True),
                         stored(2, "c2", hidden=True, unhide_pending=True),
                         stored(4, "c4", hidden=True), stored(5, "c5", hidden=False)])
    listed = [comment("c1"), comment("c2"), comment("c3"), comment("c4", hidden=None),
              comment("c5", hidden=True)]
    plan = lookups_needed(state, snapshot({"p1": listed}))
    # c2 is confirmed by this second visible sighting; c4's listing did not say; c5 is a hide.
    assert plan.unhides == ["c1", "c3"] and plan.candidates == []
    assert plan.comments == ["c1", "c3"]


def test_listed_users_a_complete_list_lacks_are_checked_in_order() -> None:
    state = StoredState(listed={"blocked": frozenset({"u3", "u1", "u2"}),
                                "muted": frozenset({"u9"})})
    assert lookups_needed(state, snapshot({}, blocked=["u2"])).unlisted == [
        ("blocked", "u1"), ("blocked", "u3")]  # the mute list was not fetched tonight
    assert lookups_needed(state, snapshot({}, blocked=[], blocked_complete=False)).unlisted == []
