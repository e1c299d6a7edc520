"""Whoever can write the database is caught by `verify` when a table disagrees with the chain.

Each test builds one account's record the way modaudit writes it (a run with comments, events
through the shared tail, a review), tampers with it by SQL as an operator could, and checks that
verify names what changed. Rewrites that recompute every hash are the anchors' job
(tests/e2e/evidence).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from modaudit.intake.tail import record
from modaudit.store import chain, findings
from modaudit.store.attachments import NewAttachment
from modaudit.store.engine import _alembic_config, make_engine, upgrade
from modaudit.store.evidence import event_fields
from modaudit.store.schema import ChainRecord, Comment, Event, Finding, FindingAttachment, FindingReview
from modaudit.store.verify import ChainProblem, verify_chain
from tests.support.stored_runs import StoredAccount, at, comment, new_event, open_session


@pytest.fixture
def page(migrated: str) -> Iterator[StoredAccount]:
    """An account with comments, three findings (one reviewed) and an author's own deletion."""
    with open_session(migrated) as session:
        page = StoredAccount(session)
        run_id = page.run(at(0), {"p1": [comment("c1"), comment("c2"), comment("c3")]})
        record(session, page.id, run_id, [
            new_event("comment_hidden", "c1", at(0)),
            new_event("user_blocked", "u1", at(0), post=None),
            new_event("reply_deleted_by_author", "c3", at(0), actor="author"),
            new_event("comment_deleted", "c2", at(0)),
        ], at(0))
        blocked = session.scalars(select(Finding.id).where(Finding.kind == "user_blocked")).one()
        findings.review_finding(session, blocked, "confirmed", "court order 2026/12", "Ayşe Yılmaz",
                                at(1))
        session.flush()
        yield page


def problems(session: Session) -> list[ChainProblem]:
    session.expire_all()
    return verify_chain(session)[1]


def said(found: list[ChainProblem]) -> str:
    return "\n".join(f"{p.where}: {p.reason}" for p in found)


def finding_of(session: Session, kind: str) -> Finding:
    return session.scalars(select(Finding).where(Finding.kind == kind)).one()


def test_the_untouched_record_verifies_and_covers_everything(page: StoredAccount) -> None:
    checked, found = verify_chain(page.session)
    kinds = list(page.session.scalars(select(ChainRecord.kind).order_by(ChainRecord.seq)))
    assert found == []
    assert kinds == [chain.COMMENT_TEXTS, chain.FINDING_OPENED, chain.FINDING_OPENED,
                     chain.FINDING_OPENED, chain.FINDING_REVIEWED]
    assert checked == 4  # events; the records are checked too


def test_an_edited_event_digest_is_named(page: StoredAccount) -> None:
    event = page.session.scalars(select(Event).where(Event.subject_id == "c1")).one()
    page.session.execute(update(Event).where(Event.id == event.id).values(text_digest="0" * 64))
    assert f"event {event.id}: contents changed after recording" in said(problems(page.session))


def test_a_deleted_event_breaks_the_link_after_it(page: StoredAccount) -> None:
    gone = page.session.scalars(select(Event).where(Event.kind == "reply_deleted_by_author")).one()
    page.session.execute(delete(Event).where(Event.id == gone.id))
    text_ = said(problems(page.session))
    assert "link broken" in text_ and f"event {gone.id}" not in text_


def test_an_inserted_event_breaks_the_link_after_it(page: StoredAccount) -> None:
    session = page.session
    first = session.scalars(select(Event).order_by(Event.seq).limit(1)).one()
    # Make room after the first event and insert a well-formed, correctly hashed event there.
    top = session.scalar(select(func.max(ChainRecord.seq)))
    for model in (ChainRecord, Event):
        session.execute(update(model).where(model.seq > first.seq).values(seq=model.seq + top))
    forged = Event(account_id=page.id, run_id=None, kind="user_unblocked", subject_id="u1",
                   post_id=None, actor="account", source="snapshot_diff", occurred_after=None,
                   occurred_before=at(0), detected_at=at(0), evidence={}, text_digest=None,
                   dedup_key="forged", prev_hash=first.hash, seq=first.seq + 1, hash="")
    forged.hash = chain.chain_hash(first.hash, page.name, event_fields(forged))
    session.add(forged)
    session.flush()
    text_ = said(problems(session))
    assert "link broken" in text_ and f"event {forged.id}:" not in text_


def test_deleting_the_newest_event_and_its_finding(page: StoredAccount) -> None:
    session = page.session
    newest = session.scalars(select(Event).order_by(Event.seq.desc()).limit(1)).one()
    finding = finding_of(session, newest.kind)
    session.execute(delete(Finding).where(Finding.id == finding.id))
    session.execute(delete(Event).where(Event.id == newest.id))
    text_ = said(problems(session))
    assert f"finding {finding.id}: deleted" in text_ and "link broken" in text_


def test_a_dismissal_without_a_review(page: StoredAccount) -> None:
    finding = finding_of(page.session, "comment_hidden")
    page.session.execute(update(Finding).where(Finding.id == finding.id).values(status="dismissed"))
    assert (f"finding {finding.id}: status changed: the table says 'dismissed', the chain 'open' "
            "(no chained review changed it)") in said(problems(page.session))


