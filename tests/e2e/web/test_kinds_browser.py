"""A finding about a post, read as a manager reads it in Chromium at 1280 and 390 px: the post's
text (markup shown as text, a control made visible), when it was published, who may reply and
its link, never "Kullanıcı: <post id>"; the findings list says the same in short.

The store is tests/support/kinds_world.py (an X account with a post restricted, users blocked and
muted, a comment hidden). MODAUDIT_WRITE_SCREENSHOTS=1 writes the finding's card to
docs/portal-post-finding-*.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from modaudit.config import parse_config
from tests.conftest import migrate_quickly, scratch_database
from tests.support.kinds_world import POST_ID, KindsWorld, fill_kinds_store
from tests.support.portal import PASSWORD, chromium_or_skip, portal_server

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("portal-browser")]
DOCS = Path(__file__).resolve().parents[3] / "docs"
# The post's text as a reader sees it: the markup as text, the escape character named.
POST_SEEN = "Köprü <b>açıldı</b><U+001B>[2J, yorumlarınızı bekliyoruz"


@dataclass(frozen=True)
class Portal:
    """The portal over the store, and the findings' ids."""

    base: str
    ids: KindsWorld


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The four findings on SQLite, a manager, and the portal over them."""
    chromium_or_skip()
    directory = tmp_path_factory.mktemp("kinds")
    with scratch_database("sqlite", directory) as url:
        migrate_quickly(url)
        ids = fill_kinds_store(url)
        with portal_server(parse_config({"database": {"url": url}})) as base:
            yield Portal(base, ids)


def _sign_in(browser: Browser, portal: Portal, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="tr-TR").new_page()
    page.goto(f"{portal.base}/giris")
    page.fill("input[name=email]", "m@a.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/giris(\?|$)"), timeout=20_000)
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_a_restricted_post_reads_as_the_post(portal: Portal, browser: Browser, width: int,
                                             tmp_path: Path) -> None:
    page = _sign_in(browser, portal, width)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{portal.base}/bulgu/{portal.ids.post}")
    subject = page.locator("#subject")
    expect(subject).to_be_visible()
    text = subject.inner_text()
    assert f"Gönderi: kimlik {POST_ID}" in text
    expect(subject.locator(".quote")).to_have_text(POST_SEEN)  # as stored, the markup as text
    assert subject.locator(".quote b").count() == 0
    assert "Yayımlandığı zaman: 1 Mart 2026 05:30" in text
    assert "Yanıt ayarı: yalnızca hesabın takip ettikleri yanıtlayabilir" in text
    body = page.locator("main").inner_text()
    assert "Kullanıcı:" not in body and "adı bilinmiyor" not in body and "Yorumu yazan" not in body
    link = page.get_by_role("link", name="Platformda aç")
    expect(link).to_have_attribute("href", f"https://x.com/i/web/status/{POST_ID}")
    # Nothing wider than the screen: a phone reads the post without scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    out = DOCS if os.environ.get("MODAUDIT_WRITE_SCREENSHOTS") else tmp_path
    # The finding's card only: the store's audits are months old, so the page opens with the
    # collection warning, which is not what this picture is about.
    card = page.locator(".card", has=page.locator("#subject"))
    card.screenshot(path=str(out / f"portal-post-finding-{width}.png"))
    assert (out / f"portal-post-finding-{width}.png").stat().st_size > 10_000
    page.goto(f"{portal.base}/bulgular")
    row = page.locator("table.list tr", has=page.locator(f'a[href="/bulgu/{portal.ids.post}"]'))
    expect(row).to_contain_text(POST_SEEN)
    expect(row).to_contain_text(f"Gönderi: kimlik {POST_ID}")
    assert "adı bilinmiyor" not in row.inner_text() and dialogs == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.context.close()
