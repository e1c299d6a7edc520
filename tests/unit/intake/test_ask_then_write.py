"""The scan's *ask* and *write* halves meet: questions asked with no transaction open, answers used after.

`ask_platform` runs against a hand-written collector (no network); the write half runs on the
store, SQLite and PostgreSQL, through `detection.detect` with the answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.lookups import LookupPlan, lookups_needed
from collectors.records import (
    CollectorError,
    CommentListing,
    CommentRecord,
    Interrupted,
    LookupResult,
    PostRecord,
    Snapshot,
    UserListing,
    UserRecord,
)
from modaudit.intake.confirmation import Confirmer, ask_platform
from modaudit.intake.scan_detection import DetectionOutcome, detect
from modaudit.store import runs, state
from modaudit.store.scan_state import read_stored_state
from modaudit.store.schema import Event
from tests.support.stored_runs import POSTED, StoredAccount, at, comment, open_session


class Platform:
    """A collector's lookups as a test scripts them: ids gone, ids that fail, a refused token."""

    def __init__(self, gone: frozenset[str] = frozenset(), failing: frozenset[str] = frozenset(),
                 token_ok: bool = True, listed: dict[str, bool] | None = None) -> None:
        self.gone, self.failing, self.token_ok = gone, failing, token_ok
        self.listed = listed or {}
        self.calls: list[str] = []

    def check_token(self) -> None:
        self.calls.append("token")
        if not self.token_ok:
            raise CollectorError("Graph 190: token expired")

    def lookup_comment(self, comment_id: str) -> LookupResult:
        self.calls.append(comment_id)
        if comment_id in self.failing:
            raise CollectorError("HTTP 500")
        if comment_id in self.gone:
            return LookupResult("gone", answer={"error": {"code": 100, "error_subcode": 33}})
        return LookupResult("present", is_hidden=False, answer={"id": comment_id})

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        self.calls.append(f"{list_name}:{user_id}")
        return self.listed.get(user_id)


def clock_from(start: datetime) -> Callable[[], datetime]:
    """A clock that moves a second per reading, so every answer has its own time."""
    ticks = iter(range(10_000))
    return lambda: start + timedelta(seconds=next(ticks))


def test_the_token_is_checked_once_before_the_first_lookup_and_the_budget_holds() -> None:
    platform = Platform(gone=frozenset({"c2"}))
    plan = LookupPlan(unhides=["c1"], candidates=["c2", "c3"], unlisted=[("blocked", "u1")])
    answers = ask_platform(platform, plan, budget=2, clock=clock_from(at(48)))
    assert platform.calls == ["token", "c1", "c2"]  # unhides first; c3 and u1 over the budget
    assert answers.token_ok is True and answers.lookups["c2"].result.status == "gone"
    assert answers.lookups["c1"].at < answers.lookups["c2"].at
    confirmer = Confirmer(answers, budget=2)
    assert confirmer.lookup("c3") is None and confirmer.deferred == 1  # waits for the next run
    confirmer.finish()
    assert [w.code for w in confirmer.warnings] == ["lookups_deferred"]


def test_a_refused_token_asks_nothing_about_comments_and_leaves_them_unconfirmed() -> None:
    platform = Platform(token_ok=False, listed={"u1": False})
    plan = LookupPlan(candidates=["c1", "c2"], unlisted=[("blocked", "u1")])
    answers = ask_platform(platform, plan, budget=10, clock=clock_from(at(48)))
    assert platform.calls == ["token", "blocked:u1"]  # the per-user check needs no token gate
    confirmer = Confirmer(answers, budget=10)
    assert confirmer.lookup("c1") is None and confirmer.lookup("c2") is None
    assert (confirmer.unconfirmed, confirmer.deferred) == (2, 0)
    assert [w.code for w in confirmer.warnings] == ["confirm_skipped"]
    assert confirmer.is_listed("blocked", "u1") is False


def test_a_failed_lookup_is_no_answer_never_a_gone() -> None:
    answers = ask_platform(Platform(failing=frozenset({"c1"})), LookupPlan(candidates=["c1"]), budget=5,
                           clock=clock_from(at(48)))
    confirmer = Confirmer(answers, budget=5)
    assert confirmer.lookup("c1") is None and confirmer.unconfirmed == 1
    assert [w.code for w in confirmer.warnings] == ["lookup_failed"]


