"""The portal attacked over HTTP (uvicorn on loopback): CSRF from the same site, in httpx and in
Chromium, a stalled sign-in that must not stall other pages, and headers from proxies.

Each attack is the red team's (issue 23): it got through before the fix.
"""

from __future__ import annotations

import html
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import text

from modaudit.store.engine import make_engine
from modaudit.store.schema import FindingReview
from tests.support.mailserver import free_port
from tests.support.portal import (
    CHROMIUM_ARGS,
    PASSWORD,
    chromium_or_skip,
    fill_small_store,
    portal_server,
)
from tests.support.portal_http import client, count, csrf_token, portal_config, sign_in, toss_cookies

pytestmark = pytest.mark.e2e
SESSION_COOKIE = "modaudit_session"


@pytest.fixture
def store(migrated: str) -> Iterator[tuple[str, dict[str, int]]]:
    """Two institutions' findings and one user per role, committed."""
    yield migrated, fill_small_store(migrated)


def _review(browser: httpx.Client, fid: int, token: str) -> httpx.Response:
    return browser.post(f"/bulgu/{fid}/inceleme", data={"csrftoken": token, "status": "dismissed",
                                                        "note": "yersiz şikâyet"})


def test_a_token_fetched_anonymously_does_not_review_as_the_manager(store) -> None:
    db_url, ids = store
    with portal_server(portal_config(db_url)) as base:
        manager, attacker = client(base), client(base)
        assert sign_in(manager, "m@a.example").status_code == 303
        token = csrf_token(attacker.get("/giris").text)
        # A page on another port of this host sets the attacker's cookies in the manager's
        # browser (all but the session, which it wants the manager's own) and posts the form.
        toss_cookies(attacker, manager, keep=SESSION_COOKIE)
        answer = _review(manager, ids["c1"], token)
        assert answer.status_code == 403 and "Form süresi dolmuş" in answer.text
        assert count(db_url, FindingReview) == 0
        # The manager's own token, from her own page, still records her review.
        own = csrf_token(manager.get(f"/bulgu/{ids['c1']}").text)
        assert "kaydedildi=1" in _review(manager, ids["c1"], own).headers["location"]
        assert count(db_url, FindingReview) == 1


def test_the_sign_in_form_takes_only_its_own_pre_session_token(store) -> None:
    db_url, _ = store
    with portal_server(portal_config(db_url)) as base:
        attacker, victim = client(base), client(base)
        token = csrf_token(attacker.get("/giris").text)
        victim.get("/giris")
        toss_cookies(attacker, victim, keep=SESSION_COOKIE)
        # Login CSRF: the victim's browser signed in to an account the attacker holds.
        forced = victim.post("/giris", data={"csrftoken": token, "email": "d@a.example",
                                             "password": PASSWORD})
        assert forced.status_code == 403 and SESSION_COOKIE not in forced.headers.get("set-cookie", "")
        # The sign-in page's token ends at sign-in: a copy of it cannot post as the user after.
        manager = client(base)
        before = csrf_token(manager.get("/giris").text)
        signed = manager.post("/giris", data={"csrftoken": before, "email": "m@a.example",
                                              "password": PASSWORD})
        assert signed.status_code == 303
        assert manager.post("/cikis", data={"csrftoken": before}).status_code == 403


class _Attacker(BaseHTTPRequestHandler):
    """A page on another loopback port: fetches the portal's sign-in page anonymously, sets its
    cookies for the host (ports do not separate cookies) and auto-posts a dismissal."""

    portal = ""
    finding = 0

    def do_GET(self) -> None:
        with urllib.request.urlopen(f"{self.portal}/giris") as answer:
            page = answer.read().decode()
            cookies = [c.split(";")[0] for c in answer.headers.get_all("Set-Cookie") or []]
        token = csrf_token(page)
        body = (f'<!DOCTYPE html><form method="post" enctype="multipart/form-data" '
                f'action="{self.portal}/bulgu/{self.finding}/inceleme">'
                f'<input name="csrftoken" value="{html.escape(token)}">'
                '<input name="status" value="dismissed"><input name="note" value="bedava hediye">'
                '</form><script>document.forms[0].submit()</script>').encode()
        self.send_response(200)
        for cookie in cookies:
            if not cookie.startswith(SESSION_COOKIE + "="):
                self.send_header("Set-Cookie", f"{cookie}; Path=/")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


