"""Facebook Pages over the Graph API with facebook-sdk: fetch, validate, transform, look up.

The only module that imports `facebook`; it turns the SDK's errors into the project's own.
Listings rebuild every request from their own query and take only the cursor from
`paging.next` (real Page `next` links may carry `since` blank and leave `fields` out).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import facebook
import requests

from collectors.graph_nested import young_comments
from collectors.graph_payloads import (
    COMMENT_FIELDS,
    POST_FIELDS,
    ListingPage,
    ban_check,
    check_identity,
    lookup_answer,
    next_cursor,
    transform_comment,
    transform_post,
    transform_user,
)
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
from collectors.validation import FieldProblem, ListingProblems, parse_item

log = logging.getLogger(__name__)

SDK_GRAPH_URL = facebook.FACEBOOK_GRAPH_URL
PAGE_SIZE = 100
# Graph's error codes (Handling Errors): 10 and 200-299 are permissions, 102/190 the token itself;
# 4, 17, 32, 341, 368, 613 and the 8000x business-use-case codes ask to wait and retry.
AUTH_CODES = frozenset({10, 102, 104, 190, *range(200, 300)})
THROTTLE_CODES = frozenset({4, 17, 32, 341, 368, 613, 80001, 80002, 80004, 80005, 80006, 80008})
Progress = Callable[[int, int], None]
MODERATE_HINT = (
    "Graph returned comments without `id`: since Graph v11.0 comment ids are given only to a "
    "token that can perform the MODERATE task on the Page. Give the user or system user behind "
    "the Page token the 'Community activity' (MODERATE) task in Meta Business Suite → Settings "
    "→ Page access, then create a new Page token")


def build_graph(*, token: str, base_url: str, version: str, timeout: float,
                max_retries: int = 3, backoff_seconds: float = 1.0) -> facebook.GraphAPI:
    """A GraphAPI client on `version`, talking to `base_url` through an AuditSession."""
    session = AuditSession(SDK_GRAPH_URL, base_url, max_retries=max_retries,
                           backoff_seconds=backoff_seconds)
    # facebook-sdk 3.1.0 rejects current versions in its constructor: set it afterwards.
    graph = facebook.GraphAPI(access_token=token, timeout=timeout, session=session)
    graph.version = version if version.startswith("v") else f"v{version}"
    return graph


def _translate(exc: Exception, token: str, session: Any = None) -> CollectorError:
    """One table from the SDK's and requests' errors to the project's own.

    `session` (the AuditSession) tells what a non-JSON answer or a failed connection was.
    """
    if isinstance(exc, facebook.GraphAPIError):
        result = exc.result if isinstance(exc.result, dict) else {}
        error = result.get("error") if isinstance(result.get("error"), dict) else {}
        code, subcode = error.get("code"), error.get("error_subcode")
        if code is None and isinstance(session, AuditSession) and session.last_status is not None:
            return session.non_json()  # the SDK's "Maintype was not text, image, or querystring"
        details = {key: error.get(key) for key in ("code", "error_subcode", "type", "fbtrace_id",
                                                   "is_transient") if error.get(key) is not None}
        shown = f"{code}/{subcode}" if subcode is not None else f"{code}"
        message = redact(f"Graph error {shown}: {error.get('message') or exc}", (token,))
        if code == 100 and subcode == 33:
            return NotFound(message, details)
        if code in AUTH_CODES:
            return AuthFailed(message, details)
        if code in THROTTLE_CODES:
            return RateLimited(message, details=details)
        return PlatformError(message, details)
    if isinstance(exc, requests.RequestException) and isinstance(session, AuditSession):
        return session.unreachable(exc)
    if isinstance(exc, ValueError) and isinstance(session, AuditSession):
        return session.non_json()  # a body that claimed JSON and was not
    return PlatformError(redact(f"malformed Graph answer ({type(exc).__name__}: {exc})", (token,)))


def graph_request(graph: facebook.GraphAPI, path: str, args: dict[str, Any]) -> dict[str, Any]:
    """GET one Graph path; the SDK's errors become the project's own."""
    try:
        result = graph.request(f"{graph.version}/{path}", dict(args))
    except (facebook.GraphAPIError, requests.RequestException, KeyError, ValueError) as exc:
        raise _translate(exc, graph.access_token, graph.session) from None
    if not isinstance(result, dict):
        raise PlatformError(f"malformed Graph answer for {path}: not a JSON object")
    return result


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _item_id(item: dict[str, Any]) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def fetch_pages(graph: facebook.GraphAPI, object_id: str, edge: str, args: dict[str, Any], *,
                expected: int | None = None) -> Iterator[Page]:
    """Pages of one connection; each request is `args` plus the cursor of the previous page."""
    what = f"{object_id}/{edge}"
    query = {key: value for key, value in args.items() if value is not None}

    def fetch(cursor: Cursor | None) -> Page:
        answer = graph_request(graph, what, {**query, **dict(cursor or ())})  # type: ignore[arg-type]
        page, problems = parse_item(ListingPage, answer, ("data",))
        if page is None or problems:
            detail = "; ".join(f"{p.field} {p.detail}" for p in problems)
            raise PlatformError(f"malformed Graph answer for {what}: {detail}")
        return Page(page.data, next_cursor(page.paging.next if page.paging else None), answer)

    size = int(query.get("limit", PAGE_SIZE))
    yield from walk(fetch, page_size=size, what=what, expected=expected, item_key=_item_id)


def fetch_posts(graph: facebook.GraphAPI, page_id: str, since: datetime,
                page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """The Page's posts since `since`, newest first, with their comment counts."""
    yield from items_of(fetch_pages(graph, page_id, "posts", {
        "fields": POST_FIELDS, "since": int(since.timestamp()), "limit": page_size}))


