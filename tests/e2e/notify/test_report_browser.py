"""The weekly report in a real browser (Debian's Chromium through Playwright) at 1280 and 390 px:
what a manager relies on is visible, nothing scrolls sideways on a phone, details stay collapsed.

Set MODAUDIT_WRITE_SCREENSHOTS=1 to refresh docs/weekly-report-1280.png and -390.png.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from modaudit.demo.run import run_demo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).parents[3] / "docs"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists() and not os.environ.get("MODAUDIT_REQUIRE_BROWSER"):
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's weekly report (three platforms, a simulated week), as it writes it to disk."""
    out = tmp_path_factory.mktemp("demo")
    assert run_demo(out, lambda line: None, lambda rows, config: None)
    return out / "weekly-report-2026-W47.html"


@pytest.mark.parametrize("width", [1280, 390])
def test_manager_reads_the_report_at(width: int, browser, report_file: Path, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(report_file.as_uri())
        page.wait_for_load_state("load")
        todo = page.locator("#todo")
        assert todo.is_visible()
        box = todo.bounding_box()
        assert box is not None and box["y"] + box["height"] < 900  # on the first screen
        assert "bulgu incelemenizi bekliyor" in todo.inner_text()
        assert "En eskisi" in todo.inner_text()
        assert page.locator("#legend").is_visible()
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Evidence is collapsed until asked for; summary is there to click.
        details = page.locator("details")
        assert details.count() > 0
        assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
        first = details.first
        assert first.locator("summary").inner_text() == "Teknik ayrıntılar"
        assert not first.locator("table").is_visible()
        first.locator("summary").click()
        assert first.locator("table").is_visible() and "İşlemi yapan" in first.inner_text()
        first.locator("summary").click()
        # Every finding links to its post or comment on the platform.
        links = page.locator("a[data-finding-link]")
        assert links.count() > 0
        hrefs = links.evaluate_all("els => els.map(e => e.href)")
        assert all(href.startswith(("https://www.facebook.com/", "https://x.com/",
                                    "https://www.instagram.com/", "https://bsky.app/profile/",
                                    "https://www.youtube.com/watch?v="))
                   for href in hrefs)
        # A Bluesky finding opens its reply, post, account or list on bsky.app.
        assert [href for href in hrefs if href.startswith("https://bsky.app/profile/did:plc:")]
        # A YouTube comment opens on its video at the comment (`&lc=`).
        youtube = [href for href in hrefs if href.startswith("https://www.youtube.com/")]
        assert any("&lc=" in href for href in youtube), youtube
        # An Instagram finding opens its post (the media's permalink), not the profile.
        instagram = [href for href in hrefs if href.startswith("https://www.instagram.com/")]
        assert instagram and all(href.startswith("https://www.instagram.com/p/") for href in instagram)
        # The chart fits the column and is drawn at a size its labels can be read.
        chart = page.locator("img").first
        shown = chart.bounding_box()
        assert shown is not None and shown["width"] <= width
        assert page.evaluate("document.images[0].complete && document.images[0].naturalWidth > 0")
        assert "Unix" not in page.content() and "body_sha256" not in page.content()
        shot = tmp_path / f"weekly-report-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        if os.environ.get("MODAUDIT_WRITE_SCREENSHOTS"):
            (DOCS / shot.name).write_bytes(shot.read_bytes())
    finally:
        page.close()
