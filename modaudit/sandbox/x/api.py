"""X API v2 subset (users/me, timelines, recent search, tweet lookup, blocking, muting)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from modaudit.sandbox.api import ApiRequest, ApiResponse
from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.scenario import PlatformState
from modaudit.sandbox.x.auth import XAuth, authenticate
from modaudit.sandbox.x.errors import (
    PROBLEMS_HOSTS,
    RateBook,
    XError,
    content_type_of,
    errors_only_body,
    fault_answer,
    forbidden,
    invalid_request,
    not_found_entry,
    page_not_found,
    tweet_not_found_404,
    with_problems_host,
    x_headers,
)
from modaudit.sandbox.x.params import (
    PAGE_FAULTS,
    TWEET_FIELDS,
    USER_FIELDS,
    check_id,
    decode_token,
    field_list,
    includes,
    max_results,
    minute_time,
    page,
    reshape_objects,
    reshape_page,
    time_param,
    token_of,
    tweet_listing,
    tweet_object,
    tweet_params,
    user_object,
    within,
)

NOT_FOUND_STYLES = ("errors_200", "http_404")
__all__ = ["NOT_FOUND_STYLES", "PROBLEMS_HOSTS", "XApi"]
SEARCH_WINDOW = timedelta(days=7)  # recent search covers the last seven days only
SEARCH_END_MARGIN = timedelta(seconds=10)  # end_time must be this far before the request

_ROUTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^/2/users/me$"), "me"),
    (re.compile(r"^/2/users/([^/]+)/tweets$"), "user_tweets"),
    (re.compile(r"^/2/users/([^/]+)/(blocking|muting)$"), "relations"),
    (re.compile(r"^/2/tweets/search/recent$"), "search"),
    (re.compile(r"^/2/tweets$"), "tweets"),
    (re.compile(r"^/2/tweets/([^/]+)$"), "tweet"),
)
# Requests per 15 minutes with user context (what the x-rate-limit-limit header says).
RATE_LIMITS = {
    "me": 75,
    "user_tweets": 900,
    "relations": 15,
    "search": 300,
    "tweets": 900,
    "tweet": 900,
    "unknown": 900,
}
# Listing endpoints and the parameters that carry their pagination token.
LISTINGS = {
    "user_tweets": ("pagination_token",),
    "relations": ("pagination_token",),
    "search": ("next_token", "pagination_token"),
}
_CONVERSATION_QUERY = re.compile(r"^\s*conversation_id:([0-9]{1,19})\s*$")

Body = tuple[dict[str, Any], frozenset[str]]  # (JSON body, ids an omit fault left out)


@dataclass(frozen=True)
class _Call:
    """One authenticated request on its way to a handler."""

    state: PlatformState
    request: ApiRequest
    auth: XAuth
    args: tuple[str, ...]
    not_found_style: str


class XApi:
    """The X API v2 module the simulator's router dispatches `/2/...` paths to."""

    name = "x"

    def __init__(
        self, not_found_style: str = "errors_200", problems_host: str = PROBLEMS_HOSTS[0]
    ) -> None:
        if not_found_style not in NOT_FOUND_STYLES:
            raise ValueError(f"unknown not-found style {not_found_style!r}")
        self.not_found_style = not_found_style  # how a deleted tweet's lookup is answered
        self.problems_host = problems_host
        self.rates = RateBook()

    @property
    def problems_host(self) -> str:
        """The host of every problem `type` URI: "api.twitter.com" (older) or "api.x.com"."""
        return self._problems_host

    @problems_host.setter
    def problems_host(self, host: str) -> None:
        if host not in PROBLEMS_HOSTS:
            raise ValueError(f"unknown problems host {host!r}; expected one of {PROBLEMS_HOSTS}")
        self._problems_host = host

    def parse(
        self, method: str, path: str, query: Mapping[str, str], base_url: str
    ) -> ApiRequest | None:
        """Claim every path under /2."""
        if path != "/2" and not path.startswith("/2/"):
            return None
        return ApiRequest(method, path, path.rstrip("/") or path, "2", dict(query), base_url)

    def handle(self, state: PlatformState, request: ApiRequest) -> ApiResponse:
        """Answer a request from the state; every error becomes an X-shaped error answer."""
        started = time.monotonic()
        endpoint, args = _match(request.route)
        identity = None
        dropped: frozenset[str] = frozenset()
        applied: tuple[Fault, ...] = ()
        try:
            if endpoint is None or request.method != "GET":
                identity = "anonymous"  # X counts these, under whatever credentials came
                raise page_not_found()
            auth = authenticate(request, state.x.accounts.values())
            identity = auth.identity
            call = _Call(state, request, auth, args, self.not_found_style)
            body, dropped, applied = _answer(call, endpoint)
            status = 200
        except XError as error:
            status, body = error.status, error.body
        name = endpoint or "unknown"
        # A refused credential is answered before X's rate limiting: no x-rate-limit-* headers.
        rate = {} if identity is None else self.rates.hit(name, identity, RATE_LIMITS[name])
        body = with_problems_host(body, self.problems_host)
        headers = x_headers(rate, started, content_type_of(status, body))
        return ApiResponse(status, body, headers, dropped, applied)

    def fault_response(
        self, fault: Fault, state: PlatformState, request: ApiRequest
    ) -> ApiResponse | None:
        """The X answer to an error fault: 429, 500 or errors-only 200; None for other kinds."""
        started = time.monotonic()
        endpoint, args = _match(request.route)
        limit = RATE_LIMITS[endpoint or "unknown"]
        if fault.kind == "errors_only":
            if endpoint is None:
                return None
            rate = {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(limit - 1)}
            body = errors_only_body(fault, _resource_of(endpoint, args, request))
            return ApiResponse(200, with_problems_host(body, self.problems_host), x_headers(rate, started))
        answer = fault_answer(fault, limit, started)
        if answer is None:
            return None
        return ApiResponse(
            answer.status, with_problems_host(answer.body, self.problems_host), answer.headers
        )

    def listing_offset(self, request: ApiRequest) -> int | None:
        """Starting offset of a listing request (timeline, search, blocking, muting), else None."""
        endpoint = _match(request.route)[0]
        if endpoint not in LISTINGS:
            return None
        given = token_of(request, LISTINGS[endpoint])
        if given is None:
            return 0
        try:
            return decode_token(given[1], given[0])
        except XError:
            return 0


