"""What reads cost: the meter's counts, X's prices, the projection and the budget's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from analysis.cost import account_costs, prices, reply_allowance, resource_cost
from collectors.paging import Page
from collectors.reads import ReadMeter, endpoint_of
from collectors.records import AccountReads, CommentListing, PostRecord, ReadPlan, UserListing
from collectors.x_plan import planned_collect
from modaudit.config import XConfig

NOW = datetime(2026, 10, 20, 23, 30, tzinfo=UTC)


def test_endpoints_name_routes_not_ids() -> None:
    assert endpoint_of("http://h/2/users/123/tweets?x=1") == "/2/users/:id/tweets"
    assert endpoint_of("http://h/2/users/me") == "/2/users/me"
    assert endpoint_of("http://h/v25.0/204_5/comments") == "/:id/comments"
    assert endpoint_of("http://h/2/tweets/search/recent") == "/2/tweets/search/recent"


def test_x_resources_are_counted_by_kind_and_once_per_run() -> None:
    meter = ReadMeter("x")
    page = {"data": [{"id": "1"}, {"id": "2"}], "includes": {"users": [{"id": "u1"}]}}
    meter.record("http://h/2/tweets/search/recent", page)
    meter.record("http://h/2/tweets/search/recent", page)  # read twice the same day: billed once
    meter.record("http://h/2/users/9/blocking", {"data": [{"id": "u1"}, {"id": "u2"}]})
    meter.record("http://h/2/users/me", {"data": {"id": "9"}})
    assert meter.resources("post") == 2
    assert meter.resources("user") == 2  # u1 in includes and on the list: one user
    assert meter.resources("owned") == 1
    assert meter.total_requests() == 4
    rows = {(e, k): (r, n) for e, k, r, n in meter.rows()}
    assert rows[("/2/tweets/search/recent", "post")] == (2, 2)
    assert rows[("/2/tweets/search/recent", "user")] == (0, 1)  # requests counted once


def test_graph_counts_requests_and_items() -> None:
    meter = ReadMeter("graph")
    meter.record("http://h/v25.0/1_2/comments", {"data": [{"id": "a"}, {"id": "b"}]})
    meter.record("http://h/v25.0/1_2/comments", {"data": [{"id": "a"}]})
    assert meter.total_requests() == 2 and meter.resources("item") == 3


def test_cost_arithmetic_and_projection() -> None:
    table = prices(XConfig())
    assert table == {"post": 0.005, "user": 0.010, "owned": 0.001}
    assert resource_cost("post", 1000, table) == pytest.approx(5.0)
    assert resource_cost("item", 1000, table) == 0
    rows = [AccountReads("x1", "x", "post", 30, 2000, 10), AccountReads("x1", "x", "user", 10, 300, 10),
            AccountReads("fb", "facebook", "item", 400, 9000, 10)]
    costs = {c.account: c for c in account_costs(rows, table, days=10)}
    assert costs["x1"].cost_usd == pytest.approx(2000 * 0.005 + 300 * 0.010)
    assert costs["x1"].projected_usd == pytest.approx(13.0 * 3)  # 10 days' rate over 30
    assert costs["x1"].requests == 40 and costs["x1"].posts == 2000 and costs["x1"].users == 300
    assert costs["fb"].cost_usd is None and costs["fb"].projected_usd is None
    assert reply_allowance(20.0, 15.5) == pytest.approx(4.5)
    assert reply_allowance(20.0, 25.0) == 0.0


class FakeX:
    """An X collector stand-in: lists, posts and replies, each reply read costs one post."""

    def __init__(self, posts: list[PostRecord]) -> None:
        self.posts = posts
        self.meter = ReadMeter("x")
        self.session = SimpleNamespace(calls=0)
        self.account_id = "9"
        self.listed: list[str] = []
        self.lists_read: list[str] = []

    def check_token(self) -> None:
        """Always fine."""

    def _list_users(self, relation: str, snapshot) -> UserListing:
        self.lists_read.append(relation)
        return UserListing(complete=True)

    def post_pages(self, since, since_id=None):
        yield Page([p.raw for p in self.posts], None, {})

    def tweets_by_id(self, ids):
        return iter(())

    def _list_replies(self, post, snapshot, since_id=None, authors=True) -> CommentListing:
        self.listed.append(post.platform_id)
        self.meter.seen[("/2/tweets/search/recent", "post")] |= {f"{post.platform_id}-{n}"
                                                                 for n in range(10)}
        return CommentListing(post=post, complete=True)


def _post(n: int, age_days: float) -> PostRecord:
    created = NOW - timedelta(days=age_days)
    raw = {"id": str(1000 + n), "text": "t", "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
           "conversation_id": str(1000 + n), "reply_settings": "everyone",
           "edit_history_tweet_ids": [str(1000 + n)],
           "public_metrics": {"retweet_count": 0, "reply_count": 10, "like_count": 0,
                              "quote_count": 0, "bookmark_count": 0, "impression_count": 0}}
    return PostRecord(str(1000 + n), created, "t", raw, "everyone", 10)


def test_the_budget_drops_the_oldest_posts_replies_first_and_never_the_lists() -> None:
    posts = [_post(1, 0.5), _post(2, 1.5), _post(3, 2.5), _post(4, 4.5)]  # newest first
    fake = FakeX(posts)
    plan = ReadPlan(due=lambda post: "scheduled", prices={"post": 0.005, "user": 0.010},
                    reply_allowance_usd=0.09)  # two posts' replies (2 x 10 x $0.005 = $0.10)
    snapshot = planned_collect(fake, now=NOW, since=NOW - timedelta(days=30), plan=plan)
    assert fake.lists_read == ["blocking", "muting"]
    assert fake.listed == ["1001", "1002"]
    skipped = {lst.post.platform_id: lst.skipped for lst in snapshot.listings}
    assert skipped == {"1001": None, "1002": None, "1003": "budget", "1004": "budget"}
    budget_listings = [lst for lst in snapshot.listings if lst.skipped == "budget"]
    assert all(not lst.complete and not lst.comments and lst.error is None for lst in budget_listings)
    assert [w.code for w in snapshot.warnings] == ["budget_skipped"]


def test_without_a_budget_every_due_post_is_read_and_the_rest_skipped_by_schedule() -> None:
    posts = [_post(1, 0.5), _post(2, 3.5)]
    fake = FakeX(posts)
    plan = ReadPlan(due=lambda post: "new" if post.platform_id == "1001" else None)
    snapshot = planned_collect(fake, now=NOW, since=NOW - timedelta(days=30), plan=plan)
    assert fake.listed == ["1001"]
    assert [lst.skipped for lst in snapshot.listings] == [None, "schedule"]
