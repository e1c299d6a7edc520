"""A week whose every audit failed (a deployment whose secrets are not set), read as a manager reads
it: the weekly report and the portal in Chromium at 1280 and 390 px announce first which accounts
could not be audited and never say that nothing waits for review.

MODAUDIT_WRITE_SCREENSHOTS=1 writes docs/weekly-report-blind-*.png and docs/portal-overview-blind-*.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from modaudit import jobs
from modaudit.config import load_config
from tests.conftest import migrate_quickly, scratch_database
from tests.support.portal import PASSWORD, add_user, chromium_or_skip, portal_server

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("portal-browser")]
DOCS = Path(__file__).resolve().parents[3] / "docs"
INSTITUTION = "Örnek Valiliği"
MANAGER = "mudur@valilik.example"
# Nightly audits at 02:30 Istanbul, Tuesday to Sunday of 2026-W47; the report on Monday 08:00.
NIGHTS = [datetime(2026, 11, 16, 23, 30, tzinfo=UTC) + timedelta(days=n) for n in range(6)]
REPORT_NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
# Named by the configuration, set nowhere: every scan fails before reaching a platform.
UNSET = ("MODAUDIT_BLIND_FB_TOKEN", "MODAUDIT_BLIND_X_KEY", "MODAUDIT_BLIND_X_SECRET",
         "MODAUDIT_BLIND_X_TOKEN", "MODAUDIT_BLIND_X_TOKEN_SECRET")
ALL_CLEAR = ("İnceleme bekleyen bulgu yok", "İncelemenizi bekleyen")


@dataclass(frozen=True)
class BlindWorld:
    """The report written to disk and the portal over the same store."""

    report: Path
    base: str


def _config(directory: Path, db_url: str) -> Path:
    path = directory / "modaudit.toml"
    path.write_text("\n".join([
        "[database]", f'url = "{db_url}"',
        "[report]", "nightly_alerts = false",
        "[[accounts]]", 'name = "valilik-facebook"', 'platform = "facebook"',
        'account_id = "900100"', f'institution = "{INSTITUTION}"', f'managers = ["{MANAGER}"]',
        f'page_token_env = "{UNSET[0]}"',
        "[[accounts]]", 'name = "valilik-x"', 'platform = "x"', 'account_id = "4242"',
        'handle = "ornekvalilik"', f'institution = "{INSTITUTION}"', f'managers = ["{MANAGER}"]',
        f'consumer_key_env = "{UNSET[1]}"', f'consumer_secret_env = "{UNSET[2]}"',
        f'access_token_env = "{UNSET[3]}"', f'access_token_secret_env = "{UNSET[4]}"',
    ]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BlindWorld]:
    """Six nights of failed audits, the week's report, a manager, and the portal."""
    chromium_or_skip()
    directory = tmp_path_factory.mktemp("blind-week")
    with scratch_database("sqlite", directory) as url, pytest.MonkeyPatch.context() as env:
        for name in UNSET:
            env.delenv(name, raising=False)
            env.delenv(f"{name}_FILE", raising=False)
        migrate_quickly(url)
        config_path = _config(directory, url)
        for night in NIGHTS:
            results = jobs.audit_all(load_config(config_path), "nightly", now=night)
            assert [result.status for result in results] == ["failed", "failed"]
        report = directory / "rapor.html"
        jobs.weekly_report(load_config(config_path), week="2026-W47", send=False, out=str(report),
                           now=REPORT_NOW)
        add_user(url, MANAGER, "manager", [INSTITUTION])
        with portal_server(load_config(config_path)) as base:
            yield BlindWorld(report, base)


def _shot(page: Page, name: str, tmp_path: Path) -> None:
    out = DOCS if os.environ.get("MODAUDIT_WRITE_SCREENSHOTS") else tmp_path
    page.screenshot(path=str(out / name), full_page=True)


def _first_and_above(page: Page, width: int) -> None:
    """The warning is on the first screen, above the to-do box, and nothing scrolls sideways."""
    alert, todo = page.get_by_role("alert").first, page.locator("#todo")
    expect(alert).to_be_visible()
    alert_box, todo_box = alert.bounding_box(), todo.bounding_box()
    assert alert_box is not None and todo_box is not None
    assert alert_box["y"] < 900 and alert_box["y"] + alert_box["height"] <= todo_box["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_of_a_failed_week_opens_with_the_warning(world: BlindWorld, browser: Browser,
                                                            width: int, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(world.report.as_uri())
    _first_and_above(page, width)
    alert = page.get_by_role("alert").first.inner_text()
    assert "Dikkat: hiçbir hesap denetlenemedi" in alert
    assert "valilik-facebook (Facebook) hesabı hiç başarıyla denetlenemedi" in alert
    assert "valilik-x (X) hesabı hiç başarıyla denetlenemedi" in alert
    assert "Yapılandırma ya da gizli anahtar eksik; bilgi işlem `modaudit check` çalıştırmalı" in alert
    todo = page.locator("#todo").inner_text()
    assert "inceleme bekleyen bulgu olup olmadığı bilinmiyor" in todo
    assert not any(words in page.content() for words in ALL_CLEAR)
    _shot(page, f"weekly-report-blind-{width}.png", tmp_path)
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_overview_of_a_failed_week_opens_with_the_warning(world: BlindWorld, browser: Browser,
                                                              width: int, tmp_path: Path) -> None:
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="tr-TR").new_page()
    # Followed while signed out (as from the e-mail): back on that page after signing in.
    page.goto(f"{world.base}/saglik")
    expect(page).to_have_url(re.compile(r"/giris\?next=%2Fsaglik$"))
    page.fill("input[name=email]", MANAGER)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{world.base}/saglik", timeout=20_000)
    # On a phone too, the last success and the problem stay in view, in words.
    expect(page.locator("table.list th", has_text="Son başarılı denetim")).to_be_visible()
    table = page.locator("table.list").inner_text()
    assert "hiç" in table and "Veriler güncel değil" in table and "başarısız" in table
    assert "config" not in table and "failed" not in table
    page.goto(f"{world.base}/")
    _first_and_above(page, width)
    alert = page.get_by_role("alert").first.inner_text()
    assert "valilik-facebook (Facebook) hesabı hiç başarıyla denetlenemedi" in alert
    assert "bilgi işlem" in alert
    assert "inceleme bekleyen bulgu olup olmadığı bilinmiyor" in page.locator("#todo").inner_text()
    assert not any(words in page.content() for words in ALL_CLEAR)
    _shot(page, f"portal-overview-blind-{width}.png", tmp_path)
    page.context.close()
