"""The X API v2 answers modaudit reads, declared after X's OpenAPI description, and their transforms.

Pure functions: a page or an item in, records and field problems out. X may answer HTTP 200 with
an `errors` array and no `data` (allowed by its OpenAPI description on blocking and muting):
that is never an empty list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from collectors.paging import Page
from collectors.records import CommentRecord, LookupResult, PlatformError, PostRecord, UserRecord
from collectors.validation import Count, FieldProblem, Payload, XId, parse_item, time_field

POST_FIELDS = ["created_at", "conversation_id", "reply_settings", "public_metrics"]
REPLY_FIELDS = ["created_at", "author_id", "conversation_id", "in_reply_to_user_id", "referenced_tweets"]
POST_REQUIRED = ("id", "created_at", "reply_settings")
REPLY_REQUIRED = ("id", "created_at", "author_id")
# ReplySettings in X's OpenAPI description (tests/contracts/x): anything else is unknown.
REPLY_SETTINGS = frozenset({"everyone", "mentionedUsers", "following", "other", "subscribers",
                            "verified"})
# X's problem types are documented under both hosts (api.twitter.com, and api.x.com since 2024).
PROBLEM_HOSTS = frozenset({"api.twitter.com", "api.x.com", "twitter.com", "x.com"})
NOT_FOUND_PATH = "/2/problems/resource-not-found"


def parse_time(value: Any) -> datetime | None:
    """An X timestamp (`2026-11-16T10:00:00.000Z`) as an aware datetime, else None."""
    if not isinstance(value, str) or not value.endswith("Z"):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


XTime = time_field(parse_time)


class Reference(Payload):
    """One of a tweet's `referenced_tweets`."""

    type: str | None = None
    id: XId | None = None


class PublicMetrics(Payload):
    """A tweet's public counts; `reply_count` tells a reply listing how long it should be."""

    reply_count: Count | None = None


class XTweet(Payload):
    """A tweet (Tweet schema)."""

    id: XId | None = None
    text: str | None = None
    created_at: XTime | None = None
    author_id: XId | None = None
    conversation_id: XId | None = None
    reply_settings: str | None = None
    referenced_tweets: list[Reference] | None = None
    public_metrics: PublicMetrics | None = None


class XUser(Payload):
    """A user (User schema)."""

    id: XId | None = None
    name: str | None = None
    username: str | None = None


class Meta(Payload):
    """A listing page's `meta`."""

    result_count: Count | None = None
    next_token: str | None = None


class Includes(Payload):
    """A page's expansions."""

    users: list[Any] | None = None


class XPage(Payload):
    """One answer of a listing endpoint."""

    data: list[Any] | None = None
    meta: Meta | None = None
    includes: Includes | None = None
    errors: list[Any] | None = None


def is_not_found(error: Any, object_id: str | None = None) -> bool:
    """True for X's resource-not-found problem (any documented host), for `object_id` if given."""
    if not isinstance(error, dict):
        return False
    kind = urlsplit(str(error.get("type") or ""))
    matches = (kind.hostname in PROBLEM_HOSTS and kind.path == NOT_FOUND_PATH) or (
        not error.get("type") and error.get("title") == "Not Found Error")
    if not matches or object_id is None:
        return matches
    subject = error.get("resource_id", error.get("value"))
    return subject is not None and str(subject) == object_id


def describe_errors(errors: list[Any]) -> str:
    """X's errors in one line (titles and details, as X worded them)."""
    parts = []
    for error in errors[:3]:
        if isinstance(error, dict):
            parts.append(str(error.get("detail") or error.get("title") or error.get("message")
                             or error.get("type") or "error"))
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more


def listing_page(answer: dict[str, Any], what: str) -> Page:
    """A listing answer as a Page; an answer with errors and no data is an error, not a page."""
    page, problems = parse_item(XPage, answer)
    if page is None or problems:
        detail = "; ".join(f"{p.field} {p.detail}" for p in problems)
        raise PlatformError(f"malformed X answer for {what}: {detail}")
    if page.data is None:
        if page.errors:
            raise PlatformError(f"X answered {what} with errors and no data: "
                                f"{describe_errors(page.errors)}")
        if page.meta is None or page.meta.result_count != 0:
            raise PlatformError(f"malformed X answer for {what}: no data and no result_count 0")
    token = page.meta.next_token if page.meta else None
    return Page(page.data or [], token or None, answer)


