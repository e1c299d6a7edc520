"""X accounts through tweepy's API v2 client: fetch, validate, transform, look up.

The only module that imports `tweepy`; it turns tweepy's errors into the project's own and
applies a bounded rate-limit policy (never tweepy's unbounded `wait_on_rate_limit`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy

from collectors.http import AuditSession, redact
from collectors.listings import (
    comment_listing,
    is_throttled,
    items_of,
    posts_in_window,
    transformed,
    user_listing,
)
from collectors.paging import Cursor, Page, walk
from collectors.reads import ReadMeter
from collectors.records import (
    AuthFailed,
    CollectorError,
    CommentListing,
    CommentRecord,
    LookupResult,
    NotFound,
    PlatformError,
    PostRecord,
    RateLimited,
    ReadPlan,
    RunWarning,
    Snapshot,
    UserListing,
)
from collectors.validation import ListingProblems
from collectors.x_payloads import (
    POST_FIELDS,
    REPLY_FIELDS,
    describe_errors,
    listing_page,
    lookup_200,
    lookup_404,
    page_users,
    transform_post,
    transform_reply,
    transform_user,
)
from collectors.x_plan import planned_collect

log = logging.getLogger(__name__)

SDK_HOST = "https://api.twitter.com"
RECENT_SEARCH_DAYS = 7
# Listing replies of a post needs every reply inside recent search's 7 days; keep a margin.
SEARCH_MARGIN = timedelta(minutes=10)
LIST_PAGE_SIZE = 1000  # blocking and muting lists: X's maximum page
USAGE_CAPPED = "/2/problems/usage-capped"  # the problem type of a 429 for the monthly cap
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class XCredentials:
    """User-context credentials of the institution's own account (OAuth 1.0a or OAuth 2.0)."""

    consumer_key: str | None = None
    consumer_secret: str | None = None
    access_token: str | None = None
    access_token_secret: str | None = None
    oauth2_user_token: str | None = None

    @property
    def oauth1(self) -> bool:
        """True when the full OAuth 1.0a key set is present."""
        return all((self.consumer_key, self.consumer_secret, self.access_token,
                    self.access_token_secret))

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for masking in messages."""
        return tuple(v for v in (self.consumer_key, self.consumer_secret, self.access_token,
                                 self.access_token_secret, self.oauth2_user_token) if v)


def build_client(credentials: XCredentials, *, base_url: str, timeout: float, max_retries: int = 3,
                 backoff_seconds: float = 1.0) -> tweepy.Client:
    """A tweepy Client in user context, talking to `base_url` through an AuditSession."""
    if credentials.oauth1:
        client = tweepy.Client(consumer_key=credentials.consumer_key,
                               consumer_secret=credentials.consumer_secret,
                               access_token=credentials.access_token,
                               access_token_secret=credentials.access_token_secret,
                               return_type=dict, wait_on_rate_limit=False)
    else:
        client = tweepy.Client(bearer_token=credentials.oauth2_user_token, return_type=dict,
                               wait_on_rate_limit=False)
    # tweepy hard-codes its host and passes no timeout: the session supplies both.
    client.session = AuditSession(SDK_HOST, base_url, max_retries=max_retries,
                                  backoff_seconds=backoff_seconds, timeout=timeout)
    return client


def _answer_details(exc: Exception) -> dict[str, Any]:
    """The HTTP status and JSON body of a failed answer, kept as evidence."""
    response = getattr(exc, "response", None)
    if response is None:
        return {}
    details: dict[str, Any] = {"http_status": getattr(response, "status_code", None)}
    try:
        body = response.json()
    except ValueError:
        return details
    if isinstance(body, dict):
        details["body"] = body
    return details


def _translate(exc: Exception, secrets: tuple[str, ...],
               session: requests.Session | None = None) -> CollectorError:
    """One table from tweepy's and requests' errors to the project's own."""
    details = _answer_details(exc) if isinstance(exc, tweepy.HTTPException) else {}
    if isinstance(exc, tweepy.TooManyRequests):
        reset = exc.reset_time if hasattr(exc, "reset_time") else None
        reset_at = datetime.fromtimestamp(reset, UTC) if reset else None
        return RateLimited(redact(f"X rate limit: {exc}", secrets), reset_at, details)
    if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
        said = " ".join(str(exc).split())
        return AuthFailed(redact(f"X refused the credentials: {said}", secrets), details)
    if isinstance(exc, tweepy.NotFound):
        return NotFound(redact(f"X: {exc}", secrets), details)
    if isinstance(exc, tweepy.TweepyException):
        return PlatformError(redact(f"X: {exc}", secrets), details)
    if isinstance(exc, requests.RequestException) and isinstance(session, AuditSession):
        return session.unreachable(exc)
    if isinstance(exc, ValueError) and isinstance(session, AuditSession):
        return session.non_json()  # e.g. a proxy's HTML page where X's JSON should be
    return PlatformError(redact(f"malformed X answer ({type(exc).__name__}: {exc})", secrets))


