"""The portal's store: users and one-time links, throttling, reviews with attachments, search folds.

On SQLite and PostgreSQL, each in one rolled-back transaction.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from modaudit.intake.tail import apply_rules
from modaudit.store import users
from modaudit.store.attachments import NewAttachment, attachments_of
from modaudit.store.engine import _alembic_config, make_engine
from modaudit.store.finding_rows import list_findings
from modaudit.store.findings import ReviewError, forget_erased_text, review_finding
from modaudit.store.portal_queries import Filters, Scope, findings_page
from modaudit.store.retention import purge
from modaudit.store.schema import Finding
from modaudit.store.schema_users import LoginAttempt, UserToken
from modaudit.store.search import fold
from tests.support.stored_runs import T0, StoredAccount, at, comment, new_event, open_session


def test_the_fold_makes_every_turkish_letter_and_case_one_letter() -> None:
    assert fold("İSTİFA") == fold("istifa") == fold("ISTIFA") == "istifa"
    assert fold("IŞIK") == fold("ışık") == fold("Işık") == fold("ISIK") == "isik"
    assert fold("ÇÖP ŞĞÜ") == fold("cop sgu") == "cop sgu"
    assert fold("Köprü") == fold("KOPRU") == fold("kopru") == "kopru"
    assert fold("Çağlar") == fold("CAGLAR") == fold("çağlar") == "caglar"
    assert fold("ŞEFFAFLIK") == fold("seffaflik") and fold("hâlâ") == "hala"
    assert fold("I\u0307stifa") == "istifa" and fold("Ko\u0308pru\u0308") == "kopru"  # decomposed
    assert fold(None, "") is None and fold("Ayşe", None, "Yol") == "ayse yol"


def test_a_one_time_link_works_once_within_48_hours(db_url_migrated: str) -> None:
    with open_session(db_url_migrated) as session:
        user = users.add_user(session, " Mudur@Valilik.Example ", "manager", ["Test Valiliği"], T0)
        assert user.email == "mudur@valilik.example" and user.password_hash is None
        token = users.issue_token(session, user, T0)
        stored = session.scalars(select(UserToken.token_sha256)).all()
        assert stored == [hashlib.sha256(token.encode()).hexdigest()]  # never the token itself
        assert users.token_user(session, token, T0 + timedelta(hours=47, minutes=59)) is not None
        assert users.token_user(session, token, T0 + timedelta(hours=48)) is None
        assert users.redeem_token(session, token, "argon2-hash", T0 + timedelta(hours=1)) is not None
        assert users.redeem_token(session, token, "other", T0 + timedelta(hours=2)) is None
        assert users.existing_user(session, "MUDUR@valilik.example").password_hash == "argon2-hash"
        second = users.issue_token(session, user, T0)
        users.set_disabled(session, user.email, T0)
        assert users.token_user(session, second, T0) is None  # a disabled user's links stop
        with pytest.raises(users.UserError, match="already exists"):
            users.add_user(session, "mudur@valilik.example", "auditor", [], T0)
        with pytest.raises(users.UserError, match="needs at least one --institution"):
            users.add_user(session, "yeni@valilik.example", "manager", [], T0)
        with pytest.raises(users.UserError, match="role must be one of"):
            users.add_user(session, "yeni@valilik.example", "admin", [], T0)


def test_five_failures_throttle_an_address_and_twenty_a_client(db_url_migrated: str) -> None:
    with open_session(db_url_migrated) as session:
        for minute in range(5):
            assert not users.throttled(session, "a@x.example", "10.0.0.1", at(0))
            users.record_attempt(session, "a@x.example", "10.0.0.1", False, at(0) + timedelta(minutes=minute))
        assert users.throttled(session, "A@X.example", "10.0.0.9", at(0.1))  # any client
        assert not users.throttled(session, "a@x.example", "10.0.0.1", at(0) + timedelta(minutes=21))
        for index in range(20):
            users.record_attempt(session, f"u{index}@x.example", "10.0.0.2", False, at(1))
        assert users.throttled(session, "new@x.example", "10.0.0.2", at(1))
        assert session.scalar(select(LoginAttempt.id).limit(1)) is not None


@pytest.fixture
def db_url_migrated(migrated: str) -> str:
    """A migrated database (SQLite and PostgreSQL)."""
    return migrated


def _world(session: Session) -> tuple[StoredAccount, StoredAccount, dict[str, int]]:
    a, b = StoredAccount(session, "valilik"), StoredAccount(session, "belediye")
    session.execute(text("UPDATE accounts SET institution = 'Örnek Belediyesi' WHERE name = 'belediye'"))
    a.run(at(0), {"p1": [comment("c1", text="İSTİFA edin"), comment("c2", text="Teşekkürler")]})
    b.run(at(0), {"p1": [comment("c9", text="istifa bekliyoruz", author="İbrahim")]})
    events = a.record([new_event("comment_hidden", "c1", at(24), after=at(0)),
                       new_event("comment_hidden", "c2", at(24), after=at(0))], at(24))
    events += b.record([new_event("comment_hidden", "c9", at(24), after=at(0))], at(24))
    apply_rules(session, events, at(24))
    ids = {f.subject_id: f.id for f in session.scalars(select(Finding))}
    return a, b, ids


def test_search_is_turkish_aware_and_stays_inside_the_scope(db_url_migrated: str) -> None:
    with open_session(db_url_migrated) as session:
        _, _, ids = _world(session)
        everyone = findings_page(session, Scope(None), Filters(q="istifa"))
        assert {row.id for row in everyone.rows} == {ids["c1"], ids["c9"]}
        only_a = findings_page(session, Scope(("Test Valiliği",)), Filters(q="İSTİFA"))
        assert [row.id for row in only_a.rows] == [ids["c1"]] and only_a.total == 1
        by_author = findings_page(session, Scope(None), Filters(q="name of İBRAHİM"))
        assert [row.id for row in by_author.rows] == [ids["c9"]]
        assert findings_page(session, Scope(None), Filters(q="100%")).total == 0  # LIKE escaped


def test_a_phone_without_turkish_letters_finds_words_and_names_with_them(
        db_url_migrated: str) -> None:
    with open_session(db_url_migrated) as session:
        a = StoredAccount(session, "valilik")
        a.run(at(0), {"p1": [comment("c1", text="Bu köprü 3 aydır bitmedi", author="Ali"),
                             comment("c2", text="Teşekkürler", author="Çağlar Aydın")]})
        events = a.record([new_event("comment_hidden", "c1", at(24), after=at(0)),
                           new_event("comment_hidden", "c2", at(24), after=at(0))], at(24))
        apply_rules(session, events, at(24))
        ids = {f.subject_id: f.id for f in session.scalars(select(Finding))}
        for typed, found in (("kopru", "c1"), ("KÖPRÜ", "c1"), ("caglar", "c2"),
                             ("ÇAĞLAR AYDIN", "c2"), ("tesekkurler", "c2")):
            page = findings_page(session, Scope(None), Filters(q=typed))
            assert [row.id for row in page.rows] == [ids[found]], typed


def test_the_migration_refolds_what_the_older_fold_stored(db_url: str) -> None:
    engine = make_engine(db_url)
    config = _alembic_config(engine)
    command.upgrade(config, "head")
    with Session(engine) as session, session.begin():
        account = StoredAccount(session, "valilik")
        account.run(at(0), {"p1": [comment("c1", text="Köprü"), comment("c2", text="silinen")]})
        events = account.record([new_event("comment_hidden", "c1", at(24), after=at(0)),
                                 new_event("comment_hidden", "c2", at(24), after=at(0))], at(24))
        apply_rules(session, events, at(24))
        # As 0009's fold stored them (İ/I/ı/i only), and one erased by retention.
        session.execute(text("UPDATE findings SET search_fold = 'çağlar köprü' WHERE subject_id = 'c1'"))
        session.execute(text("UPDATE findings SET search_fold = NULL WHERE subject_id = 'c2'"))
    command.downgrade(config, "0010")
    command.upgrade(config, "head")
    with engine.connect() as connection:
        folds = dict(connection.execute(text("SELECT subject_id, search_fold FROM findings")).all())
    engine.dispose()
    assert folds == {"c1": "caglar kopru", "c2": None}


def test_retention_erases_the_search_fold_with_the_text(db_url_migrated: str) -> None:
    with open_session(db_url_migrated) as session:
        _world(session)
        session.execute(text("UPDATE findings SET status = 'closed'"))  # no finding keeps its text
        purge(session, comment_text_days=1, now=at(24 * 30))
        assert session.scalars(select(Finding.search_fold)).all() == [None, None, None]
        assert forget_erased_text(session) == 0


def test_a_review_keeps_reviewer_whom_for_and_attachment(db_url_migrated: str) -> None:
    with open_session(db_url_migrated) as session:
        _, _, ids = _world(session)
        pdf = b"%PDF-1.4 mahkeme karari"
        review = review_finding(session, ids["c1"], "confirmed", "Karar ekte", "ayse", at(30),
                                on_behalf_of="Vali Yardımcısı",
                                attachments=[NewAttachment("karar.pdf", "application/pdf", pdf)])
        assert (review.reviewed_by, review.on_behalf_of) == ("ayse", "Vali Yardımcısı")
        (stored,) = attachments_of(session, ids["c1"])
        assert stored.sha256 == hashlib.sha256(pdf).hexdigest() and stored.size == len(pdf)
        row = next(r for r in list_findings(session) if r.id == ids["c1"])
        assert row.status == "confirmed" and row.on_behalf_of == "Vali Yardımcısı"
        assert row.as_json()["attachments"] == [{"review_id": review.id, "filename": "karar.pdf",
                                                 "content_type": "application/pdf",
                                                 "size": len(pdf), "sha256": stored.sha256}]
        with pytest.raises(ReviewError, match="needs a note"):
            review_finding(session, ids["c2"], "dismissed", " ", "ayse", at(30))


def test_the_migration_folds_the_texts_of_existing_findings(db_url: str) -> None:
    engine = make_engine(db_url)
    config = _alembic_config(engine)
    command.upgrade(config, "head")  # today's code writes the events; the fold is then undone
    with Session(engine) as session, session.begin():
        account = StoredAccount(session, "valilik")
        account.run(at(0), {"p1": [comment("c1", text="İSTİFA")]})
        (event,) = account.record([new_event("comment_hidden", "c1", at(24), after=at(0))], at(24))
        # Written as 0006 knew findings (no fold column yet).
        session.execute(insert(Finding.__table__).values(
            event_id=event.id, account_id=account.id, kind="comment_hidden", subject_id="c1",
            severity="medium", status="open", detected_at=at(24), updated_at=at(24)))
    command.downgrade(config, "0006")  # the store as a modaudit before the portal left it
    command.upgrade(config, "head")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT search_fold FROM findings")).scalar() == \
            "name of author-1 istifa"
    engine.dispose()
