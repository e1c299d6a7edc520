"""X API v2 answers of published shape → transforms → the records users rely on.

Fixtures: tests/fixtures/x/*.json, written from X's docs and OpenAPI description (sources in
tests/fixtures/SOURCES.md). No server and no stand-in client: fixture bodies go into the pure functions
the collector calls, failed answers are tweepy's own exceptions built from the `requests.Response` it
would have raised on, and listings are walked by `collectors.paging.walk` over Pages of fixture bodies.
What only tweepy over HTTP can show (requests sent, the token check) is tested end to end.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import tweepy

from collectors.paging import ListingStopped, Page, walk
from collectors.records import AuthFailed, LookupResult, NotFound, PlatformError, RateLimited
from collectors.x import _translate
from collectors.x_payloads import (
    REPLY_SETTINGS,
    is_not_found,
    listing_page,
    lookup_200,
    lookup_404,
    page_users,
    transform_post,
    transform_reply,
    transform_user,
)
from tests.fixtures import load

ACCOUNT = "1587340912845236225"
T1, T2, T3, T4, T5 = ("2122268437509607424", "2122034395346407424", "2121877159278055425",
                      "2121573860767207424", "2121177499039207426")
R1, R2, R3 = "2122269574165991424", "2122271490962919426", "2122293842408935424"
GONE = "2122314423858663424"
STATUS_TEXT = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


def failed(status: int, name: str, headers: dict[str, str] | None = None) -> requests.Response:
    """The HTTP answer tweepy raises on: `status`, the fixture body as JSON, and `headers`."""
    response = requests.Response()
    response.status_code = status
    response.reason = STATUS_TEXT[status]
    response._content = json.dumps(load(f"x/{name}.json")).encode()
    response.headers.update({"content-type": "application/json; charset=utf-8", **(headers or {})})
    return response


def not_found_lookup(name: str, tweet_id: str) -> LookupResult:
    """What a lookup answered 404 with fixture `name` gives: tweepy's NotFound, translated, then read."""
    error = _translate(tweepy.NotFound(failed(404, name)), ("secret-token",))
    assert isinstance(error, NotFound)
    return lookup_404(error.details["body"], tweet_id, str(error))


def walked(pages: dict[Any, Page], page_size: int) -> list[str]:
    """The ids of the items `walk` reads from `pages`, first page to last."""
    return [item["id"] for page in walk(pages.__getitem__, page_size=page_size, what="tweets",
                                        item_key=lambda item: item.get("id")) for item in page.items]


# --- The account and its tweets -----------------------------------------------------------------------


def test_users_me_names_the_configured_account() -> None:
    """`/2/users/me` answers the account the token belongs to, read as "Name (@username)" (shape check)."""
    me, problems = transform_user(load("x/users_me.json")["data"])
    assert problems == [] and me is not None
    assert (me.platform_id, me.name) == (ACCOUNT, "Yeşilvadi Belediyesi (@yesilvadibld)")


def test_tweets_page_gives_ids_times_reply_settings_and_reply_counts() -> None:
    """Each tweet keeps id, aware UTC time, its documented reply setting, reply count and permalink."""
    page = listing_page(load("x/users_tweets_page.json"), "tweets")
    assert page.next_cursor == "7140dibdnow9c7btw4dyuf0kdwd8ka4p3ikrt9g5t5qm1"
    records = [transform_post(raw) for raw in page.items]
    assert all(problems == [] for _, problems in records)
    posts = [p for p, _ in records if p]
    assert [p.platform_id for p in posts] == [T1, T2, T3]
    assert posts[0].created_at == utc(2026, 11, 16, 10)
    assert posts[2].created_at == utc(2026, 11, 15, 8, 5, 12)
    assert [p.reply_settings for p in posts] == ["everyone", "mentionedUsers", "following"]
    assert [p.comment_count for p in posts] == [3, 0, 1]
    assert posts[0].permalink == f"https://x.com/i/web/status/{T1}"


def test_last_tweets_page_has_no_cursor_and_keeps_its_settings() -> None:
    """The last page (no `next_token`) ends the listing; `subscribers` and `verified` are kept."""
    page = listing_page(load("x/users_tweets_last_page.json"), "tweets")
    assert page.next_cursor is None
    assert [transform_post(raw)[0].reply_settings for raw in page.items] == ["subscribers", "verified"]


def test_fixture_reply_settings_are_the_published_enum() -> None:
    """Every fixture reply setting is in REPLY_SETTINGS (OpenAPI ReplySettingsWithVerifiedUsers enum)."""
    used = {raw["reply_settings"] for name in ("users_tweets_page", "users_tweets_last_page")
            for raw in load(f"x/{name}.json")["data"]}
    assert used <= REPLY_SETTINGS and len(used) == 5


def test_unknown_reply_setting_stays_unknown_with_a_problem() -> None:
    """A reply setting outside the published enum is None with a problem, never guessed."""
    raw = load("x/users_tweets_page.json")["data"][0]
    raw["reply_settings"] = "limitedReplies"
    post, problems = transform_post(raw)
    assert post is not None and post.reply_settings is None
    assert [p.field for p in problems] == ["reply_settings"]


