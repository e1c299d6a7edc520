"""The portal on loopback over a store, its users, and Debian's Chromium driven by Playwright."""
# A small store of two institutions' findings (fill_small_store) serves the in-process and the
# over-HTTP tests of the portal's rules; the browser tests fill theirs by real audits.

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from modaudit.config import Config
from modaudit.intake.tail import apply_rules
from modaudit.store import users
from modaudit.store.engine import make_engine
from modaudit.store.schema import Finding
from modaudit.web.portal.app import build_app, server_config
from modaudit.web.portal.auth import hash_password
from tests.support.mailserver import free_port
from tests.support.stored_runs import StoredAccount, at, comment, new_event

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "doğru-parola-2026"
SECRET = "test-session-secret-0123456789abcdef"


def chromium_or_skip() -> Path:
    """The browser's path; the test is skipped without it unless CI requires it."""
    if not CHROMIUM.exists():
        if os.environ.get("MODAUDIT_REQUIRE_BROWSER"):
            pytest.fail(f"MODAUDIT_REQUIRE_BROWSER is set but {CHROMIUM} is missing (apt install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)")
    return CHROMIUM


@contextmanager
def portal_server(config: Config) -> Iterator[str]:
    """The portal over the configured store in a thread on a free port; yields its base URL."""
    engine = make_engine(config.database.url)
    port = free_port()
    server = uvicorn.Server(server_config(build_app(engine, config, SECRET), config, "127.0.0.1",
                                          port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()


def add_user(db_url: str, email: str, role: str, institutions: list[str],
             password: str | None = PASSWORD) -> str:
    """A user (with `password` set as the link would), and a fresh one-time token for them."""
    engine = make_engine(db_url)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        user = users.add_user(session, email, role, institutions, now)
        if password:
            users.redeem_token(session, users.issue_token(session, user, now), hash_password(password), now)
        token = users.issue_token(session, user, now)
    engine.dispose()
    return token


def fill_small_store(db_url: str, password: str = PASSWORD) -> dict[str, int]:
    """Two institutions' findings (c1, c2 of "Test Valiliği"; c9 of "Örnek Belediyesi") and one
    user per role (m@, d@, o@a.example) with `password`; returns finding ids by comment id."""
    engine = make_engine(db_url)
    with Session(engine) as session, session.begin():
        a, b = StoredAccount(session, "valilik"), StoredAccount(session, "belediye")
        session.execute(text("UPDATE accounts SET institution = 'Örnek Belediyesi' "
                             "WHERE name = 'belediye'"))
        a.run(at(0), {"p1": [comment("c1", text="=HYPERLINK(\"http://x\")"), comment("c2")]})
        b.run(at(0), {"p1": [comment("c9")]})
        events = a.record([new_event("comment_hidden", "c1", at(24), after=at(0)),
                           new_event("comment_hidden", "c2", at(24), after=at(0))], at(24))
        events += b.record([new_event("comment_hidden", "c9", at(24), after=at(0))], at(24))
        apply_rules(session, events, at(24))
        for email, role, institutions in (("m@a.example", "manager", ["Test Valiliği"]),
                                          ("d@a.example", "auditor", []),
                                          ("o@a.example", "operator", [])):
            user = users.add_user(session, email, role, institutions, at(0))
            users.redeem_token(session, users.issue_token(session, user, at(0)),
                               hash_password(password), at(0))
        ids = {f.subject_id: f.id for f in session.scalars(select(Finding))}
    engine.dispose()
    return ids
