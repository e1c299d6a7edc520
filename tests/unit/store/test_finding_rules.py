"""The rules applied on a store (intake/tail.apply_rules → store/findings): findings opened, closed and
left alone as recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.rules import CLOSES
from modaudit.intake.tail import apply_rules
from modaudit.store.findings import REVIEW_STATUSES, review_finding
from modaudit.store.schema import Finding
from tests.support.stored_runs import StoredAccount, at, new_event


def findings_of(session: Session, account: StoredAccount) -> list[Finding]:
    """The account's findings, oldest first, read afresh."""
    return list(session.scalars(select(Finding).where(Finding.account_id == account.id)
                                .order_by(Finding.id).execution_options(populate_existing=True)))


# --- apply_rules on recorded events ----------------------------------------------------------

def test_findings_are_opened_with_their_severity(page: StoredAccount) -> None:
    """Recorded events that are findings open one finding each; the others open none."""
    events = page.record([
        new_event("user_blocked", "u1", at(24), after=at(0), post=None),
        new_event("comment_hidden", "c1", at(24), after=at(0)),
        new_event("comment_deleted", "c2", at(25), after=at(0), source="lookup", actor="unknown"),
        new_event("reply_deleted_by_author", "c3", at(25), source="lookup", actor="author"),
        new_event("comment_unhidden", "c4", at(24), after=at(0)),
    ], now=at(26))
    assert apply_rules(page.session, events, at(26)) == (3, 0)
    by_event = {f.event_id: f for f in findings_of(page.session, page)}
    assert [(by_event[e.id].kind, by_event[e.id].severity) for e in events[:3]] == [
        ("user_blocked", "high"), ("comment_hidden", "medium"), ("comment_deleted", "review")]
    finding = by_event[events[1].id]
    assert (finding.status, finding.subject_id, finding.post_id) == ("open", "c1", "p1")
    assert (finding.detected_at, finding.updated_at, finding.closed_by_event_id) == (at(26), at(26), None)


@pytest.mark.parametrize(("kind", "undo"), sorted((kind, undo) for undo, kind in CLOSES.items()))
def test_an_un_event_closes_the_open_finding_it_undoes(page: StoredAccount, kind: str, undo: str) -> None:
    """An un-event closes the open finding of the same account, kind and subject, citing itself."""
    [event] = page.record([new_event(kind, "s1", at(24), after=at(0))], now=at(24))
    apply_rules(page.session, [event], at(24))
    [undone] = page.record([new_event(undo, "s1", at(48), after=at(24))], now=at(49))
    assert apply_rules(page.session, [undone], at(49)) == (0, 1)
    [finding] = findings_of(page.session, page)
    assert (finding.event_id, finding.status, finding.closed_by_event_id) == (event.id, "closed", undone.id)
    assert finding.updated_at == at(49)


def test_an_un_event_closes_only_its_own_subject(page: StoredAccount) -> None:
    """Unhiding one comment leaves the findings of other comments open."""
    events = page.record([new_event("comment_hidden", "c1", at(24), after=at(0)),
                          new_event("comment_hidden", "c2", at(24), after=at(0))], now=at(24))
    apply_rules(page.session, events, at(24))
    undone = page.record([new_event("comment_unhidden", "c1", at(48), after=at(24))], now=at(48))
    assert apply_rules(page.session, undone, at(48)) == (0, 1)
    assert [(f.subject_id, f.status) for f in findings_of(page.session, page)] == [
        ("c1", "closed"), ("c2", "open")]


def test_an_un_event_does_not_close_another_kind(page: StoredAccount) -> None:
    """An unmute does not close a block of the same user."""
    events = page.record([new_event("user_blocked", "u1", at(24), after=at(0), post=None)], now=at(24))
    apply_rules(page.session, events, at(24))
    undone = page.record([new_event("user_unmuted", "u1", at(48), after=at(24), post=None)], now=at(48))
    assert apply_rules(page.session, undone, at(48)) == (0, 0)
    assert [f.status for f in findings_of(page.session, page)] == ["open"]


@pytest.mark.parametrize("status", REVIEW_STATUSES)
def test_an_un_event_leaves_a_reviewed_finding_alone(page: StoredAccount, status: str) -> None:
    """A finding a manager reviewed keeps the manager's status when the action is undone."""
    events = page.record([new_event("user_blocked", "u1", at(24), after=at(0), post=None)], now=at(24))
    apply_rules(page.session, events, at(24))
    [finding] = findings_of(page.session, page)
    review_finding(page.session, finding.id, status, "looked at the thread", "ayse", at(30))
    undone = page.record([new_event("user_unblocked", "u1", at(48), after=at(24), post=None)], now=at(48))
    assert apply_rules(page.session, undone, at(48)) == (0, 0)
    [after] = findings_of(page.session, page)
    assert (after.status, after.closed_by_event_id) == (status, None)


def test_an_un_event_does_not_close_another_accounts_finding(session: Session) -> None:
    """The same user unblocked by one institution stays a finding of the other that blocked them."""
    valilik, belediye = StoredAccount(session, "valilik"), StoredAccount(session, "belediye")
    for account in (valilik, belediye):
        blocked = account.record([new_event("user_blocked", "u1", at(24), after=at(0), post=None)],
                                 now=at(24))
        apply_rules(session, blocked, at(24))
    undone = belediye.record([new_event("user_unblocked", "u1", at(48), after=at(24), post=None)],
                             now=at(48))
    assert apply_rules(session, undone, at(48)) == (0, 1)
    assert [f.status for f in findings_of(session, valilik)] == ["open"]
    assert [f.status for f in findings_of(session, belediye)] == ["closed"]


def test_events_of_several_accounts_in_one_call(session: Session) -> None:
    """One call opens and closes findings of many accounts, each on its own."""
    valilik, belediye = StoredAccount(session, "valilik"), StoredAccount(session, "belediye")
    first = valilik.record([new_event("comment_hidden", "c1", at(24), after=at(0))], now=at(24))
    apply_rules(session, first, at(24))
    batch = valilik.record([new_event("comment_unhidden", "c1", at(48), after=at(24))], now=at(48))
    batch += belediye.record([new_event("comment_hidden", "c1", at(48), after=at(24))], now=at(48))
    assert apply_rules(session, batch, at(48)) == (1, 1)
    assert [f.status for f in findings_of(session, valilik)] == ["closed"]
    assert [f.status for f in findings_of(session, belediye)] == ["open"]


def test_an_un_event_with_nothing_open_closes_nothing(page: StoredAccount) -> None:
    """An unhide of a comment never found hidden (hidden before the audit, say) closes nothing."""
    undone = page.record([new_event("comment_unhidden", "c1", at(48), after=at(24))], now=at(48))
    assert apply_rules(page.session, undone, at(48)) == (0, 0)
    assert findings_of(page.session, page) == []


def test_an_un_event_does_not_close_a_later_action(page: StoredAccount) -> None:
    """Unhidden at 10:00 and hidden again at 11:00: the comment is hidden, the finding stays open."""
    events = page.record([new_event("comment_unhidden", "c1", at(10), after=at(10), source="webhook"),
                          new_event("comment_hidden", "c1", at(11), after=at(11), source="webhook")],
                         now=at(12))
    apply_rules(page.session, events, at(12))
    assert [f.status for f in findings_of(page.session, page)] == ["open"]
