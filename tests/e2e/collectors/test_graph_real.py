"""The Graph collectors (facebook-sdk over loopback) against the quirks of the real Graph API."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from collectors.facebook import FacebookPageCollector, build_graph
from collectors.instagram import InstagramCollector
from modaudit.sandbox import Fault, Scenario, Simulator
from tests.support.ig_scenarios import IG_ACCOUNT, MEDIA, small_ig_scenario
from tests.support.scenarios import AYSE, IBRAHIM, PAGE, night, small_scenario


def _scenario(page=PAGE) -> Scenario:
    """The small scenario plus five more comments on post 1 and two posts outside the window."""
    scenario = small_scenario()
    scenario.pages = [page]
    for n in range(5):
        scenario.comment(scenario.day(-1, 10, n), "900100_1", f"20{n:02d}", AYSE, f"Yorum {n}")
    scenario.hide(scenario.day(-1, 12), "2004")  # the last comment: on the last page
    scenario.post(scenario.day(-45), PAGE.page_id, "900100_8", "Eski duyuru")
    scenario.post(scenario.day(-44), PAGE.page_id, "900100_9", "Pencere dışında kalan duyuru")
    scenario.comment(scenario.day(-44, 11), "900100_8", "3001", IBRAHIM, "Eski yorum")
    return scenario


@pytest.fixture
def simulator(request: pytest.FixtureRequest) -> Iterator[tuple[Simulator, Scenario]]:
    scenario = getattr(request, "param", None) or _scenario()
    with Simulator(scenario) as sim:
        sim.set_now(night(scenario, 0))
        yield sim, scenario


def _collect(sim: Simulator, scenario: Scenario, page_size: int = 2, token: str = PAGE.token):
    graph = build_graph(token=token, base_url=sim.base_url, version="v25.0", timeout=2.0,
                        max_retries=0, backoff_seconds=0.01)
    collector = FacebookPageCollector(graph, PAGE.page_id, page_size=page_size)
    return collector.collect(now=night(scenario, 0), since=night(scenario, 0) - timedelta(days=30))


def _requests(sim: Simulator, suffix: str) -> list[dict[str, str]]:
    return [query for _, path, query in sim.request_log if path.endswith(suffix)]


def test_paging_keeps_its_own_query_when_next_links_lose_it(simulator) -> None:
    """Real `next` links carry `since` blank and no `fields`: every page keeps both anyway."""
    sim, scenario = simulator
    sim.add_fault(Fault("blank_since", path="/posts"))
    sim.add_fault(Fault("blank_since", path="/comments"))
    snapshot = _collect(sim, scenario)
    assert snapshot.posts_complete and all(listing.complete for listing in snapshot.listings)
    assert {listing.post.platform_id for listing in snapshot.listings} == {"900100_1", "900100_2"}
    posts = _requests(sim, "900100/posts")
    assert len(posts) >= 1 and all(q.get("since") and "permalink_url" in q.get("fields", "")
                                   for q in posts)
    comments = _requests(sim, "900100_1/comments")
    assert len(comments) >= 4 and all("is_hidden" in q.get("fields", "") for q in comments)
    by_id = {c.platform_id: c for listing in snapshot.listings for c in listing.comments}
    assert by_id["2004"].is_hidden is True  # read from the last page, its fields intact


def test_listing_stops_by_date_at_the_watch_window_whatever_the_platform_sends(simulator) -> None:
    """Even if the platform ignores `since`, posts older than the window are not walked."""
    sim, scenario = simulator
    sim.add_fault(Fault("blank_since", path="/posts"))
    snapshot = _collect(sim, scenario, page_size=1)
    assert {listing.post.platform_id for listing in snapshot.listings} == {"900100_1", "900100_2"}
    assert snapshot.posts_complete
    assert not _requests(sim, "900100_8/comments") and not _requests(sim, "900100_9/comments")


@pytest.mark.parametrize("kind", ["repeat_cursor", "empty_pages"])
def test_paging_that_never_ends_is_bounded_and_incomplete(simulator, kind: str) -> None:
    """No listing can make more than ceil(items / page size) + 2 requests."""
    sim, scenario = simulator
    sim.add_fault(Fault(kind, path="900100_1/comments", after_items=4))
    snapshot = _collect(sim, scenario)
    listing = next(item for item in snapshot.listings if item.post.platform_id == "900100_1")
    assert not listing.complete and "listing stopped" in (listing.error or "")
    assert len(_requests(sim, "900100_1/comments")) <= math.ceil(9 / 2) + 2
    other = next(item for item in snapshot.listings if item.post.platform_id == "900100_2")
    assert other.complete


@pytest.mark.parametrize("simulator", [_scenario(replace(PAGE, tasks=("ANALYZE", "CREATE_CONTENT")))],
                         indirect=True)
def test_comments_without_id_name_the_missing_moderate_task(simulator) -> None:
    """Graph v11+ leaves comment ids out for a token without MODERATE: say so, compare nothing."""
    sim, scenario = simulator
    snapshot = _collect(sim, scenario)
    assert not any(listing.complete for listing in snapshot.listings if listing.comments or
                   listing.error)
    hints = [w.message for w in snapshot.warnings if w.code == "permission_missing"]
    assert hints and all("MODERATE" in hint and "Page token" in hint for hint in hints)
    assert not [w for w in snapshot.warnings if "bad data" in w.message]


@pytest.mark.parametrize(("kind", "value"), [("drop_field", None), ("retype_field", None),
                                             ("retype_field", 0)])
def test_a_missing_or_mistyped_is_hidden_is_never_read_as_visible(simulator, kind: str,
                                                                  value: object) -> None:
    """`is_hidden` absent, or "false" as a string: unknown visibility, and the listing incomplete."""
    sim, scenario = simulator
    sim.add_fault(Fault(kind, path="900100_1/comments", field="is_hidden", value=value))
    snapshot = _collect(sim, scenario)
    listing = next(item for item in snapshot.listings if item.post.platform_id == "900100_1")
    assert not listing.complete
    assert {c.is_hidden for c in listing.comments} == {None}
    assert any("is_hidden" in w.message for w in snapshot.warnings)


def test_a_lookup_answering_another_comment_is_an_error(simulator) -> None:
    """A lookup is checked against what was asked: another comment's data is not "present"."""
    sim, _ = simulator
    sim.add_fault(Fault("wrong_object", path="/1001"))
    graph = build_graph(token=PAGE.token, base_url=sim.base_url, version="v25.0", timeout=2.0)
    with pytest.raises(Exception, match="answered object"):
        FacebookPageCollector(graph, PAGE.page_id).lookup_comment("1001")


