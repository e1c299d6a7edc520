"""The portal as a manager uses it, in Debian's Chromium driven by Playwright (nothing downloaded).

The store is filled by real audits of the simulator: institution A (page-0) with hides, a ban, a
deletion and comments carrying HTML and script; institution B (page-1) with one hidden comment.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from modaudit.cli import cli
from modaudit.config import load_config
from modaudit.store.engine import make_engine
from modaudit.store.finding_rows import list_findings
from modaudit.store.schema import FindingReview
from modaudit.store.schema_users import LoginAttempt
from tests.conftest import migrate_quickly, scratch_database
from tests.support.mailserver import free_port
from tests.support.portal import PASSWORD, add_user, chromium_or_skip, portal_server
from tests.support.report_world import INSTITUTION_A, INSTITUTION_B, SCRIPT, audited_world

# One worker runs the module: its tests share one portal (built once).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("portal-browser")]
MANAGER_A, MANAGER_B, AUDITOR = "mudur@valilik.example", "baskan@belediye.example", "denetci@etik.example"
DEPUTY_A = "vali.yardimcisi@valilik.example"
NEWCOMER_A = "yeni.mudur@valilik.example"  # has only the one-time link: sets a password first
# A minimal PDF: what the attachment check reads is its signature, not its name.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DOCS = Path(__file__).resolve().parents[3] / "docs"


class Portal:
    """The running portal and what the tests need to know about its store."""

    def __init__(self, base: str, db_url: str, config_path: Path, ids: dict[str, int],
                 tokens: dict[str, str]) -> None:
        self.base, self.db_url, self.config_path, self.ids, self.tokens = (
            base, db_url, config_path, ids, tokens)

    def count(self, model: type) -> int:
        """Rows of one table now."""
        engine = make_engine(self.db_url)
        with Session(engine) as session:
            value = session.scalar(select(func.count()).select_from(model)) or 0
        engine.dispose()
        return value

    def forget_attempts(self) -> None:
        """Lift the throttling one test caused, for the tests that share this portal."""
        engine = make_engine(self.db_url)
        with Session(engine) as session, session.begin():
            session.execute(delete(LoginAttempt))
        engine.dispose()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The audited world on SQLite, three users, and the portal over it."""
    chromium_or_skip()
    directory = tmp_path_factory.mktemp("portal")
    with scratch_database("sqlite", directory) as url:
        migrate_quickly(url)
        with audited_world(directory, url, free_port()) as world:
            engine = make_engine(url)
            with Session(engine) as session:
                ids = {f"{row.account}:{row.subject_id}": row.id for row in list_findings(session)}
            engine.dispose()
            # Every user but the newcomer has a password already: tests run in any order.
            tokens = {"A": add_user(url, MANAGER_A, "manager", [INSTITUTION_A]),
                      "new": add_user(url, NEWCOMER_A, "manager", [INSTITUTION_A], password=None),
                      "B": add_user(url, MANAGER_B, "manager", [INSTITUTION_B]),
                      "auditor": add_user(url, AUDITOR, "auditor", []),
                      "deputy": add_user(url, DEPUTY_A, "manager", [INSTITUTION_A])}
            with portal_server(load_config(world.config_path)) as base:
                yield Portal(base, url, world.config_path, ids, tokens)


def _sign_in(browser: Browser, portal: Portal, email: str, width: int = 1280,
             **context: object) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="tr-TR",
                               **context).new_page()
    page.goto(f"{portal.base}/giris")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # Signed in once the portal has redirected away from the form (its cookie is then set); a
    # test that navigated sooner would race the sign-in on a busy machine.
    expect(page).not_to_have_url(re.compile(r"/giris(\?|$)"), timeout=20_000)
    return page


def test_a_manager_sets_a_password_signs_in_and_sees_only_their_institution(
        browser: Browser, portal: Portal) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{portal.base}/parola/{portal.tokens['new']}")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text("Parolanız kaydedildi")).to_be_visible()
    page.goto(f"{portal.base}/parola/{portal.tokens['new']}")  # the link works once
    expect(page.get_by_text("geçersiz, kullanılmış")).to_be_visible()
    page = _sign_in(browser, portal, NEWCOMER_A)
    expect(page.locator("h1")).to_contain_text("bulgu incelemenizi bekliyor")
    page.goto(f"{portal.base}/bulgular")
    listed = page.locator("table.list").inner_text()
    assert "page-0" in listed and "page-1" not in listed
    assert "Ne zaman bitecek? Ğğ" not in page.content()  # B's comment
    page.goto(f"{portal.base}/bulgular?account=page-1")
    expect(page.get_by_text("Bu ölçütlere uyan bulgu yok.")).to_be_visible()


