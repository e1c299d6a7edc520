"""A portal client over real HTTP (httpx against uvicorn on loopback) and what tests ask of it."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from modaudit.config import Config, parse_config
from modaudit.store.engine import make_engine
from tests.support.portal import PASSWORD

TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


def csrf_token(page: str) -> str:
    """The CSRF token a page's forms carry."""
    match = TOKEN.search(page)
    assert match, page[:400]
    return match.group(1)


def portal_config(db_url: str, **sections: Any) -> Config:
    """The portal's configuration over `db_url`, with extra sections (e.g. smtp, web)."""
    return parse_config({"database": {"url": db_url}, **sections})


def client(base: str) -> httpx.Client:
    """A browser-like client with its own cookies; redirects are not followed."""
    return httpx.Client(base_url=base, follow_redirects=False, timeout=30)


def sign_in(browser: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    """Open the sign-in page and submit it, as a person would."""
    token = csrf_token(browser.get("/giris").text)
    return browser.post("/giris", data={"csrftoken": token, "email": email, "password": password})


def toss_cookies(source: httpx.Client, target: httpx.Client, *, keep: str = "") -> None:
    """Set `source`'s cookies (but `keep`) in `target`'s jar, as a page on another port of the
    same host can: cookies are not separated by port, so they replace the portal's own."""
    for cookie in source.cookies.jar:
        if cookie.name != keep:
            target.cookies.jar.set_cookie(cookie)


def count(db_url: str, model: type, *where: Any) -> int:
    """Rows of `model` (matching `where`) now."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        value = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    engine.dispose()
    return value
