"""Each finding kind in its own words in the portal (issue 22, item 3): a post restricted shows
the post, a user the user, a comment the comment; never a post id as a user.

In-process (Starlette's TestClient) on SQLite and PostgreSQL over tests/support/kinds_world.py.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from modaudit.config import parse_config
from modaudit.store.engine import make_engine
from modaudit.web.portal.app import build_app
from tests.support.kinds_world import (
    BLOCKED,
    BLOCKED_NAME,
    COMMENT_ID,
    COMMENT_TEXT,
    MUTED,
    PASSWORD,
    POST_ID,
    KindsWorld,
    fill_kinds_store,
)

# The post's text as a page shows it: escaped, the escape character visible as <U+001B>.
POST_SHOWN = "Köprü &lt;b&gt;açıldı&lt;/b&gt;&lt;U+001B&gt;[2J, yorumlarınızı bekliyoruz"
FOLLOWING = "yalnızca hesabın takip ettikleri yanıtlayabilir"


@pytest.fixture
def world(migrated: str) -> Iterator[tuple[TestClient, KindsWorld]]:
    """A manager signed in to the portal over the four findings."""
    ids = fill_kinds_store(migrated)
    config = parse_config({"database": {"url": migrated}})
    engine = make_engine(migrated)
    client = TestClient(build_app(engine, config, "unit-secret-" * 3))
    page = client.get("/giris").text
    token = re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)
    client.post("/giris", data={"csrftoken": token, "email": "m@a.example", "password": PASSWORD})
    yield client, ids
    engine.dispose()


def _subject_block(page: str) -> str:
    """The finding page's part about its subject: from its block to the next paragraph (the
    platform link or the chain's badge)."""
    start = page.index('<div class="subject" id="subject">')
    return page[start:page.index("<p", start)]


def test_a_restricted_post_shows_the_post_not_a_user(world) -> None:
    client, ids = world
    page = client.get(f"/bulgu/{ids.post}").text
    block = _subject_block(page)
    assert "<b>Gönderi:</b> kimlik " + POST_ID in block
    assert POST_SHOWN in block  # its text as stored, escaped, the control made visible
    assert "<b>Yayımlandığı zaman:</b> 1 Mart 2026 05:30" in block  # Istanbul time
    assert f"<b>Yanıt ayarı:</b> {FOLLOWING}" in block
    assert f'href="https://x.com/i/web/status/{POST_ID}"' in page
    for other in ("Kullanıcı:", "adı bilinmiyor", "Yorumu yazan", "Yorum metni"):
        assert other not in page, other
    assert "<b>bu</b>" not in page and "\x1b" not in page


def test_a_blocked_user_shows_the_user_and_a_muted_one_without_a_name_says_so(world) -> None:
    client, ids = world
    page = client.get(f"/bulgu/{ids.blocked}").text
    block = _subject_block(page)
    assert "valilik-x hesabı Çağlar Aydın adlı kullanıcıyı" in page
    assert "<b>Kullanıcı:</b> <bdi>Çağlar Aydın</bdi>" in block and f"kimlik {BLOCKED}" in block
    page = client.get(f"/bulgu/{ids.muted}").text
    muted = _subject_block(page)
    assert ("valilik-x hesabı adı bilinmeyen bir kullanıcıyı (kimlik 1500000000000000002) "
            "2 Mart 2026 05:30 ile 3 Mart 2026 05:30 arasında sessize aldı.") in page
    assert f"{MUTED} adlı" not in page  # an id is never written as a name
    assert "<b>Kullanıcı:</b> adı bilinmiyor" in muted and f"kimlik {MUTED}" in muted
    for block_text in (block, muted):
        for other in ("Gönderi", "Yorumu yazan", "Yorum metni"):
            assert other not in block_text, other


def test_a_hidden_comment_shows_its_author_text_and_post(world) -> None:
    client, ids = world
    page = client.get(f"/bulgu/{ids.comment}").text
    block = _subject_block(page)
    assert "<b>Yorumu yazan:</b> <bdi>Name of author-1</bdi>" in block
    assert f"yorum kimliği {COMMENT_ID}" in block
    assert "<b>Yorum metni:</b>" in block and html.escape(COMMENT_TEXT, quote=False) in block
    assert f"<b>Gönderisi:</b> kimlik {POST_ID}" in block
    assert "Kullanıcı:" not in block and "Gönderi metni" not in block and "Yanıt ayarı" not in block


def _list_rows(page: str) -> dict[int, str]:
    """The findings list's rows by finding id."""
    rows = {}
    for row in page.split("<tr>")[1:]:
        found = re.search(r'href="/bulgu/(\d+)"', row)
        if found:
            rows[int(found.group(1))] = row
    return rows


def test_the_findings_list_names_each_subject_in_its_kind_words(world) -> None:
    client, ids = world
    page = client.get("/bulgular").text
    assert "<th>Konu</th>" in page and "Kullanıcı / yorum" not in page
    rows = _list_rows(page)
    post = rows[ids.post]
    assert f"<b>Gönderi:</b> kimlik {POST_ID}" in post and POST_SHOWN in post
    assert FOLLOWING in post and "adı bilinmiyor" not in post and "Kullanıcı" not in post
    assert "<bdi>Çağlar Aydın</bdi>" in rows[ids.blocked] and "Gönderi" not in rows[ids.blocked]
    assert "adı bilinmiyor" in rows[ids.muted] and MUTED in rows[ids.muted]
    comment = rows[ids.comment]
    assert "<b>Yorumu yazan:</b>" in comment and html.escape(COMMENT_TEXT, quote=False) in comment
    assert "Kullanıcı" not in comment


def test_the_csv_has_neutral_subject_columns_and_the_post(world) -> None:
    client, ids = world
    body = client.get("/bulgular.csv").content.decode("utf-8-sig")
    rows = {int(row["No"]): row for row in csv.DictReader(io.StringIO(body), delimiter=";")}
    heads = body.splitlines()[0].split(";")
    assert heads[6:10] == ["Konu", "Konu kimliği", "Yazan / kullanıcı", "Metin"]
    assert heads[-2:] == ["Gönderi zamanı", "Yanıt ayarı"] and "Kullanıcı kimliği" not in heads
    post = rows[ids.post]
    assert (post["Konu"], post["Konu kimliği"], post["Yazan / kullanıcı"]) == ("gönderi", POST_ID, "")
    assert post["Metin"] == "Köprü <b>açıldı</b>\x1b[2J, yorumlarınızı bekliyoruz"  # as stored
    assert post["Gönderi zamanı"] == "01.03.2026 05:30" and post["Yanıt ayarı"] == FOLLOWING
    blocked, muted = rows[ids.blocked], rows[ids.muted]
    assert (blocked["Konu"], blocked["Konu kimliği"], blocked["Yazan / kullanıcı"]) == \
        ("kullanıcı", BLOCKED, BLOCKED_NAME)
    assert (muted["Konu"], muted["Yazan / kullanıcı"], muted["Metin"]) == \
        ("kullanıcı", "adı bilinmiyor", "")
    comment = rows[ids.comment]
    assert (comment["Konu"], comment["Konu kimliği"], comment["Metin"]) == \
        ("yorum", COMMENT_ID, COMMENT_TEXT)
    assert comment["Yazan / kullanıcı"] == "Name of author-1"
    for row in (blocked, muted, comment):
        assert row["Gönderi zamanı"] == "" and row["Yanıt ayarı"] == ""
