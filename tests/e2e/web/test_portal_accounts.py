"""Accounts over HTTP (uvicorn on loopback): one-time links reach only their owner, every user
change is chained, sessions end when they should, and the smaller holes of issue 23 stay shut.

Each test is an attack of the red team's (issue 23) that got through before the fix.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from struct import pack

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from modaudit.store import users
from modaudit.store.chain import USER_CHANGED
from modaudit.store.engine import make_engine
from modaudit.store.schema import ChainRecord, FindingAttachment
from modaudit.store.schema_users import UserToken
from modaudit.store.verify import verify_store
from modaudit.web.portal.words import WORDS
from tests.support.mailserver import Inbox, free_port, smtp_server
from tests.support.portal import fill_small_store, portal_server
from tests.support.portal_http import client, count, csrf_token, portal_config, sign_in

pytestmark = pytest.mark.e2e
LINK = re.compile(r"http://127\.0\.0\.1:\d+/parola/[\w-]{40,}")


@pytest.fixture
def store(migrated: str) -> Iterator[tuple[str, dict[str, int]]]:
    """Two institutions' findings and one user per role, committed."""
    yield migrated, fill_small_store(migrated)


def _smtp(port: int) -> dict[str, object]:
    return {"host": "127.0.0.1", "port": port, "security": "none", "from": "modaudit@a.example"}


def _users_form(operator: httpx.Client, **fields: str) -> str:
    token = csrf_token(operator.get("/kullanicilar").text)
    return operator.post("/kullanicilar", data={"csrftoken": token, **fields}).text


def _store_session(db_url: str) -> Session:
    return Session(make_engine(db_url))


def test_an_operator_never_sees_a_link_and_every_change_is_chained(store) -> None:
    db_url, _ = store
    inbox = Inbox()
    with smtp_server(inbox) as smtp, portal_server(portal_config(
            db_url, smtp=_smtp(smtp.port))) as base:
        manager, operator = client(base), client(base)
        assert sign_in(manager, "m@a.example").status_code == 303
        assert sign_in(operator, "o@a.example").status_code == 303
        added = _users_form(operator, action="add", email="Yeni@A.example", role="auditor")
        assert "yeni@a.example adresine tek kullanımlık bağlantı" in added and "/parola/" not in added
        mail = inbox.to("yeni@a.example")
        assert len(mail) == 1 and mail[0].rcpt_tos == ["yeni@a.example"]
        link = LINK.search(mail[0].parsed().get_body(("plain",)).get_content()).group(0)
        assert httpx.get(link).status_code == 200  # the owner's link works
        # The red team's next step: reset the manager and set her password. The link goes to her.
        reset = _users_form(operator, action="reset", email="m@a.example")
        assert "/parola/" not in reset and len(inbox.to("m@a.example")) == 1
        assert manager.get("/bulgular").status_code == 303  # her open session ended
        assert sign_in(client(base), "m@a.example").status_code == 401  # and her old password
        _users_form(operator, action="disable", email="yeni@a.example")
    with _store_session(db_url) as session:
        records = session.scalars(select(ChainRecord).where(ChainRecord.kind == USER_CHANGED)
                                  .order_by(ChainRecord.id)).all()
        assert not verify_store(session).problems  # the chains stay intact with them
    changes = [(r.payload["user"], r.payload["action"], r.payload["by"]) for r in records
               if r.payload["by"] != "command line"]  # the fixture's own users
    # An auditor reads every account (two chains); the manager's institution has one.
    assert changes == [("yeni@a.example", "added", "o@a.example")] * 2 + [
        ("m@a.example", "reset", "o@a.example")] + [("yeni@a.example", "disabled", "o@a.example")] * 2
    assert [r.payload["password_ended"] for r in records if r.payload["action"] == "reset"] == [True]


def test_a_link_that_cannot_be_mailed_is_cancelled(store) -> None:
    db_url, _ = store
    with portal_server(portal_config(db_url, smtp=_smtp(free_port()))) as base:  # nobody listens
        operator = client(base)
        sign_in(operator, "o@a.example")
        page = _users_form(operator, action="add", email="z@a.example", role="auditor")
    assert "gönderilemedi" in page and "modaudit users reset z@a.example" in page
    now = datetime.now(UTC)
    with _store_session(db_url) as session:
        user = users.existing_user(session, "z@a.example")
        assert not session.scalars(select(UserToken).where(UserToken.user_id == user.id,
                                                           UserToken.expires_at > now)).all()