def test_in_chromium_a_page_on_another_port_cannot_record_a_dismissal(store) -> None:
    db_url, ids = store
    chromium = chromium_or_skip()
    with portal_server(portal_config(db_url)) as base, sync_playwright() as playwright:
        handler = type("Attacker", (_Attacker,), {"portal": base, "finding": ids["c1"]})
        attacker = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=attacker.serve_forever, daemon=True).start()
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            page.goto(f"{base}/giris")
            page.fill("input[name=email]", "m@a.example")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("h1")).to_contain_text("bulgu", timeout=20_000)
            with page.expect_response(lambda r: r.request.method == "POST") as posted:
                page.goto(f"http://127.0.0.1:{attacker.server_port}/")
            assert posted.value.status == 403
            assert count(db_url, FindingReview) == 0
            page.goto(f"{base}/bulgu/{ids['c1']}")  # still signed in: refused, not signed out
            expect(page.get_by_text("İnceleme kaydet")).to_be_visible()
        finally:
            browser.close()
            attacker.shutdown()


def _hold_login_attempts(db_url: str, held: threading.Event, release: threading.Event) -> None:
    """Lock the sign-in attempts table, as a slow writer would, until `release` is set."""
    engine = make_engine(db_url)
    with engine.connect() as connection:
        if db_url.startswith("sqlite"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # the one write lock
        else:
            connection.execute(text("LOCK TABLE login_attempts IN EXCLUSIVE MODE"))
        held.set()
        release.wait(30)
        connection.rollback()
    engine.dispose()


def test_a_stalled_sign_in_does_not_stall_other_pages(store) -> None:
    db_url, ids = store
    with portal_server(portal_config(db_url)) as base:
        auditor = client(base)
        assert sign_in(auditor, "d@a.example").status_code == 303
        held, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=_hold_login_attempts, args=(db_url, held, release))
        holder.start()
        assert held.wait(10)
        outcome: list[int] = []
        signer = client(base)
        token = csrf_token(signer.get("/giris").text)
        stalled = threading.Thread(target=lambda: outcome.append(signer.post("/giris", data={
            "csrftoken": token, "email": "m@a.example", "password": PASSWORD}).status_code))
        stalled.start()
        time.sleep(0.5)  # the sign-in now waits on the lock (argon2 done, its attempt not kept)
        try:
            for path, who in (("/giris", client(base)), (f"/bulgu/{ids['c1']}", auditor)):
                started = time.monotonic()
                assert who.get(path).status_code == 200
                # A stalled page would wait until the lock is released after this loop; 10 s
                # tells that apart from a busy CI machine (the page takes ~35 ms when quiet).
                assert time.monotonic() - started < 10, path
            assert not outcome  # it really was stalled meanwhile
        finally:
            release.set()
            holder.join(10)
        stalled.join(30)
        assert outcome == [303]


def test_hsts_only_over_https_said_by_a_trusted_proxy(store) -> None:
    db_url, _ = store
    with portal_server(portal_config(db_url)) as base:  # trusts 127.0.0.1 by default
        plain = httpx.get(f"{base}/giris")
        proxied = httpx.get(f"{base}/giris", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in plain.headers
    assert proxied.headers["strict-transport-security"] == "max-age=31536000"
    with portal_server(portal_config(db_url, web={"trusted_proxies": ["10.0.0.1"]})) as base:
        spoofed = httpx.get(f"{base}/giris", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in spoofed.headers


def test_importing_the_portal_computes_no_password_hash() -> None:
    """Every command imports the portal: argon2's dummy hash waits for the first sign-in."""
    probe = ("import argon2\ncalls = []\noriginal = argon2.PasswordHasher.hash\n"
             "argon2.PasswordHasher.hash = lambda self, *a, **k: calls.append(1) or original(self, *a, **k)\n"
             "import modaudit.web.portal.app\nprint(len(calls))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0"
