"""The Bluesky collector over hand-written lexicon-shaped answers, through the atproto SDK unchanged:
its collection and lookups (its identity: test_bluesky_identity.py).

Fixtures: tests/fixtures/bluesky/*.json (sources in tests/fixtures/SOURCES.md), served by an httpx
MockTransport handed to the SDK's own httpx client (tests/unit/collectors/bluesky_net.py).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest

from collectors.listings import THROTTLED
from collectors.records import PlatformError, RateLimited, ReadPlan
from tests.fixtures import load
from tests.unit.collectors.bluesky_net import (
    APPVIEW,
    DID,
    P1,
    P2,
    REPLIER_DID,
    Network,
    answer,
    collector,
    fixture,
)

RULE = "app.bsky.feed.threadgate#"
NOW = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
SINCE = datetime(2026, 11, 20, tzinfo=UTC)
AHMET = "did:plc:ahmetkaya2vq3rn4sx5tz6ab"
ZEYNEP = "did:plc:zeynepdemir3wb4xc5yd6ze7"
MODLIST = "at://did:plc:sivilizleme6ta7ub2vc3wd/app.bsky.graph.list/3l7xk2mabcd2s"
R1 = f"at://{REPLIER_DID}/app.bsky.feed.post/3lcmr7tjqkk2b"
R1A = "at://did:plc:elifyilmaz5pe6qf7rg2sh3t/app.bsky.feed.post/3lcmrq5dzbs2w"
R2 = f"at://{AHMET}/app.bsky.feed.post/3lcmsk4wh5c2d"
RESET = 1796451600  # 2026-12-05T06:20:00Z


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


# --- one whole pass -----------------------------------------------------------------------------------


def test_collect_maps_blocks_listblocks_gates_posts_and_threads() -> None:
    """Every mapping of a full pass over the fixtures, with nothing incomplete and no warning."""
    network = Network()
    snapshot = collector(network).collect(now=NOW, since=SINCE)
    assert snapshot.warnings == [] and snapshot.posts_complete
    assert snapshot.muted is None  # mutes are private

    blocked = snapshot.blocked
    assert blocked is not None and blocked.complete
    users = {user.platform_id: user for user in blocked.users}
    assert list(users) == [AHMET, ZEYNEP, MODLIST]
    ahmet = users[AHMET]
    assert (ahmet.name, ahmet.recorded_at) == ("ahmetkaya.example.tr", utc(2026, 12, 3, 21, 47, 12, 318000))
    assert ahmet.raw["uri"] == f"at://{DID}/app.bsky.graph.block/3lcfw6ab7ds2x"
    assert ahmet.raw["cid"] == "bafyreidkbl3ahmetblokkaydi7hqw2vmz4rxsp5tn6ujy3oe2ikgqa4fbm"
    assert (ahmet.raw["createdAt"], ahmet.raw["kind"]) == ("2026-12-03T21:47:12.318Z", "block")
    listblock = users[MODLIST]
    assert listblock.raw["kind"] == "listblock" and listblock.raw["members_complete"]
    assert listblock.name == "Yeşilvadi taciz hesapları"
    assert listblock.recorded_at == utc(2026, 11, 29, 12, 30)
    assert [m["handle"] for m in listblock.raw["members"]] == ["berzanaslan.example.tr",
                                                               "haticeoz.example.tr"]

    posts = {listing.post.platform_id: listing for listing in snapshot.listings}
    assert list(posts) == [P1, P2]  # the repost is not the account's, the October post is too old
    first = posts[P1].post
    assert first.reply_settings == "list,mention"
    assert first.created_at == utc(2026, 12, 4, 9, 15)
    assert first.message is not None and first.message.startswith("7 Aralık Pazartesi")
    assert first.permalink == "https://bsky.app/profile/belediye.example.tr/post/3lcmq2fyzw22a"
    assert first.comment_count == 3
    gate = dict(first.raw["threadgate"])
    value = gate.pop("value")  # the record's value as listed, for Jetstream to compare with
    assert value["post"] == P1 and value["allow"] == gate["allow"]
    assert gate == {"uri": f"at://{DID}/app.bsky.feed.threadgate/3lcmq2fyzw22a",
                                       "cid": "bafyreic7thgate3su5kesinti2ma4y6wqxn7vlor3bkd2pejuzfh4gts6e",
                                       "createdAt": "2026-12-04T18:02:11.044000+00:00",
                                       "allow": [{"$type": f"{RULE}mentionRule"},
                                                 {"$type": f"{RULE}listRule",
                                                  "list": f"at://{DID}/app.bsky.graph.list/3lbzmuhtar2c2"}]}
    assert first.raw["postgate"] is None
    assert posts[P2].post.reply_settings == "nobody"
    assert posts[P2].post.raw["postgate"]["uri"] == f"at://{DID}/app.bsky.feed.postgate/3lcjx5b7pk42c"

    thread = posts[P1]
    assert thread.complete and thread.error is None
    replies = {reply.platform_id: reply for reply in thread.comments}
    assert list(replies) == [R1, R1A, R2]
    assert (replies[R1].parent_id, replies[R1A].parent_id, replies[R2].parent_id) == (None, R1, None)
    assert {uri: reply.is_hidden for uri, reply in replies.items()} == {R1: False, R1A: False, R2: True}
    assert (replies[R2].author_id, replies[R2].author_name) == (AHMET, "ahmetkaya.example.tr")
    assert replies[R2].created_at == utc(2026, 12, 4, 11, 45, 17, 230000)
    assert replies[R2].raw["cid"] == "bafyreidk5ahmetelestiri2su7kesintisi3qw4ex5rt6yu7io2pa3sdf"
    assert all(reply.post_id == P1 for reply in thread.comments)
    assert posts[P2].complete and posts[P2].comments == []

    assert snapshot.detached_quotes is not None and len(snapshot.detached_quotes) == 1
    quote = snapshot.detached_quotes[0]
    assert (quote.post_id, quote.quote_uri) == (
        P2, "at://did:plc:elifyilmaz5pe6qf7rg2sh3t/app.bsky.feed.post/3lckb2zq6gs2o")
    assert quote.record_uri == f"at://{DID}/app.bsky.feed.postgate/3lcjx5b7pk42c"
    assert quote.recorded_at == utc(2026, 12, 3, 7, 41, 58, 120000)
    # Context read from the quoting post's own repository: its author's handle and its text.
    assert (quote.quote_author, quote.quote_text) == (
        "elifyilmaz.example.tr", "Yol çalışması yine uzadı, duyuruya bakın 👇")


def test_an_unreadable_quote_is_kept_without_its_context() -> None:
    """The postgate is the evidence: a quoting post that cannot be read leaves author and text
    unknown (a warning says so), and the detached quote is still reported."""
    network = Network()
    network.override["com.atproto.repo.getRecord"] = lambda r: fixture("get_record_400_not_found", 400)
    snapshot = collector(network).collect(now=NOW, since=SINCE)
    assert snapshot.detached_quotes is not None and len(snapshot.detached_quotes) == 1
    quote = snapshot.detached_quotes[0]
    assert (quote.quote_author, quote.quote_text) == (None, None)
    assert [w.code for w in snapshot.warnings] == ["quote_unread"]


def test_collect_sends_the_documented_queries_and_no_credential() -> None:
    """listRecords on the PDS (limit 100, repo = the DID), the feed without replies, full threads."""
    network = Network()
    account = collector(network)
    snapshot = account.collect(now=NOW, since=SINCE)
    assert all("authorization" not in request.headers for request in network.requests)
    listed = network.asked("com.atproto.repo.listRecords")
    assert {r.url.host for r in listed} == {"pds.example.tr"}
    assert {r.url.params["collection"] for r in listed} == {
        "app.bsky.graph.block", "app.bsky.graph.listblock", "app.bsky.feed.threadgate",
        "app.bsky.feed.postgate"}
    assert all(r.url.params["repo"] == DID and r.url.params["limit"] == "100" for r in listed)
    feed = network.asked("app.bsky.feed.getAuthorFeed")
    assert [(r.url.host, r.url.params["filter"]) for r in feed] == [
        ("appview.example.tr", "posts_no_replies")]
    threads = network.asked("app.bsky.feed.getPostThread")
    assert [(r.url.params["uri"], r.url.params["depth"], r.url.params["parentHeight"])
            for r in threads] == [(P1, "1000", "0"), (P2, "1000", "0")]
    assert snapshot.api_calls == account.api_calls == len(network.requests)
    rows = {endpoint: (requests, items) for endpoint, _, requests, items in account.meter.rows()}
    assert rows["/xrpc/com.atproto.repo.listRecords"] == (len(listed), 6)  # 2 blocks, 1 listblock, 3 gates
    profiles = network.asked("app.bsky.actor.getProfiles")
    assert [r.url.params.get_list("actors") for r in profiles] == [[AHMET, ZEYNEP]]


def test_plan_reads_only_due_threads_and_skips_lists_when_not_due() -> None:
    """A plan that says no post is due and the lists are not: listings skipped, `blocked` unread."""
    network = Network()
    plan = ReadPlan(due=lambda post: "day_1" if post.platform_id == P1 else None, lists=False)
    snapshot = collector(network).collect(now=NOW, since=SINCE, plan=plan)
    listings = {listing.post.platform_id: listing for listing in snapshot.listings}
    assert listings[P1].complete and listings[P2].skipped == "schedule"
    assert snapshot.blocked is None
    assert [r.url.params["uri"] for r in network.asked("app.bsky.feed.getPostThread")] == [P1]


# --- incomplete, never inferred from ------------------------------------------------------------------


def test_a_repeating_cursor_cuts_the_block_listing() -> None:
    """A PDS that hands back the same cursor: the block listing is incomplete, with the reason."""
    network = Network()
    network.override["com.atproto.repo.listRecords"] = lambda r: (
        fixture("list_records_block_p1") if r.url.params["collection"] == "app.bsky.graph.block" else None)
    snapshot = collector(network).collect(now=NOW, since=SINCE)
    assert snapshot.blocked is not None and not snapshot.blocked.complete
    assert "cursor it had already given" in (snapshot.blocked.error or "")
    assert [w.code for w in snapshot.warnings] == ["blocked_incomplete"]


def test_a_429_stops_the_threads_with_its_reset_time() -> None:
    """A 429 with ratelimit-* headers: that thread throttled (reset kept), the next not listed."""
    network = Network()
    headers = {"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": str(RESET),
               "ratelimit-policy": "3000;w=300"}
    network.override["app.bsky.feed.getPostThread"] = lambda r: fixture("error_429_rate_limit", 429, headers)
    sleeps: list[float] = []
    snapshot = collector(network, sleeps=sleeps).collect(now=NOW, since=SINCE)
    first, second = snapshot.listings
    assert not first.complete and (first.error or "").startswith(THROTTLED)
    assert "ratelimit-remaining 0" in (first.error or "")
    assert second.error == "not listed: throttled earlier in this run"
    assert len(network.asked("app.bsky.feed.getPostThread")) == 1 and sleeps == []
    assert [w.code for w in snapshot.warnings] == ["rate_limited"]


def test_a_429_is_rate_limited_with_reset_at() -> None:
    """RateLimited carries the epoch `ratelimit-reset` as an aware time, and the headers as details."""
    network = Network()
    network.override["com.atproto.identity.resolveHandle"] = lambda r: fixture(
        "error_429_rate_limit", 429, {"ratelimit-remaining": "0", "ratelimit-reset": str(RESET)})
    with pytest.raises(RateLimited) as caught:
        collector(network).identity()
    assert caught.value.reset_at == utc(2026, 12, 5, 6, 20)
    assert caught.value.details["http_status"] == 429
    assert caught.value.details["error"] == "RateLimitExceeded"


@pytest.mark.parametrize(("name", "shown"), [("get_post_thread_not_found_reply", "notFoundPost"),
                                             ("get_post_thread_blocked_reply", "blockedPost")])
def test_a_reply_not_shown_makes_the_thread_incomplete(name: str, shown: str) -> None:
    """notFoundPost / blockedPost is not "deleted": the listing is incomplete and names the reply."""
    network = Network()
    network.override["app.bsky.feed.getPostThread"] = lambda r: (
        fixture(name) if r.url.params["uri"] == P2 else None)
    snapshot = collector(network).collect(now=NOW, since=SINCE)
    listing = {listing.post.platform_id: listing for listing in snapshot.listings}[P2]
    assert not listing.complete and listing.comments == []
    hidden_uri = "at://did:plc:zeynepdemir3wb4xc5yd6ze7/app.bsky.feed.post/3lcjyd3hw7k2r"
    assert f"{hidden_uri} is shown as {shown}" in (listing.error or "")
    assert {listing.post.platform_id: listing.complete for listing in snapshot.listings}[P1]


def test_unreadable_threadgates_leave_settings_and_visibility_unread() -> None:
    """Without the threadgate listing, reply settings are None and no thread is comparable."""
    network = Network()
    network.override["com.atproto.repo.listRecords"] = lambda r: (
        fixture("error_500", 500) if r.url.params["collection"] == "app.bsky.feed.threadgate" else None)
    sleeps: list[float] = []
    snapshot = collector(network, sleeps=sleeps).collect(now=NOW, since=SINCE)
    assert sleeps == [1.0, 2.0]  # two retries of the 5xx, then given up
    assert [listing.post.reply_settings for listing in snapshot.listings] == [None, None]
    assert all(not listing.complete for listing in snapshot.listings)
    assert {reply.is_hidden for reply in snapshot.listings[0].comments} == {None}
    assert "threadgate_incomplete" in [w.code for w in snapshot.warnings]
    assert "HTTP 500 InternalServerError" in snapshot.warnings[0].message


def test_a_5xx_then_an_answer_is_retried() -> None:
    """One 502 from the PDS, then the answer: retried once, nothing incomplete."""
    network = Network()
    failures = [fixture("error_500", 502)]
    network.override["com.atproto.repo.listRecords"] = lambda r: failures.pop() if failures else None
    sleeps: list[float] = []
    snapshot = collector(network, sleeps=sleeps).collect(now=NOW, since=SINCE)
    assert sleeps == [1.0] and snapshot.warnings == []


def test_a_block_without_created_at_makes_the_listing_incomplete() -> None:
    """A field the lexicon requires is missing: the listing is incomplete and the field named."""
    network = Network()
    page = load("bluesky/list_records_block_p1.json")
    del page["records"][0]["value"]["createdAt"]
    del page["cursor"]
    network.override["com.atproto.repo.listRecords"] = lambda r: (
        answer(page) if r.url.params["collection"] == "app.bsky.graph.block" else None)
    snapshot = collector(network).collect(now=NOW, since=SINCE)
    assert snapshot.blocked is not None and not snapshot.blocked.complete
    assert "createdAt missing" in (snapshot.blocked.error or "")


def test_a_block_naming_no_did_makes_the_listing_incomplete() -> None:
    """A block's subject must be a DID (a listblock's an at-uri): anything else is a field problem."""
    network = Network()
    page = load("bluesky/list_records_block_p1.json")
    page["records"][1]["value"]["subject"] = "zeynepdemir.example.tr"
    network.override["com.atproto.repo.listRecords"] = lambda r: (
        answer(page) if r.url.params["collection"] == "app.bsky.graph.block" and not
        r.url.params.get("cursor") else None)
    snapshot = collector(network).collect(now=NOW, since=SINCE)
    assert snapshot.blocked is not None and not snapshot.blocked.complete
    assert "subject not a DID" in (snapshot.blocked.error or "")


def test_an_answer_the_sdk_cannot_parse_makes_the_posts_incomplete() -> None:
    """A feed item without the lexicon's required `cid`: the SDK's model refuses the page."""
    network = Network()
    feed = load("bluesky/get_author_feed.json")
    del feed["feed"][0]["post"]["cid"]
    network.override["app.bsky.feed.getAuthorFeed"] = lambda r: answer(feed)
    snapshot = collector(network).collect(now=NOW, since=SINCE)
    assert not snapshot.posts_complete and snapshot.listings == []
    assert snapshot.warnings[0].code == "posts_incomplete"
    assert "malformed answer from appview.example.tr" in snapshot.warnings[0].message


def test_a_timeout_is_a_platform_error_after_the_retries() -> None:
    """The AppView never answers: retried, then the feed listing is incomplete, no traceback."""
    network = Network()

    def silent(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)
    network.override["app.bsky.feed.getAuthorFeed"] = silent
    sleeps: list[float] = []
    snapshot = collector(network, sleeps=sleeps).collect(now=NOW, since=SINCE)
    assert sleeps == [1.0, 2.0] and not snapshot.posts_complete
    assert "appview.example.tr did not answer in time" in snapshot.warnings[0].message


# --- one by one ---------------------------------------------------------------------------------------


def test_lookup_of_a_reply_that_exists_is_present() -> None:
    """The author's DID document names their PDS; getRecord there finds the post."""
    network = Network()
    account = collector(network)
    result = account.lookup_comment(R1)
    assert (result.status, result.is_hidden) == ("present", None)
    assert account.lookup_comment(R1).status == "present"
    assert [r.url.path for r in network.requests].count(f"/{REPLIER_DID}") == 1  # the PDS kept
    record = network.asked("com.atproto.repo.getRecord")[0]
    assert record.url.host == "kuzey.pds.example.tr"
    assert dict(record.url.params) == {"repo": REPLIER_DID, "collection": "app.bsky.feed.post",
                                       "rkey": "3lcmr7tjqkk2b"}


