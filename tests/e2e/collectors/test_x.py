"""The X collector on the real tweepy Client, over HTTP, against the simulator."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from collectors.records import AuthFailed
from collectors.x import XCollector, XCredentials, build_client
from modaudit.sandbox import Fault, Scenario, Simulator
from tests.support.scenarios import X_ACCOUNT, X_AYSE, X_TROLL, night, small_x_scenario

POST = "1900000000000000001"


@pytest.fixture
def scenario() -> Scenario:
    scenario = small_x_scenario(replies=23)
    scenario.reply(scenario.day(-1, 12), "1910000000000000099", "1910000000000000001", X_AYSE, "alt yanıt")
    scenario.x_block(scenario.day(-1, 13), X_ACCOUNT.user_id, X_TROLL)
    scenario.x_mute(scenario.day(-1, 13), X_ACCOUNT.user_id, X_AYSE)
    scenario.delete_tweet(scenario.day(0, 12), "1910000000000000005")
    return scenario


@pytest.fixture
def simulator(scenario: Scenario) -> Iterator[Simulator]:
    with Simulator(scenario) as sim:
        sim.set_now(night(scenario, 0))
        yield sim


def x_collector(simulator: Simulator, *, oauth2: bool = False, token: str | None = None,
                max_wait: float = 5.0, sleeps: list[float] | None = None) -> XCollector:
    if oauth2:
        credentials = XCredentials(oauth2_user_token=token or X_ACCOUNT.oauth2_user_token)
    else:
        credentials = XCredentials(X_ACCOUNT.consumer_key, X_ACCOUNT.consumer_secret,
                                   X_ACCOUNT.access_token, X_ACCOUNT.access_token_secret)
    client = build_client(credentials, base_url=simulator.base_url, timeout=2.0, max_retries=1,
                          backoff_seconds=0.01)

    def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)
        time.sleep(min(seconds, 2.0))

    return XCollector(client, X_ACCOUNT.user_id, user_auth=credentials.oauth1,
                      secrets=credentials.secrets(), max_wait=max_wait, sleep=sleep, page_size=10)


def collect(collector: XCollector, scenario: Scenario):
    return collector.collect(now=night(scenario, 0), since=scenario.day(-30))


@pytest.mark.parametrize("oauth2", [False, True])
def test_collects_tweets_replies_lists_and_reply_settings(simulator, scenario, oauth2: bool) -> None:
    snapshot = collect(x_collector(simulator, oauth2=oauth2), scenario)
    assert snapshot.posts_complete
    by_post = {listing.post.platform_id: listing for listing in snapshot.listings}
    assert by_post[POST].post.reply_settings == "everyone"
    assert by_post["1900000000000000002"].post.reply_settings == "mentionedUsers"
    replies = {c.platform_id: c for c in by_post[POST].comments}
    assert len(replies) == 23  # 24 replies, one deleted by its author; paged 10 at a time
    assert by_post[POST].complete
    nested = replies["1910000000000000099"]
    assert nested.parent_id == "1910000000000000001" and nested.author_name == "Ayşe Yılmaz (@ayse_y)"
    assert replies["1910000000000000000"].parent_id is None
    assert replies["1910000000000000002"].message == "Yanıt 2: İıŞş <script>x</script> 🙂"
    assert [u.platform_id for u in snapshot.blocked.users] == [X_TROLL.user_id]
    assert [u.platform_id for u in snapshot.muted.users] == [X_AYSE.user_id]
    assert snapshot.blocked.complete and snapshot.muted.complete
    searches = [q for _, path, q in simulator.request_log if path.endswith("search/recent")]
    assert len(searches) >= 3 and any("next_token" in q for q in searches)
    assert snapshot.api_calls == len(simulator.request_log)


def test_app_only_token_is_refused_clearly_without_echoing_it(simulator, scenario) -> None:
    with pytest.raises(AuthFailed) as caught:
        collect(x_collector(simulator, oauth2=True, token=X_ACCOUNT.app_bearer_token), scenario)
    assert "CANARY" not in str(caught.value)


@pytest.mark.parametrize("style", ["errors_200", "http_404"])
def test_lookup_takes_both_forms_of_not_found(simulator, style: str) -> None:
    simulator.x_not_found_style = style
    collector = x_collector(simulator)
    gone = collector.lookup_comment("1910000000000000005")
    assert gone.status == "gone"
    assert gone.answer["http_status"] == (404 if style == "http_404" else 200)
    assert collector.lookup_comment("1910000000000000006").status == "present"


def test_429_with_a_near_reset_is_waited_out(simulator, scenario) -> None:
    simulator.add_fault(Fault("x_rate_limit", path="/blocking", times=1, reset_after=0.3))
    sleeps: list[float] = []
    snapshot = collect(x_collector(simulator, sleeps=sleeps), scenario)
    assert snapshot.blocked.complete and len(sleeps) == 1 and sleeps[0] <= 2.5


def test_429_with_a_distant_reset_stops_the_listing(simulator, scenario) -> None:
    simulator.add_fault(Fault("x_rate_limit", path="/blocking", reset_after=3600))
    sleeps: list[float] = []
    snapshot = collect(x_collector(simulator, sleeps=sleeps), scenario)
    assert not snapshot.blocked.complete and sleeps == []
    assert any(w.code == "blocked_incomplete" for w in snapshot.warnings)


def test_429_without_reset_header_does_not_spin(simulator, scenario) -> None:
    simulator.add_fault(Fault("x_rate_limit_no_reset", path="/muting"))
    sleeps: list[float] = []
    snapshot = collect(x_collector(simulator, sleeps=sleeps), scenario)
    assert not snapshot.muted.complete and sleeps == []
    assert len([p for _, p, _ in simulator.request_log if p.endswith("/muting")]) == 1
    assert "no x-rate-limit-reset" in snapshot.muted.error


def test_cut_off_reply_search_is_incomplete_and_tokens_stay_masked(simulator, scenario) -> None:
    simulator.add_fault(Fault("cutoff", path="search/recent", after_items=10))
    snapshot = collect(x_collector(simulator), scenario)
    listing = next(item for item in snapshot.listings if item.post.platform_id == POST)
    assert not listing.complete and listing.error
    text = " ".join([w.message for w in snapshot.warnings] + [listing.error])
    assert "CANARY" not in text
