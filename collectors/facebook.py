"""Facebook Pages over the Graph API with facebook-sdk: fetch, transform, look up.

The only module that imports `facebook`; it turns the SDK's errors into the project's own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import facebook
import requests

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

SDK_GRAPH_URL = facebook.FACEBOOK_GRAPH_URL
COMMENT_FIELDS = "id,from,message,created_time,is_hidden,parent"
POST_FIELDS = "id,message,created_time"
PAGE_SIZE = 100
AUTH_CODES = {10, 102, 190, 200, 210, 230, 270, 299}
THROTTLE_CODES = {4, 17, 32, 613, 80001}
Progress = Callable[[int, int], None]


def build_graph(*, token: str, base_url: str, version: str, timeout: float,
                max_retries: int = 3, backoff_seconds: float = 1.0) -> facebook.GraphAPI:
    """A GraphAPI client on `version`, talking to `base_url` through an AuditSession."""
    session = AuditSession(SDK_GRAPH_URL, base_url, max_retries=max_retries,
                           backoff_seconds=backoff_seconds)
    # facebook-sdk 3.1.0 rejects current versions in its constructor: set it afterwards.
    graph = facebook.GraphAPI(access_token=token, timeout=timeout, session=session)
    graph.version = version if version.startswith("v") else f"v{version}"
    return graph


def _translate(exc: Exception, token: str) -> CollectorError:
    """One table from the SDK's and requests' errors to the project's own."""
    if isinstance(exc, facebook.GraphAPIError):
        result = exc.result if isinstance(exc.result, dict) else {}
        error = result.get("error") if isinstance(result.get("error"), dict) else {}
        code, subcode = error.get("code"), error.get("error_subcode")
        message = redact(f"Graph error {code}/{subcode}: {error.get('message') or exc}", (token,))
        if code == 100 and subcode == 33:
            return NotFound(message)
        if code in AUTH_CODES:
            return AuthFailed(message)
        if code in THROTTLE_CODES:
            return RateLimited(message)
        return PlatformError(message)
    if isinstance(exc, requests.RequestException):
        return PlatformError(redact(f"{type(exc).__name__}: {exc}", (token,)))
    return PlatformError(redact(f"malformed Graph answer ({type(exc).__name__}: {exc})", (token,)))


def graph_request(graph: facebook.GraphAPI, path: str, args: dict[str, Any]) -> dict[str, Any]:
    """GET one Graph path; the SDK's errors become the project's own."""
    try:
        result = graph.request(f"{graph.version}/{path}", dict(args))
    except (facebook.GraphAPIError, requests.RequestException, KeyError, ValueError) as exc:
        raise _translate(exc, graph.access_token) from None
    if not isinstance(result, dict):
        raise PlatformError(f"malformed Graph answer for {path}: not a JSON object")
    return result


def fetch_connection(graph: facebook.GraphAPI, object_id: str, connection: str,
                     **args: Any) -> Iterator[dict[str, Any]]:
    """Every item of a connection, page by page, following `paging.next` until it ends."""
    args = {key: value for key, value in args.items() if value is not None}
    while True:
        page = graph_request(graph, f"{object_id}/{connection}", args)
        items = page.get("data")
        if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
            raise PlatformError(f"malformed Graph answer for {object_id}/{connection}: bad data")
        yield from items
        next_url = (page.get("paging") or {}).get("next")
        if not next_url:
            return
        query = parse_qs(urlparse(next_url).query)
        query.pop("access_token", None)
        args = {key: values[-1] for key, values in query.items()}


def fetch_posts(graph: facebook.GraphAPI, page_id: str, since: datetime) -> Iterator[dict[str, Any]]:
    """The Page's posts created since `since`, newest first."""
    yield from fetch_connection(graph, page_id, "posts", fields=POST_FIELDS,
                                since=int(since.timestamp()), limit=PAGE_SIZE)


