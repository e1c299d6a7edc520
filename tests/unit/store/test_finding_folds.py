"""What a finding's search fold holds when it opens, on both databases: the comment's author and
text for a comment, the listed user's name for a block or mute, and nothing of another account."""

from __future__ import annotations

from sqlalchemy import select

from modaudit.intake.tail import apply_rules
from modaudit.store import state
from modaudit.store.schema import ChainRecord, Finding
from modaudit.store.search import fold
from tests.support.stored_runs import StoredAccount, at, comment, new_event, open_session


def test_folds_hold_the_comment_or_the_listed_users_name_of_their_own_account(migrated: str) -> None:
    with open_session(migrated) as session:
        page, other = StoredAccount(session, "valilik"), StoredAccount(session, "belediye")
        run_id = page.run(at(0), {"p1": [comment("c1", text="İSTİFA edin", author="Işık")]},
                          blocked=["u1"], muted=["u1"])
        other.run(at(0), {"p1": [comment("c1", text="başka hesap", author="Başka")]})
        for list_name in ("blocked", "muted"):
            state.update_list_entries(session, page.id, run_id, list_name, [], at(0))
        events = page.record([new_event("comment_hidden", "c1", at(24), after=at(0)),
                              new_event("user_blocked", "u1", at(24), after=at(0)),
                              new_event("user_muted", "u1", at(24), after=at(0)),
                              new_event("comment_hidden", "gone", at(24), after=at(0))], at(24))
        assert apply_rules(session, events, at(24)) == (4, 0)
        folds = dict(session.execute(select(Finding.kind, Finding.search_fold)
                                     .where(Finding.subject_id != "gone")).all())
        assert folds == {"comment_hidden": fold("Name of Işık", "İSTİFA edin"),
                         "user_blocked": fold("Name of u1", "Name of u1"),
                         "user_muted": fold("Name of u1", "Name of u1")}
        assert session.scalar(select(Finding.search_fold).where(Finding.subject_id == "gone")) is None
        opened = session.scalars(select(ChainRecord.payload).where(
            ChainRecord.kind == "finding_opened").order_by(ChainRecord.seq)).all()
        assert [(p["kind"], p["event"]) for p in opened] == [(e.kind, e.hash) for e in events]
