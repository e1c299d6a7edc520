"""A YouTube channel's and a Bluesky account's findings read in Chromium as a manager reads them:
each in its platform's own words (a comment held for review, comments turned off on a video, a
moderation list blocked, a reply hidden by a thread gate, a quote detached), linked to the video
at the comment or to the bsky.app page, beside what that platform does not let the audit see;
the findings list and its CSV say the same.

The store is tests/support/platform_words_world.py. MODAUDIT_WRITE_SCREENSHOTS=1 writes the
findings' cards to docs/portal-youtube-finding-1280.png and docs/portal-bluesky-finding-1280.png.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from modaudit.config import parse_config
from modaudit.report.observability import unobservable
from tests.conftest import migrate_quickly, scratch_database
from tests.support.platform_words_world import (
    BLOCKED,
    BLUESKY,
    EXPECTED,
    HELD_AUTHOR,
    LIST_NAME,
    OTHER_HANDLE,
    WordsWorld,
    fill_words_store,
)
from tests.support.portal import PASSWORD, chromium_or_skip, portal_server

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("portal-browser")]
DOCS = Path(__file__).resolve().parents[3] / "docs"
NAMED = {"youtube:comment_hidden": HELD_AUTHOR, "bluesky:user_blocked": OTHER_HANDLE,
         "bluesky:user_blocked@list": LIST_NAME}
SHOTS = {"youtube": "youtube:comment_hidden", "bluesky": "bluesky:user_blocked@list"}


@dataclass(frozen=True)
class Portal:
    """The portal over the store, and the findings' ids."""

    base: str
    world: WordsWorld


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """Both accounts' findings on SQLite, a manager, and the portal over them."""
    chromium_or_skip()
    directory = tmp_path_factory.mktemp("words")
    with scratch_database("sqlite", directory) as url:
        migrate_quickly(url)
        world = fill_words_store(url)
        with portal_server(parse_config({"database": {"url": url}})) as base:
            yield Portal(base, world)


@pytest.fixture(scope="module")
def page(portal: Portal, browser: Browser) -> Iterator[Page]:
    """A manager signed in at 1280 px."""
    signed_in = browser.new_context(viewport={"width": 1280, "height": 900},
                                    locale="tr-TR").new_page()
    signed_in.goto(f"{portal.base}/giris")
    signed_in.fill("input[name=email]", "m@a.example")
    signed_in.fill("input[name=password]", PASSWORD)
    signed_in.click("main button[type=submit]")
    expect(signed_in).not_to_have_url(re.compile(r"/giris(\?|$)"), timeout=20_000)
    yield signed_in
    signed_in.context.close()


