"""Shared scenario, clients and fixture for the X simulator tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import tweepy

from modaudit.sandbox import (
    Scenario,
    Simulator,
    XAccountSpec,
    XUser,
)

TWITTER = "https://api.twitter.com"
START = datetime(2026, 1, 5, tzinfo=UTC)
ACCOUNT = XAccountSpec(
    "111", "deneme_kaymakam", "Deneme Kaymakamlığı", "ck-111", "cs-111", "111-at", "ats-111",
    "o2-user-111", "app-bearer",
)  # fmt: skip
OTHER = XAccountSpec("222", "baska", "Başka Hesap", "ck-222", "cs-222", "222-at", "ats-222", "o2-222")
USERS = [XUser(str(501 + n), f"kullanici{n}", name) for n, name in enumerate(
    ["Ayşe Çınar", "Ömer Işık", "Trol Hesap", "Gülşen Doğan", "Şükrü Çelik"]
)]  # fmt: skip
ROOT, SIDE, OLD = "1007", "1006", "1001"
DELETED = "2005"
FIELDS = ["created_at", "conversation_id", "reply_settings", "author_id"]
REPLY_FIELDS = ["author_id", "in_reply_to_user_id", "referenced_tweets", "conversation_id"]
PROBLEM_401 = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}


def make_scenario() -> Scenario:
    """Account 111: tweets 1001..1007 (days 0..6), replies to 1007, 1006 and the old 1001."""
    s = Scenario(start=START, pages=[], x_accounts=[ACCOUNT, OTHER])
    for n in range(7):
        s.tweet(s.day(n, 9), ACCOUNT.user_id, str(1001 + n), f"Duyuru {n + 1} 📢")
    s.tweet(s.day(3, 9), OTHER.user_id, "1500", "Başka hesabın duyurusu")
    s.reply(s.day(0, 10), "4001", OLD, USERS[0], "Eski yanıt")
    for n in range(12):  # 2001..2012 in conversation 1007, day 6 10:00 onwards, hourly
        s.reply(s.day(6, 10 + n), str(2001 + n), ROOT, USERS[n % 4], f"Yanıt {n + 1} <b>!</b>")
    s.reply(s.day(7, 9), "2013", "2002", USERS[4], "Yanıta yanıt 🙂")
    s.reply(s.day(7, 10), "3001", SIDE, USERS[1], "Diğer konuşma")
    s.delete_tweet(s.day(8, 9), DELETED, by="author")
    for n, user in enumerate(USERS):
        s.x_block(s.day(8, 10 + n), ACCOUNT.user_id, user)
    s.x_mute(s.day(8, 10), ACCOUNT.user_id, USERS[2])
    s.x_mute(s.day(8, 11), ACCOUNT.user_id, USERS[3])
    s.x_mute(s.day(8, 12), ACCOUNT.user_id, USERS[4])
    s.x_mute(s.day(8, 13), ACCOUNT.user_id, USERS[3], muted=False)
    s.set_reply_settings(s.day(8, 14), ROOT, "following")
    # After the clock the tests use (day 10, 12:00):
    s.tweet(s.day(12, 9), ACCOUNT.user_id, "1008", "Gelecek duyuru")
    s.x_block(s.day(12, 10), ACCOUNT.user_id, USERS[0], blocked=False)
    s.validate()
    return s


class RewritingSession(requests.Session):
    """Sends tweepy's api.twitter.com requests to the simulator instead."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if url.startswith(TWITTER):
            url = self.base_url + url[len(TWITTER) :]
        kwargs.setdefault("timeout", 5)
        return super().request(method, url, *args, **kwargs)


def oauth1(sim: Simulator, account: XAccountSpec = ACCOUNT, **override: str) -> tweepy.Client:
    """A tweepy client with OAuth 1.0a user-context keys (call with user_auth=True)."""
    keys = {
        "consumer_key": account.consumer_key,
        "consumer_secret": account.consumer_secret,
        "access_token": account.access_token,
        "access_token_secret": account.access_token_secret,
        **override,
    }
    client = tweepy.Client(**keys)
    client.session = RewritingSession(sim.base_url)
    return client


def bearer(sim: Simulator, token: str) -> tweepy.Client:
    """A tweepy client with a bearer token (OAuth 2.0 user token or app-only)."""
    client = tweepy.Client(bearer_token=token)
    client.session = RewritingSession(sim.base_url)
    return client


def raw(
    sim: Simulator, path: str, token: str = ACCOUNT.oauth2_user_token, **params: Any
) -> requests.Response:
    """GET a /2 path with a bearer token."""
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{sim.base_url}{path}", params=params, headers=headers, timeout=5)


@pytest.fixture(name="sim")
def x_sim() -> Iterator[Simulator]:
    """A simulator serving the X scenario, its clock on day 10."""
    scenario = make_scenario()
    with Simulator(scenario) as simulator:
        simulator.set_now(scenario.day(10, 12))
        yield simulator