def test_a_manager_of_a_gets_404_for_a_finding_of_b(browser: Browser, portal: Portal) -> None:
    page = _sign_in(browser, portal, MANAGER_B)
    theirs = portal.ids["page-1:3001"]
    assert page.goto(f"{portal.base}/bulgu/{theirs}").status == 200
    ours = portal.ids["page-0:2001"]
    missing = page.goto(f"{portal.base}/bulgu/{ours}")
    assert missing.status == 404
    assert page.goto(f"{portal.base}/bulgu/999999").status == 404  # the same answer as nothing
    assert "<script>" not in page.content() and "Harika" not in page.content()


def test_search_finds_a_turkish_word_typed_in_another_case(browser: Browser, portal: Portal) -> None:
    page = _sign_in(browser, portal, AUDITOR)
    page.goto(f"{portal.base}/bulgular")
    page.fill("input[name=q]", "İŞÇİ")  # stored as "İşçi"
    page.click("form.filters button[type=submit]")
    expect(page.get_by_text("1 bulgu")).to_be_visible()
    expect(page.locator("table.list")).to_contain_text("İşçi şğü")
    page.fill("input[name=q]", "ibrahim ışık")  # the author "İbrahim Işık", both lower-case
    page.click("form.filters button[type=submit]")
    listed = page.locator("table.list").inner_text()
    assert "İbrahim Işık" in listed and "page-1" in listed  # the auditor sees both institutions
    # Typed on a phone without Turkish letters: every letter folds both ways.
    for typed, shown in (("isci sgu", "İşçi şğü"), ("IBRAHIM ISIK", "İbrahim Işık")):
        page.fill("input[name=q]", typed)
        page.click("form.filters button[type=submit]")
        expect(page.locator("table.list")).to_contain_text(shown)


def test_comments_carrying_html_and_script_render_as_text(browser: Browser, portal: Portal) -> None:
    page = _sign_in(browser, portal, MANAGER_A)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{portal.base}/bulgu/{portal.ids['page-0:2001']}")
    expect(page.locator(".quote").first).to_have_text(SCRIPT)
    page.goto(f"{portal.base}/bulgu/{portal.ids['page-0:2002']}")
    expect(page.locator(".quote").first).to_contain_text('"><img src=x onerror=alert(1)>')
    assert page.locator("main img").count() == 0
    page.goto(f"{portal.base}/bulgular?q=rojda")
    expect(page.locator("table.list")).to_contain_text("Rojda <b>Demir</b>")
    assert page.locator("table.list b:text('Demir')").count() == 0 and dialogs == []


def test_screenshots_of_the_overview_and_a_finding(browser: Browser, portal: Portal,
                                                   tmp_path: Path) -> None:
    """1280 and 390 px wide; MODAUDIT_WRITE_SCREENSHOTS=1 writes them to docs/ for the README."""
    out = DOCS if os.environ.get("MODAUDIT_WRITE_SCREENSHOTS") else tmp_path
    for width in (1280, 390):
        page = _sign_in(browser, portal, DEPUTY_A, width=width)
        expect(page.locator("h1")).to_contain_text("bulgu")  # before the reviews below
        page.screenshot(path=str(out / f"portal-overview-{width}.png"), full_page=True)
        page.goto(f"{portal.base}/bulgu/{portal.ids['page-0:2001']}")
        expect(page.get_by_text("İnceleme kaydet")).to_be_visible()
        page.screenshot(path=str(out / f"portal-finding-{width}.png"), full_page=True)
        # Nothing wider than the screen: a phone reads it without scrolling sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert (out / "portal-finding-390.png").stat().st_size > 10_000


