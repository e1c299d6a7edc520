"""X API v2 request parameters and object shapes: fields, expansions, times, ids and paging."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.faults import DRIFT_KINDS, Fault
from modaudit.sandbox.world.x import TweetState, XState, XUser
from modaudit.sandbox.x.errors import invalid_request

# What X accepts (so a real collector's requests validate); only some are filled in.
TWEET_FIELDS = frozenset(
    "attachments author_id card_uri context_annotations conversation_id created_at edit_controls "
    "edit_history_tweet_ids entities geo id in_reply_to_user_id lang non_public_metrics "
    "note_tweet organic_metrics possibly_sensitive promoted_metrics public_metrics "
    "referenced_tweets reply_settings scopes source text withheld".split()
)
USER_FIELDS = frozenset(
    "affiliation connection_status created_at description entities id location "
    "most_recent_tweet_id name pinned_tweet_id profile_banner_url profile_image_url protected "
    "public_metrics receives_your_dm subscription_type url username verified verified_type "
    "withheld".split()
)
EXPANSIONS = frozenset(
    "article.cover_media article.media_entities attachments.media_keys "
    "attachments.media_source_tweet attachments.poll_ids author_id edit_history_tweet_ids "
    "entities.mentions.username geo.place_id in_reply_to_user_id entities.note.mentions.username "
    "referenced_tweets.id referenced_tweets.id.attachments.media_keys "
    "referenced_tweets.id.author_id pinned_tweet_id".split()
)
T = TypeVar("T")
_ID = re.compile(r"^[0-9]{1,19}$")
_TOKEN_PREFIX = b"xp"


def x_time(moment: datetime) -> str:
    """Format a datetime the way X does: "2026-11-16T10:00:00.000Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def minute_time(moment: datetime) -> str:
    """The minute-precision form X uses in time-parameter error messages."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def field_list(request: ApiRequest, parameter: str, allowed: frozenset[str]) -> list[str]:
    """The comma-separated values of a fields/expansions parameter; unknown ones are a 400."""
    raw = request.query.get(parameter, "")
    values = list(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
    for value in values:
        if value not in allowed:
            raise invalid_request(
                parameter,
                [value],
                f"The `{parameter}` query parameter value [{value}] is not one of "
                f"[{', '.join(sorted(allowed))}]",
            )
    return values


def check_id(value: str, parameter: str = "id") -> str:
    """A tweet or user id as X validates it (1 to 19 digits)."""
    if not _ID.match(value):
        raise invalid_request(
            parameter,
            [value],
            f"The `{parameter}` query parameter value [{value}] does not match ^[0-9]{{1,19}}$",
        )
    return value


def max_results(request: ApiRequest, default: int, lowest: int, highest: int) -> int:
    """The page size asked for, within the endpoint's bounds."""
    raw = request.query.get("max_results")
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not lowest <= int(raw) <= highest:
        raise invalid_request(
            "max_results",
            [raw],
            f"The `max_results` query parameter value [{raw}] is not between {lowest} and {highest}",
        )
    return int(raw)


def time_param(request: ApiRequest, name: str) -> datetime | None:
    """A start_time/end_time parameter (RFC 3339, e.g. "2026-11-16T10:00:00.000Z")."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid_request(
            name, [raw], f"Invalid '{name}':'{raw}'. '{name}' must be a valid RFC 3339 timestamp"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def id_bound(request: ApiRequest, name: str) -> int | None:
    """A since_id/until_id parameter as a number."""
    raw = request.query.get(name)
    return int(check_id(raw, name)) if raw else None


def encode_token(offset: int) -> str:
    """An opaque pagination token for a listing offset."""
    # Ten bytes are sixteen base32 characters without padding: long enough for blocking's
    # PaginationToken32 (minLength 16), short enough for muting's PaginationTokenLong (max 19).
    return base64.b32encode(_TOKEN_PREFIX + offset.to_bytes(8, "big")).decode().lower()


def decode_token(token: str, parameter: str) -> int:
    """The offset in one of our tokens; anything else is a 400."""
    try:
        raw = base64.b32decode(token.upper())
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 10 or not raw.startswith(_TOKEN_PREFIX):
        raise invalid_request(
            parameter, [token], f"The `{parameter}` query parameter value [{token}] is not valid"
        )
    return int.from_bytes(raw[len(_TOKEN_PREFIX) :], "big")


def token_of(request: ApiRequest, names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first pagination parameter present: (name, token)."""
    for name in names:
        token = request.query.get(name)
        if token:
            return name, token
    return None