def test_a_deleted_review(page: StoredAccount) -> None:
    review = page.session.scalars(select(FindingReview)).one()
    page.session.execute(delete(FindingReview).where(FindingReview.id == review.id))
    text_ = said(problems(page.session))
    assert f"review {review.id}: deleted" in text_ and "confirmed" in text_


def test_an_edited_review_note(page: StoredAccount) -> None:
    review = page.session.scalars(select(FindingReview)).one()
    page.session.execute(update(FindingReview).where(FindingReview.id == review.id)
                         .values(note="no reason"))
    assert f"review {review.id}: changed after recording: note_digest" in said(problems(page.session))


def test_a_lowered_severity(page: StoredAccount) -> None:
    finding = finding_of(page.session, "user_blocked")
    page.session.execute(update(Finding).where(Finding.id == finding.id).values(severity="low"))
    assert (f"finding {finding.id}: severity changed: the table says 'low', the chain 'high'"
            in said(problems(page.session)))


def test_an_edited_comment_text(page: StoredAccount) -> None:
    page.session.execute(update(Comment).where(Comment.platform_id == "c2")
                         .values(message="a polite comment"))
    assert "comment c2: text changed after it was stored" in said(problems(page.session))


def test_purged_text_still_verifies(page: StoredAccount) -> None:
    """Retention erases text; the chained digest stays and verify passes."""
    page.session.execute(update(Comment).values(message=None, author_name=None, raw=None))
    assert problems(page.session) == []


def test_a_finding_added_by_hand(page: StoredAccount) -> None:
    event = page.session.scalars(select(Event).where(Event.kind == "reply_deleted_by_author")).one()
    page.session.execute(text("INSERT INTO findings (event_id, account_id, kind, subject_id, "
                              "severity, status, detected_at, updated_at) VALUES (:e, :a, "
                              "'comment_deleted', 'c3', 'high', 'open', :t, :t)"),
                         {"e": event.id, "a": page.id, "t": at(2)})
    assert "not in the chain" in said(problems(page.session))


def test_an_existing_store_is_chained_by_the_migration(db_url: str) -> None:
    """A store from before 0010 (events chained, findings, reviews and comments not) verifies
    after `modaudit init`, and an edit made before the upgrade is still caught after it."""
    engine = make_engine(db_url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        page = StoredAccount(session)
        run_id = page.run(at(0), {"p1": [comment("c1"), comment("c2")]})
        record(session, page.id, run_id, [new_event("comment_hidden", "c1", at(0)),
                                          new_event("comment_unhidden", "c1", at(5)),
                                          new_event("comment_deleted", "c2", at(5))], at(5))
        deleted = finding_of(session, "comment_deleted").id
        findings.review_finding(session, deleted, "justified", "spam", "Ayşe", at(6))
        previous = chain.GENESIS  # events chained among themselves, as before 0010
        for event in session.scalars(select(Event).order_by(Event.id)):
            event.prev_hash = previous
            event.hash = previous = chain.chain_hash(previous, page.name, event_fields(event))
    command.downgrade(_alembic_config(engine), "0006")  # the store as an older modaudit left it
    with engine.begin() as connection:
        connection.execute(text("UPDATE comments SET message = 'edited' WHERE platform_id = 'c2'"))
    upgrade(engine)
    with Session(engine) as session:
        found = verify_chain(session)[1]
        assert [(p.where, p.reason[:12]) for p in found] == [("comment c2", "text changed")]
        statuses = dict(session.execute(select(Finding.kind, Finding.status)).all())
        assert statuses == {"comment_hidden": "closed", "comment_deleted": "justified"}
    engine.dispose()


def test_a_chained_severity_change_and_attachment_verify(page: StoredAccount) -> None:
    """The writers other modules call: a severity changed through the chain is no tampering."""
    finding = finding_of(page.session, "comment_hidden")
    page.session.execute(update(Finding).where(Finding.id == finding.id).values(severity="high"))
    chain.chain_severity_change(page.session, finding.id, "high", "Ayşe Yılmaz", at(3))
    findings.review_finding(page.session, finding.id, "confirmed", "mahkeme kararı ekte", "Ayşe",
                            at(4), attachments=[PNG])
    assert problems(page.session) == []


PNG = NewAttachment("karar.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)


def test_an_attachment_changed_or_removed_is_named(page: StoredAccount) -> None:
    """A review's attachment is covered by its chained digest: new bytes or no row both show."""
    finding = finding_of(page.session, "comment_hidden")
    findings.review_finding(page.session, finding.id, "confirmed", "karar ekte", "Ayşe", at(4),
                            attachments=[PNG])
    page.session.execute(update(FindingAttachment).values(content=b"\x89PNG forged"))
    assert [p.reason[:40] for p in problems(page.session)] == \
        ["its file no longer hashes to the chained"]
    page.session.execute(delete(FindingAttachment))
    assert [p.reason[-28:] for p in problems(page.session)] == ["is chained but no longer stored"[-28:]]