def _set_password(base: str, token: str, password: str) -> httpx.Response:
    browser = client(base)
    form = csrf_token(browser.get(f"/parola/{token}").text)
    return browser.post(f"/parola/{token}", data={"csrftoken": form, "password": password,
                                                  "again": password})


def test_sessions_end_at_sign_out_new_password_and_reset(store) -> None:
    db_url, _ = store
    with portal_server(portal_config(db_url)) as base:
        first, stolen = client(base), client(base)
        sign_in(first, "m@a.example")
        stolen.cookies = httpx.Cookies(first.cookies)  # a copy of the cookie, kept elsewhere
        token = csrf_token(first.get("/").text)
        assert first.post("/cikis", data={"csrftoken": token}).status_code == 303
        assert stolen.get("/bulgular").headers["location"].startswith("/giris")  # ended on the server
        # Two links: only the newest sets a password, and setting it ends older sessions.
        open_session = client(base)
        sign_in(open_session, "m@a.example")
        with _store_session(db_url) as session, session.begin():
            older = users.issue_token(session, users.existing_user(session, "m@a.example"),
                                      datetime.now(UTC))
            newer = users.issue_token(session, users.existing_user(session, "m@a.example"),
                                      datetime.now(UTC))
        assert httpx.get(f"{base}/parola/{older}").status_code == 404
        assert _set_password(base, newer, "yeni-parola-2026!").status_code == 200
        assert open_session.get("/bulgular").status_code == 303
        assert sign_in(client(base), "m@a.example", "yeni-parola-2026!").status_code == 303
        # A reset ends the current password by default; --keep-password keeps it working.
        with _store_session(db_url) as session, session.begin():
            users.reset_user(session, "d@a.example", datetime.now(UTC), end_password=False)
        assert sign_in(client(base), "d@a.example").status_code == 303
        with _store_session(db_url) as session, session.begin():
            users.reset_user(session, "d@a.example", datetime.now(UTC))
        assert sign_in(client(base), "d@a.example").status_code == 401


def test_the_longest_password_that_can_be_set_also_signs_in(store) -> None:
    db_url, _ = store
    with portal_server(portal_config(db_url)) as base:
        with _store_session(db_url) as session, session.begin():
            tokens = [users.issue_token(session, users.existing_user(session, "m@a.example"),
                                        datetime.now(UTC)) for _ in range(2)]
        refused = _set_password(base, tokens[1], "ş" * 1025)
        assert refused.status_code == 400 and "en çok 1024" in refused.text
        assert _set_password(base, tokens[1], "ş" * 1024).status_code == 200
        assert sign_in(client(base), "m@a.example", "ş" * 1024).status_code == 303
        assert sign_in(client(base), "m@a.example", "ş" * 1025).status_code == 401


def _png() -> bytes:
    """A 1×1 PNG (signature, IHDR, IDAT, IEND), written from the PNG specification."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def test_an_attachment_is_named_by_the_server_and_downloaded_not_run(store) -> None:
    db_url, ids = store
    with portal_server(portal_config(db_url)) as base:
        manager = client(base)
        sign_in(manager, "m@a.example")
        token = csrf_token(manager.get(f"/bulgu/{ids['c1']}").text)
        posted = manager.post(f"/bulgu/{ids['c1']}/inceleme", data={
            "csrftoken": token, "status": "confirmed", "note": "ekran görüntüsü"},
            files={"attachment": ("kanit.hta", _png(), "application/hta")})
        assert "kaydedildi=1" in posted.headers["location"]
        with _store_session(db_url) as session:
            stored = session.scalars(select(FindingAttachment)).one()
        assert re.fullmatch(r"ek-[0-9a-f]{16}\.png", stored.filename)
        download = manager.get(f"/ek/{stored.id}")
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"] == f'attachment; filename="{stored.filename}"'
    assert download.content == _png()


def test_unknown_error_names_on_a_finding_page_are_ignored(store) -> None:
    db_url, ids = store
    with portal_server(portal_config(db_url)) as base:
        manager = client(base)
        sign_in(manager, "m@a.example")
        for name in [*WORDS["tr"], "yok-böyle-bir-şey"]:
            answer = manager.get(f"/bulgu/{ids['c1']}", params={"hata": name})
            assert answer.status_code == 200, name
        known = manager.get(f"/bulgu/{ids['c1']}", params={"hata": "note_required"}).text
    assert 'role="alert"' in known
    assert count(db_url, FindingAttachment) == 0
