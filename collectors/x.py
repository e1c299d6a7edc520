"""X accounts through tweepy's API v2 client: fetch, transform, look up.

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
    RunWarning,
    Snapshot,
    UserListing,
    UserRecord,
)

log = logging.getLogger(__name__)

SDK_HOST = "https://api.twitter.com"
POST_FIELDS = ["created_at", "conversation_id", "reply_settings"]
REPLY_FIELDS = ["created_at", "author_id", "conversation_id", "in_reply_to_user_id", "referenced_tweets"]
RECENT_SEARCH_DAYS = 7
# Listing replies of a post needs every reply inside recent search's 7 days; keep a margin.
SEARCH_MARGIN = timedelta(minutes=10)
NOT_FOUND_TYPE = "https://api.twitter.com/2/problems/resource-not-found"
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


def _translate(exc: Exception, secrets: tuple[str, ...]) -> CollectorError:
    """One table from tweepy's and requests' errors to the project's own."""
    if isinstance(exc, tweepy.TooManyRequests):
        reset = exc.reset_time if hasattr(exc, "reset_time") else None
        reset_at = datetime.fromtimestamp(reset, UTC) if reset else None
        return RateLimited(redact(f"X rate limit: {exc}", secrets), reset_at)
    if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
        return AuthFailed(redact(f"X refused the credentials: {exc}", secrets))
    if isinstance(exc, tweepy.NotFound):
        return NotFound(redact(f"X: {exc}", secrets))
    if isinstance(exc, tweepy.TweepyException):
        return PlatformError(redact(f"X: {exc}", secrets))
    if isinstance(exc, requests.RequestException):
        return PlatformError(redact(f"{type(exc).__name__}: {exc}", secrets))
    return PlatformError(redact(f"malformed X answer ({type(exc).__name__}: {exc})", secrets))


def parse_time(value: Any) -> datetime | None:
    """An X timestamp (`2026-11-16T10:00:00.000Z`) as an aware datetime."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _x_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def not_found_in(answer: dict[str, Any], object_id: str) -> bool:
    """True if a 200 answer carries X's resource-not-found error for `object_id`."""
    return any(isinstance(e, dict) and e.get("type") == NOT_FOUND_TYPE
               and str(e.get("resource_id") or e.get("value")) == object_id
               for e in answer.get("errors") or [])


def transform_post(raw: dict[str, Any]) -> PostRecord:
    """One of the account's tweets as a PostRecord (with its reply settings)."""
    return PostRecord(platform_id=str(raw["id"]), created_at=parse_time(raw.get("created_at")),
                      message=raw.get("text"), raw=raw,
                      reply_settings=raw.get("reply_settings") or "everyone")


def transform_reply(raw: dict[str, Any], post_id: str, users: dict[str, dict[str, Any]]) -> CommentRecord:
    """A reply in a post's conversation as a CommentRecord; hidden replies are not observable."""
    replied_to = [r.get("id") for r in raw.get("referenced_tweets") or []
                  if isinstance(r, dict) and r.get("type") == "replied_to"]
    parent = str(replied_to[0]) if replied_to and str(replied_to[0]) != post_id else None
    author_id = str(raw["author_id"]) if raw.get("author_id") else None
    author = users.get(author_id or "", {})
    name = author.get("name")
    if author.get("username"):
        name = f"{name} (@{author['username']})" if name else f"@{author['username']}"
    return CommentRecord(platform_id=str(raw["id"]), post_id=post_id, parent_id=parent,
                         author_id=author_id, author_name=name, message=raw.get("text"),
                         created_at=parse_time(raw.get("created_at")), is_hidden=False, raw=raw)


