"""The X API v2 simulator through the real tweepy.Client and raw requests: auth, shapes, faults."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
import tweepy

from sandbox import (
    Fault,
    PageSpec,
    Scenario,
    ScenarioError,
    Simulator,
    XAccountSpec,
    XUser,
    demo_scenario,
)
from sandbox.x_demo import X_ACCOUNT, X_USERS, tweet_id

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


@pytest.fixture
def sim() -> Iterator[Simulator]:
    scenario = make_scenario()
    with Simulator(scenario) as simulator:
        simulator.set_now(scenario.day(10, 12))
        yield simulator


# -- auth --------------------------------------------------------------------------------------


def test_oauth1_and_oauth2_user_context(sim: Simulator) -> None:
    me = oauth1(sim).get_me(user_auth=True).data
    assert (me.id, me.username, me.name) == (111, "deneme_kaymakam", "Deneme Kaymakamlığı")
    assert bearer(sim, ACCOUNT.oauth2_user_token).get_me(user_auth=False).data.id == 111
    assert oauth1(sim, OTHER).get_me(user_auth=True).data.username == "baska"


def test_app_only_reads_tweets_but_gets_403_on_blocking_muting_and_me(sim: Simulator) -> None:
    app = bearer(sim, ACCOUNT.app_bearer_token)
    assert app.get_tweet(ROOT).data.text == "Duyuru 7 📢"
    assert app.search_recent_tweets(f"conversation_id:{SIDE}").data[0].id == 3001
    for path in ("/2/users/111/blocking", "/2/users/111/muting", "/2/users/me"):
        response = raw(sim, path, token=ACCOUNT.app_bearer_token)
        assert response.status_code == 403
        assert response.json() == {
            "title": "Unsupported Authentication",
            "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this "
            "endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 "
            "User Context].",
            "type": "https://api.twitter.com/2/problems/unsupported-authentication",
            "status": 403,
        }
    with pytest.raises(tweepy.Forbidden):
        app.get_blocked(user_auth=False)


def test_bad_credentials_are_401(sim: Simulator) -> None:
    for client in (
        oauth1(sim, consumer_secret="wrong"),  # bad signature
        oauth1(sim, access_token_secret="wrong"),
        oauth1(sim, access_token="111-unknown"),
        oauth1(sim, consumer_key=OTHER.consumer_key),  # keys of two different accounts
    ):
        with pytest.raises(tweepy.Unauthorized):
            client.get_users_tweets(ACCOUNT.user_id, user_auth=True)
    with pytest.raises(tweepy.Unauthorized) as caught:
        bearer(sim, "nope").get_tweet(ROOT)
    assert caught.value.response.json() == PROBLEM_401
    no_auth = requests.get(f"{sim.base_url}/2/tweets/{ROOT}", timeout=5)
    assert (no_auth.status_code, no_auth.json()) == (401, PROBLEM_401)
    unsigned = requests.get(
        f"{sim.base_url}/2/users/me",
        headers={"Authorization": 'OAuth oauth_consumer_key="ck-111", oauth_token="111-at"'},
        timeout=5,
    )
    assert unsigned.status_code == 401


def test_foreign_blocking_list_is_forbidden(sim: Simulator) -> None:
    response = raw(sim, "/2/users/222/blocking")
    assert response.status_code == 403
    assert response.json() == {
        "title": "Forbidden", "type": "about:blank", "status": 403, "detail": "Forbidden"
    }  # fmt: skip


# -- tweets, search, lookup ------------------------------------------------------------------


def test_users_tweets_paginate_with_requested_fields(sim: Simulator) -> None:
    client = oauth1(sim)
    pages = list(
        tweepy.Paginator(
            client.get_users_tweets, ACCOUNT.user_id, max_results=5, tweet_fields=FIELDS,
            user_auth=True,
        )
    )  # fmt: skip
    assert [len(p.data) for p in pages] == [5, 2]
    assert pages[0].meta["next_token"] and "next_token" not in pages[1].meta
    assert pages[0].meta["newest_id"] == ROOT and pages[0].meta["oldest_id"] == "1003"
    tweets = [t for p in pages for t in p.data]
    assert [t.id for t in tweets] == [1007, 1006, 1005, 1004, 1003, 1002, 1001]  # no 1008 yet
    newest = tweets[0]
    assert newest.created_at == START + timedelta(days=6, hours=9)
    assert (newest.reply_settings, newest.conversation_id, newest.author_id) == ("following", 1007, 111)
    assert newest.edit_history_tweet_ids == [1007]
    data = raw(sim, "/2/users/111/tweets", max_results=5, **{"tweet.fields": "created_at"}).json()
    assert set(data["data"][0]) == {"id", "text", "created_at", "edit_history_tweet_ids"}
    assert data["data"][0]["created_at"] == "2026-01-11T09:00:00.000Z"
    recent = client.get_users_tweets(
        ACCOUNT.user_id, start_time=START + timedelta(days=5), user_auth=True
    )
    assert [t.id for t in recent.data] == [1007, 1006]
    empty = raw(sim, "/2/users/111/tweets", start_time="2026-03-01T00:00:00Z")
    assert empty.json() == {"meta": {"result_count": 0}}
    assert raw(sim, "/2/users/111/tweets", max_results=4).status_code == 400


def test_search_recent_pages_one_conversations_replies(sim: Simulator) -> None:
    client = bearer(sim, ACCOUNT.oauth2_user_token)
    pages = list(
        tweepy.Paginator(
            client.search_recent_tweets, f"conversation_id:{ROOT}", max_results=10,
            tweet_fields=REPLY_FIELDS, expansions="author_id", user_fields=["username", "name"],
        )
    )  # fmt: skip
    assert [len(p.data) for p in pages] == [10, 2]
    assert "next_token" in pages[0].meta
    replies = [t for p in pages for t in p.data]
    ids = [t.id for t in replies]
    assert ids == sorted(ids, reverse=True) and ROOT not in {str(i) for i in ids}
    assert set(ids) == {2001, 2002, 2003, 2004, 2006, 2007, 2008, 2009, 2010, 2011, 2012, 2013}
    nested = next(t for t in replies if t.id == 2013)
    assert nested.conversation_id == 1007 and nested.in_reply_to_user_id == 502
    assert nested.referenced_tweets[0].type == "replied_to" and nested.referenced_tweets[0].id == 2002
    users = {u.id: u for p in pages for u in p.includes["users"]}
    assert users[501].name == "Ayşe Çınar" and users[505].username == "kullanici4"
    second = sim.request_log[-1][2]
    assert "next_token" in second and second["query"] == f"conversation_id:{ROOT}"
    # A reply older than seven days is out of reach; other queries are refused.
    assert raw(sim, "/2/tweets/search/recent", query=f"conversation_id:{OLD}").json() == {
        "meta": {"result_count": 0}
    }
    assert raw(sim, "/2/tweets/search/recent", query="from:kullanici0").status_code == 400


def test_search_start_time_older_than_seven_days_is_400(sim: Simulator) -> None:
    client = bearer(sim, ACCOUNT.oauth2_user_token)
    with pytest.raises(tweepy.BadRequest):
        client.search_recent_tweets(
            f"conversation_id:{ROOT}", start_time=START + timedelta(days=3, hours=11)
        )
    body = raw(
        sim, "/2/tweets/search/recent", query=f"conversation_id:{ROOT}",
        start_time="2026-01-08T00:00:00Z",
    ).json()  # fmt: skip
    assert body["title"] == "Invalid Request"
    assert body["type"] == "https://api.twitter.com/2/problems/invalid-request"
    assert body["detail"] == "One or more parameters to your request was invalid."
    (error,) = body["errors"]
    assert error["parameters"] == {"start_time": ["2026-01-08T00:00:00Z"]}
    assert error["message"] == (
        "Invalid 'start_time':'2026-01-08T00:00Z'. 'start_time' must be on or after 2026-01-08T12:00Z"
    )
    ok = client.search_recent_tweets(f"conversation_id:{ROOT}", start_time=START + timedelta(days=7))
    assert [t.id for t in ok.data] == [2013]


def test_deleted_reply_lookup_both_ways(sim: Simulator) -> None:
    client = oauth1(sim)
    gone = client.get_tweet(DELETED, user_auth=True)
    assert gone.data is None
    assert gone.errors == [
        {
            "value": DELETED,
            "detail": f"Could not find tweet with id: [{DELETED}].",
            "title": "Not Found Error",
            "resource_type": "tweet",
            "parameter": "id",
            "resource_id": DELETED,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }
    ]
    assert raw(sim, f"/2/tweets/{DELETED}").status_code == 200
    live = client.get_tweet("2004", tweet_fields=REPLY_FIELDS, expansions="author_id", user_auth=True)
    assert live.data.author_id == 504 and live.includes["users"][0].username == "kullanici3"
    sim.x_not_found_style = "http_404"
    with pytest.raises(tweepy.NotFound) as caught:
        client.get_tweet(DELETED, user_auth=True)
    assert caught.value.response.json() == {
        "title": "Not Found Error",
        "detail": f"Could not find tweet with id: [{DELETED}].",
        "type": "https://api.twitter.com/2/problems/resource-not-found",
        "status": 404,
    }
    assert client.get_tweet("2004", user_auth=True).data.id == 2004
    with pytest.raises(ValueError):
        sim.x_not_found_style = "shrug"


def test_get_tweets_mixes_data_and_errors(sim: Simulator) -> None:
    response = oauth1(sim).get_tweets([ROOT, DELETED, "2001", "9999"], user_auth=True)
    assert [t.id for t in response.data] == [1007, 2001]
    assert [(e["resource_id"], e["parameter"]) for e in response.errors] == [
        (DELETED, "ids"), ("9999", "ids")
    ]  # fmt: skip
    only_missing = raw(sim, "/2/tweets", ids=DELETED).json()
    assert set(only_missing) == {"errors"}
    assert raw(sim, "/2/tweets", ids="abc").status_code == 400


def test_blocking_and_muting_lists_paginate(sim: Simulator) -> None:
    client = oauth1(sim)
    pages = list(tweepy.Paginator(client.get_blocked, max_results=2, user_auth=True))
    assert [len(p.data) for p in pages] == [2, 2, 1]
    blocked = [u.id for p in pages for u in p.data]
    assert blocked == [505, 504, 503, 502, 501]  # most recent first
    assert pages[0].data[0].name == "Şükrü Çelik" and pages[0].data[0].username == "kullanici4"
    muted = bearer(sim, ACCOUNT.oauth2_user_token).get_muted(user_auth=False)
    assert [u.id for u in muted.data] == [505, 503]  # 504 was unmuted
    assert raw(sim, "/2/users/222/muting", token=OTHER.oauth2_user_token).json() == {
        "meta": {"result_count": 0}
    }


def test_state_follows_the_clock(sim: Simulator) -> None:
    scenario = sim.scenario
    client = oauth1(sim)
    sim.set_now(scenario.day(8, 11, 30))
    assert [u.id for u in client.get_blocked(user_auth=True).data] == [502, 501]
    assert client.get_tweet(DELETED, user_auth=True).errors
    root = client.get_tweet(ROOT, tweet_fields=["reply_settings"], user_auth=True).data
    assert root.reply_settings == "everyone"
    sim.set_now(scenario.day(7, 12))
    assert client.get_tweet(DELETED, user_auth=True).data.id == 2005
    assert client.get_blocked(user_auth=True).data is None
    sim.set_now(scenario.day(13))
    assert client.get_users_tweets(ACCOUNT.user_id, user_auth=True).data[0].id == 1008
    assert 501 not in [u.id for u in client.get_blocked(user_auth=True).data]


def test_headers_and_unknown_paths(sim: Simulator) -> None:
    response = raw(sim, "/2/users/111/blocking")
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["x-rate-limit-limit"] == "15"
    assert int(response.headers["x-rate-limit-remaining"]) == 14
    assert int(response.headers["x-rate-limit-reset"]) > time.time()
    assert int(response.headers["x-response-time"]) >= 1
    assert "Şükrü".encode() in response.content
    missing = raw(sim, "/2/spaces/search")
    assert missing.status_code == 404
    assert missing.json() == {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}
    assert "x-rate-limit-limit" in missing.headers
    assert raw(sim, "/2/tweets/abc").status_code == 400
    assert raw(sim, f"/2/tweets/{ROOT}", **{"tweet.fields": "nonsense"}).status_code == 400


# -- faults ------------------------------------------------------------------------------------


def test_rate_limit_with_and_without_reset(sim: Simulator) -> None:
    client = oauth1(sim)
    sim.add_fault(Fault("x_rate_limit", path="/2/users/111/blocking", times=1, reset_after=0.5))
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.get_blocked(user_auth=True)
    response = caught.value.response
    assert response.json() == {
        "title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
        "status": 429,
    }  # fmt: skip
    assert response.headers["x-rate-limit-remaining"] == "0"
    assert 0 <= int(response.headers["x-rate-limit-reset"]) - time.time() <= 1.5
    assert caught.value.reset_time == int(response.headers["x-rate-limit-reset"])
    assert len(client.get_blocked(user_auth=True).data) == 5  # times=1: the retry succeeds
    sim.add_fault(Fault("x_rate_limit_no_reset", path="/muting"))
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.get_muted(user_auth=True)
    assert caught.value.reset_time is None
    assert "x-rate-limit-reset" not in caught.value.response.headers
    assert sim.fault_counts == Counter({"x_rate_limit": 1, "x_rate_limit_no_reset": 1})


def test_http500_and_graph_only_kinds_on_x_routes(sim: Simulator) -> None:
    sim.add_fault(Fault("throttle_page", path="/2/"))  # a Graph kind: no effect on X
    sim.add_fault(Fault("http500", path="/2/tweets", times=1))
    with pytest.raises(tweepy.TwitterServerError):
        oauth1(sim).get_tweet(ROOT, user_auth=True)
    assert oauth1(sim).get_tweet(ROOT, user_auth=True).data.id == 1007
    assert sim.fault_counts == Counter({"http500": 1})


def test_cutoff_drops_the_connection_for_a_later_page(sim: Simulator) -> None:
    sim.add_fault(Fault("cutoff", path="/search/recent", after_items=3))
    first = raw(sim, "/2/tweets/search/recent", query=f"conversation_id:{ROOT}", max_results=10)
    body = first.json()
    assert len(body["data"]) == 3 and body["meta"]["next_token"]
    with pytest.raises(requests.exceptions.ConnectionError):
        raw(sim, "/2/tweets/search/recent", query=f"conversation_id:{ROOT}", max_results=10,
            next_token=body["meta"]["next_token"])  # fmt: skip
    assert sim.fault_counts["cutoff"] == 1
    assert raw(sim, "/2/users/111/blocking").status_code == 200


def test_omit_leaves_a_reply_out_of_search_but_lookup_finds_it(sim: Simulator) -> None:
    sim.add_fault(Fault("omit", path="/search/recent", item_id="2003"))
    listed = raw(sim, "/2/tweets/search/recent", query=f"conversation_id:{ROOT}", max_results=100)
    assert "2003" not in [t["id"] for t in listed.json()["data"]]
    assert raw(sim, "/2/tweets/2003").json()["data"]["id"] == "2003"
    assert sim.fault_counts["omit"] == 1


# -- scenarios ---------------------------------------------------------------------------------


def test_reply_settings_ground_truth_transitions() -> None:
    s = Scenario(start=START, pages=[], x_accounts=[ACCOUNT])
    s.tweet(s.day(0), ACCOUNT.user_id, "1", "açık")
    s.tweet(s.day(0, 11), ACCOUNT.user_id, "2", "kısıtlı", reply_settings="verified")
    s.reply(s.day(0, 12), "3", "1", USERS[0], "yanıt")
    s.set_reply_settings(s.day(1), "1", "following")
    s.set_reply_settings(s.day(2), "1", "mentionedUsers")  # still restricted: nothing new
    s.set_reply_settings(s.day(3), "1", "everyone")
    s.delete_tweet(s.day(4), "3", by="author")  # not moderation
    s.x_mute(s.day(5), ACCOUNT.user_id, USERS[1])
    truth = [(t.kind, t.subject_id, t.at) for t in s.ground_truth()]
    assert truth == [
        ("replies_restricted", "2", s.day(0, 11)),
        ("replies_restricted", "1", s.day(1)),
        ("replies_reopened", "1", s.day(3)),
        ("user_muted", USERS[1].user_id, s.day(5)),
    ]


def test_x_scenario_rejects_bad_references() -> None:
    cases = [
        lambda s: s.reply(s.day(1), "5", "404", USERS[0], "yok"),  # unknown parent
        lambda s: s.tweet(s.day(1), "999", "5", "hesap değil"),  # root post by a non-account
        lambda s: s.set_reply_settings(s.day(1), "1", "nobody"),
        lambda s: s.delete_tweet(s.day(1), "1", by="institution"),  # X has no such deleter
        lambda s: s.x_block(s.day(1), "999", USERS[0]),
    ]
    for case in cases:
        s = Scenario(start=START, pages=[PageSpec("1", "P", "t")], x_accounts=[ACCOUNT])
        s.tweet(s.day(0), ACCOUNT.user_id, "1", "kök")
        case(s)
        with pytest.raises(ScenarioError):
            s.validate()


def test_demo_x_account_ground_truth_and_faults() -> None:
    scenario = demo_scenario()
    assert scenario.x_accounts == [X_ACCOUNT]
    x_ids = {u.user_id for u in X_USERS.values()} | {tweet_id(f"t{n}") for n in range(1, 5)}
    truth = [t for t in scenario.ground_truth() if t.subject_id in x_ids]
    assert Counter(t.kind for t in truth) == Counter(
        user_blocked=3, user_unblocked=1, user_muted=2, user_unmuted=1, replies_restricted=2,
        replies_reopened=1,
    )  # fmt: skip
    assert all(8 <= t.at.hour <= 20 for t in truth)
    before_first_audit = scenario.ground_truth(until=scenario.day(0, 23, 30))
    assert {t.kind for t in before_first_audit if t.subject_id in x_ids} == {
        "user_blocked", "user_muted", "replies_restricted"
    }  # fmt: skip
    final = scenario.state_at(scenario.day(8)).x
    deleted = [t for t in final.tweets.values() if t.deleted]
    assert [(t.deleted_by, t.in_reply_to is not None) for t in deleted] == [("author", True)] * 2
    assert not {t.tweet_id for t in deleted} & {t.subject_id for t in truth}
    with Simulator(scenario) as sim:
        client = oauth1(sim, X_ACCOUNT)
        sim.set_now(scenario.day(4, 23, 30))
        with pytest.raises(tweepy.TooManyRequests) as caught:
            client.get_blocked(user_auth=True)
        assert caught.value.reset_time is not None
        assert X_USERS["mehmet"].user_id in {str(u.id) for u in client.get_blocked(user_auth=True).data}
        sim.set_now(scenario.day(5, 23, 30))
        with pytest.raises(tweepy.TooManyRequests) as caught:
            client.get_muted(user_auth=True)
        assert caught.value.reset_time is None
        sim.set_now(scenario.day(6, 23, 30))
        muted = {str(u.id) for u in client.get_muted(user_auth=True).data}
        assert muted == {X_USERS["trol"].user_id, X_USERS["gulsen"].user_id}
