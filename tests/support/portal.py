"""The portal on loopback over a store, its users, and Debian's Chromium driven by Playwright."""

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
from sqlalchemy.orm import Session

from modaudit.config import Config
from modaudit.store import users
from modaudit.store.engine import make_engine
from modaudit.web.portal.app import build_app
from modaudit.web.portal.auth import hash_password
from tests.support.mailserver import free_port

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
    server = uvicorn.Server(uvicorn.Config(build_app(engine, config, SECRET), host="127.0.0.1",
                                           port=port, log_level="warning"))
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
