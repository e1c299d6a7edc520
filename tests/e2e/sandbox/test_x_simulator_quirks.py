"""Real X quirks as injectable faults: cursors, empty pages, errors-only answers, odd objects."""

from __future__ import annotations

from collections import Counter

import pytest
import tweepy

from modaudit.sandbox import Fault, Scenario, Simulator, XApi
from tests.support.x_openapi import check_response, check_schema
from tests.support.x_support import (
    ACCOUNT,
    DELETED,
    FIELDS,
    OLD,
    ROOT,
    SIDE,
    START,
    oauth1,
    raw,
    x_sim,  # noqa: F401 - provides the `sim` fixture
)

BLOCKING = f"/2/users/{ACCOUNT.user_id}/blocking"
TWEETS = f"/2/users/{ACCOUNT.user_id}/tweets"
SEARCH = "/2/tweets/search/recent"


def _x_api(sim: Simulator) -> XApi:
    """The simulator's X module."""
    return next(api for api in sim.router.apis if isinstance(api, XApi))


# -- cursors --------------------------------------------------------------------------------------


def test_repeat_cursor_hands_back_the_token_it_was_asked_with(sim: Simulator) -> None:
    sim.add_fault(Fault("repeat_cursor", path="/blocking", after_items=2))
    pages = list(tweepy.Paginator(oauth1(sim).get_blocked, max_results=2, user_auth=True, limit=6))
    assert len(pages) == 6  # a naive client never gets out: only its own limit stops it
    tokens = [p.meta["next_token"] for p in pages]
    assert tokens == [tokens[0]] * 6  # the first page's own next token, handed back ever after
    assert [u.id for p in pages[1:] for u in p.data] == [503, 502] * 5  # the same page again
    assert sim.fault_counts == Counter(repeat_cursor=5)  # the first page was served as usual


def test_repeat_cursor_on_search_and_timelines(sim: Simulator) -> None:
    sim.add_fault(Fault("repeat_cursor", path=SEARCH, after_items=10, times=1))
    first = raw(sim, SEARCH, query=f"conversation_id:{ROOT}", max_results=10).json()
    token = first["meta"]["next_token"]
    second = raw(sim, SEARCH, query=f"conversation_id:{ROOT}", max_results=10, next_token=token)
    assert check_response(SEARCH, second)["meta"]["next_token"] == token
    assert len(second.json()["data"]) == 2  # otherwise served normally
    again = raw(sim, SEARCH, query=f"conversation_id:{ROOT}", max_results=10, next_token=token)
    assert "next_token" not in again.json()["meta"]  # times=1: used up
    sim.add_fault(Fault("repeat_cursor", path="/tweets", after_items=0))
    page = raw(sim, TWEETS, max_results=5).json()
    assert page["meta"]["next_token"]  # no token carried: nothing to repeat
    nxt = raw(sim, TWEETS, max_results=5, pagination_token=page["meta"]["next_token"]).json()
    assert nxt["meta"]["next_token"] == page["meta"]["next_token"]
    assert sim.fault_counts == Counter(repeat_cursor=2)


def test_repeat_page_serves_the_page_before_again_with_the_same_token(sim: Simulator) -> None:
    sim.add_fault(Fault("repeat_page", path="/tweets", after_items=5))
    first = raw(sim, TWEETS, max_results=5).json()
    token = first["meta"]["next_token"]
    again = raw(sim, TWEETS, max_results=5, pagination_token=token)
    body = check_response("/2/users/{id}/tweets", again)
    assert body["data"] == first["data"] and body["meta"]["next_token"] == token
    assert sim.fault_counts == Counter(repeat_page=1)


def test_overlap_pages_repeat_the_previous_pages_last_items_and_end(sim: Simulator) -> None:
    sim.add_fault(Fault("overlap_pages", path="/blocking", after_items=1, overlap=1))
    seen, token = [], None
    for _ in range(10):
        params = {"max_results": 2, **({"pagination_token": token} if token else {})}
        body = check_response("/2/users/{id}/blocking", raw(sim, BLOCKING, **params))
        seen += [user["id"] for user in body.get("data", [])]
        token = body["meta"].get("next_token")
        if token is None:
            break
    assert token is None  # the listing still ends
    assert len(seen) > len(set(seen))  # each later page began with the last one's last user
    assert sim.fault_counts["overlap_pages"] > 0


