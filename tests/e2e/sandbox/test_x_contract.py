"""The X simulator's answers, held to X's published OpenAPI description (trimmed copy).

Every request goes through tweepy with the parameters `collectors/x.py` sends (or raw requests
for the error cases); every answer that crosses the wire is validated against the schema of its
path, status and media type, and every request's parameters against the operation's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import tweepy

from modaudit.sandbox import Fault, Scenario, Simulator, XUser
from modaudit.sandbox.world.x import REPLY_SETTINGS
from tests.support.x_openapi import check_request, check_response, check_schema, contract
from tests.support.x_support import ACCOUNT, OTHER, START, RewritingSession

# What collectors/x.py asks for (kept in step by hand: the sandbox tests do not import it).
POST_FIELDS = ["created_at", "conversation_id", "reply_settings", "public_metrics"]
REPLY_FIELDS = ["created_at", "author_id", "conversation_id", "in_reply_to_user_id", "referenced_tweets"]
LIST_PARAMS = {"max_results": 1000, "user.fields": "name,username"}
POSTS, REPLIES, BLOCKED, MUTED = 130, 150, 1003, 1001
ROOT = "3000000000000000001"  # the post with REPLIES replies
DELETED = "3100000000000000007"  # a reply deleted before the clock
_TEMPLATES = [
    (re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"), path)
    for path in contract()["paths"]
]


class RecordingSession(RewritingSession):
    """Sends tweepy's requests to the simulator and keeps every answer for validation."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.answers: list[requests.Response] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        self.answers.append(response)
        return response


def contract_scenario() -> Scenario:
    """Enough posts, replies, blocks and mutes for several pages at modaudit's page sizes."""
    s = Scenario(start=START, pages=[], x_accounts=[ACCOUNT, OTHER])
    for n in range(POSTS):  # one post per 30 minutes over days 0..2, the first is ROOT
        at = s.day(0, 8) + timedelta(minutes=30 * n)
        settings = REPLY_SETTINGS[n % len(REPLY_SETTINGS)] if n else "everyone"
        s.tweet(at, ACCOUNT.user_id, str(3000000000000000001 + n), f"Duyuru {n} 📢", settings)
    users = [XUser(str(4000000000000000001 + n), f"kisi_{n}", f"Kişi {n} Çınar") for n in range(BLOCKED)]
    for n in range(REPLIES):  # replies on days 4..5; every fifth answers the previous reply
        parent = str(3100000000000000001 + n - 1) if n % 5 == 4 else ROOT
        s.reply(s.day(4, 8) + timedelta(minutes=10 * n), str(3100000000000000001 + n), parent,
                users[n % 40], f"Yanıt {n} <b>!</b>")  # fmt: skip
    s.delete_tweet(s.day(6, 9), DELETED)
    for n, user in enumerate(users):
        s.x_block(s.day(6, 10) + timedelta(seconds=n), ACCOUNT.user_id, user)
    for n, user in enumerate(users[:MUTED]):
        s.x_mute(s.day(6, 12) + timedelta(seconds=n), ACCOUNT.user_id, user)
    s.validate()
    return s


@pytest.fixture(name="sim", scope="module")
def contract_sim() -> Iterator[Simulator]:
    """The contract scenario served with its clock on day 7 (the replies are within 7 days)."""
    scenario = contract_scenario()
    with Simulator(scenario) as simulator:
        simulator.set_now(scenario.day(7, 12))
        yield simulator


@pytest.fixture(name="session")
def recording(sim: Simulator) -> Iterator[RecordingSession]:
    """A recording session; at the end every answer it saw must match the contract."""
    session = RecordingSession(sim.base_url)
    yield session
    sim.x_not_found_style = "errors_200"  # the simulator is shared by the module's tests
    _x_api(sim).problems_host = "api.twitter.com"
    assert session.answers, "the test sent nothing"
    for answer in session.answers:
        validate_exchange(answer)


def validate_exchange(response: requests.Response) -> Any:
    """Check one request (unless X refused it as invalid) and its answer; the answer's body."""
    split = urlsplit(response.request.url or "")
    for pattern, template in _TEMPLATES:
        match = pattern.match(split.path)
        if match is not None:
            if response.status_code != 400:
                check_request(template, {**dict(parse_qsl(split.query)), **match.groupdict()})
            return check_response(template, response)
    raise AssertionError(f"{split.path} is not a path of the contract")


