"""The Instagram collector on the real facebook-sdk client, over HTTP, against the simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from collectors.facebook import build_graph
from collectors.instagram import InstagramCollector, fetch_media
from collectors.records import AuthFailed
from modaudit.sandbox import Fault, Scenario, Simulator
from tests.support.ig_scenarios import (
    IG_ACCOUNT,
    IG_ROJDA,
    IG_TROLL,
    MEDIA,
    comment_id,
    moderated_ig_scenario,
    simulating,
)
from tests.support.scenarios import TRICKY_TEXT, night


@pytest.fixture
def scenario() -> Scenario:
    return moderated_ig_scenario()


@pytest.fixture
def simulator(scenario: Scenario) -> Iterator[Simulator]:
    with simulating(scenario) as running:
        yield running


def collector(simulator: Simulator, token: str = IG_ACCOUNT.token) -> InstagramCollector:
    graph = build_graph(token=token, base_url=simulator.base_url, version="v25.0", timeout=2.0,
                        max_retries=2, backoff_seconds=0.01)
    return InstagramCollector(graph, IG_ACCOUNT.ig_user_id, page_size=2)


def test_collects_media_comments_replies_hidden_and_comment_settings(simulator: Simulator,
                                                                    scenario: Scenario) -> None:
    snapshot = collector(simulator).collect(now=night(scenario, 0), since=scenario.day(-30))
    assert snapshot.posts_complete and all(listing.complete for listing in snapshot.listings)
    assert [listing.post.platform_id for listing in snapshot.listings] == list(reversed(MEDIA))
    settings = {listing.post.platform_id: listing.post.reply_settings for listing in snapshot.listings}
    assert settings == {MEDIA[0]: "everyone", MEDIA[1]: "everyone", MEDIA[2]: "comments_disabled"}
    comments = {c.platform_id: c for listing in snapshot.listings for c in listing.comments}
    assert set(comments) == {comment_id(n) for n in (1, 2, 3, 4, 5)}  # 6 was deleted
    reply = comments[comment_id(4)]
    assert reply.parent_id == comment_id(2) and reply.post_id == MEDIA[0]
    assert comments[comment_id(3)].is_hidden and not comments[comment_id(1)].is_hidden
    assert comments[comment_id(3)].message == TRICKY_TEXT
    assert comments[comment_id(3)].author_name == IG_TROLL.username
    assert comments[comment_id(2)].author_id == IG_ROJDA.user_id
    assert comments[comment_id(1)].created_at is not None and comments[comment_id(1)].created_at.tzinfo
    assert snapshot.blocked is None and snapshot.muted is None  # Instagram has no block-list API
    assert snapshot.api_version == "v25.0"


def test_media_paging_follows_next_and_stops_at_the_window(simulator: Simulator,
                                                           scenario: Scenario) -> None:
    graph = collector(simulator).graph
    assert [m["id"] for m in fetch_media(graph, IG_ACCOUNT.ig_user_id, scenario.day(-30), 1)] == \
        list(reversed(MEDIA))
    media_pages = [q for _, path, q in simulator.request_log if path.endswith("/media")]
    assert len(media_pages) == 3 and all("is_comment_enabled" in q["fields"] for q in media_pages)
    recent = [m["id"] for m in fetch_media(graph, IG_ACCOUNT.ig_user_id, scenario.day(-2, 0), 1)]
    assert recent == [MEDIA[2], MEDIA[1]]


def test_lookup_distinguishes_gone_hidden_and_present(simulator: Simulator) -> None:
    account = collector(simulator)
    gone = account.lookup_comment(comment_id(6))
    assert gone.status == "gone" and "100/33" in gone.answer["error"]
    hidden = account.lookup_comment(comment_id(3))
    assert hidden.status == "present" and hidden.is_hidden
    assert account.lookup_comment(comment_id(1)).is_hidden is False


def test_deleting_a_comment_takes_its_replies(simulator: Simulator, scenario: Scenario) -> None:
    scenario.ig_delete(scenario.day(1, 9), comment_id(2), by="author")
    simulator.set_now(night(scenario, 1))
    snapshot = collector(simulator).collect(now=night(scenario, 1), since=scenario.day(-30))
    listed = {c.platform_id for listing in snapshot.listings for c in listing.comments}
    assert comment_id(2) not in listed and comment_id(4) not in listed
    assert collector(simulator).lookup_comment(comment_id(4)).status == "gone"


def test_refused_token_is_auth_failed_and_never_echoed(simulator: Simulator, scenario: Scenario) -> None:
    with pytest.raises(AuthFailed) as caught:
        collector(simulator, token="wrong-CANARY-token").collect(now=night(scenario, 0),
                                                                 since=scenario.day(-30))
    assert "CANARY" not in str(caught.value)


def test_cut_off_comment_listing_is_incomplete(simulator: Simulator, scenario: Scenario) -> None:
    simulator.add_fault(Fault("cutoff", path=f"{MEDIA[0]}/comments", after_items=2))
    snapshot = collector(simulator).collect(now=night(scenario, 0), since=scenario.day(-30))
    by_media = {listing.post.platform_id: listing for listing in snapshot.listings}
    assert not by_media[MEDIA[0]].complete and by_media[MEDIA[1]].complete
    assert any(w.code == "listing_incomplete" for w in snapshot.warnings)