def test_empty_pages_offer_a_fresh_token_forever(sim: Simulator) -> None:
    sim.add_fault(Fault("empty_pages", path="/tweets", after_items=5))
    first = raw(sim, TWEETS, max_results=5).json()
    assert len(first["data"]) == 5
    seen, token = set(), first["meta"]["next_token"]
    for _ in range(4):
        answer = raw(sim, TWEETS, max_results=5, pagination_token=token)
        body = check_response("/2/users/{id}/tweets", answer)
        assert set(body) == {"meta"} and body["meta"]["result_count"] == 0
        token = body["meta"]["next_token"]
        assert token not in seen
        seen.add(token)
    assert sim.fault_counts == Counter(empty_pages=4)
    sim.add_fault(Fault("empty_pages", path="/blocking"))  # after_items=0: from the first page
    assert raw(sim, BLOCKING).json()["meta"]["next_token"]


# -- errors only ----------------------------------------------------------------------------------


def test_errors_only_is_a_200_with_problems_and_nothing_else(sim: Simulator) -> None:
    sim.add_fault(Fault("errors_only", path="/blocking", times=1))
    answer = raw(sim, BLOCKING)
    assert answer.status_code == 200
    body = check_response("/2/users/{id}/blocking", answer)
    assert set(body) == {"errors"}
    (error,) = body["errors"]
    assert error["type"] == "https://api.twitter.com/2/problems/resource-not-found"
    assert (error["resource_type"], error["resource_id"]) == ("user", ACCOUNT.user_id)
    blocked = oauth1(sim).get_blocked(user_auth=True)  # times=1: back to normal
    assert len(blocked.data) == 5
    sim.add_fault(Fault("errors_only", path="/muting", value="about:blank"))
    muted = oauth1(sim).get_muted(user_auth=True)  # tweepy sees no data and no next token
    assert muted.data is None and muted.meta == {}
    assert muted.errors == [
        {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank"}
    ]
    check_response("/2/users/{id}/muting", raw(sim, f"/2/users/{ACCOUNT.user_id}/muting"))
    sim.add_fault(Fault("errors_only", path="/2/tweets/2004", item_id="2004"))
    lookup = raw(sim, "/2/tweets/2004").json()
    assert lookup["errors"][0]["resource_id"] == "2004" and "data" not in lookup
    assert sim.fault_counts == Counter(errors_only=4)


# -- objects --------------------------------------------------------------------------------------


def test_drop_field_from_every_item_or_one(sim: Simulator) -> None:
    sim.add_fault(Fault("drop_field", path="/tweets", field="created_at", times=1))
    page = raw(sim, TWEETS, **{"tweet.fields": ",".join(FIELDS)}).json()
    assert all("created_at" not in t and "reply_settings" in t for t in page["data"])
    sim.add_fault(Fault("drop_field", path=SEARCH, field="author_id", item_id="2004"))
    replies = raw(sim, SEARCH, query=f"conversation_id:{ROOT}", **{"tweet.fields": "author_id"})
    missing = [t["id"] for t in replies.json()["data"] if "author_id" not in t]
    assert missing == ["2004"]
    check_response(SEARCH, replies)  # X's Tweet schema requires none of its fields
    sim.add_fault(Fault("drop_field", path="/blocking", field="id"))
    users = raw(sim, BLOCKING).json()["data"]
    assert all(set(u) == {"name", "username"} for u in users)
    with pytest.raises(AssertionError):
        check_schema("User", users[0])  # ...but a User needs its id
    sim.add_fault(Fault("drop_field", path=f"/2/tweets/{ROOT}", field="reply_settings"))
    root = oauth1(sim).get_tweet(ROOT, tweet_fields=["reply_settings"], user_auth=True)
    assert root.data.reply_settings is None
    assert sim.fault_counts == Counter(drop_field=4)


def test_drop_field_not_requested_is_not_counted(sim: Simulator) -> None:
    sim.add_fault(Fault("drop_field", path="/tweets", field="created_at"))
    assert raw(sim, TWEETS).json()["data"]
    assert sim.fault_counts == Counter()


def test_retype_field_with_a_value_or_as_a_string(sim: Simulator) -> None:
    lookup = f"/2/tweets/{ROOT}"
    sim.add_fault(Fault("retype_field", path=lookup, field="reply_settings", value="sideways"))
    sim.add_fault(Fault("retype_field", path=lookup, field="created_at", value=12345))
    sim.add_fault(Fault("retype_field", path=lookup, field="edit_history_tweet_ids"))
    data = raw(sim, lookup, **{"tweet.fields": "created_at,reply_settings"}).json()["data"]
    assert (data["reply_settings"], data["created_at"]) == ("sideways", 12345)
    assert data["edit_history_tweet_ids"] == "['1007']"
    sim.add_fault(Fault("retype_field", path=SEARCH, field="conversation_id", value=1007))
    body = raw(sim, SEARCH, query=f"conversation_id:{ROOT}", **{"tweet.fields": "conversation_id"})
    assert {t["conversation_id"] for t in body.json()["data"]} == {1007}
    assert sim.fault_counts == Counter(retype_field=4)


def test_wrong_object_answers_another_live_tweet(sim: Simulator) -> None:
    sim.add_fault(Fault("wrong_object", path="/2/tweets/2004", times=1))
    other = oauth1(sim).get_tweet("2004", tweet_fields=["conversation_id"], user_auth=True).data
    assert other.id != 2004 and other.conversation_id == int(ROOT)  # a sibling reply
    assert oauth1(sim).get_tweet("2004", user_auth=True).data.id == 2004  # times=1
    sim.add_fault(Fault("wrong_object", path=f"/2/tweets/{DELETED}"))
    gone = raw(sim, f"/2/tweets/{DELETED}", **{"tweet.fields": "conversation_id"}).json()
    assert "errors" not in gone and gone["data"]["conversation_id"] == ROOT  # "present"!
    check_response("/2/tweets/{id}", raw(sim, f"/2/tweets/{DELETED}"))
    sim.x_not_found_style = "http_404"
    assert raw(sim, f"/2/tweets/{DELETED}").status_code == 200  # in either not-found style
    sim.add_fault(Fault("wrong_object", path=f"/2/tweets/{SIDE}", item_id=OLD))
    assert raw(sim, f"/2/tweets/{SIDE}").json()["data"]["id"] == OLD
    assert raw(sim, TWEETS).status_code == 200  # not a lookup: untouched
    assert sim.fault_counts == Counter(wrong_object=5)


# -- problems, metrics, reply settings ------------------------------------------------------------


def test_problems_host_moves_every_problem_type(sim: Simulator) -> None:
    api = _x_api(sim)
    assert api.problems_host == "api.twitter.com"
    api.problems_host = "api.x.com"
    gone = raw(sim, f"/2/tweets/{DELETED}").json()
    assert gone["errors"][0]["type"] == "https://api.x.com/2/problems/resource-not-found"
    bad = raw(sim, TWEETS, max_results=1000)
    assert bad.json()["type"] == "https://api.x.com/2/problems/invalid-request"
    assert bad.headers["content-type"] == "application/problem+json"
    app = raw(sim, BLOCKING, token=ACCOUNT.app_bearer_token).json()
    assert app["type"] == "https://api.x.com/2/problems/unsupported-authentication"
    sim.add_fault(Fault("errors_only", path="/muting", times=1))
    muted = raw(sim, f"/2/users/{ACCOUNT.user_id}/muting").json()
    assert muted["errors"][0]["type"].startswith("https://api.x.com/2/problems/")
    unauthorized = raw(sim, TWEETS, token="nope")
    assert unauthorized.json()["type"] == "about:blank"  # not a URI on either host
    assert "x-rate-limit-limit" not in unauthorized.headers  # refused before rate limiting
    with pytest.raises(ValueError):
        api.problems_host = "twitter.com"
    with pytest.raises(ValueError):
        XApi(problems_host="api.example.com")


def test_public_metrics_count_live_replies_below_a_tweet(sim: Simulator) -> None:
    page = raw(sim, TWEETS, **{"tweet.fields": "public_metrics"}).json()["data"]
    counts = {t["id"]: t["public_metrics"]["reply_count"] for t in page}
    assert counts[ROOT] == 12  # 2001..2012 without the deleted 2005, and 2013
    assert (counts[SIDE], counts[OLD], counts["1005"]) == (1, 1, 0)
    nested = raw(sim, "/2/tweets/2002", **{"tweet.fields": "public_metrics"}).json()["data"]
    assert nested["public_metrics"] == {
        "retweet_count": 0, "reply_count": 1, "like_count": 0, "quote_count": 0,
        "bookmark_count": 0, "impression_count": 0,
    }  # fmt: skip
    assert "public_metrics" not in raw(sim, "/2/tweets/2002").json()["data"]


def test_reply_settings_other_is_accepted() -> None:
    s = Scenario(start=START, pages=[], x_accounts=[ACCOUNT])
    s.tweet(s.day(0), ACCOUNT.user_id, "1", "kimse", reply_settings="other")
    s.validate()
    with Simulator(s) as sim:
        sim.set_now(s.day(1))
        tweet = oauth1(sim).get_tweet("1", tweet_fields=["reply_settings"], user_auth=True)
        assert tweet.data.reply_settings == "other"
