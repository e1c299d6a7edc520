"""The portal where the manager is (Starlette's TestClient, SQLite and PostgreSQL): a link followed
while signed out lands on its page after sign-in, a refused review keeps what she typed, the
overview counts what the e-mail counts, and accounts the audit could not see come first."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from collectors.records import RunWarning
from modaudit.config import parse_config
from modaudit.intake.tail import apply_rules
from modaudit.store import runs, users
from modaudit.store.engine import make_engine, utcnow
from modaudit.store.schema import Finding, FindingReview
from modaudit.web.portal.app import build_app
from modaudit.web.portal.auth import hash_password
from tests.support.stored_runs import StoredAccount, comment, new_event

PASSWORD = "doğru-parola-2026"
MANAGER = "mudur@valilik.example"
ALL_CLEAR = ("İnceleme bekleyen bulgu yok", "İncelemenizi bekleyen")
CODES = ("PlatformError", "AuthFailed", ">failed<", ">ok<", "config")


def _store(db_url: str, *, audited: bool) -> dict[str, int]:
    """Two comments hidden on "valilik" (Facebook) and an X account; every run failed unless
    `audited` (then both were audited successfully an hour ago)."""
    now = utcnow()
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        page, x = StoredAccount(session, "valilik"), StoredAccount(session, "valilik-x", "x")
        first = now - timedelta(days=20)
        page.run(first, {"p1": [comment("c1", text="Bu köprü bitmedi", author="Çağlar"),
                                comment("c2")]})
        events = page.record([new_event("comment_hidden", "c1", first + timedelta(days=1),
                                        after=first),
                              new_event("comment_hidden", "c2", first + timedelta(days=1),
                                        after=first)], first + timedelta(days=1))
        apply_rules(session, events, first + timedelta(days=1))
        for account, code in ((page, "AuthFailed"), (x, "config")):
            for night in range(3, 0, -1):
                at = now - timedelta(days=night)
                run_id = runs.start_run(session, account.id, "nightly", at)
                runs.finish_run(session, run_id, None, at, [RunWarning(code, "refused")],
                                failed=True)
            if audited:
                account.run(now - timedelta(hours=1), {"p1": [comment("c1"), comment("c2")]}
                            if account is page else {})
        user = users.add_user(session, MANAGER, "manager", ["Test Valiliği"], now)
        users.redeem_token(session, users.issue_token(session, user, now),
                           hash_password(PASSWORD), now)
        ids = {f.subject_id: f.id for f in session.scalars(select(Finding))}
    engine.dispose()
    return ids


@pytest.fixture
def blind(migrated: str) -> Iterator[tuple[str, dict[str, int]]]:
    """Every run of the last nights failed."""
    yield migrated, _store(migrated, audited=False)


@pytest.fixture
def seen(migrated: str) -> Iterator[tuple[str, dict[str, int]]]:
    """The same, then both accounts audited successfully an hour ago."""
    yield migrated, _store(migrated, audited=True)


def _client(db_url: str) -> TestClient:
    config = parse_config({"database": {"url": db_url}})
    return TestClient(build_app(make_engine(db_url), config, "unit-secret-" * 3))


def _token(page: str) -> str:
    return re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)


def _sign_in(client: TestClient, next_path: str | None = None) -> object:
    page = client.get("/giris", params={"next": next_path} if next_path else None).text
    data = {"csrftoken": _token(page), "email": MANAGER, "password": PASSWORD}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/giris", data=data, follow_redirects=False)


def test_a_link_followed_while_signed_out_lands_on_its_page_after_sign_in(blind) -> None:
    db_url, ids = blind
    client = _client(db_url)
    target = f"/bulgu/{ids['c1']}"
    answer = client.get(target, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/giris?next=%2Fbulgu%2F{ids['c1']}"
    form = client.get(answer.headers["location"]).text
    assert f'name="next" value="{target}"' in form
    signed_in = client.post("/giris", data={"csrftoken": _token(form), "email": MANAGER,
                                           "password": PASSWORD, "next": target},
                            follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == target
    assert "Bu köprü bitmedi" in client.get(target).text
    # Filters survive too: the query string is part of the page.
    assert client.get("/giris?next=/bulgular%3Fq%3Dkopru", follow_redirects=False) \
        .headers["location"] == "/bulgular?q=kopru"


@pytest.mark.parametrize("offsite", ["//evil.example/bulgu/1", "https://evil.example/",
                                     "/\\evil.example", "http:/evil.example", "javascript:alert(1)",
                                     "/giris", "bulgu/1", "/\t/evil.example"])
def test_an_off_site_next_is_refused(blind, offsite: str) -> None:
    db_url, _ = blind
    client = _client(db_url)
    signed_in = _sign_in(client, offsite)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    assert client.get("/giris", params={"next": offsite},
                      follow_redirects=False).headers["location"] == "/"


def test_the_review_form_explains_each_decision_with_an_example(blind) -> None:
    db_url, ids = blind
    client = _client(db_url)
    _sign_in(client)
    page = client.get(f"/bulgu/{ids['c1']}").text
    for decision, words in (("gerekçeli", "geçerli bir nedeni var"),
                            ("ihlal teyit edildi", "kurala aykırı"),
                            ("yersiz", "Bulgu yanlış")):
        assert re.search(rf"<b>{decision}</b><span class=\"muted\"> — [^<]*{words}[^<]*Örnek:",
                         page), decision


def test_a_refused_review_keeps_her_choice_and_note_and_says_why_beside_the_field(blind) -> None:
    db_url, ids = blind
    client = _client(db_url)
    _sign_in(client)
    finding = f"/bulgu/{ids['c1']}"
    token = _token(client.get(finding).text)
    note = "Hakaret içerdiği için gizlendi; ekran görüntüsü ekte <b>2026/12</b>"
    refused = client.post(f"{finding}/inceleme", data={"csrftoken": token, "status": "justified",
                                                       "note": note},
                          files={"attachment": ("ekran.pdf", b"#!/bin/sh\necho not a pdf\n",
                                                "application/pdf")})
    assert refused.status_code == 400 and refused.url.path == f"{finding}/inceleme"
    page = refused.text
    assert 'value="justified" required checked' in page
    assert (">Hakaret içerdiği için gizlendi; ekran görüntüsü ekte &lt;b&gt;2026/12&lt;/b&gt;"
            "</textarea>") in page
    error = re.search(r'id="attachment-error" role="alert">([^<]+)<', page)
    assert error and "içeriğine bakılır" in error.group(1)
    assert page.index('id="attachment"') < page.index('id="attachment-error"')  # beside its field
    assert "(ekran.pdf) tarayıcı güvenlik gereği yeniden seçmeniz" in page
    assert 'action="/bulgu/{}/inceleme#inceleme"'.format(ids["c1"]) in page  # back where she was
    no_decision = client.post(f"{finding}/inceleme", data={"csrftoken": token, "note": note})
    assert no_decision.status_code == 400 and 'checked' not in no_decision.text.split('id="inceleme"')[1]
    assert "Geçerli bir karar seçin." in no_decision.text and "ekran görüntüsü ekte" in no_decision.text
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FindingReview)) == 0
    engine.dispose()
    saved = client.post(f"{finding}/inceleme", data={"csrftoken": token, "status": "justified",
                                                     "note": note}, follow_redirects=False)
    assert saved.headers["location"] == f"{finding}?kaydedildi=1#history"


def test_accounts_not_audited_come_first_and_no_page_says_nothing_waits(blind) -> None:
    db_url, ids = blind
    client = _client(db_url)
    _sign_in(client)
    client.post(f"/bulgu/{ids['c1']}/inceleme", data={
        "csrftoken": _token(client.get(f"/bulgu/{ids['c1']}").text), "status": "justified",
        "note": "Hakaret"})
    client.post(f"/bulgu/{ids['c2']}/inceleme", data={
        "csrftoken": _token(client.get(f"/bulgu/{ids['c2']}").text), "status": "dismissed",
        "note": "Yazarı sildi"})
    for path in ("/", "/bulgular", f"/bulgu/{ids['c1']}", "/engellenenler", "/saglik"):
        page = client.get(path).text
        assert page.index('role="alert"') < page.index("<h1"), path
        alert = page[page.index('role="alert"'):]
        assert "valilik (Facebook) hesabı" in alert and "tarihinden beri başarıyla denetlenemedi" in alert
        assert "Platform erişim belirtecini reddetti; bilgi işlem" in alert, path  # who acts
        assert not any(words in page for words in ALL_CLEAR), path
    overview = client.get("/").text
    assert "Dikkat: hiçbir hesap denetlenemedi" in overview
    assert "Hesaplar denetlenemediği için inceleme bekleyen bulgu olup olmadığı bilinmiyor." in overview
    assert "valilik-x (X) hesabı hiç başarıyla denetlenemedi" in overview
    assert "Yapılandırma ya da gizli anahtar eksik; bilgi işlem" in overview


def test_the_health_page_speaks_the_reports_sentences_and_flags_stale_data(blind) -> None:
    db_url, _ = blind
    client = _client(db_url)
    _sign_in(client)
    page = client.get("/saglik").text
    table = page[page.index("<table"):]
    assert "3 denetim: 0 tam, 0 eksik, 3 başarısız" in table and ">başarısız<" in table
    assert "Platform erişim belirtecini reddetti; bilgi işlem `modaudit check`" in table
    assert "Veriler güncel değil" in table
    assert not any(code in table for code in CODES)
    # "Son başarılı denetim" stays on a phone: only the 7-day counts are left to wide screens.
    assert '<th>Son başarılı denetim</th>' in table and '<th class="wide">Son 7 gün</th>' in table
    body = client.get("/saglik.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[1][:4] == ["valilik", "Facebook", "Test Valiliği",
                           "3 denetim: 0 tam, 0 eksik, 3 başarısız"]
    assert rows[1][5] == "başarısız" and rows[1][6].startswith("Platform erişim belirtecini")
    assert rows[1][8] == "hayır" and rows[2][7] == "hiç"  # the X account: never audited
    assert not any(code in body for code in ("PlatformError", "AuthFailed", "failed", "config"))


def test_the_overview_counts_and_words_what_waits_as_the_email_does(seen) -> None:
    db_url, ids = seen
    client = _client(db_url)
    _sign_in(client)
    page = client.get("/").text
    assert 'role="alert"' not in page  # both accounts audited an hour ago
    assert "2 bulgu incelemenizi bekliyor" in page  # every open finding, as the e-mail's to-do
    oldest = ids["c1"]
    assert (f'<a href="/bulgu/{oldest}">En eskisi 19 gündür bekliyor: #{oldest}, yorum gizlendi '
            f'(valilik).</a>') in page
    assert "yüksek önemli" not in page and "Süz" not in page
    assert "Saatler Türkiye saatiyle verilmiştir." in page
    listed = client.get("/bulgular").text
    assert "Filtrele" in listed and " ile " in listed and "arasında" in listed  # a range, as a range
    assert '<div class="narrow muted">' in listed  # …and on a phone too
    for typed in ("kopru", "caglar", "ÇAĞLAR", "KÖPRÜ"):
        found = client.get("/bulgular", params={"q": typed}).text
        assert "1 bulgu" in found and "Bu köprü bitmedi" in found, typed