def test_the_ban_check_answers_for_one_user(simulator) -> None:
    """`/{page-id}/blocked?user=` says whether that user is banned now."""
    sim, scenario = simulator
    scenario.ban(scenario.day(-1), PAGE.page_id, AYSE)
    sim.set_now(night(scenario, 0) + timedelta(seconds=1))
    graph = build_graph(token=PAGE.token, base_url=sim.base_url, version="v25.0", timeout=2.0)
    page = FacebookPageCollector(graph, PAGE.page_id)
    assert page.is_listed("blocked", AYSE.user_id) is True
    assert page.is_listed("blocked", IBRAHIM.user_id) is False


def test_instagram_page_two_keeps_is_comment_enabled() -> None:
    """Instagram's `next` links lost `is_comment_enabled` too: media on page 2 keep their setting."""
    scenario = small_ig_scenario()
    with Simulator(scenario) as sim:
        sim.set_now(night(scenario, 0))
        sim.add_fault(Fault("blank_since", path="/media"))
        graph = build_graph(token=IG_ACCOUNT.token, base_url=sim.base_url, version="v25.0",
                            timeout=2.0, max_retries=0)
        collector = InstagramCollector(graph, IG_ACCOUNT.ig_user_id, page_size=1)
        snapshot = collector.collect(now=night(scenario, 0),
                                     since=night(scenario, 0) - timedelta(days=30))
    settings = {listing.post.platform_id: listing.post.reply_settings for listing in snapshot.listings}
    assert settings == {MEDIA[0]: "everyone", MEDIA[1]: "everyone", MEDIA[2]: "comments_disabled"}
    assert snapshot.posts_complete
