"""The Facebook collector on the real facebook-sdk client, over HTTP, against the simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from collectors.facebook import FacebookPageCollector, build_graph, fetch_comments
from collectors.records import AuthFailed, NotFound
from modaudit.sandbox import Fault, Scenario, Simulator
from tests.support.scenarios import PAGE, TRICKY_TEXT, TROLL, night, small_scenario


@pytest.fixture
def scenario() -> Scenario:
    scenario = small_scenario()
    scenario.hide(scenario.day(-1), "1003")
    scenario.ban(scenario.day(-1), PAGE.page_id, TROLL)
    scenario.delete(scenario.day(0, hour=12), "1006")
    return scenario


@pytest.fixture
def simulator(scenario: Scenario) -> Iterator[Simulator]:
    with Simulator(scenario) as sim:
        sim.timeout_sleep = 0.5
        sim.set_now(night(scenario, 0))
        yield sim


def collector(simulator: Simulator, token: str = PAGE.token, timeout: float = 2.0) -> FacebookPageCollector:
    graph = build_graph(token=token, base_url=simulator.base_url, version="v25.0", timeout=timeout,
                        max_retries=2, backoff_seconds=0.01)
    return FacebookPageCollector(graph, PAGE.page_id, page_size=2)


def snapshot_of(simulator: Simulator, scenario: Scenario, token: str = PAGE.token, timeout: float = 2.0):
    now = night(scenario, 0)
    return collector(simulator, token, timeout).collect(now=now, since=scenario.day(-30))


def test_collects_posts_comments_replies_visibility_and_bans(simulator: Simulator,
                                                             scenario: Scenario) -> None:
    snapshot = snapshot_of(simulator, scenario)
    assert snapshot.posts_complete and all(listing.complete for listing in snapshot.listings)
    comments = {c.platform_id: c for listing in snapshot.listings for c in listing.comments}
    assert set(comments) == {"1001", "1002", "1003", "1004", "1005"}  # 1006 was deleted
    assert comments["1004"].parent_id == "1002"
    assert comments["1003"].is_hidden and not comments["1001"].is_hidden
    assert comments["1005"].message == TRICKY_TEXT
    assert comments["1005"].author_name == TROLL.name
    assert comments["1001"].created_at is not None and comments["1001"].created_at.tzinfo
    assert [u.platform_id for u in snapshot.blocked.users] == [TROLL.user_id]
    assert snapshot.blocked.complete
    assert snapshot.api_version == "v25.0"
    assert snapshot.api_calls >= 6  # page, posts, 3 comment pages on post 1, 1 on post 2, blocked


def test_pagination_follows_next_with_access_token(simulator: Simulator, scenario: Scenario) -> None:
    graph = collector(simulator).graph
    ids = [c["id"] for c in fetch_comments(graph, "900100_1", page_size=1)]
    assert ids == ["1001", "1002", "1003", "1004"]
    pages = [q for _, path, q in simulator.request_log if path.endswith("900100_1/comments")]
    assert len(pages) == 4 and all(q.get("filter") == "stream" for q in pages)


def test_lookup_distinguishes_gone_hidden_and_present(simulator: Simulator) -> None:
    page = collector(simulator)
    gone = page.lookup_comment("1006")
    assert gone.status == "gone" and "100/33" in gone.answer["error"]
    hidden = page.lookup_comment("1003")
    assert hidden.status == "present" and hidden.is_hidden
    assert page.lookup_comment("1001").is_hidden is False


def test_refused_token_is_auth_failed_and_never_echoed(simulator: Simulator, scenario: Scenario) -> None:
    with pytest.raises(AuthFailed) as caught:
        snapshot_of(simulator, scenario, token="wrong-CANARY-token")
    assert "CANARY" not in str(caught.value)


def test_throttling_marks_listing_incomplete_and_stops_listing(simulator: Simulator,
                                                               scenario: Scenario) -> None:
    simulator.add_fault(Fault("throttle_page", path="/comments"))
    snapshot = snapshot_of(simulator, scenario)
    assert not any(listing.complete for listing in snapshot.listings)
    assert any(w.code == "rate_limited" for w in snapshot.warnings)
    throttled_requests = [p for _, p, _ in simulator.request_log if p.endswith("/comments")]
    assert len(throttled_requests) == 1  # no hammering a throttled API


def test_transient_500_is_retried(simulator: Simulator, scenario: Scenario) -> None:
    simulator.add_fault(Fault("http500", path="900100_2/comments", times=1))
    snapshot = snapshot_of(simulator, scenario)
    assert all(listing.complete for listing in snapshot.listings)


def test_persistent_500_leaves_the_listing_incomplete(simulator: Simulator, scenario: Scenario) -> None:
    simulator.add_fault(Fault("http500", path="900100_2/comments"))
    snapshot = snapshot_of(simulator, scenario)
    by_post = {listing.post.platform_id: listing for listing in snapshot.listings}
    assert by_post["900100_1"].complete and not by_post["900100_2"].complete


def test_timeout_and_cutoff_leave_listings_incomplete_without_leaking_the_token(
        simulator: Simulator, scenario: Scenario) -> None:
    simulator.timeout_sleep = 1.0
    simulator.add_fault(Fault("timeout", path="900100_2/comments"))
    simulator.add_fault(Fault("cutoff", path="900100_1/comments", after_items=2))
    snapshot = snapshot_of(simulator, scenario, timeout=0.3)
    assert not any(listing.complete for listing in snapshot.listings)
    assert len(snapshot.listings[0].comments) + len(snapshot.listings[1].comments) >= 2
    text = " ".join(f"{w.code} {w.message}" for w in snapshot.warnings)
    text += " ".join(listing.error or "" for listing in snapshot.listings)
    assert "CANARY" not in text


def test_unknown_post_is_not_found(simulator: Simulator) -> None:
    with pytest.raises(NotFound, match="100/33"):
        list(fetch_comments(collector(simulator).graph, "no-such-post"))
