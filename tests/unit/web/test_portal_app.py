"""The portal in-process (Starlette's TestClient, no server): cookies, roles, CSV, links.

The browser tests (tests/e2e/web) cover what a manager does; these cover the rules around it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from modaudit.config import ConfigError, parse_config
from modaudit.report.render import render_alert
from modaudit.store import users
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_findings
from modaudit.store.schema import FindingReview
from modaudit.web.portal.app import build_app
from tests.support.portal import fill_small_store
from tests.support.stored_runs import at

PASSWORD = "doğru-parola-2026"


@pytest.fixture
def store(migrated: str) -> Iterator[tuple[str, dict[str, int]]]:
    """Two institutions' findings and one user per role, committed."""
    yield migrated, fill_small_store(migrated, PASSWORD)


def _client(db_url: str, base_url: str = "") -> TestClient:
    web = {"base_url": base_url} if base_url else {}
    config = parse_config({"database": {"url": db_url}, "web": web})
    return TestClient(build_app(make_engine(db_url), config, "unit-secret-" * 3),
                      base_url="https://testserver" if base_url.startswith("https") else "http://testserver")


def _token(page: str) -> str:
    return re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)


def _sign_in(client: TestClient, email: str) -> object:
    token = _token(client.get("/giris").text)
    return client.post("/giris", data={"csrftoken": token, "email": email, "password": PASSWORD},
                       follow_redirects=False)


def test_the_session_cookie_is_httponly_lax_and_secure_behind_https(store) -> None:
    db_url, _ = store
    answer = _sign_in(_client(db_url), "m@a.example")
    cookie = answer.headers["set-cookie"].lower()
    assert answer.status_code == 303 and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie and "max-age=28800" in cookie  # [web] session_hours = 8
    secure = _sign_in(_client(db_url, "https://modaudit.example"), "m@a.example")
    assert "secure" in secure.headers["set-cookie"].lower()


def test_roles_see_what_they_may_and_404_for_the_rest(store) -> None:
    db_url, ids = store
    manager = _client(db_url)
    _sign_in(manager, "m@a.example")
    assert manager.get(f"/bulgu/{ids['c1']}").status_code == 200
    assert manager.get(f"/bulgu/{ids['c9']}").status_code == 404  # another institution
    assert manager.get("/kullanicilar").status_code == 404
    operator = _client(db_url)
    _sign_in(operator, "o@a.example")
    assert operator.get("/saglik").status_code == 200 and operator.get("/kullanicilar").status_code == 200
    for path in ("/bulgular", f"/bulgu/{ids['c1']}", "/bulgular.csv", "/engellenenler"):
        assert operator.get(path).status_code == 404, path  # no comment text for operators
    assert "text of c2" not in operator.get("/").text
    anonymous = _client(db_url)
    assert anonymous.get("/bulgular", follow_redirects=False).headers["location"] == \
        "/giris?next=%2Fbulgular"  # back to the page after signing in


def test_an_auditor_reads_but_cannot_review(store) -> None:
    db_url, ids = store
    auditor = _client(db_url)
    _sign_in(auditor, "d@a.example")
    page = auditor.get(f"/bulgu/{ids['c9']}")
    assert page.status_code == 200 and "İnceleme kaydet" not in page.text
    answer = auditor.post(f"/bulgu/{ids['c9']}/inceleme",
                          files={"csrftoken": (None, _token(page.text)), "status": (None, "dismissed"),
                                 "note": (None, "denetçi")})
    assert answer.status_code == 403
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(FindingReview)) == 0
    engine.dispose()


def test_every_page_answers_on_both_databases_and_in_english(store) -> None:
    db_url, ids = store
    client = _client(db_url)
    _sign_in(client, "m@a.example")
    overview = client.get("/")
    assert "2 yüksek" not in overview.text and "Son 12 haftada yeni bulgular" in overview.text
    for path in ("/bulgular?status=open&severity=medium&since=2026-03-01&until=2026-03-31&page=2",
                 "/engellenenler", "/engellenenler.csv", "/saglik", "/saglik.csv", "/secici",
                 f"/bulgu/{ids['c1']}"):
        assert client.get(path).status_code == 200, path
    config = parse_config({"database": {"url": db_url}, "report": {"language": "en"}})
    english = TestClient(build_app(make_engine(db_url), config, "unit-secret-" * 3))
    _sign_in(english, "m@a.example")
    page = english.get(f"/bulgu/{ids['c1']}").text
    assert "Record a review" in page and "comment hidden" in page and "İnceleme" not in page


def test_a_disabled_user_is_signed_out_at_the_next_request(store) -> None:
    db_url, _ = store
    client = _client(db_url)
    _sign_in(client, "m@a.example")
    assert client.get("/bulgular").status_code == 200
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        users.set_disabled(session, "m@a.example", at(24))
    engine.dispose()
    assert client.get("/bulgular", follow_redirects=False).status_code == 303


def test_csv_opens_in_turkish_excel(store) -> None:
    db_url, _ = store
    client = _client(db_url)
    _sign_in(client, "d@a.example")
    body = client.get("/bulgular.csv").content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["No", "Kurum", "Hesap", "Tür", "Önem", "Durum"]
    assert len(rows) == 4 and {row[3] for row in rows[1:]} == {"yorum gizlendi"}
    text = rows[0].index("Metin")
    assert any(row[text] == "'=HYPERLINK(\"http://x\")" for row in rows[1:])  # not run as a formula
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", rows[1][rows[0].index("Tespit")])


def test_alerts_link_each_finding_to_its_page_when_the_portal_has_an_address(store) -> None:
    db_url, _ = store
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = list_findings(session, "valilik")
    engine.dispose()
    zone = ZoneInfo("Europe/Istanbul")
    _, plain, html = render_alert(rows, "valilik", "Test Valiliği", "tr", zone,
                                  base_url="https://modaudit.example")
    for row in rows:
        assert f'href="https://modaudit.example/bulgu/{row.id}"' in html
        assert f"https://modaudit.example/bulgu/{row.id}" in plain
    _, plain, html = render_alert(rows, "valilik", "Test Valiliği", "tr", zone)
    assert "/bulgu/" not in html + plain


def test_the_web_section_is_validated() -> None:
    for web, message in (({"base_url": "https://a.example/"}, "must not end with /"),
                         ({"session_hours": 0}, "web.session_hours: must be greater than 0"),
                         ({"max_attachment_mb": 51}, "web.max_attachment_mb"),
                         ({"session_secret_env": "abc def"}, "must name an environment variable"),
                         ({"trusted_proxies": ["127.0.0.1", "nginx.local"]},
                          r"web.trusted_proxies: expected IP addresses or networks .* 'nginx.local'"),
                         ({"trusted_proxies": "127.0.0.1"}, "web.trusted_proxies: expected a list")):
        with pytest.raises(ConfigError, match=message):
            parse_config({"web": web})
    assert parse_config({}).web.session_hours == 8
    assert parse_config({}).web.trusted_proxies == ["127.0.0.1"]
    assert parse_config({"web": {"trusted_proxies": ["10.0.0.0/8", "::1"]}}).web.trusted_proxies \
        == ["10.0.0.0/8", "::1"]