def test_the_world_has_every_finding_the_test_expects(portal: Portal) -> None:
    assert set(portal.world.ids) == set(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_a_finding_page_speaks_its_platforms_words(portal: Portal, page: Page, key: str,
                                                   tmp_path: Path) -> None:
    kind_words, subject_lines, link = EXPECTED[key]
    page.goto(f"{portal.base}/bulgu/{portal.world.ids[key]}")
    expect(page.locator("h1")).to_contain_text(kind_words)
    expect(page.locator("main")).to_contain_text(f"{kind_words}")
    if key in NAMED:  # the sentence says whose comment, which account or list
        assert f"{kind_words} — {NAMED[key]}." in page.locator("main").inner_text()
    subject = page.locator("#subject").inner_text()
    for line in subject_lines:
        assert line in " ".join(subject.split()), (line, subject)
    # A YouTube comment is not a Facebook one; a Bluesky account or list is no "Kullanıcı".
    assert "Kullanıcı:" not in subject
    expect(page.get_by_role("link", name="Platformda aç")).to_have_attribute("href", link)
    platform = key.split(":")[0]
    limits = page.locator("#limits").inner_text()
    for sentence in unobservable(platform, "tr"):
        assert sentence in limits
    other = "bluesky" if platform == "youtube" else "youtube"
    assert unobservable(other, "tr")[0] not in limits
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    if key in SHOTS.values():
        out = DOCS if os.environ.get("MODAUDIT_WRITE_SCREENSHOTS") else tmp_path
        card = page.locator(".card", has=page.locator("#subject"))
        name = f"portal-{platform}-finding-1280.png"
        card.screenshot(path=str(out / name))
        assert (out / name).stat().st_size > 10_000


def test_the_findings_list_says_each_kind_in_its_platforms_words(portal: Portal,
                                                                 page: Page) -> None:
    page.goto(f"{portal.base}/bulgular")
    for key, (kind_words, subject_lines, _) in EXPECTED.items():
        row = page.locator("table.list tr",
                           has=page.locator(f'a[href="/bulgu/{portal.world.ids[key]}"]'))
        expect(row).to_contain_text(kind_words)
        shown = " ".join(row.inner_text().split())
        assert subject_lines[0].split(": ")[0] in shown, (key, shown)
    # The kind filter offers the new kind in words.
    expect(page.locator("select[name=kind] option[value=quote_detached]")).to_have_text(
        "alıntı ayrıldı")


def test_the_findings_csv_says_the_same(portal: Portal, page: Page) -> None:
    answer = page.context.request.get(f"{portal.base}/bulgular.csv")
    assert answer.ok
    rows = list(csv.reader(io.StringIO(answer.body().decode("utf-8-sig")), delimiter=";"))
    heads, by_id = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    subjects = {"youtube:comment_hidden": "yorum", "youtube:replies_restricted": "video",
                "bluesky:user_blocked": "hesap", "bluesky:user_blocked@list": "moderasyon listesi",
                "bluesky:comment_hidden": "yanıt", "bluesky:quote_detached": "alıntılayan gönderi"}
    for key, (kind_words, _, _) in EXPECTED.items():
        row = by_id[str(portal.world.ids[key])]
        assert row["Tür"] == kind_words, (key, row)
        if key in subjects:
            assert row[heads[6]] == subjects[key], (key, row)
    assert by_id[str(portal.world.ids["bluesky:quote_detached"])]["Önem"] == "belirsiz"
    assert by_id[str(portal.world.ids["youtube:comment_deleted"])]["Önem"] == "belirsiz"


def test_the_blocked_page_names_an_account_and_a_moderation_list(portal: Portal,
                                                                 page: Page) -> None:
    page.goto(f"{portal.base}/engellenenler")
    expect(page.locator("h1")).to_have_text(f"Şu an engellenenler ({len(BLOCKED)})")
    rows = page.locator("tr.blocked-entry")
    expect(rows).to_have_count(len(BLOCKED))
    for name, what, subject, link in BLOCKED:
        row = page.locator("tr.blocked-entry", has_text=f"{name} ({what}")
        shown = " ".join(row.inner_text().split())
        assert shown.startswith(f"{name} ({what}, kimlik {subject})"), shown
        assert BLUESKY in shown and "kullanıcı" not in shown.lower()
        expect(row.get_by_role("link", name="Platformda aç")).to_have_attribute("href", link)
    assert "Kullanıcı" not in page.locator("table.list tr").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_blocked_csv_says_the_same(portal: Portal, page: Page) -> None:
    answer = page.context.request.get(f"{portal.base}/engellenenler.csv")
    assert answer.ok
    rows = list(csv.DictReader(io.StringIO(answer.body().decode("utf-8-sig")), delimiter=";"))
    assert sorted((row["Adı"], row["Engellenen"], row["Kimlik"], row["Bağlantı"], row["Platform"])
                  for row in rows) == sorted((*entry, "Bluesky") for entry in BLOCKED)


def test_the_overview_and_the_timeline_say_the_kind_in_its_platforms_words(
        portal: Portal, page: Page) -> None:
    page.goto(f"{portal.base}/")
    oldest = portal.world.ids["youtube:comment_hidden"]  # the first one recorded
    expect(page.locator("main")).to_contain_text(
        f"#{oldest}, {EXPECTED['youtube:comment_hidden'][0]} (belediye-yt).")
    page.goto(f"{portal.base}/bulgu/{portal.world.ids['bluesky:user_blocked@list']}")
    timeline = page.locator("table.list", has_text="kaydedildi").inner_text()
    assert "kaydedildi: moderasyon listesi topluca engellendi" in timeline, timeline
    assert "kullanıcı" not in timeline