def client(session: RecordingSession, *, bearer: str | None = None) -> tweepy.Client:
    """A tweepy client like modaudit's (OAuth 1.0a, dicts back), or with a bearer token."""
    if bearer is not None:
        made = tweepy.Client(bearer_token=bearer, return_type=dict)
    else:
        made = tweepy.Client(
            consumer_key=ACCOUNT.consumer_key, consumer_secret=ACCOUNT.consumer_secret,
            access_token=ACCOUNT.access_token, access_token_secret=ACCOUNT.access_token_secret,
            return_type=dict,
        )  # fmt: skip
    made.session = session
    return made


def raw(session: RecordingSession, path: str, token: str = ACCOUNT.oauth2_user_token,
        **params: Any) -> requests.Response:  # fmt: skip
    """GET a /2 path with a bearer token through the recording session."""
    url = f"https://api.twitter.com{path}"
    return session.get(url, params=params, headers={"Authorization": f"Bearer {token}"})


def _x_api(sim: Simulator) -> Any:
    """The simulator's X module."""
    return next(api for api in sim.router.apis if api.name == "x")


def _pages(fetch: Any) -> list[dict[str, Any]]:
    """Follow meta.next_token like collectors/x.py does."""
    pages, token = [], None
    while True:
        pages.append(fetch(token))
        token = pages[-1].get("meta", {}).get("next_token")
        if not token:
            return pages
        assert len(pages) < 50, "runaway pagination"


# -- the calls modaudit makes -------------------------------------------------------------------


def test_me(session: RecordingSession) -> None:
    assert client(session).get_me(user_auth=True)["data"]["id"] == ACCOUNT.user_id
    assert client(session, bearer=ACCOUNT.oauth2_user_token).get_me(user_auth=False)["data"]["username"]