def page_drift(request: ApiRequest, offset: int, given: tuple[str, str] | None) -> Fault | None:
    """The repeat_page or overlap_pages fault that moves a page asked by token, if any."""
    if given is None:
        return None  # the first page is where it was asked
    for kind in DRIFT_KINDS:
        for fault in request.shape:
            if fault.kind == kind and offset >= fault.after_items:
                return fault
    return None


def page(
    request: ApiRequest, items: list[T], size: int, names: tuple[str, ...]
) -> tuple[list[T], dict[str, Any]]:
    """One page of a listing and its `meta` (result_count, next/previous tokens, newest/oldest)."""
    given = token_of(request, names)
    offset = decode_token(given[1], given[0]) if given else 0
    drift = page_drift(request, offset, given)
    if drift is not None:  # a repeat_page or overlap_pages fault moves the page back
        offset = drift.drifted(offset, size)
    if request.listing_end is not None and offset < request.listing_end:
        size = min(size, request.listing_end - offset)  # a cutoff fault ends the page early
    chunk = items[offset : offset + size]
    meta: dict[str, Any] = {"result_count": len(chunk)}
    end = offset + len(chunk)
    if chunk and end < len(items):
        meta["next_token"] = encode_token(end)
    if chunk and given is not None and drift is not None and drift.kind == "repeat_page":
        meta["next_token"] = given[1]  # the token it was asked with, forever
    if chunk and offset > 0:
        meta["previous_token"] = encode_token(max(0, offset - size))
    return chunk, meta


def tweet_object(tweet: TweetState, fields: list[str], state: XState) -> dict[str, Any]:
    """A tweet with id, text, edit_history_tweet_ids and the requested fields it has."""
    full: dict[str, Any] = {
        "created_at": x_time(tweet.created_at),
        "conversation_id": tweet.conversation_id,
        "reply_settings": tweet.reply_settings,
        "author_id": tweet.author_id,
    }
    if tweet.in_reply_to is not None:
        full["in_reply_to_user_id"] = tweet.in_reply_to_user_id
        full["referenced_tweets"] = [{"type": "replied_to", "id": tweet.in_reply_to}]
    if "public_metrics" in fields:  # counting replies walks the state: only when asked for
        full["public_metrics"] = public_metrics(tweet, state)
    body = {"id": tweet.tweet_id, "text": tweet.text}
    body.update({name: full[name] for name in fields if name in full})
    body["edit_history_tweet_ids"] = [tweet.tweet_id]
    return body


def public_metrics(tweet: TweetState, state: XState) -> dict[str, int]:
    """A tweet's public_metrics, in X's key order; the simulator models only replies."""
    return {
        "retweet_count": 0,
        "reply_count": state.reply_count(tweet.tweet_id),
        "like_count": 0,
        "quote_count": 0,
        "bookmark_count": 0,  # these two are required by the OpenAPI's Tweet.public_metrics
        "impression_count": 0,
    }


def user_object(user: XUser, fields: list[str]) -> dict[str, Any]:
    """A user with id, name, username and the requested fields it has."""
    full: dict[str, Any] = {"protected": False, "verified": False}
    body = {"id": user.user_id, "name": user.name, "username": user.username}
    body.update({name: full[name] for name in fields if name in full})
    return body


def includes(
    state: XState, tweets: list[TweetState], expansions: list[str], user_fields: list[str]
) -> dict[str, Any]:
    """The `includes` object for author_id / in_reply_to_user_id expansions (empty if none)."""
    user_ids: list[str] = []
    for tweet in tweets:
        if "author_id" in expansions:
            user_ids.append(tweet.author_id)
        if "in_reply_to_user_id" in expansions and tweet.in_reply_to_user_id:
            user_ids.append(tweet.in_reply_to_user_id)
    users = [state.users[u] for u in dict.fromkeys(user_ids) if u in state.users]
    return {"users": [user_object(u, user_fields) for u in users]} if users else {}


