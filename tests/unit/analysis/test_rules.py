"""analysis/rules.py on records alone: which events are findings, how severe, which un-events close
them. No database: the store's side is tests/unit/store/test_finding_rules.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from analysis.rules import CLOSES, SEVERITY, FindingToOpen, decide_findings, severity

T0 = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@dataclass(frozen=True)
class Recorded:
    """A recorded event as the store hands it over (the fields the rules read)."""

    id: int
    kind: str
    subject_id: str
    occurred_before: datetime
    actor: str = "account"
    account_id: int = 1
    post_id: str | None = "p1"
    detected_at: datetime = T0


# --- the severity table ----------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "actor", "expected"), [
    ("user_blocked", "account", "high"),
    ("comment_hidden", "account", "medium"),
    ("replies_restricted", "account", "medium"),
    ("user_muted", "account", "low"),
    ("comment_deleted", "account", "high"),  # the account deleted it: as grave as a block
    ("comment_deleted", "unknown", "review"),  # page, author or Meta: a person must look
    ("comment_deleted", "author", None),  # the author's own choice is no finding
    ("reply_deleted_by_author", "author", None),
])
def test_severity_of_each_kind(kind: str, actor: str, expected: str | None) -> None:
    """Each kind of moderation has the severity the audit's clause assigns it."""
    assert severity(kind, actor) == expected


@pytest.mark.parametrize("kind", sorted(CLOSES))
def test_un_events_are_no_finding(kind: str) -> None:
    """An unblock, unhide, unmute or reopening is never a finding of its own."""
    assert severity(kind, "account") is None


def test_every_un_event_undoes_a_kind_that_is_a_finding() -> None:
    """Each un-event closes findings of a kind that opens findings, so closing is never a no-op."""
    assert set(CLOSES.values()) <= set(SEVERITY)


# --- decisions on recorded events ------------------------------------------------------------

def test_findings_to_open_carry_their_event_and_severity() -> None:
    """Events that are findings open one each, with the event's subject, post and detection time;
    the others open none."""
    events = [Recorded(1, "user_blocked", "u1", at(24), post_id=None, detected_at=at(25)),
              Recorded(2, "comment_hidden", "c1", at(24)),
              Recorded(3, "comment_deleted", "c2", at(25), actor="unknown"),
              Recorded(4, "reply_deleted_by_author", "c3", at(25), actor="author"),
              Recorded(5, "comment_unhidden", "c4", at(24))]
    decided = decide_findings(events)
    assert decided.to_open == (
        FindingToOpen(1, 1, "user_blocked", "u1", None, "high", at(25)),
        FindingToOpen(2, 1, "comment_hidden", "c1", "p1", "medium", T0),
        FindingToOpen(3, 1, "comment_deleted", "c2", "p1", "review", T0))
    assert decided.undone_by == {(1, "comment_hidden", "c4"): (5, at(24))}


def test_a_finding_row_is_open_and_updated_now() -> None:
    """The row the store inserts is the decision, status open, updated at the night's time."""
    row = FindingToOpen(7, 2, "user_muted", "u9", None, "low", at(1)).row(at(2))
    assert row == {"event_id": 7, "account_id": 2, "kind": "user_muted", "subject_id": "u9",
                   "post_id": None, "severity": "low", "status": "open", "detected_at": at(1),
                   "updated_at": at(2)}


@pytest.mark.parametrize(("undo", "kind"), sorted(CLOSES.items()))
def test_an_un_event_closes_the_kind_it_undoes_on_its_subject(undo: str, kind: str) -> None:
    """An un-event names the account, the kind it undoes and its subject, with its id and time."""
    decided = decide_findings([Recorded(9, undo, "s1", at(48), account_id=3)])
    assert decided.to_open == ()
    assert decided.undone_by == {(3, kind, "s1"): (9, at(48))}


def test_un_events_of_several_accounts_and_subjects_stay_apart() -> None:
    """The same user unblocked by two accounts, and two comments unhidden: four keys."""
    decided = decide_findings([Recorded(1, "user_unblocked", "u1", at(10), account_id=1),
                               Recorded(2, "user_unblocked", "u1", at(10), account_id=2),
                               Recorded(3, "comment_unhidden", "c1", at(11)),
                               Recorded(4, "comment_unhidden", "c2", at(11))])
    assert decided.undone_by == {(1, "user_blocked", "u1"): (1, at(10)),
                                 (2, "user_blocked", "u1"): (2, at(10)),
                                 (1, "comment_hidden", "c1"): (3, at(11)),
                                 (1, "comment_hidden", "c2"): (4, at(11))}


def test_the_latest_un_event_of_a_subject_speaks_for_it() -> None:
    """Two unhides of one comment in a batch, given out of order: the later one closes."""
    decided = decide_findings([Recorded(8, "comment_unhidden", "c1", at(30)),
                               Recorded(6, "comment_unhidden", "c1", at(20))])
    assert decided.undone_by == {(1, "comment_hidden", "c1"): (8, at(30))}


def test_a_hide_after_an_unhide_in_one_batch_opens_and_closes_only_before_it() -> None:
    """Unhidden at 10:00, hidden again at 11:00: the new hide opens a finding, and the unhide's
    time (10:00) keeps the store from closing anything that happened after it."""
    decided = decide_findings([Recorded(1, "comment_unhidden", "c1", at(10)),
                               Recorded(2, "comment_hidden", "c1", at(11))])
    assert [f.event_id for f in decided.to_open] == [2]
    assert decided.undone_by == {(1, "comment_hidden", "c1"): (1, at(10))}


def test_nothing_in_nothing_out() -> None:
    """An empty batch decides nothing."""
    decided = decide_findings([])
    assert (decided.to_open, decided.undone_by) == ((), {})