def page_users(answer: dict[str, Any]) -> dict[str, XUser]:
    """The users expanded in a page (`includes.users`), by id."""
    page, _ = parse_item(XPage, answer)
    users: dict[str, XUser] = {}
    for raw in (page.includes.users or []) if page and page.includes else []:
        user, _ = parse_item(XUser, raw, ("id",))
        if user is not None and user.id is not None:
            users[user.id] = user
    return users


def display_name(user: XUser | None) -> str | None:
    """"Name (@username)", or whichever of the two is known."""
    if user is None:
        return None
    if user.username:
        return f"{user.name} (@{user.username})" if user.name else f"@{user.username}"
    return user.name


def transform_post(raw: Any) -> tuple[PostRecord | None, list[FieldProblem]]:
    """One of the account's tweets as a PostRecord; an unknown reply setting stays unknown."""
    tweet, problems = parse_item(XTweet, raw, POST_REQUIRED)
    if tweet is None or tweet.id is None:
        return None, problems
    settings = tweet.reply_settings
    if settings is not None and settings not in REPLY_SETTINGS:
        problems.append(FieldProblem("reply_settings", f"has an unknown value {settings[:30]!r}"))
        settings = None
    count = tweet.public_metrics.reply_count if tweet.public_metrics else None
    return PostRecord(platform_id=tweet.id, created_at=tweet.created_at, message=tweet.text,
                      raw=raw, reply_settings=settings, comment_count=count,
                      permalink=f"https://x.com/i/web/status/{tweet.id}"), problems


def transform_reply(raw: Any, post_id: str,
                    users: dict[str, XUser]) -> tuple[CommentRecord | None, list[FieldProblem]]:
    """A reply in a post's conversation; hidden replies are not observable (is_hidden None)."""
    tweet, problems = parse_item(XTweet, raw, REPLY_REQUIRED)
    if tweet is None or tweet.id is None:
        return None, problems
    replied_to = [r.id for r in tweet.referenced_tweets or [] if r.type == "replied_to" and r.id]
    parent = replied_to[0] if replied_to and replied_to[0] != post_id else None
    author = users.get(tweet.author_id or "")
    return CommentRecord(platform_id=tweet.id, post_id=post_id, parent_id=parent,
                         author_id=tweet.author_id, author_name=display_name(author),
                         message=tweet.text, created_at=tweet.created_at, is_hidden=None,
                         raw=raw), problems


def transform_user(raw: Any) -> tuple[UserRecord | None, list[FieldProblem]]:
    """A blocking/muting list entry as a UserRecord."""
    user, problems = parse_item(XUser, raw, ("id",))
    if user is None or user.id is None:
        return None, problems
    return UserRecord(platform_id=user.id, name=display_name(user), raw=raw), problems


def lookup_200(answer: dict[str, Any], tweet_id: str) -> LookupResult:
    """A tweet lookup answered 200: present (the very tweet asked for) or gone (X's not-found
    error for that id); anything else is an error, never a verdict."""
    errors = answer.get("errors") or []
    tweet, _ = parse_item(XTweet, answer.get("data"), ("id",))
    if tweet is None and any(is_not_found(error, tweet_id) for error in errors):
        return LookupResult(status="gone", answer={"errors": errors, "http_status": 200})
    if tweet is None:
        detail = describe_errors(errors) if errors else "no data"
        raise PlatformError(f"X answered neither the reply {tweet_id} nor a not-found error "
                            f"for it ({detail})")
    if tweet.id != tweet_id:
        raise PlatformError(f"the lookup of reply {tweet_id} answered tweet {tweet.id}")
    return LookupResult(status="present", answer={"data": answer["data"]})


def lookup_404(body: dict[str, Any], tweet_id: str, message: str) -> LookupResult:
    """A tweet lookup answered 404: gone only if the problem says this tweet was not found.

    A 404 for the route itself ("Sorry, that page does not exist", code 34) says nothing about
    the reply, and neither does a not-found problem that names another id.
    """
    errors = [body, *(body.get("errors") or [])] if body else []
    if any(is_not_found(error, tweet_id) for error in errors):
        return LookupResult(status="gone", answer={"error": message, "http_status": 404,
                                                   "body": body})
    raise PlatformError(f"X answered 404 for the lookup of {tweet_id} without saying the reply is "
                        f"gone: {message}")
