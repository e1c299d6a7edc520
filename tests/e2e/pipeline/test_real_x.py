"""X as it really answers: looping cursors, errors without data, both not-found forms, wrong
objects, candidates that stay candidates, tweets without created_at (collectors through tweepy
over loopback, the store on SQLite)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from modaudit.cli import cli
from modaudit.sandbox import Fault, Scenario, Simulator
from tests.conftest import migrate_quickly
from tests.support.scenarios import X_ACCOUNT, X_AYSE, X_TROLL, audit_x_night, small_x_scenario

ACCOUNT = X_ACCOUNT.user_id
ROOT = "1900000000000000001"  # the tweet whose conversation carries the replies
REPLIES = 35


@pytest.fixture
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return small_x_scenario(replies=getattr(request, "param", REPLIES))


@pytest.fixture
def world(scenario: Scenario, tmp_path: Path, write_config) -> Iterator[tuple[Simulator, Path]]:
    from modaudit.store.engine import make_engine

    url = f"sqlite:///{tmp_path / 'modaudit.db'}"
    migrate_quickly(url)
    engine = make_engine(url)
    engine.dispose()
    with Simulator(scenario) as simulator:
        yield simulator, write_config(url, simulator.base_url, [], x_accounts=(X_ACCOUNT,))


def _night(world, scenario: Scenario, day: int):
    return audit_x_night(world[1], world[0], scenario, day)


def _cli(world, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["--config", str(world[1]), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _requests(simulator: Simulator, route: str, day_start: int = 0) -> int:
    """Requests of one listing: the route, and for search the root tweet's conversation only."""
    return sum(1 for _, path, query in simulator.request_log[day_start:] if path.endswith(route)
               and query.get("query", f"conversation_id:{ROOT}") == f"conversation_id:{ROOT}")


@pytest.mark.parametrize(("route", "kind"), [("/2/tweets/search/recent", "repeat_cursor"),
                                           ("/blocking", "empty_pages"), ("/muting", "empty_pages"),
                                           ("/2/tweets/search/recent", "empty_pages")])
@pytest.mark.parametrize("scenario", [150], indirect=True)  # two pages of 100 under the root
def test_paging_that_never_ends_stops_incomplete_and_bounded(scenario, world, route: str,
                                                             kind: str) -> None:
    for user in (X_AYSE, X_TROLL):
        scenario.x_block(scenario.day(-1, 15), ACCOUNT, user)
        scenario.x_mute(scenario.day(-1, 15), ACCOUNT, user)
    simulator = world[0]
    # Replies are listed in full the first night (later nights read only new ones).
    night = 0 if "search" in route else 1
    if night:
        assert _night(world, scenario, 0).status == "ok"
    # From the first page on (empty pages), or once the first page has been served (repeat).
    simulator.add_fault(Fault(kind, path=route, after_items=100 if kind == "repeat_cursor" else 0,
                              start=scenario.day(night, 0)))
    before = len(simulator.request_log)
    result = _night(world, scenario, night)
    assert result.status == "partial"
    assert any("listing stopped" in w.message for w in result.warnings)
    items, page = (150, 100) if "search" in route else (2, 1000)
    # One scan once made 6,737 requests here before it was killed.
    assert _requests(simulator, route, before) <= math.ceil(items / page) + 2
    assert result.findings_closed == 0
    if night:  # (the first night records the lists and the restricted tweet, nothing from replies)
        assert result.events == 0


def test_errors_without_data_are_not_an_empty_block_list(scenario, world) -> None:
    scenario.x_block(scenario.day(-1, 15), ACCOUNT, X_TROLL)
    assert _night(world, scenario, 0).status == "ok"
    world[0].add_fault(Fault("errors_only", path="/blocking", start=scenario.day(1, 0),
                             end=scenario.day(3, 0)))
    for day in (1, 2):
        result = _night(world, scenario, day)
        assert result.status == "partial" and result.findings_closed == 0
        assert any(w.code == "blocked_incomplete" and "errors and no data" in w.message
                   for w in result.warnings)
    blocked = [f for f in _cli(world, "findings") if f["kind"] == "user_blocked"]
    assert [(f["subject_id"], f["status"]) for f in blocked] == [(X_TROLL.user_id, "open")]


@pytest.mark.parametrize(("host", "style"), [("api.x.com", "errors_200"), ("api.twitter.com", "errors_200"),
                                             ("api.x.com", "http_404")])
def test_not_found_in_every_documented_form_records_the_deletion(scenario, world, host: str,
                                                                 style: str) -> None:
    simulator = world[0]
    simulator.x_problems_host, simulator.x_not_found_style = host, style
    scenario.delete_tweet(scenario.day(1, 9), "1910000000000000001", by="author")
    assert _night(world, scenario, 0).status == "ok"
    result = _night(world, scenario, 1)
    assert result.status == "ok" and result.events == 1
    assert _night(world, scenario, 2).status == "ok"  # not "partial night after night"


def test_a_lookup_answering_another_tweet_is_no_answer(scenario, world) -> None:
    scenario.delete_tweet(scenario.day(1, 9), "1910000000000000001", by="author")
    assert _night(world, scenario, 0).status == "ok"
    world[0].add_fault(Fault("wrong_object", path="/2/tweets/1910000000000000001",
                             start=scenario.day(1, 0), end=scenario.day(2, 0)))
    night1 = _night(world, scenario, 1)
    assert night1.status == "partial" and night1.events == 0 and night1.listing_glitches == 0
    assert any(w.code == "lookup_failed" and "answered tweet" in w.message for w in night1.warnings)
    night2 = _night(world, scenario, 2)  # still a candidate: looked up again, now truthfully
    assert night2.status == "ok" and night2.events == 1


def test_a_reply_left_out_is_no_candidate_and_its_later_deletion_is_found(scenario, world) -> None:
    reply = "1910000000000000003"
    scenario.delete_tweet(scenario.day(2, 9), reply, by="author")
    assert _night(world, scenario, 0).status == "ok"
    world[0].add_fault(Fault("omit", item_id=reply, start=scenario.day(1, 0), end=scenario.day(2, 0)))
    night1 = _night(world, scenario, 1)  # only new replies are read: an absence proves nothing
    assert night1.listing_glitches == 0 and night1.events == 0
    night2 = _night(world, scenario, 2)  # the reply count dropped: listed in full, found gone
    assert night2.events == 1


def test_a_tweet_without_created_at_is_never_silently_skipped(scenario, world) -> None:
    world[0].add_fault(Fault("drop_field", path=f"/2/users/{ACCOUNT}/tweets", field="created_at",
                             item_id=ROOT))
    result = _night(world, scenario, 0)
    assert result.status == "partial"
    assert any("created_at missing" in w.message for w in result.warnings)