def test_empty_timeline_is_an_empty_last_page() -> None:
    """`result_count: 0` and no `data` is an empty listing, not an error."""
    page = listing_page(load("x/users_tweets_empty.json"), "tweets")
    assert (page.items, page.next_cursor) == ([], None)


def test_empty_page_with_next_token_is_followed() -> None:
    """`result_count: 0` with a `next_token` (a documented timeline edge case) is followed, not ended."""
    first = listing_page(load("x/users_tweets_empty_with_next_token.json"), "tweets")
    assert first.items == [] and first.next_cursor
    pages = {None: first, first.next_cursor: listing_page(load("x/users_tweets_last_page.json"), "tweets")}
    assert walked(pages, page_size=3) == [T4, T5]


def test_walk_reads_every_tweet_across_the_pages() -> None:
    """Walking the first and last page reads all five tweets, in order, and stops."""
    pages = {None: listing_page(load("x/users_tweets_page.json"), "tweets")}
    pages[pages[None].next_cursor] = listing_page(load("x/users_tweets_last_page.json"), "tweets")
    assert walked(pages, page_size=3) == [T1, T2, T3, T4, T5]


def test_walk_stops_on_a_repeated_next_token() -> None:
    """X handing back the same `next_token` again stops the listing instead of looping."""
    page = listing_page(load("x/users_tweets_page.json"), "tweets")
    with pytest.raises(ListingStopped):
        list(walk(lambda cursor: page, page_size=3, what="tweets", item_key=lambda i: i.get("id")))


# --- Replies (recent search) ----------------------------------------------------------------------------


def test_replies_give_authors_as_name_and_username_and_their_parents() -> None:
    """Replies name their author "Name (@username)", the post they belong to, and a parent reply if any."""
    body = load("x/search_recent_replies_page.json")
    users = page_users(body)
    page = listing_page(body, "replies")
    assert page.next_cursor == "b26v89c19zqg8o3frr3px1kh7rl8ysdrtxd4q0j9b1vd9"
    records = [transform_reply(raw, T1, users) for raw in page.items]
    assert all(problems == [] for _, problems in records)
    replies = {r.platform_id: r for r, _ in records if r}
    assert replies[R1].author_name == "Rojda Baran (@rojdabaran)"
    assert replies[R2].author_name == "Emre Tosunoğlu (@emretsn)"
    assert replies[R3].author_name == "Ayşe Karakuş (@aysekarakus_)"
    assert (replies[R1].parent_id, replies[R2].parent_id, replies[R3].parent_id) == (None, R1, None)
    assert {r.post_id for r in replies.values()} == {T1}
    assert replies[R3].author_id == "998877665544332211"
    assert replies[R2].created_at == utc(2026, 11, 16, 10, 12, 8)
    assert {r.is_hidden for r in replies.values()} == {None}  # X does not show hidden replies


# --- Blocking and muting --------------------------------------------------------------------------------


def test_blocking_and_muting_pages_give_users() -> None:
    """Block and mute lists give each user's id and "Name (@username)", and the next token."""
    blocking = listing_page(load("x/users_blocking_page.json"), "blocking")
    assert blocking.next_cursor == "1D3PU6DRII9HEZZZ7QX2M4KW8N"
    assert [(u.platform_id, u.name) for u, _ in map(transform_user, blocking.items) if u] == [
        ("1511223344556677889", "Dilan Xelîl (@dilanxelil)"), ("87654321", "Kemal Yağcıoğlu (@kemalygc)")]
    muting = listing_page(load("x/users_muting_page.json"), "muting")
    assert muting.next_cursor is None
    assert [transform_user(raw)[0].name for raw in muting.items] == ["Şirin Agirî (@sirinagiri)"]


@pytest.mark.parametrize("name", ["users_blocking_200_errors_only_generic_problem",
                                  "users_blocking_200_errors_only_user_not_found"])
def test_errors_only_answer_is_an_error_not_an_empty_list(name: str) -> None:
    """HTTP 200 with `errors` and no `data` raises PlatformError with X's words: never "blocks nobody"."""
    body = load(f"x/{name}.json")
    with pytest.raises(PlatformError) as caught:
        listing_page(body, "blocking list")
    assert body["errors"][0]["detail"] in str(caught.value)


# --- Lookups: found, not found, and what is not a not-found ----------------------------------------------


def test_tweet_lookup_found_is_present() -> None:
    """`/2/tweets/:id` answering the reply means it is present, with the tweet kept as evidence."""
    result = lookup_200(load("x/tweet_lookup_found.json"), R1)
    assert result.status == "present" and result.answer["data"]["id"] == R1


def test_tweet_lookup_answering_another_tweet_is_an_error() -> None:
    """A 200 lookup answering a different tweet is an error, never "present"."""
    with pytest.raises(PlatformError, match="answered tweet"):
        lookup_200(load("x/tweet_lookup_found.json"), GONE)