def transform_user(raw: dict[str, Any]) -> UserRecord:
    """A blocking/muting list entry as a UserRecord."""
    name = raw.get("name")
    if raw.get("username"):
        name = f"{name} (@{raw['username']})" if name else f"@{raw['username']}"
    return UserRecord(platform_id=str(raw["id"]), name=name, raw=raw)


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

    @property
    def session(self) -> AuditSession:
        """The counting session under tweepy."""
        return self.client.session

    @property
    def api_calls(self) -> int:
        """Requests sent so far: X bills per read."""
        return self.session.calls

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """One API call under the bounded rate-limit policy: wait for a near reset, else give up."""
        for _ in range(3):
            try:
                answer = method(*args, **kwargs)
            except tweepy.TooManyRequests as exc:
                limited = _translate(exc, self.secrets)
                assert isinstance(limited, RateLimited)
                if limited.reset_at is None:
                    raise RateLimited(f"{limited} (no x-rate-limit-reset header; not retried)") from None
                wait = (limited.reset_at - datetime.now(UTC)).total_seconds() + 1
                if wait > self.max_wait:
                    raise limited from None
                log.info("X rate limit: waiting %.0f s for the reset", max(wait, 0))
                self.sleep(max(wait, 0))
                continue
            except (tweepy.TweepyException, requests.RequestException, ValueError, TypeError) as exc:
                raise _translate(exc, self.secrets) from None
            if isinstance(answer, requests.Response):
                try:
                    answer = answer.json()
                except ValueError as exc:
                    raise _translate(exc, self.secrets) from None
            if not isinstance(answer, dict):
                raise PlatformError("malformed X answer: not a JSON object")
            return answer
        raise RateLimited("X rate limit persisted after waiting for its reset")

    def _pages(self, fetch_page: Callable[[str | None], dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Pages of a listing, following `meta.next_token`."""
        token = None
        while True:
            page = fetch_page(token)
            data = page.get("data", [])
            if not isinstance(data, list) or not all(isinstance(i, dict) and "id" in i for i in data):
                raise PlatformError("malformed X answer: bad data")
            yield page
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                return

    def fetch_posts(self, since: datetime) -> Iterator[dict[str, Any]]:
        """The account's own tweets since `since`, newest first (no replies or retweets)."""
        def page(token: str | None) -> dict[str, Any]:
            return self._call(self.client.get_users_tweets, self.account_id,
                              start_time=_x_time(since), max_results=self.page_size,
                              tweet_fields=POST_FIELDS, exclude=["replies", "retweets"],
                              pagination_token=token, user_auth=self.user_auth)
        for answer in self._pages(page):
            yield from answer.get("data", [])

    def fetch_replies(self, post_id: str, since: datetime) -> Iterator[tuple[dict[str, Any], dict]]:
        """Replies in a post's conversation since `since`, each with the page's user expansions."""
        def page(token: str | None) -> dict[str, Any]:
            return self._call(self.client.search_recent_tweets, f"conversation_id:{post_id}",
                              start_time=_x_time(since), max_results=self.page_size,
                              tweet_fields=REPLY_FIELDS, expansions=["author_id"],
                              user_fields=["username", "name"], next_token=token,
                              user_auth=self.user_auth)
        for answer in self._pages(page):
            users = {str(u["id"]): u for u in (answer.get("includes") or {}).get("users", [])
                     if isinstance(u, dict) and "id" in u}
            for raw in answer.get("data", []):
                yield raw, users

    def fetch_list(self, relation: str) -> Iterator[dict[str, Any]]:
        """The account's `blocking` or `muting` list (user context of the account itself)."""
        # tweepy's get_blocked/get_muted guess the user id from the token; name it explicitly.
        route = f"/2/users/{self.account_id}/{relation}"
        def page(token: str | None) -> dict[str, Any]:
            params = {"max_results": 1000, "user.fields": "name,username"}
            if token:
                params["pagination_token"] = token
            return self._call(self.client.request, "GET", route, params=params,
                              user_auth=self.user_auth)
        for answer in self._pages(page):
            yield from answer.get("data", [])

    def check_token(self) -> None:
        """Raise unless the credentials read the configured account itself."""
        me = self._call(self.client.get_me, user_auth=self.user_auth)
        user_id = str((me.get("data") or {}).get("id", ""))
        if user_id != self.account_id:
            raise AuthFailed(f"the X credentials belong to user {user_id or '?'}, "
                             f"not to the configured account {self.account_id}")

    def collect(self, *, now: datetime, since: datetime, progress: Progress | None = None) -> Snapshot:
        """One pass over the account; errors mark listings incomplete rather than raise."""
        snapshot = Snapshot(fetched_at=now)
        self.check_token()
        posts: list[PostRecord] = []
        try:
            posts = [transform_post(raw) for raw in self.fetch_posts(since)]
            snapshot.posts_complete = True
        except CollectorError as exc:
            snapshot.warnings.append(RunWarning("posts_incomplete", str(exc)))
        search_floor = now - timedelta(days=RECENT_SEARCH_DAYS) + SEARCH_MARGIN
        throttled = False
        for index, post in enumerate(posts):
            listing = CommentListing(post=post)
            if post.created_at is None or post.created_at < search_floor:
                pass  # replies older than recent search's 7 days cannot be listed: not compared
            elif throttled:
                listing.error = "not listed: throttled earlier in this run"
            else:
                listing = self._list_replies(post, snapshot)
                throttled = isinstance(listing.error, str) and listing.error.startswith("throttled")
            snapshot.listings.append(listing)
            if progress:
                progress(index + 1, len(posts))
        snapshot.blocked = self._list_users("blocking", snapshot)
        snapshot.muted = self._list_users("muting", snapshot)
        snapshot.api_calls = self.session.calls
        snapshot.api_version = "2"
        return snapshot

    def _list_replies(self, post: PostRecord, snapshot: Snapshot) -> CommentListing:
        listing = CommentListing(post=post)
        try:
            assert post.created_at is not None
            for raw, users in self.fetch_replies(post.platform_id, post.created_at):
                listing.comments.append(transform_reply(raw, post.platform_id, users))
            listing.complete = True
        except RateLimited as exc:
            listing.error = f"throttled: {exc}"
            snapshot.warnings.append(RunWarning("rate_limited", str(exc)))
        except CollectorError as exc:
            listing.error = str(exc)
            snapshot.warnings.append(RunWarning("listing_incomplete", f"post {post.platform_id}: {exc}"))
        return listing

    def _list_users(self, relation: str, snapshot: Snapshot) -> UserListing:
        listing = UserListing()
        try:
            listing.users = [transform_user(raw) for raw in self.fetch_list(relation)]
            listing.complete = True
        except CollectorError as exc:
            listing.error = str(exc)
            code = "blocked_incomplete" if relation == "blocking" else "muted_incomplete"
            snapshot.warnings.append(RunWarning(code, str(exc)))
        return listing

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look a reply up by id; X says "not found" either as HTTP 404 or as a 200 with errors."""
        try:
            answer = self._call(self.client.get_tweet, comment_id, tweet_fields=["created_at"],
                                user_auth=self.user_auth)
        except NotFound as exc:
            return LookupResult(status="gone", answer={"error": str(exc), "http_status": 404})
        if not answer.get("data") and not_found_in(answer, comment_id):
            return LookupResult(status="gone", answer={"errors": answer.get("errors"),
                                                       "http_status": 200})
        if not answer.get("data"):
            raise PlatformError(f"X answered neither the reply {comment_id} nor a not-found error")
        return LookupResult(status="present", answer={"data": answer["data"]})
