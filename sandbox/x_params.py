"""X API v2 request parameters and object shapes: fields, expansions, times, ids and paging."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Any, TypeVar

from sandbox.api import ApiRequest
from sandbox.x_errors import invalid_request
from sandbox.x_scenario import TweetState, XState, XUser

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
_TOKEN_PREFIX = "xpage:"


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
    raw = base64.b32encode(f"{_TOKEN_PREFIX}{offset}".encode()).decode()
    return raw.rstrip("=").lower()


def decode_token(token: str, parameter: str) -> int:
    """The offset in one of our tokens; anything else is a 400."""
    try:
        padded = token.upper() + "=" * (-len(token) % 8)
        text = base64.b32decode(padded).decode()
        if not text.startswith(_TOKEN_PREFIX):
            raise ValueError(text)
        offset = int(text[len(_TOKEN_PREFIX) :])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        offset = -1
    if offset < 0:
        raise invalid_request(
            parameter, [token], f"The `{parameter}` query parameter value [{token}] is not valid"
        )
    return offset


def token_of(request: ApiRequest, names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first pagination parameter present: (name, token)."""
    for name in names:
        token = request.query.get(name)
        if token:
            return name, token
    return None


def page(
    request: ApiRequest, items: list[T], size: int, names: tuple[str, ...]
) -> tuple[list[T], dict[str, Any]]:
    """One page of a listing and its `meta` (result_count, next/previous tokens, newest/oldest)."""
    given = token_of(request, names)
    offset = decode_token(given[1], given[0]) if given else 0
    if request.listing_end is not None and offset < request.listing_end:
        size = min(size, request.listing_end - offset)  # a cutoff fault ends the page early
    chunk = items[offset : offset + size]
    meta: dict[str, Any] = {"result_count": len(chunk)}
    end = offset + len(chunk)
    if chunk and end < len(items):
        meta["next_token"] = encode_token(end)
    if chunk and offset > 0:
        meta["previous_token"] = encode_token(max(0, offset - size))
    return chunk, meta


def tweet_object(tweet: TweetState, fields: list[str]) -> dict[str, Any]:
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
    body = {"id": tweet.tweet_id, "text": tweet.text}
    body.update({name: full[name] for name in fields if name in full})
    body["edit_history_tweet_ids"] = [tweet.tweet_id]
    return body


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