def test_tweet_lookup_with_neither_data_nor_errors_is_an_error() -> None:
    """A 200 lookup with no `data` and no not-found error is no verdict at all: an error."""
    with pytest.raises(PlatformError, match="neither"):
        lookup_200({}, R1)


@pytest.mark.parametrize("name", ["tweet_lookup_200_not_found_twitter_host",
                                  "tweet_lookup_200_not_found_x_host"])
def test_not_found_is_recognised_under_both_problem_hosts(name: str) -> None:
    """resource-not-found under api.twitter.com and api.x.com is a not-found of that id only."""
    error = load(f"x/{name}.json")["errors"][0]
    assert is_not_found(error) and is_not_found(error, GONE)
    assert not is_not_found(error, R1)


@pytest.mark.parametrize("name", ["tweet_lookup_200_not_found_twitter_host",
                                  "tweet_lookup_200_not_found_x_host"])
def test_200_not_found_makes_the_reply_gone_only_for_its_id(name: str) -> None:
    """A 200 not-found answer is "gone" for the id it names; for any other id it is an error."""
    gone = lookup_200(load(f"x/{name}.json"), GONE)
    assert gone.status == "gone" and gone.answer["http_status"] == 200
    with pytest.raises(PlatformError):
        lookup_200(load(f"x/{name}.json"), R1)


def test_404_problem_makes_the_reply_gone() -> None:
    """HTTP 404 with a resource-not-found problem for the id is "gone", with the body kept as evidence."""
    assert is_not_found(load("x/tweet_lookup_404_problem.json"), GONE)
    result = not_found_lookup("tweet_lookup_404_problem", GONE)
    assert result.status == "gone" and result.answer["http_status"] == 404
    assert result.answer["body"]["resource_id"] == GONE
    assert "secret-token" not in str(result.answer)


def test_404_problem_for_another_id_is_not_a_gone_reply() -> None:
    """A 404 not-found problem naming a different tweet is not evidence that this reply is gone."""
    with pytest.raises(PlatformError, match="without saying"):
        not_found_lookup("tweet_lookup_404_problem", R1)


def test_404_page_does_not_exist_is_not_a_not_found_of_the_tweet() -> None:
    """A 404 for an unknown route (code 34) is not a not-found of the tweet: the lookup fails instead."""
    errors = load("x/unknown_route_404_page_does_not_exist.json")["errors"]
    assert not any(is_not_found(error) or is_not_found(error, GONE) for error in errors)
    with pytest.raises(PlatformError, match="without saying"):
        not_found_lookup("unknown_route_404_page_does_not_exist", GONE)


# --- Failed answers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "name", "exception", "kind"), [
    (401, "users_me_401_unauthorized", tweepy.Unauthorized, AuthFailed),
    (403, "users_blocking_403_unsupported_authentication", tweepy.Forbidden, AuthFailed),
    (404, "tweet_lookup_404_problem", tweepy.NotFound, NotFound),
])
def test_failed_answers_become_the_right_error_with_their_body(status: int, name: str,
                                                               exception: type[tweepy.HTTPException],
                                                               kind: type) -> None:
    """401, 403 (app-only on a user-context endpoint) and 404 map to one error kind and keep X's body."""
    error = _translate(exception(failed(status, name)), ("secret-token",))
    assert type(error) is kind
    body = load(f"x/{name}.json")
    assert error.details["http_status"] == status and error.details["body"] == body
    assert is_not_found(body) is (status == 404)  # only the 404 problem says "not found"
    assert "secret-token" not in str(error)


def test_unsupported_authentication_problem_names_the_user_context_requirement() -> None:
    """The 403 problem says app-only is refused and which user contexts are accepted (shape check)."""
    body = load("x/users_blocking_403_unsupported_authentication.json")
    assert body["type"].endswith("/2/problems/unsupported-authentication") and body["status"] == 403
    assert "OAuth 1.0a User Context" in body["detail"] and not is_not_found(body)


def test_429_is_rate_limited_until_the_reset_header() -> None:
    """A 429 is RateLimited, with `reset_at` taken from `x-rate-limit-reset` as an aware UTC time."""
    response = failed(429, "users_tweets_429_too_many_requests", {"x-rate-limit-reset": "1794823200"})
    raised = tweepy.TooManyRequests(response, reset_time=int(response.headers["x-rate-limit-reset"]))
    error = _translate(raised, ())
    assert isinstance(error, RateLimited)
    assert error.reset_at == utc(2026, 11, 16, 10)
    assert error.details["body"]["status"] == 429


def test_listing_page_rejects_a_mistyped_answer() -> None:
    """A page whose `data` is not a list is a malformed answer, not an empty or partial listing."""
    body = load("x/users_blocking_page.json")
    body["data"] = body["data"][0]
    with pytest.raises(PlatformError, match="malformed"):
        listing_page(body, "blocking list")


def test_pages_are_pages() -> None:
    """listing_page returns the paging Page the walker consumes, with the answer kept raw."""
    body = load("x/users_muting_page.json")
    page = listing_page(body, "muting")
    assert isinstance(page, Page) and page.raw == body