def test_users_tweets_pages_and_public_metrics(session: RecordingSession, sim: Simulator) -> None:
    since = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    pages = _pages(lambda token: client(session).get_users_tweets(
        ACCOUNT.user_id, start_time=since, max_results=100, tweet_fields=POST_FIELDS,
        exclude=["replies", "retweets"], pagination_token=token, user_auth=True,
    ))  # fmt: skip
    assert [len(p["data"]) for p in pages] == [100, POSTS - 100]
    tweets = {t["id"]: t for p in pages for t in p["data"]}
    metrics = tweets[ROOT]["public_metrics"]
    assert metrics["reply_count"] == REPLIES - 1  # DELETED is gone
    assert {"retweet_count", "like_count", "quote_count"} <= set(metrics)
    assert {t["reply_settings"] for t in tweets.values()} == set(REPLY_SETTINGS)
    assert all(tweets[t]["public_metrics"]["reply_count"] == 0 for t in tweets if t != ROOT)
    later = (sim.now + timedelta(days=-1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    empty = client(session).get_users_tweets(ACCOUNT.user_id, start_time=later, user_auth=True)
    assert "data" not in empty and empty["meta"]["result_count"] == 0


def test_search_recent_pages_and_empty(session: RecordingSession, sim: Simulator) -> None:
    since = (sim.now - timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
    pages = _pages(lambda token: client(session).search_recent_tweets(
        f"conversation_id:{ROOT}", start_time=since, max_results=100, tweet_fields=REPLY_FIELDS,
        expansions=["author_id"], user_fields=["username", "name"], next_token=token,
        user_auth=True,
    ))  # fmt: skip
    assert [len(p["data"]) for p in pages] == [100, REPLIES - 101]
    assert all(p["includes"]["users"] for p in pages)
    nested = next(t for p in pages for t in p["data"] if t["id"] == "3100000000000000005")
    assert nested["referenced_tweets"] == [{"type": "replied_to", "id": "3100000000000000004"}]
    quiet = client(session).search_recent_tweets(
        "conversation_id:3000000000000000002", max_results=100, user_auth=True
    )
    assert quiet == {"meta": {"result_count": 0}}


@pytest.mark.parametrize("relation", ["blocking", "muting"])
def test_blocking_and_muting_pages(session: RecordingSession, relation: str) -> None:
    route = f"/2/users/{ACCOUNT.user_id}/{relation}"

    def page(token: str | None) -> dict[str, Any]:
        params = {**LIST_PARAMS, **({"pagination_token": token} if token else {})}
        return client(session).request("GET", route, params=params, user_auth=True).json()

    pages = _pages(page)
    total = BLOCKED if relation == "blocking" else MUTED
    assert [len(p["data"]) for p in pages] == [1000, total - 1000]
    other = client(session, bearer=OTHER.oauth2_user_token)
    empty = other.request("GET", f"/2/users/{OTHER.user_id}/{relation}", params=LIST_PARAMS)
    assert empty.json() == {"meta": {"result_count": 0}}


@pytest.mark.parametrize("host", ["api.twitter.com", "api.x.com"])
def test_deleted_reply_lookup_in_both_styles(session: RecordingSession, sim: Simulator, host: str) -> None:
    _x_api(sim).problems_host = host
    fields = ["created_at", "reply_settings"]
    live = client(session).get_tweet("3100000000000000008", tweet_fields=fields, user_auth=True)
    assert live["data"]["id"] == "3100000000000000008"
    gone = client(session).get_tweet(DELETED, tweet_fields=fields, user_auth=True)
    assert "data" not in gone
    assert gone["errors"][0]["type"] == f"https://{host}/2/problems/resource-not-found"
    sim.x_not_found_style = "http_404"
    with pytest.raises(tweepy.NotFound) as caught:
        client(session).get_tweet(DELETED, tweet_fields=fields, user_auth=True)
    assert caught.value.response.json()["type"] == f"https://{host}/2/problems/resource-not-found"


def test_rate_limited_answer(session: RecordingSession, sim: Simulator) -> None:
    sim.add_fault(Fault("x_rate_limit", path="/2/tweets/search/recent", times=1))
    with pytest.raises(tweepy.TooManyRequests):
        client(session).search_recent_tweets(f"conversation_id:{ROOT}", user_auth=True)


def test_bad_parameters_are_invalid_request_problems(session: RecordingSession, sim: Simulator) -> None:
    too_old = (sim.now - timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answers = [
        raw(session, "/2/tweets/search/recent", query=f"conversation_id:{ROOT}", start_time=too_old),
        raw(session, f"/2/users/{ACCOUNT.user_id}/tweets", max_results=1000),
        raw(session, f"/2/users/{ACCOUNT.user_id}/blocking", pagination_token="not-a-token-of-ours"),
    ]
    for answer in answers:
        assert answer.status_code == 400
        assert answer.json()["type"].endswith("/2/problems/invalid-request")


def test_auth_problems(session: RecordingSession) -> None:
    unknown = raw(session, f"/2/users/{ACCOUNT.user_id}/tweets", token="nope")
    app_only = raw(session, f"/2/users/{ACCOUNT.user_id}/muting", token=ACCOUNT.app_bearer_token)
    foreign = raw(session, f"/2/users/{OTHER.user_id}/blocking")
    assert [a.status_code for a in (unknown, app_only, foreign)] == [401, 403, 403]


def test_unknown_user_timeline_is_a_partial_error(session: RecordingSession) -> None:
    body = raw(session, "/2/users/9999/tweets").json()
    assert set(body) == {"errors"} and body["errors"][0]["resource_type"] == "user"


def test_reply_settings_are_the_contracts_enum() -> None:
    schema = contract()["components"]["schemas"]["ReplySettingsWithVerifiedUsers"]
    assert set(REPLY_SETTINGS) == set(schema["enum"])
    for value in REPLY_SETTINGS:
        check_schema("ReplySettingsWithVerifiedUsers", value)


def test_the_validator_bites() -> None:
    with pytest.raises(AssertionError, match="sideways"):
        check_schema("Tweet", {"id": "1", "text": "t", "reply_settings": "sideways"})
    with pytest.raises(AssertionError, match="is not a 'date-time'"):
        check_schema("Tweet", {"id": "1", "created_at": "2026-01-05 10:00"})
    not_found = {"type": "https://api.twitter.com/2/problems/resource-not-found", "title": "Not Found"}
    with pytest.raises(AssertionError, match="resource_type"):  # the discriminator is followed
        check_schema("Problem", not_found)
    with pytest.raises(AssertionError, match="not in the contract"):
        check_request("/2/tweets/{id}", {"id": "1", "post.fields": "created_at"})
    with pytest.raises(AssertionError, match="is too short"):
        check_request("/2/users/{id}/blocking", {"id": "1", "pagination_token": "short"})