# -- tweet requests and listings ----------------------------------------------------------------


def tweet_params(request: ApiRequest) -> tuple[list[str], list[str], list[str]]:
    """tweet.fields, expansions and user.fields of a tweet request."""
    return (
        field_list(request, "tweet.fields", TWEET_FIELDS),
        field_list(request, "expansions", EXPANSIONS),
        field_list(request, "user.fields", USER_FIELDS),
    )


def within(
    tweet: TweetState, request: ApiRequest, start: datetime | None, end: datetime | None
) -> bool:
    """Whether a tweet falls in [start_time, end_time) and (since_id, until_id)."""
    since, until = id_bound(request, "since_id"), id_bound(request, "until_id")
    number = int(tweet.tweet_id)
    return (
        (start is None or tweet.created_at >= start)
        and (end is None or tweet.created_at < end)
        and (since is None or number > since)
        and (until is None or number < until)
    )


def tweet_listing(
    request: ApiRequest, state: XState, tweets: list[TweetState], size: int, names: tuple[str, ...]
) -> tuple[dict[str, Any], frozenset[str]]:
    """One page of tweets with meta (newest/oldest id, tokens) and includes; ids omitted."""
    fields, expansions, user_fields = tweet_params(request)
    omit = request.omit_ids
    kept = [t for t in tweets if t.tweet_id not in omit]
    dropped = frozenset(t.tweet_id for t in tweets) & omit
    chunk, meta = page(request, kept, size, names)
    if not chunk:
        return {"meta": {"result_count": 0}}, dropped
    meta["newest_id"], meta["oldest_id"] = chunk[0].tweet_id, chunk[-1].tweet_id
    body: dict[str, Any] = {"data": [tweet_object(t, fields, state) for t in chunk]}
    extra = includes(state, chunk, expansions, user_fields)
    if extra:
        body["includes"] = extra
    body["meta"] = meta
    return body, dropped

# -- quirk faults on otherwise normal answers --------------------------------------------------

OBJECT_FAULTS = ("drop_field", "retype_field")
PAGE_FAULTS = ("repeat_cursor", "empty_pages", *DRIFT_KINDS)


def reshape_page(
    request: ApiRequest, body: dict[str, Any], names: tuple[str, ...], faults: Sequence[Fault]
) -> tuple[dict[str, Any], list[Fault]]:
    """A listing page under `empty_pages` / `repeat_cursor` faults, and the faults applied."""
    if "meta" not in body:  # an error answer (e.g. unknown user), not a page
        return body, []
    given = token_of(request, names)
    offset = decode_token(given[1], given[0]) if given else 0
    drift = page_drift(request, offset, given)
    if drift is not None:  # `page` applied it already; it is reported here with the others
        return body, [drift]
    for fault in faults:
        if fault.kind == "empty_pages" and offset >= fault.after_items:
            # Always a new token, so a client that only watches for a repeated one still loops.
            return {"meta": {"result_count": 0, "next_token": encode_token(offset + 1)}}, [fault]
    for fault in faults:
        if fault.kind == "repeat_cursor" and given is not None and offset >= fault.after_items:
            body["meta"]["next_token"] = given[1]
            return body, [fault]
    return body, []


def reshape_objects(body: dict[str, Any], faults: Sequence[Fault]) -> list[Fault]:
    """Apply `drop_field` / `retype_field` to the answer's data objects; those that changed any."""
    data = body.get("data")
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    ids = [item.get("id") for item in items]  # before a drop_field of "id" hides them
    applied = []
    for fault in faults:
        if fault.kind not in OBJECT_FAULTS or fault.field is None:
            continue
        changed = False
        for item_id, item in zip(ids, items, strict=True):
            if fault.field not in item or (fault.item_id is not None and item_id != fault.item_id):
                continue
            if fault.kind == "drop_field":
                del item[fault.field]
            else:
                item[fault.field] = fault.value if fault.value is not None else str(item[fault.field])
            changed = True
        if changed:
            applied.append(fault)
    return applied