def _x_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class XCollector:
    """Collects one X account: its tweets in the window, their replies, its block and mute lists."""

    def __init__(self, client: tweepy.Client, account_id: str, *, user_auth: bool,
                 secrets: tuple[str, ...] = (), max_wait: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, page_size: int = 100) -> None:
        self.client = client
        self.account_id = account_id
        self.user_auth = user_auth
        self.secrets = secrets
        self.max_wait = max_wait
        self.sleep = sleep
        self.page_size = page_size
        if getattr(self.session, "meter", None) is None:
            self.session.meter = ReadMeter("x")  # counts from the first request on

    @property
    def session(self) -> AuditSession:
        """The counting session under tweepy."""
        return self.client.session

    @property
    def api_calls(self) -> int:
        """Requests sent so far: X bills per read."""
        return self.session.calls

    @property
    def meter(self) -> ReadMeter:
        """What this collector has read, per endpoint (X bills resources)."""
        return self.session.meter

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """One API call under the bounded rate-limit policy: wait for a near reset, else give up."""
        for _ in range(3):
            try:
                answer = method(*args, **kwargs)
            except tweepy.TooManyRequests as exc:
                limited = _translate(exc, self.secrets)
                assert isinstance(limited, RateLimited)
                body = limited.details.get("body") or {}
                if str(body.get("type", "")).endswith(USAGE_CAPPED):
                    # The app's monthly cap, not a 15-minute window: waiting cannot help.
                    raise RateLimited(f"X usage cap reached ({body.get('detail') or 'monthly cap'}"
                                      "); nothing more is read until the cap resets",
                                      details=limited.details) from None
                if limited.reset_at is None:
                    raise RateLimited(f"{limited} (no x-rate-limit-reset header; not retried)") from None
                wait = (limited.reset_at - datetime.now(UTC)).total_seconds() + 1
                if wait > self.max_wait:
                    raise limited from None
                log.info("X rate limit: waiting %.0f s for the reset", max(wait, 0))
                self.sleep(max(wait, 0))
                continue
            except (tweepy.TweepyException, requests.RequestException, ValueError, TypeError) as exc:
                raise _translate(exc, self.secrets, self.client.session) from None
            if isinstance(answer, requests.Response):
                try:
                    answer = answer.json()
                except ValueError as exc:
                    raise _translate(exc, self.secrets, self.client.session) from None
            if not isinstance(answer, dict):
                raise PlatformError("malformed X answer: not a JSON object")
            return answer
        raise RateLimited("X rate limit persisted after waiting for its reset")

    def _pages(self, fetch_answer: Callable[[str | None], dict[str, Any]], *, what: str,
               page_size: int, expected: int | None = None) -> Iterator[Page]:
        """Pages of a listing, following `meta.next_token` under the paging guard."""
        def fetch(cursor: Cursor | None) -> Page:
            return listing_page(fetch_answer(cursor if isinstance(cursor, str) else None), what)
        yield from walk(fetch, page_size=page_size, what=what, expected=expected,
                        item_key=lambda item: item.get("id") if isinstance(item, dict) else None)

    def post_pages(self, since: datetime, since_id: str | None = None) -> Iterator[Page]:
        """The account's own tweets since `since` (and after `since_id`), newest first."""
        def answer(token: str | None) -> dict[str, Any]:
            return self._call(self.client.get_users_tweets, self.account_id,
                              start_time=_x_time(since), max_results=self.page_size,
                              tweet_fields=POST_FIELDS, exclude=["replies", "retweets"],
                              since_id=since_id, pagination_token=token, user_auth=self.user_auth)
        return self._pages(answer, what=f"tweets of {self.account_id}", page_size=self.page_size)

    def reply_pages(self, post: PostRecord, since: datetime, since_id: str | None = None,
                    authors: bool = True) -> Iterator[Page]:
        """Pages of the replies in a post's conversation since `since` (after `since_id`).

        `authors` expands each reply's author (a user read, billed at twice a post's price).
        """
        expand = {"expansions": ["author_id"], "user_fields": ["username", "name"]} if authors else {}
        def answer(token: str | None) -> dict[str, Any]:
            return self._call(self.client.search_recent_tweets, f"conversation_id:{post.platform_id}",
                              start_time=_x_time(since), max_results=self.page_size,
                              tweet_fields=REPLY_FIELDS, since_id=since_id, next_token=token,
                              user_auth=self.user_auth, **expand)
        return self._pages(answer, what=f"replies to {post.platform_id}", page_size=self.page_size,
                           expected=None if since_id else post.comment_count)

    def list_pages(self, relation: str) -> Iterator[Page]:
        """The account's `blocking` or `muting` list (user context of the account itself)."""
        # tweepy's get_blocked/get_muted guess the user id from the token; name it explicitly.
        route = f"/2/users/{self.account_id}/{relation}"
        def answer(token: str | None) -> dict[str, Any]:
            params = {"max_results": LIST_PAGE_SIZE, "user.fields": "name,username"}
            if token:
                params["pagination_token"] = token
            return self._call(self.client.request, "GET", route, params=params,
                              user_auth=self.user_auth)
        return self._pages(answer, what=f"{relation} list of {self.account_id}",
                           page_size=LIST_PAGE_SIZE)

    def check_token(self) -> None:
        """Raise unless the credentials read the configured account itself."""
        me = self._call(self.client.get_me, user_auth=self.user_auth)
        user_id = str((me.get("data") or {}).get("id", ""))
        if user_id != self.account_id:
            raise AuthFailed(f"the X credentials belong to user {user_id or '?'}, "
                             f"not to the configured account {self.account_id}",
                             {"identity": user_id})

    def probe_lists(self) -> None:
        """Read one entry of the blocking and muting lists: AuthFailed if user context is missing."""
        for relation in ("blocking", "muting"):
            self._call(self.client.request, "GET", f"/2/users/{self.account_id}/{relation}",
                       params={"max_results": 1}, user_auth=self.user_auth)

    def collect(self, *, now: datetime, since: datetime, progress: Progress | None = None,
                plan: ReadPlan | None = None) -> Snapshot:
        """One pass over the account; errors mark listings incomplete rather than raise.

        Without a plan everything in the window is read (a full re-crawl); with one, only new
        posts, the known posts due tonight and their new replies (collectors/x_plan.py).
        """
        if plan is not None:
            return planned_collect(self, now=now, since=since, plan=plan, progress=progress)
        snapshot = Snapshot(fetched_at=now)
        self.check_token()
        posts = self._list_posts(since, snapshot)
        search_floor = now - timedelta(days=RECENT_SEARCH_DAYS) + SEARCH_MARGIN
        throttled = False
        for index, post in enumerate(posts):
            listing = CommentListing(post=post)
            if post.created_at is None:
                listing.error = "the tweet's created_at is missing: its replies cannot be searched"
            elif post.created_at < search_floor:
                pass  # replies older than recent search's 7 days cannot be listed: not compared
            elif throttled:
                listing.error = "not listed: throttled earlier in this run"
            else:
                listing = self._list_replies(post, snapshot)
                throttled = is_throttled(listing)
            snapshot.listings.append(listing)
            if progress:
                progress(index + 1, len(posts))
        snapshot.blocked = self._list_users("blocking", snapshot)
        snapshot.muted = self._list_users("muting", snapshot)
        snapshot.api_calls = self.session.calls
        snapshot.api_version = "2"
        return snapshot

    def _list_posts(self, since: datetime, snapshot: Snapshot) -> list[PostRecord]:
        return posts_in_window(items_of(self.post_pages(since)), transform_post, since, snapshot,
                               f"tweets of {self.account_id}")

    def _replies(self, post: PostRecord, snapshot: Snapshot, problems: ListingProblems,
                 since_id: str | None = None, authors: bool = True) -> Iterator[CommentRecord]:
        assert post.created_at is not None
        for page in self.reply_pages(post, post.created_at, since_id, authors):
            if page.raw.get("errors"):  # e.g. an author's expansion withheld: names may be missing
                snapshot.warnings.append(RunWarning(
                    "partial_errors", f"replies to {post.platform_id}: X answered with data and "
                    f"errors: {describe_errors(page.raw['errors'])}"))
            users = page_users(page.raw)
            yield from transformed(page.items, lambda raw, u=users: transform_reply(
                raw, post.platform_id, u), problems)

    def _list_replies(self, post: PostRecord, snapshot: Snapshot, since_id: str | None = None,
                      authors: bool = True) -> CommentListing:
        return comment_listing(post, lambda problems: self._replies(post, snapshot, problems,
                                                                     since_id, authors),
                               snapshot, f"replies to {post.platform_id}")

    def tweets_by_id(self, ids: list[str]) -> Iterator[dict[str, Any]]:
        """The account's known tweets by id (`GET /2/tweets?ids=`, 100 a request); deleted ones
        are left out (X answers them as errors)."""
        for start in range(0, len(ids), 100):
            answer = self._call(self.client.get_tweets, ids[start:start + 100],
                                tweet_fields=POST_FIELDS, user_auth=self.user_auth)
            data = answer.get("data")
            if data is not None and not isinstance(data, list):
                raise PlatformError("malformed X answer for tweets by id: `data` is not a list")
            yield from data or []

    def _list_users(self, relation: str, snapshot: Snapshot) -> UserListing:
        code = "blocked_incomplete" if relation == "blocking" else "muted_incomplete"
        return user_listing(items_of(self.list_pages(relation)), transform_user, snapshot,
                            f"{relation} list of {self.account_id}", code)

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        """X has no per-user check that costs less than the list: None (unknown)."""
        return None

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look a reply up by id; "gone" only on X's not-found answer for that very id."""
        try:
            answer = self._call(self.client.get_tweet, comment_id, tweet_fields=["created_at"],
                                user_auth=self.user_auth)
        except NotFound as exc:
            body = exc.details.get("body") if isinstance(exc.details.get("body"), dict) else {}
            return lookup_404(body, comment_id, str(exc))
        return lookup_200(answer, comment_id)
