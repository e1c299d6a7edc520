"""The X API v2 simulator through the real tweepy.Client and raw requests: auth and shapes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
import tweepy

from modaudit.sandbox import (
    Simulator,
)
from tests.support.x_support import (
    ACCOUNT,
    DELETED,
    FIELDS,
    OLD,
    OTHER,
    PROBLEM_401,
    REPLY_FIELDS,
    ROOT,
    SIDE,
    START,
    bearer,
    oauth1,
    raw,
    x_sim,  # noqa: F401 - provides the `sim` fixture
)

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
        "resource_type": "tweet",
        "parameter": "id",
        "value": DELETED,
        "resource_id": DELETED,
    }
    assert caught.value.response.headers["content-type"] == "application/problem+json"
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
