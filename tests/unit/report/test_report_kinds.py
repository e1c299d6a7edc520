"""Each finding kind in its own words in the weekly report (HTML, text, CSV) and the nightly
alert (issue 22, item 3): a post restricted shows the post, a user the user, a comment the
comment; never "adı bilinmiyor" or a user's label for a post.

Over tests/support/kinds_world.py, on SQLite and PostgreSQL: the report reads the posts itself.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from modaudit.report.data import ReportScope, WeeklyReport, build_weekly_report
from modaudit.report.periods import parse_week
from modaudit.report.render import render_alert, render_weekly
from modaudit.store.engine import make_engine
from tests.support.kinds_world import (
    ACCOUNT,
    BLOCKED,
    COMMENT_ID,
    COMMENT_TEXT,
    MUTED,
    POST_ID,
    KindsWorld,
    fill_kinds_store,
)
from tests.support.stored_runs import at

IST = ZoneInfo("Europe/Istanbul")
FOLLOWING = "yalnızca hesabın takip ettikleri yanıtlayabilir"
POST_HTML = "Köprü &lt;b&gt;açıldı&lt;/b&gt;&lt;U+001B&gt;[2J, yorumlarınızı bekliyoruz"
POST_PLAIN = "Köprü <b>açıldı</b><U+001B>[2J, yorumlarınızı bekliyoruz"


@pytest.fixture
def weekly(migrated: str) -> tuple[WeeklyReport, KindsWorld]:
    """The week of the four findings, as the weekly job builds it from the store."""
    ids = fill_kinds_store(migrated)
    engine = make_engine(migrated)
    with Session(engine) as session:
        scope = ReportScope(institution="Test Valiliği", accounts=[(ACCOUNT, "x", "valilikx")],
                            language="tr", tz=IST)
        report = build_weekly_report(session, scope, parse_week("2026-W10"), at(24 * 6))
    engine.dispose()
    return report, ids


def _text_entry(text: str, finding_id: int) -> str:
    """One finding's lines in the text part of the open findings (from "#id" to the next)."""
    start = text.index(f"#{finding_id} ")
    following = re.compile(r"\n#\d+ |\n== ").search(text, start + 1)
    return text[start:following.start() if following else len(text)]


def _html_entry(page: str, finding_id: int) -> str:
    """One finding's card in the HTML's open findings (up to its technical details)."""
    start = page.index(f'data-finding="{finding_id}"')
    return page[start:page.index("<details", start)]


def test_the_report_reads_each_kind_from_the_store(weekly) -> None:
    report, ids = weekly
    assert {row.id for row in report.open_findings} == {ids.post, ids.blocked, ids.muted, ids.comment}
    post = report.posts[(ACCOUNT, POST_ID)]
    assert post.message is not None and post.message.startswith("Köprü <b>")
    assert post.created_at == at(0) - timedelta(days=1)


def test_a_restricted_post_is_the_post_in_html_and_text(weekly) -> None:
    report, ids = weekly
    rendered = render_weekly(report, chart_src="cid:chart")
    html, text = _html_entry(rendered.html, ids.post), _text_entry(rendered.text, ids.post)
    assert f"<b>Gönderi:</b> kimlik {POST_ID}" in html and POST_HTML in html
    assert "<b>Yayımlandığı zaman:</b> 1 Mart 2026 05:30" in html
    assert f"<b>Yanıt ayarı:</b> {FOLLOWING}" in html
    assert f"Gönderi: kimlik {POST_ID}" in text and f'Gönderi metni: "{POST_PLAIN}"' in text
    assert "Yayımlandığı zaman: 1 Mart 2026 05:30" in text and f"Yanıt ayarı: {FOLLOWING}" in text
    assert f"https://x.com/valilikx/status/{POST_ID}" in text
    for entry in (html, text):
        for other in ("Kullanıcı", "adı bilinmiyor", "Yorumu yazan", "Yorum metni"):
            assert other not in entry, other
    assert "\x1b" not in rendered.html + rendered.text


def test_a_user_is_the_user_and_a_comment_the_comment(weekly) -> None:
    report, ids = weekly
    rendered = render_weekly(report, chart_src="cid:chart")
    blocked, muted = _text_entry(rendered.text, ids.blocked), _text_entry(rendered.text, ids.muted)
    assert f"Kullanıcı: Çağlar Aydın (kimlik {BLOCKED})" in blocked
    assert f"Kullanıcı: adı bilinmiyor (kimlik {MUTED})" in muted
    assert "<b>Kullanıcı:</b> <bdi>Çağlar Aydın</bdi>" in _html_entry(rendered.html, ids.blocked)
    comment = _text_entry(rendered.text, ids.comment)
    assert f"Yorumu yazan: Name of author-1 (yorum kimliği {COMMENT_ID})" in comment
    assert f'Yorum metni: "{COMMENT_TEXT}"' in comment and f"Gönderisi: kimlik {POST_ID}" in comment
    for entry in (blocked, muted):
        assert "Gönderi" not in entry and "Yorum" not in entry
    assert "Kullanıcı" not in comment and "Gönderi metni" not in comment


def test_the_report_csv_has_neutral_subject_columns_and_the_post(weekly) -> None:
    report, ids = weekly
    body = render_weekly(report, chart_src="cid:chart").csv.decode("utf-8-sig")
    findings = body.split("\r\n\r\n")[0]  # the chain heads follow after a blank line
    rows = {int(row["Bulgu no"]): row for row in csv.DictReader(io.StringIO(findings), delimiter=";")}
    assert set(rows) == {ids.post, ids.blocked, ids.muted, ids.comment}
    post = rows[ids.post]
    assert (post["Konu"], post["Konu kimliği"], post["Yazan / kullanıcı"]) == ("gönderi", POST_ID, "")
    assert post["Metin"].startswith("Köprü <b>açıldı</b>") and post["Yanıt ayarı"] == FOLLOWING
    assert post["Gönderi zamanı"] == "01.03.2026 05:30"
    assert (rows[ids.muted]["Konu"], rows[ids.muted]["Yazan / kullanıcı"]) == \
        ("kullanıcı", "adı bilinmiyor")
    assert (rows[ids.comment]["Konu"], rows[ids.comment]["Metin"]) == ("yorum", COMMENT_TEXT)
    assert "Kullanıcı kimliği" not in body and "Kullanıcı / yorum no" not in body


def test_the_alert_says_each_kind_in_its_words(weekly) -> None:
    report, ids = weekly
    rows = sorted(report.open_findings, key=lambda row: row.id)
    _, text, html = render_alert(rows, ACCOUNT, "Test Valiliği", "tr", IST, handle="valilikx",
                                 posts=report.posts)
    post = _text_entry(text, ids.post)
    assert f'Gönderi metni: "{POST_PLAIN}"' in post and "adı bilinmiyor" not in post
    assert "Kullanıcı" not in post and POST_HTML in html
    assert f"Kullanıcı: adı bilinmiyor (kimlik {MUTED})" in _text_entry(text, ids.muted)


def test_in_english_a_post_is_a_post_too(weekly) -> None:
    report, ids = weekly
    rows = sorted(report.open_findings, key=lambda row: row.id)
    _, text, _ = render_alert(rows, ACCOUNT, "Test Valiliği", "en", IST, posts=report.posts)
    post, muted = _text_entry(text, ids.post), _text_entry(text, ids.muted)
    assert f"Post: id {POST_ID}" in post and f'Post text: "{POST_PLAIN}"' in post
    assert "Who may reply: only accounts it follows can reply" in post
    assert "User" not in post and "name unknown" not in post
    assert f"User: name unknown (id {MUTED})" in muted