def test_lookup_answered_record_not_found_is_gone() -> None:
    """400 {"error": "RecordNotFound"}: the reply is gone."""
    network = Network()
    network.override["com.atproto.repo.getRecord"] = lambda r: fixture("get_record_400_not_found", 400)
    result = collector(network).lookup_comment(R1)
    assert result.status == "gone" and result.answer["error"] == "RecordNotFound"


def test_lookup_answered_another_400_is_not_gone() -> None:
    """Another 400 (the repo itself unknown, say) says nothing about the reply: it raises."""
    network = Network()
    network.override["com.atproto.repo.getRecord"] = lambda r: answer(
        {"error": "InvalidRequest", "message": "Could not find repo"}, 400)
    with pytest.raises(PlatformError, match="HTTP 400 InvalidRequest"):
        collector(network).lookup_comment(R1)


def test_is_listed_is_unknown_for_blocks() -> None:
    """Block records are keyed by rkey, not by subject: the second complete listing confirms."""
    network = Network()
    assert collector(network).is_listed("blocked", AHMET) is None
    assert network.requests == []


def test_importing_the_package_does_not_import_the_sdk() -> None:
    """`collectors.bluesky` is cheap to import: the SDK comes in only with build_collector."""
    code = ("import sys, collectors.bluesky, collectors.bluesky.jetstream; "
            "print(sorted(m for m in sys.modules if m.startswith('atproto')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_appview_url_is_used_for_the_appview() -> None:
    """Feed, threads, profiles and lists go to the configured AppView, never to the PDS."""
    network = Network()
    collector(network).collect(now=NOW, since=SINCE)
    appview = {r.url.host for r in network.requests if r.url.path.startswith("/xrpc/app.bsky.")}
    assert appview == {APPVIEW.removeprefix("https://")}