def fetch_comments(graph: facebook.GraphAPI, post_id: str,
                   page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """Every comment under a post, all levels, oldest first."""
    yield from fetch_connection(graph, post_id, "comments", filter="stream",
                                fields=COMMENT_FIELDS, limit=page_size)


def fetch_blocked(graph: facebook.GraphAPI, page_id: str,
                  page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """The users banned from the Page."""
    yield from fetch_connection(graph, page_id, "blocked", limit=page_size)


def parse_time(value: Any) -> datetime | None:
    """A Graph timestamp (`2026-11-16T10:00:00+0000`) as an aware datetime."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def transform_post(raw: dict[str, Any]) -> PostRecord:
    """A Graph post as a PostRecord."""
    return PostRecord(platform_id=str(raw["id"]), created_at=parse_time(raw.get("created_time")),
                      message=raw.get("message"), raw=raw)


def transform_comment(raw: dict[str, Any], post_id: str) -> CommentRecord:
    """A Graph comment as a CommentRecord."""
    author = raw.get("from") if isinstance(raw.get("from"), dict) else {}
    parent = raw.get("parent") if isinstance(raw.get("parent"), dict) else {}
    return CommentRecord(
        platform_id=str(raw["id"]), post_id=post_id,
        parent_id=str(parent["id"]) if parent.get("id") else None,
        author_id=str(author["id"]) if author.get("id") else None,
        author_name=author.get("name"), message=raw.get("message"),
        created_at=parse_time(raw.get("created_time")),
        is_hidden=bool(raw.get("is_hidden", False)), raw=raw,
    )


def transform_user(raw: dict[str, Any]) -> UserRecord:
    """A Graph user (from /blocked) as a UserRecord."""
    return UserRecord(platform_id=str(raw["id"]), name=raw.get("name"), raw=raw)


class FacebookPageCollector:
    """Collects one Page: its posts in the window, their comments, its ban list."""

    def __init__(self, graph: facebook.GraphAPI, page_id: str, page_size: int = PAGE_SIZE) -> None:
        self.graph = graph
        self.page_id = page_id
        self.page_size = page_size

    @property
    def session(self) -> AuditSession:
        """The counting session under the SDK client."""
        return self.graph.session

    @property
    def api_calls(self) -> int:
        """Requests sent so far (platforms bill and throttle per call)."""
        return self.session.calls

    def check_token(self) -> None:
        """Raise AuthFailed (or another CollectorError) unless the token reads the Page itself."""
        graph_request(self.graph, self.page_id, {"fields": "id,name"})

    def collect(self, *, now: datetime, since: datetime,
                progress: Progress | None = None) -> Snapshot:
        """One pass over the Page; errors mark listings incomplete rather than raise."""
        snapshot = Snapshot(fetched_at=now)
        calls_before = self.session.calls
        self.check_token()  # a refused token fails the run outright
        posts: list[PostRecord] = []
        try:
            posts = self._list_posts(since)
            snapshot.posts_complete = True
        except CollectorError as exc:
            snapshot.warnings.append(RunWarning("posts_incomplete", str(exc)))
        throttled = False
        for index, post in enumerate(posts):
            listing = CommentListing(post=post)
            if throttled:
                listing.error = "not listed: throttled earlier in this run"
            else:
                listing = self._list_comments(post, snapshot)
                throttled = listing.error is not None and listing.error.startswith("throttled")
            snapshot.listings.append(listing)
            if progress:
                progress(index + 1, len(posts))
        snapshot.blocked = self._list_blocked(snapshot)
        snapshot.api_calls = self.session.calls - calls_before
        snapshot.api_version = self.session.last_headers.get("facebook-api-version")
        log.info("page %s: %d posts, %d calls, Graph %s", self.page_id, len(posts),
                 snapshot.api_calls, snapshot.api_version)
        return snapshot

    def _list_posts(self, since: datetime) -> list[PostRecord]:
        return [transform_post(p) for p in fetch_posts(self.graph, self.page_id, since)]

    def _comments_of(self, post: PostRecord) -> Iterator[CommentRecord]:
        for raw in fetch_comments(self.graph, post.platform_id, self.page_size):
            yield transform_comment(raw, post.platform_id)

    def _list_comments(self, post: PostRecord, snapshot: Snapshot) -> CommentListing:
        listing = CommentListing(post=post)
        try:
            listing.comments.extend(self._comments_of(post))
            listing.complete = True
        except RateLimited as exc:
            listing.error = f"throttled: {exc}"
            snapshot.warnings.append(RunWarning("rate_limited", str(exc)))
        except CollectorError as exc:
            listing.error = str(exc)
            snapshot.warnings.append(
                RunWarning("listing_incomplete", f"post {post.platform_id}: {exc}"))
        return listing

    def _list_blocked(self, snapshot: Snapshot) -> UserListing:
        listing = UserListing()
        try:
            fetched = fetch_blocked(self.graph, self.page_id, self.page_size)
            listing.users = [transform_user(u) for u in fetched]
            listing.complete = True
        except CollectorError as exc:
            listing.error = str(exc)
            snapshot.warnings.append(RunWarning("blocked_incomplete", str(exc)))
        return listing

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look one comment up by id: gone (code 100/33) or present with its visibility."""
        try:
            answer = graph_request(self.graph, comment_id, {"fields": "id,is_hidden,created_time"})
        except NotFound as exc:
            return LookupResult(status="gone", answer={"error": str(exc)})
        return LookupResult(status="present", is_hidden=bool(answer.get("is_hidden")),
                            answer=answer)
