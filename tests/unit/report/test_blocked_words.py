"""Who or what is blocked, who acted, and what a collection warning is about, in each platform's
words: a Bluesky account (its handle, DID and bsky.app page) or moderation list (its list page) is
never "kullanıcı id at://…"; a Bluesky or X reply's author is not a comment's; a channel's
warning names its videos. The weekly report, /engellenenler's CSV and the findings CSV say the same.

Ids are shaped as the references show them (AT Protocol DIDs, an `app.bsky.graph.list` at-uri, an
X user id, a Page-scoped Facebook id); the people are fictional.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from analysis.selective import AccountSummary
from modaudit.config import parse_config
from modaudit.report import i18n
from modaudit.report.blocked_words import blocked_entry, headings
from modaudit.report.data import (
    SEVERITIES,
    AccountHealth,
    BlockedUser,
    CountRow,
    DayCount,
    ReviewRow,
    WeeklyReport,
)
from modaudit.report.evidence_view import evidence_lines
from modaudit.report.periods import IsoWeek
from modaudit.report.phrases import warning_sentence
from modaudit.report.render import findings_csv, render_weekly
from modaudit.report.selective_section import SelectiveSection, section_view
from modaudit.store.finding_rows import FindingRow
from modaudit.store.portal_queries import BlockedRow
from modaudit.web.portal import spreadsheet

IST = ZoneInfo("Europe/Istanbul")
AT = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
OTHER, OTHER_HANDLE = "did:plc:4ksjwqf2b3tdm6xjw5gqoyzl", "elifkaraca.bsky.social"
LIST, LIST_NAME = f"at://{OTHER}/app.bsky.graph.list/3kbqnzb7vv22e", "Eleştirenler"
PROFILE = f"https://bsky.app/profile/{OTHER}"
LIST_PAGE = f"https://bsky.app/profile/{OTHER}/lists/3kbqnzb7vv22e"


@pytest.mark.parametrize(("user_id", "name", "platform", "language", "what", "label", "link"), [
    (OTHER, OTHER_HANDLE, "bluesky", "tr", "hesap", "Hesap", PROFILE),
    (OTHER, OTHER_HANDLE, "bluesky", "en", "account", "Account", PROFILE),
    (LIST, LIST_NAME, "bluesky", "tr", "moderasyon listesi", "Liste", LIST_PAGE),
    (LIST, LIST_NAME, "bluesky", "en", "moderation list", "List", LIST_PAGE),
    ("1602298000000000000", "Kaan Yıldız", "x", "tr", "kullanıcı", "Kullanıcı",
     "https://x.com/i/user/1602298000000000000"),
    # Facebook's ban list gives Page-scoped ids, which open no page.
    ("6003", "Selin Aydın", "facebook", "tr", "kullanıcı", "Kullanıcı", None),
])
def test_a_blocked_entry_is_said_in_its_platforms_words(
        user_id: str, name: str, platform: str, language: str, what: str, label: str,
        link: str | None) -> None:
    entry = blocked_entry(user_id, name, platform, language)
    assert (entry.what, entry.label, entry.name, entry.id, entry.link) == (
        what, label, name, user_id, link)


def test_an_entry_without_a_name_or_a_known_platform_keeps_the_generic_words() -> None:
    entry = blocked_entry("6003", None, None, "tr")
    assert (entry.what, entry.name, entry.no_name, entry.link) == (
        "kullanıcı", None, "adı bilinmiyor", None)


def test_the_heading_names_users_only_when_every_entry_is_a_user() -> None:
    users = [blocked_entry("6003", "Selin Aydın", "facebook", "tr"),
             blocked_entry("42", None, "x", "tr")]
    assert headings(users, "tr") == {"title": "Şu an engellenmiş kullanıcılar",
                                     "count": "Engellenmiş kullanıcı", "head": "Kullanıcı"}
    mixed = [*users, blocked_entry(LIST, LIST_NAME, "bluesky", "tr")]
    assert headings(mixed, "tr") == {"title": "Şu an engellenenler", "count": "Şu an engellenen",
                                     "head": "Engellenen"}
    assert headings([blocked_entry(OTHER, None, "bluesky", "en")], "en")["title"] == (
        "Currently blocked")
    assert headings([], "tr")["title"] == "Şu an engellenmiş kullanıcılar"


@pytest.mark.parametrize(("platform", "tr", "en"), [
    ("bluesky", "yanıtın yazarı", "the reply's author"),
    ("x", "yanıtın yazarı", "the reply's author"),
    ("youtube", "yorumun yazarı", "the author"),
    ("facebook", "yorumun yazarı", "the author"),
    (None, "yorumun yazarı", "the author"),
])
def test_an_author_is_a_replys_where_the_platform_has_replies(platform: str | None, tr: str,
                                                              en: str) -> None:
    assert i18n.actor_term("author", "tr", platform) == tr
    assert i18n.actor_term("author", "en", platform) == en
    # Other actors keep the words every platform shares.
    assert i18n.actor_term("account", "tr", platform) == "kurumun hesabı"
    assert i18n.actor_term("unknown", "tr", platform) == "bilinmiyor"


def _row(**changes: object) -> FindingRow:
    values = dict(id=7, account="belediye-bsky", platform="bluesky", institution="Valilik",
                  kind="reply_deleted_by_author", subject_id=f"at://{OTHER}/app.bsky.feed.post/3l6",
                  subject_name=OTHER_HANDLE, text="metin", post_id=None, severity="review",
                  status="open", actor="author", source="snapshot_diff", occurred_after=AT,
                  occurred_before=AT, detected_at=AT, reviewed_by=None, review_note=None,
                  evidence={})
    return FindingRow(**{**values, **changes})


def test_the_evidence_and_the_findings_csv_name_a_replys_author() -> None:
    assert evidence_lines(_row(), "tr", IST)[0] == ("İşlemi yapan", "yanıtın yazarı")
    assert evidence_lines(_row(platform="facebook"), "tr", IST)[0] == (
        "İşlemi yapan", "yorumun yazarı")
    body = findings_csv([_row()], IST, "en").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert rows[0]["Actor"] == "the reply's author" and rows[0]["Severity"] == "to review"


def _report(blocked: list[BlockedUser], language: str = "tr") -> WeeklyReport:
    week = IsoWeek(2026, 47)
    return WeeklyReport(
        institution="Test Valiliği", week=week, language=language, tz=IST,
        generated_at=datetime(2026, 11, 23, 5, tzinfo=UTC), accounts=["belediye-bsky"],
        new_findings=[], previous_week_total=0, by_kind=[CountRow("user_blocked", 0, 0)],
        by_account=[], per_day=[DayCount(day, dict.fromkeys(SEVERITIES, 0))
                                for day in week.days()],
        open_findings=[], blocked=blocked, reviews=[], health=[])


def _blocked(user_id: str, name: str | None, platform: str | None,
             account: str = "belediye-bsky") -> BlockedUser:
    return BlockedUser(account, user_id, name, AT, AT + timedelta(hours=1), False, 3, "open",
                       platform)


def test_the_weekly_report_lists_a_bluesky_account_and_list_in_their_words() -> None:
    rendered = render_weekly(_report([_blocked(OTHER, OTHER_HANDLE, "bluesky"),
                                      _blocked(LIST, LIST_NAME, "bluesky")]), "cid:chart")
    text = rendered.text
    assert "== Şu an engellenenler (2) ==" in text and "Şu an engellenen: 2" in text
    assert f"- {OTHER_HANDLE} (hesap, kimlik {OTHER}), belediye-bsky:" in text
    assert f"- {LIST_NAME} (moderasyon listesi, kimlik {LIST}), belediye-bsky:" in text
    assert f"\n  {PROFILE}\n" in text and f"\n  {LIST_PAGE}\n" in text
    assert "kullanıcı" not in text.split("== Şu an engellenenler")[1].split("==")[0]
    html = rendered.html
    assert f"(moderasyon listesi, kimlik {LIST})" in html and f'href="{LIST_PAGE}"' in html
    assert f'href="{PROFILE}"' in html and "Şu an engellenmiş kullanıcılar" not in html
    english = render_weekly(_report([_blocked(LIST, LIST_NAME, "bluesky")], "en"), "cid:c").text
    assert f"{LIST_NAME} (moderation list, id {LIST})" in english
    assert "== Currently blocked (1) ==" in english


def test_the_weekly_report_keeps_users_for_a_facebook_page() -> None:
    text = render_weekly(_report([_blocked("6003", None, "facebook", "belediye-fb")]),
                         "cid:chart").text
    assert "== Şu an engellenmiş kullanıcılar (1) ==" in text
    assert "- adı bilinmiyor (kullanıcı, kimlik 6003), belediye-fb:" in text


def test_the_blocked_csv_names_each_entry_and_links_it() -> None:
    config = parse_config({"database": {"url": "sqlite://"}})
    rows = [BlockedRow("belediye-bsky", OTHER, OTHER_HANDLE, AT, AT, AT, 3, "open", "bluesky"),
            BlockedRow("belediye-bsky", LIST, LIST_NAME, AT, AT, AT, 4, "open", "bluesky"),
            BlockedRow("belediye-fb", "6003", None, AT, None, None, None, None, "facebook")]
    body = spreadsheet.blocked(rows, config).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert [(r["Platform"], r["Engellenen"], r["Kimlik"], r["Adı"], r["Bağlantı"])
            for r in table] == [
        ("Bluesky", "hesap", OTHER, OTHER_HANDLE, PROFILE),
        ("Bluesky", "moderasyon listesi", LIST, LIST_NAME, LIST_PAGE),
        ("Facebook", "kullanıcı", "6003", "", "")]
    assert "Kullanıcı kimliği" not in body


@pytest.mark.parametrize(("platform", "code", "tr"), [
    ("youtube", "listing_incomplete", "Bazı videoların yorumları tam alınamadı; bu videolarda "
                                      "silme sonucu çıkarılmadı."),
    ("youtube", "posts_incomplete", "Kanalın video listesi tam alınamadı; silme sonucu "
                                    "çıkarılmadı."),
    ("bluesky", "listing_incomplete", "Bazı gönderilerin yanıtları tam alınamadı; bu "
                                      "gönderilerde sonuç çıkarılmadı."),
    ("x", "lookup_failed", "Kaybolan bir yanıtın sorgusu başarısız oldu; sonraki gece yinelenir."),
    ("facebook", "listing_incomplete", "Bazı gönderilerin yorumları tam alınamadı; bu "
                                       "gönderilerde silme sonucu çıkarılmadı."),
])
def test_a_collection_warning_names_videos_and_replies(platform: str, code: str, tr: str) -> None:
    assert warning_sentence(code, 1, "tr", platform) == tr
    assert warning_sentence(code, 2, "tr", platform) == f"{tr} (2 kez)"


def test_the_youtube_quota_warning_is_a_sentence_not_a_code() -> None:
    for language in ("tr", "en"):
        said = warning_sentence("youtube_quota", 1, language, "youtube")
        assert "youtube_quota" not in said and "YouTube" in said


def test_the_weekly_health_section_says_a_channels_warnings_in_its_words() -> None:
    report = _report([])
    report = WeeklyReport(**{**report.__dict__, "health": [AccountHealth(
        "belediye-yt", "youtube", "belediyekanal", {"ok": 0, "partial": 1, "failed": 0}, 4, AT,
        {"listing_incomplete": 1}, [])]})
    rendered = render_weekly(report, "cid:chart")
    for said in (rendered.text, rendered.html):
        assert "Bazı videoların yorumları tam alınamadı" in said
        assert "Bazı gönderilerin yorumları" not in said


def test_the_weeks_reviews_say_each_kind_in_its_platforms_words() -> None:
    review = ReviewRow(5, "belediye-bsky", "user_blocked", "open", "justified", "Spam listesi",
                       "Ayşe Kaya", AT, platform="bluesky", subject_id=LIST)
    report = WeeklyReport(**{**_report([]).__dict__, "reviews": [review]})
    rendered = render_weekly(report, "cid:chart")
    assert ("- #5 moderasyon listesi topluca engellendi (belediye-bsky): açık → gerekçeli"
            in rendered.text)
    assert "#5 moderasyon listesi topluca engellendi<div" in rendered.html


def test_the_selective_section_counts_a_bluesky_accounts_replies() -> None:
    section = SelectiveSection(AT - timedelta(days=28), AT, 0.05, 20, [
        AccountSummary("belediye-bsky", "bluesky", 12, 1, []),
        AccountSummary("belediye-yt", "youtube", 7, 2, [])])
    tr = section_view(section, "tr", IST)
    assert tr.accounts[0].lines[0].startswith("belediye-bsky: 12 yanıt, 0 tanesi gizlendi")
    assert tr.accounts[0].lines[1].startswith("1 yanıtın metni")
    assert tr.accounts[1].lines[0].startswith("belediye-yt: 7 yorum,")
    assert tr.accounts[1].lines[1].startswith("2 yorumun metni")
    en = section_view(section, "en", IST)
    assert en.accounts[0].lines[0].startswith("belediye-bsky: 12 replies,")
    assert en.accounts[0].lines[1].startswith("1 replies had their text erased")