def test_a_service_shutting_down_stops_asking_between_two_requests() -> None:
    platform = Platform()
    asked = iter([False, True])
    with pytest.raises(Interrupted):
        ask_platform(platform, LookupPlan(candidates=["c1", "c2"]), budget=5,
                     clock=clock_from(at(48)), should_stop=lambda: next(asked))
    assert platform.calls == ["token", "c1"]


def _night(session: Session, account: StoredAccount, night: datetime,
           listings: dict[str, list[CommentRecord]], platform: Platform,
           budget: int = 200, blocked: list[str] | None = None,
           ) -> tuple[DetectionOutcome, list[Event], datetime]:
    """One scan's three phases on the store: read, ask, write; its outcome, events and when ask began."""
    stored_state = read_stored_state(session, account.id, night - timedelta(days=30))
    snapshot = Snapshot(fetched_at=night, posts_complete=True, listings=[
        CommentListing(post=PostRecord(post, POSTED, "post", {"id": post}), comments=comments,
                       complete=True) for post, comments in listings.items()],
        blocked=None if blocked is None else UserListing(
            [UserRecord(uid, None, {"id": uid}) for uid in blocked], complete=True))
    asked_from = night + timedelta(seconds=30)
    answers = ask_platform(platform, lookups_needed(stored_state, snapshot), budget,
                           clock_from(asked_from))
    run_id = runs.start_run(session, account.id, "nightly", night)
    runs.save_snapshot(session, account.id, run_id, snapshot)
    outcome = detect(session, account_id=account.id, platform=account.platform, run_id=run_id,
                     snapshot=snapshot, answers=answers, clock=lambda: night + timedelta(hours=1),
                     max_lookups=budget)
    events = list(session.scalars(select(Event).where(Event.run_id == run_id)))
    return outcome, events, asked_from


def test_the_write_phase_records_the_deletion_ask_learnt_at_the_time_it_was_told(
        migrated: str) -> None:
    with open_session(migrated) as session:
        account = StoredAccount(session)
        account.run(at(0), {"p1": [comment("c1"), comment("c2")]})
        platform = Platform(gone=frozenset({"c2"}))
        outcome, events, asked_from = _night(session, account, at(24), {"p1": [comment("c1")]},
                                             platform)
        assert platform.calls == ["token", "c2"]
        assert [(e.kind, e.subject_id, e.source) for e in events] == [
            ("comment_deleted", "c2", "lookup")]
        assert events[0].occurred_before == asked_from  # when the platform said so, not later
        assert account.comment_row("c2").gone_at == asked_from
        assert outcome.unconfirmed == 0 and outcome.warnings == []


def test_a_candidate_ask_did_not_look_up_waits_and_is_found_the_next_night(migrated: str) -> None:
    with open_session(migrated) as session:
        account = StoredAccount(session)
        account.run(at(0), {"p1": [comment("c1"), comment("c2")]})
        outcome, events, _ = _night(session, account, at(24), {"p1": [comment("c1")]},
                                    Platform(gone=frozenset({"c2"})), budget=0)
        assert events == [] and [w.code for w in outcome.warnings] == ["lookups_deferred"]
        assert account.comment_row("c2").missing_since == at(24)
        platform = Platform(gone=frozenset({"c2"}))
        _, events, _ = _night(session, account, at(48), {"p1": [comment("c1")]}, platform)
        assert platform.calls == ["token", "c2"]  # still a candidate: asked the next night
        assert [(e.kind, e.subject_id) for e in events] == [("comment_deleted", "c2")]