def test_a_review_with_an_attachment_shows_in_the_history_and_the_json(
        browser: Browser, portal: Portal, tmp_path: Path) -> None:
    finding = portal.ids["page-0:5004"]  # the ban
    order = tmp_path / "mahkeme-karari.pdf"
    order.write_bytes(PDF)
    page = _sign_in(browser, portal, MANAGER_A)
    page.goto(f"{portal.base}/bulgu/{finding}")
    expect(page.get_by_text("Teknik ayrıntılar")).to_be_visible()
    expect(page.get_by_text("kanıt zinciri doğrulanıyor")).to_be_visible()
    page.get_by_label("ihlal teyit edildi").check()
    page.fill("textarea[name=note]", "Mahkeme kararı ekte <b>2026/12</b>")
    page.set_input_files("input[name=attachment]", str(order))
    page.click("form[enctype] button[type=submit]")
    expect(page.get_by_text("İnceleme kaydedildi.")).to_be_visible()
    history = page.locator("#history").inner_text()
    digest = hashlib.sha256(PDF).hexdigest()
    assert MANAGER_A in history and "ihlal teyit edildi" in history and digest in history
    assert "Mahkeme kararı ekte <b>2026/12</b>" in history
    with page.expect_download() as download:
        page.click("#history a[href^='/ek/']")
    assert Path(download.value.path()).read_bytes() == PDF
    listed = CliRunner().invoke(cli, ["--config", str(portal.config_path), "findings", "--format", "json"])
    row = next(r for r in json.loads(listed.output) if r["id"] == finding)
    assert row["status"] == "confirmed" and row["reviewed_by"] == MANAGER_A
    assert row["attachments"][0]["sha256"] == digest
    assert row["attachments"][0]["content_type"] == "application/pdf"


def test_an_attachment_that_is_not_a_pdf_or_image_is_refused(browser: Browser, portal: Portal,
                                                              tmp_path: Path) -> None:
    fake = tmp_path / "karar.pdf"
    fake.write_bytes(b"#!/bin/sh\necho not a pdf\n")
    before = portal.count(FindingReview)
    page = _sign_in(browser, portal, MANAGER_A)
    page.goto(f"{portal.base}/bulgu/{portal.ids['page-0:2003']}")
    page.get_by_label("gerekçeli").check()
    page.fill("textarea[name=note]", "Ek sahte")
    page.set_input_files("input[name=attachment]", str(fake))
    page.click("form[enctype] button[type=submit]")
    expect(page.get_by_text("içeriğine bakılır")).to_be_visible()
    assert portal.count(FindingReview) == before
    # Her choice and note are kept, the reason stands beside the file field, and the page opens
    # at the form, not at its top.
    expect(page.get_by_label("gerekçeli")).to_be_checked()
    expect(page.locator("textarea[name=note]")).to_have_value("Ek sahte")
    expect(page.locator("#attachment-error")).to_contain_text("Ek yalnızca PDF")
    expect(page.get_by_text("(karar.pdf) tarayıcı güvenlik gereği yeniden seçmeniz")).to_be_visible()
    assert page.url.endswith("#inceleme") and page.evaluate("window.scrollY") > 0


def test_a_form_posted_without_the_csrf_token_is_refused_and_stores_nothing(
        browser: Browser, portal: Portal) -> None:
    before = portal.count(FindingReview)
    page = _sign_in(browser, portal, MANAGER_A, bypass_csp=True)  # to remove the field by script
    page.goto(f"{portal.base}/bulgu/{portal.ids['page-0:2004']}")
    page.get_by_label("yersiz").check()
    page.fill("textarea[name=note]", "Belirteçsiz form")
    page.locator("form[enctype] input[name=csrftoken]").evaluate("node => node.remove()")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("form[enctype] button[type=submit]")
    assert answer.value.status == 403
    expect(page.get_by_text("Form süresi dolmuş ya da geçersiz")).to_be_visible()
    assert portal.count(FindingReview) == before


def test_five_wrong_passwords_throttle_the_login(browser: Browser, portal: Portal) -> None:
    page = browser.new_context().new_page()
    for _ in range(5):
        page.goto(f"{portal.base}/giris")
        page.fill("input[name=email]", AUDITOR)
        page.fill("input[name=password]", "yanlış-parola")
        page.click("button[type=submit]")
        expect(page.get_by_role("alert")).to_have_text("E-posta ya da parola yanlış.")
    page.fill("input[name=password]", PASSWORD)  # even the right one waits now
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("Çok fazla başarısız giriş denemesi")
    assert page.url.endswith("/giris")
    assert portal.count(LoginAttempt) >= 6  # persisted: a restart does not reset the count
    portal.forget_attempts()
