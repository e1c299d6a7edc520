"""The X API v2 simulator: faults, rate limits, ground truth and the demo account."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import requests
import tweepy

from modaudit.sandbox import (
    Fault,
    PageSpec,
    Scenario,
    ScenarioError,
    Simulator,
    demo_scenario,
)
from modaudit.sandbox.scenarios.x_demo import X_ACCOUNT, X_USERS, tweet_id
from tests.support.x_support import (
    ACCOUNT,
    ROOT,
    START,
    USERS,
    oauth1,
    raw,
    x_sim,  # noqa: F401 - provides the `sim` fixture
)


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