def _match(route: str) -> tuple[str | None, tuple[str, ...]]:
    """The endpoint a route names and its path arguments."""
    for pattern, endpoint in _ROUTES:
        match = pattern.match(route)
        if match is not None:
            return endpoint, match.groups()
    return None, ()


def _resource_of(
    endpoint: str, args: tuple[str, ...], request: ApiRequest
) -> tuple[str, str, str] | None:
    """(resource_type, parameter, value) a request names, for an errors-only answer."""
    if endpoint in ("user_tweets", "relations"):
        return "user", "id", args[0]
    if endpoint == "tweet":
        return "tweet", "id", args[0]
    match = _CONVERSATION_QUERY.match(request.query.get("query", ""))
    if endpoint == "search" and match is not None:
        return "tweet", "conversation_id", match.group(1)
    return None


def _answer(call: _Call, endpoint: str) -> tuple[dict[str, Any], frozenset[str], tuple[Fault, ...]]:
    """The endpoint's answer under the request's quirk faults, and the faults it applied."""
    shape = call.request.shape
    applied: list[Fault] = []
    wrong = next((f for f in shape if f.kind == "wrong_object"), None) if endpoint == "tweet" else None
    # Before the handler, so that a deleted tweet is "found" in either not-found style.
    other = _wrong_tweet(call, wrong) if wrong is not None else None
    if wrong is not None and other is not None:
        body, dropped = other, frozenset[str]()
        applied.append(wrong)
    else:
        body, dropped = _HANDLERS[endpoint](call)
    if endpoint in LISTINGS:
        paging = [f for f in shape if f.kind in PAGE_FAULTS]
        body, fired = reshape_page(call.request, body, LISTINGS[endpoint], paging)
        applied += fired
    applied += reshape_objects(body, shape)
    return body, dropped, tuple(applied)


def _wrong_tweet(call: _Call, fault: Fault) -> dict[str, Any] | None:
    """Another live tweet's lookup answer (`item_id`, a sibling reply, any), or None if none."""
    x, asked = call.state.x, check_id(call.args[0])
    fields, expansions, user_fields = tweet_params(call.request)
    if fault.item_id is not None:
        candidates = [t for t in [x.live_tweet(fault.item_id)] if t is not None]
    else:
        known = x.tweets.get(asked)
        live = sorted((t for t in x.tweets.values() if not t.deleted), key=lambda t: int(t.tweet_id))
        same = [t for t in live if known is not None and t.conversation_id == known.conversation_id]
        candidates = [t for t in same if t.in_reply_to is not None] + same + live
    other = next((t for t in candidates if t.tweet_id != asked), None)
    if other is None:
        return None
    body: dict[str, Any] = {"data": tweet_object(other, fields, x)}
    extra = includes(x, [other], expansions, user_fields)
    if extra:
        body["includes"] = extra
    return body


# -- handlers ------------------------------------------------------------------------------


def _me(call: _Call) -> Body:
    """GET /2/users/me: the authenticated user (user context only)."""
    user_id = call.auth.require_user()
    fields = field_list(call.request, "user.fields", USER_FIELDS)
    return {"data": user_object(call.state.x.users[user_id], fields)}, frozenset()


def _user_tweets(call: _Call) -> Body:
    """GET /2/users/:id/tweets: the user's own tweets, newest first."""
    request, x = call.request, call.state.x
    user_id = check_id(call.args[0])
    size = max_results(request, 10, 5, 100)
    tweet_params(request)  # a bad value is a 400 even for an unknown user
    exclude = field_list(request, "exclude", frozenset({"replies", "retweets"}))
    start, end = time_param(request, "start_time"), time_param(request, "end_time")
    if user_id not in x.users:
        return {"errors": [not_found_entry("user", "id", user_id)]}, frozenset()
    tweets = [
        t
        for t in x.tweets_by(user_id)
        if within(t, request, start, end) and not ("replies" in exclude and t.in_reply_to)
    ]
    return tweet_listing(request, call.state.x, tweets, size, LISTINGS["user_tweets"])