def fetch_comments(graph: facebook.GraphAPI, post_id: str, page_size: int = PAGE_SIZE,
                   expected: int | None = None) -> Iterator[Any]:
    """Every comment under a post, all levels, oldest first."""
    yield from items_of(fetch_pages(graph, post_id, "comments", {
        "filter": "stream", "fields": COMMENT_FIELDS, "limit": page_size, "summary": "true"},
        expected=expected))


def fetch_blocked(graph: facebook.GraphAPI, page_id: str, page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """The users banned from the Page."""
    yield from items_of(fetch_pages(graph, page_id, "blocked", {"limit": page_size}))


class FacebookPageCollector:
    """Collects one Page: its posts in the window, their comments, its ban list."""

    nested_comments = True  # young posts' comments in one nested request (collectors/graph_nested)

    def __init__(self, graph: facebook.GraphAPI, page_id: str, page_size: int = PAGE_SIZE) -> None:
        self.graph = graph
        self.page_id = page_id
        self.page_size = page_size
        if getattr(self.session, "meter", None) is None:
            self.session.meter = ReadMeter("graph")  # counts from the first request on

    @property
    def session(self) -> AuditSession:
        """The counting session under the SDK client."""
        return self.graph.session

    @property
    def api_calls(self) -> int:
        """Requests sent so far (platforms bill and throttle per call)."""
        return self.session.calls

    @property
    def meter(self) -> ReadMeter:
        """What this collector has read, per endpoint (Graph throttles per request)."""
        return self.session.meter

    def check_token(self) -> None:
        """Raise AuthFailed (or another CollectorError) unless the token reads the Page itself."""
        try:
            answer = graph_request(self.graph, self.page_id, {"fields": "id,name"})
        except NotFound as exc:  # the account's own object: the configured id is wrong
            raise NotFound(str(exc), {**exc.details, "object": "account"}) from None
        check_identity(answer, self.page_id, "the Page")

    def whoami(self) -> tuple[str | None, str | None]:
        """(id, name) of what the token itself is (`/me`): for a Page token, its Page."""
        answer = graph_request(self.graph, "me", {"fields": "id,name"})
        return _text(answer.get("id")), _text(answer.get("name"))

    def probe_moderation(self) -> bool | None:
        """Whether listed comments carry `id` (the MODERATE task); None: no comment to tell by.

        Also reads one entry of the ban list, so a missing permission raises AuthFailed here.
        """
        graph_request(self.graph, f"{self.page_id}/blocked", {"limit": 1})
        posts = graph_request(self.graph, f"{self.page_id}/posts", {"fields": "id", "limit": 5})
        for post in posts.get("data") or []:
            post_id = _item_id(post)
            if post_id is None:
                continue
            comments = graph_request(self.graph, f"{post_id}/comments",
                                     {"fields": "id,created_time", "limit": 1, "filter": "stream"})
            items = comments.get("data") or []
            if items:
                return isinstance(items[0], dict) and "id" in items[0]
        return None

    def collect(self, *, now: datetime, since: datetime, progress: Progress | None = None,
                plan: ReadPlan | None = None) -> Snapshot:
        """One pass over the Page; errors mark listings incomplete rather than raise.

        Every post of the window is listed with its comment count; with a plan, only the posts
        it says are due have their comments listed, and the ban list only when it is due.
        """
        snapshot = Snapshot(fetched_at=now)
        calls_before = self.session.calls
        self.check_token()  # a refused token fails the run outright
        posts = self._list_posts(since, snapshot)
        nested: dict[str, list[Any]] = {}
        if plan is not None and plan.young_since is not None and self.nested_comments:
            nested = young_comments(fetch_pages, self.graph, self.page_id, plan.young_since)
        throttled = False
        for index, post in enumerate(posts):
            listing = CommentListing(post=post)
            if plan is not None and plan.due(post) is None:
                listing.skipped = "schedule"
            elif throttled:
                listing.error = "not listed: throttled earlier in this run"
            else:
                listing = self._list_comments(post, snapshot, nested.get(post.platform_id))
                throttled = is_throttled(listing)
            snapshot.listings.append(listing)
            if progress:
                progress(index + 1, len(posts))
        if plan is None or plan.lists:
            snapshot.blocked = self._list_blocked(snapshot)
        snapshot.api_calls = self.session.calls - calls_before
        snapshot.api_version = self.session.last_headers.get("facebook-api-version")
        log.info("page %s: %d posts, %d calls, Graph %s", self.page_id, len(posts),
                 snapshot.api_calls, snapshot.api_version)
        return snapshot

    def _post_items(self, since: datetime) -> Iterator[Any]:
        return fetch_posts(self.graph, self.page_id, since, self.page_size)

    def _transform_post(self, raw: Any) -> tuple[PostRecord | None, list[FieldProblem]]:
        return transform_post(raw)

    def _list_posts(self, since: datetime, snapshot: Snapshot) -> list[PostRecord]:
        """Posts newest first, down to the watch window (even if the platform ignores `since`)."""
        return posts_in_window(self._post_items(since), self._transform_post, since, snapshot,
                               f"posts of {self.page_id}")

    def _comments_of(self, post: PostRecord, problems: ListingProblems,
                     items: list[Any] | None = None) -> Iterator[CommentRecord]:
        if items is None:
            items = fetch_comments(self.graph, post.platform_id, self.page_size, post.comment_count)
        yield from transformed(items, lambda raw: transform_comment(raw, post.platform_id), problems)

    def _list_comments(self, post: PostRecord, snapshot: Snapshot,
                       items: list[Any] | None = None) -> CommentListing:
        def name_the_missing_task(problems: ListingProblems) -> None:
            if "id" in problems.fields():  # comments without id: the MODERATE task is missing
                snapshot.warnings.append(RunWarning("permission_missing",
                                                    f"post {post.platform_id}: {MODERATE_HINT}"))
        return comment_listing(post, lambda problems: self._comments_of(post, problems, items),
                               snapshot, f"post {post.platform_id}", name_the_missing_task)

    def _list_blocked(self, snapshot: Snapshot) -> UserListing | None:
        return user_listing(fetch_blocked(self.graph, self.page_id, self.page_size), transform_user,
                            snapshot, f"ban list of {self.page_id}", "blocked_incomplete")

    def is_listed(self, list_name: str, user_id: str) -> bool | None:
        """Whether the Page bans this user now (`/{page-id}/blocked?user=`); None if unknown."""
        if list_name != "blocked":
            return None
        answer = graph_request(self.graph, f"{self.page_id}/blocked", {"user": user_id})
        return ban_check(answer, user_id)

    def _lookup(self, comment_id: str, fields: str, hidden_field: str) -> LookupResult:
        try:
            answer = graph_request(self.graph, comment_id, {"fields": fields})
        except NotFound as exc:
            return LookupResult(status="gone", answer={"error": str(exc), **exc.details})
        return lookup_answer(answer, comment_id, hidden_field)

    def lookup_comment(self, comment_id: str) -> LookupResult:
        """Look one comment up by id: gone (code 100/33) or present with its visibility."""
        return self._lookup(comment_id, "id,is_hidden,created_time,permalink_url", "is_hidden")
