"""The weekly report of an institution with a YouTube channel and a Bluesky account, read in
Chromium, and its CSV: every finding in its platform's own words, linked to the video at the
comment or to bsky.app, and both platforms' limits ("what could not be observed").

The store is tests/support/platform_words_world.py (no simulator, no mail).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy.orm import Session

from modaudit.report.data import ReportScope, build_weekly_report
from modaudit.report.observability import unobservable
from modaudit.report.periods import parse_week
from modaudit.report.render import RenderedReport, render_alert, render_weekly
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_findings
from tests.conftest import migrate_quickly, scratch_database
from tests.support.platform_words_world import (
    BLOCKED,
    BLUESKY,
    EXPECTED,
    HANDLE,
    INSTITUTION,
    YOUTUBE,
    WordsWorld,
    fill_words_store,
)
from tests.support.portal import CHROMIUM_ARGS, chromium_or_skip

pytestmark = [pytest.mark.e2e]
WEEK = "2026-W10"  # the findings are detected on 3 March 2026
NOW = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Istanbul")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, WordsWorld]]:
    """Both accounts' findings on SQLite."""
    with scratch_database("sqlite", tmp_path_factory.mktemp("words-report")) as url:
        migrate_quickly(url)
        yield url, fill_words_store(url)


def _rendered(url: str, language: str) -> RenderedReport:
    scope = ReportScope(INSTITUTION, [(YOUTUBE, "youtube", "belediyekanal"),
                                      (BLUESKY, "bluesky", HANDLE)], language, TZ)
    engine = make_engine(url)
    with Session(engine) as session:
        report = build_weekly_report(session, scope, parse_week(WEEK), NOW)
    engine.dispose()
    return render_weekly(report, chart_src="chart.png")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_or_skip()),
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_the_weekly_report_says_each_finding_in_its_platforms_words(
        store: tuple[str, WordsWorld], browser: Browser, tmp_path: Path) -> None:
    rendered = _rendered(store[0], "tr")
    (tmp_path / "chart.png").write_bytes(rendered.chart_png)
    (tmp_path / "rapor.html").write_text(rendered.html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((tmp_path / "rapor.html").as_uri())
        shown = " ".join(page.locator("body").inner_text().split())
        for key, (kind_words, subject_lines, _) in EXPECTED.items():
            assert kind_words in shown, key
            for line in subject_lines:
                assert line in shown, (key, line)
        hrefs = set(page.locator("a[data-finding-link]").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"))
        assert {link for _, _, link in EXPECTED.values()} <= hrefs
        for platform in ("youtube", "bluesky"):
            for sentence in unobservable(platform, "tr"):
                assert " ".join(sentence.split()) in shown, sentence
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        page.close()
    # The plain-text part says the same kinds.
    for kind_words, _, _ in EXPECTED.values():
        assert kind_words in rendered.text


def test_the_reports_blocked_list_names_an_account_and_a_moderation_list(
        store: tuple[str, WordsWorld], browser: Browser, tmp_path: Path) -> None:
    rendered = _rendered(store[0], "tr")
    (tmp_path / "chart.png").write_bytes(rendered.chart_png)
    (tmp_path / "rapor.html").write_text(rendered.html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((tmp_path / "rapor.html").as_uri())
        body = " ".join(page.locator("body").inner_text().split())
        assert "Şu an engellenenler (2)" in body and "Şu an engellenmiş kullanıcılar" not in body
        entries = page.locator(".blocked-entry")
        assert entries.count() == len(BLOCKED)
        for name, what, subject, link in BLOCKED:
            entry = page.locator(".blocked-entry", has_text=f"{name} ({what}")
            shown = " ".join(entry.inner_text().split())
            assert shown.startswith(f"{name} ({what}, kimlik {subject}) · {BLUESKY}"), shown
            assert "kullanıcı" not in shown
            assert entry.get_by_role("link", name="Platformda aç").get_attribute("href") == link
    finally:
        page.close()
    for name, what, subject, link in BLOCKED:
        assert f"- {name} ({what}, kimlik {subject}), {BLUESKY}:" in rendered.text
        assert f"\n  {link}\n" in rendered.text


def test_the_reports_csv_has_the_words_and_the_links(store: tuple[str, WordsWorld]) -> None:
    url, world = store
    rendered = _rendered(url, "tr")
    rows = list(csv.DictReader(io.StringIO(rendered.csv.decode("utf-8-sig")), delimiter=";"))
    by_id = {row["Bulgu no"]: row for row in rows}
    for key, (kind_words, _, link) in EXPECTED.items():
        row = by_id[str(world.ids[key])]
        assert (row["Tür"], row["Bağlantı"]) == (kind_words, link), key
    listed = by_id[str(world.ids["bluesky:user_blocked@list"])]
    assert (listed["Konu"], listed["Yazan / kullanıcı"]) == ("moderasyon listesi", "Eleştirenler")
    video = by_id[str(world.ids["youtube:replies_restricted"])]
    assert (video["Konu"], video["Yanıt ayarı"]) == ("video", "yorumlar kapalı")
    assert by_id[str(world.ids["youtube:comment_deleted"])]["Önem"] == "belirsiz"


def test_the_english_report_has_the_platforms_english_words(
        store: tuple[str, WordsWorld]) -> None:
    rendered = _rendered(store[0], "en")
    for words in ("comment held for review (hidden from the public)",
                  "comments turned off on the video", "moderation list blocked wholesale",
                  "reply hidden (thread gate)", "a quote of the post detached (post gate)",
                  "only accounts it follows and accounts mentioned can reply"):
        assert words in rendered.html, words
    rows = list(csv.DictReader(io.StringIO(rendered.csv.decode("utf-8-sig")), delimiter=";"))
    assert {"video", "moderation list", "account", "reply", "quoting post"} <= {
        row["Subject"] for row in rows}
    assert "Currently blocked" in rendered.html and "(moderation list, id at://" in rendered.text


def test_the_nightly_alert_names_a_blocked_list_as_a_list(store: tuple[str, WordsWorld]) -> None:
    engine = make_engine(store[0])
    with Session(engine) as session:
        rows = [row for row in list_findings(session, BLUESKY) if row.severity == "high"]
    engine.dispose()
    _, text, html = render_alert(rows, BLUESKY, INSTITUTION, "tr", TZ, handle=HANDLE)
    for said in (text, html):
        assert "moderasyon listesi topluca engellendi" in said and "hesap engellendi" in said
        assert "kullanıcı engellendi" not in said
    assert f'href="{EXPECTED["bluesky:user_blocked@list"][2]}"' in html