def _search(call: _Call) -> Body:
    """GET /2/tweets/search/recent?query=conversation_id:<id>: replies of the last 7 days."""
    request, now = call.request, call.state.now
    query = request.query.get("query", "")
    if not query.strip():
        raise invalid_request("query", [], "The `query` query parameter can not be empty")
    match = _CONVERSATION_QUERY.match(query)
    if match is None:
        raise invalid_request(
            "query",
            [query],
            "There were errors processing your request: the simulator serves only "
            f"'conversation_id:<id>' queries, not [{query}]",
        )
    size = max_results(request, 10, 10, 100)
    tweet_params(request)
    earliest = now - SEARCH_WINDOW
    start, end = time_param(request, "start_time"), time_param(request, "end_time")
    if start is not None and start < earliest:
        raise invalid_request(
            "start_time",
            [request.query["start_time"]],
            f"Invalid 'start_time':'{minute_time(start)}'. 'start_time' must be on or after "
            f"{minute_time(earliest)}",
        )
    if end is not None and end > now - SEARCH_END_MARGIN:
        raise invalid_request(
            "end_time",
            [request.query["end_time"]],
            f"Invalid 'end_time':'{minute_time(end)}'. 'end_time' must be a minimum of 10 "
            "seconds prior to the request time.",
        )
    replies = call.state.x.replies_in(match.group(1))
    tweets = [t for t in replies if within(t, request, start or earliest, end)]
    return tweet_listing(request, call.state.x, tweets, size, LISTINGS["search"])


def _tweet(call: _Call) -> Body:
    """GET /2/tweets/:id: one tweet; a deleted or unknown one is 200 + errors (or a 404)."""
    tweet_id = check_id(call.args[0])
    fields, expansions, user_fields = tweet_params(call.request)
    tweet = call.state.x.live_tweet(tweet_id)
    if tweet is None:
        if call.not_found_style == "http_404":
            raise tweet_not_found_404(tweet_id)
        return {"errors": [not_found_entry("tweet", "id", tweet_id)]}, frozenset()
    body: dict[str, Any] = {"data": tweet_object(tweet, fields, call.state.x)}
    extra = includes(call.state.x, [tweet], expansions, user_fields)
    if extra:
        body["includes"] = extra
    return body, frozenset()


def _tweets(call: _Call) -> Body:
    """GET /2/tweets?ids=a,b: the tweets found, and one error per id not found."""
    request = call.request
    ids = list(dict.fromkeys(i.strip() for i in request.query.get("ids", "").split(",") if i.strip()))
    if not ids:
        raise invalid_request("ids", [], "The `ids` query parameter can not be empty")
    if len(ids) > 100:
        raise invalid_request(
            "ids",
            ids,
            f"The number of values in the `ids` query parameter list [{len(ids)}] is not between "
            "1 and 100",
        )
    for tweet_id in ids:
        check_id(tweet_id, "ids")
    fields, expansions, user_fields = tweet_params(request)
    found = [t for t in (call.state.x.live_tweet(i) for i in ids) if t is not None]
    missing = [i for i in ids if call.state.x.live_tweet(i) is None]
    body: dict[str, Any] = {}
    if found:
        body["data"] = [tweet_object(t, fields, call.state.x) for t in found]
        extra = includes(call.state.x, found, expansions, user_fields)
        if extra:
            body["includes"] = extra
    if missing:
        body["errors"] = [not_found_entry("tweet", "ids", i) for i in missing]
    return body, frozenset()


def _relations(call: _Call) -> Body:
    """GET /2/users/:id/blocking or /muting: the authenticated user's own list only."""
    request, x = call.request, call.state.x
    user_id = check_id(call.args[0])
    me = call.auth.require_user()
    if user_id != me:
        raise forbidden()
    size = max_results(request, 100, 1, 1000)
    user_fields = field_list(request, "user.fields", USER_FIELDS)
    field_list(request, "expansions", frozenset({"pinned_tweet_id"}))
    field_list(request, "tweet.fields", TWEET_FIELDS)
    users = [x.users[r.user_id] for r in x.relations(call.args[1], me)]
    kept = [u for u in users if u.user_id not in request.omit_ids]
    dropped = frozenset(u.user_id for u in users) & request.omit_ids
    chunk, meta = page(request, kept, size, LISTINGS["relations"])
    if not chunk:
        return {"meta": {"result_count": 0}}, dropped
    return {"data": [user_object(u, user_fields) for u in chunk], "meta": meta}, dropped


_HANDLERS: dict[str, Callable[[_Call], Body]] = {
    "me": _me,
    "user_tweets": _user_tweets,
    "relations": _relations,
    "search": _search,
    "tweets": _tweets,
    "tweet": _tweet,
}