def test_ask_foresees_every_lookup_the_write_phase_needs(migrated: str) -> None:
    """Python's plan and the store's set-based diff agree: nothing found in write goes unasked."""
    with open_session(migrated) as session:
        account = StoredAccount(session)
        first = account.run(at(0), {"p1": [comment("c1"), comment("c2", hidden=True),
                                           comment("c3", hidden=True), comment("c4"), comment("c5")],
                                    "p2": [comment("c6", "p2"), comment("c7", "p2")]},
                            blocked=["u1", "u2", "u3"])
        state.update_list_entries(session, account.id, first, "blocked", [], at(0))
        second = account.run(at(24), {"p1": [comment("c1"), comment("c2", hidden=True),
                                             comment("c3", hidden=True), comment("c4")],
                                      "p2": [comment("c7", "p2")]})
        state.open_candidates(session, [second], at(24))  # c5 and c6 are candidates
        state.hold_unhides(session, {account.comment_pk("c3"): (at(20), at(0))})  # pending
        platform = Platform(listed={"u1": False})
        outcome, events, _ = _night(
            session, account, at(48),
            {"p1": [comment("c1"), comment("c2"), comment("c3")]},  # p2 not listed tonight
            platform, blocked=["u2"])
        # c2 looks visible: an unhide to confirm; c3's pending unhide is confirmed by this second
        # sighting; c5 and c6 (missing since the same night, by row), then c4 missing tonight.
        assert platform.calls == ["token", "c2", "c5", "c6", "c4", "blocked:u1", "blocked:u3"]
        assert "lookups_deferred" not in {w.code for w in outcome.warnings}
        assert outcome.unconfirmed == 0 and outcome.listing_glitches == 3
        assert sorted((e.kind, e.subject_id) for e in events) == [
            ("comment_unhidden", "c2"), ("comment_unhidden", "c3"), ("user_unblocked", "u1")]


def test_a_youtube_reply_gone_with_its_comment_is_part_of_that_deletion(migrated: str) -> None:
    """Rejecting a comment takes its replies: one event, naming them; a reply whose comment is
    still listed was removed alone; a reply whose comment went unanswered waits for it."""
    with open_session(migrated) as session:
        account = StoredAccount(session, "belediye", "youtube")
        account.run(at(0), {"p1": [comment("c1"), comment("c1.r1", parent="c1"), comment("c2"),
                                   comment("c2.r1", parent="c2"), comment("c3"),
                                   comment("c3.r1", parent="c3")]})
        gone = frozenset({"c1", "c1.r1", "c2.r1", "c3", "c3.r1"})
        outcome, events, _ = _night(session, account, at(24), {"p1": [comment("c2")]},
                                    Platform(gone=gone, failing=frozenset({"c3"})))
        assert [w.code for w in outcome.warnings] == ["lookup_failed"]
        assert sorted((e.kind, e.subject_id, e.actor) for e in events) == [
            ("comment_deleted", "c1", "unknown"), ("comment_deleted", "c2.r1", "unknown")]
        [c1] = [e for e in events if e.subject_id == "c1"]
        assert c1.evidence["replies_gone_with_it"] == ["c1.r1"]
        assert account.comment_row("c1.r1").gone_at is not None
        assert account.comment_row("c3.r1").gone_at is None  # waits for c3's answer
        _, events, _ = _night(session, account, at(48), {"p1": [comment("c2")]},
                              Platform(gone=gone))
        assert [(e.kind, e.subject_id) for e in events] == [("comment_deleted", "c3")]
        assert events[0].evidence["replies_gone_with_it"] == ["c3.r1"]


def test_approving_a_comment_youtube_set_aside_is_state(migrated: str) -> None:
    """First seen held (YouTube's filter) is state; so is its approval. A comment the channel
    held after it was seen published is a hide, and its approval the un-event."""
    with open_session(migrated) as session:
        account = StoredAccount(session, "belediye", "youtube")
        nights = [
            {"p1": [comment("c1", hidden=True), comment("c2")]},
            {"p1": [comment("c1", hidden=True), comment("c2", hidden=True)]},
            {"p1": [comment("c1"), comment("c2")]},
            {"p1": [comment("c1"), comment("c2")]},  # the second sighting confirms both
        ]
        kinds = []
        for day, listings in enumerate(nights):
            _, events, _ = _night(session, account, at(24 * day), listings, Platform())
            kinds += [(e.kind, e.subject_id) for e in events]
        assert kinds == [("comment_hidden", "c2"), ("comment_unhidden", "c2")]
        assert account.comment_row("c1").is_hidden is False
