"""The five list methods the simulator serves, each answering one authorised request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.scenario import PlatformState
from modaudit.sandbox.world.youtube import LIVE_STATUSES, YTChannelSpec, YTCommentState
from modaudit.sandbox.youtube import resources
from modaudit.sandbox.youtube.auth import may_moderate
from modaudit.sandbox.youtube.errors import (
    bad_request,
    comments_disabled,
    forbidden,
    insufficient_scopes,
    not_found,
    unknown_part,
)
from modaudit.sandbox.youtube.paging import page

# The parameters each method accepts (all exist in the discovery document's `parameters`).
PARAMS = {
    "channels": {"part", "id", "mine", "forHandle", "maxResults", "pageToken", "hl"},
    "playlistItems": {"part", "playlistId", "maxResults", "pageToken"},
    "videos": {"part", "id", "maxResults", "hl"},
    "commentThreads": {"part", "videoId", "allThreadsRelatedToChannelId", "id",
                       "moderationStatus", "maxResults", "pageToken", "textFormat", "order"},
    "comments": {"part", "id", "parentId", "maxResults", "pageToken", "textFormat"},
}
# Parameters the HTTP layer adds to every Google API call, not the method's own.
COMMON_PARAMS = {"alt", "fields", "prettyPrint", "quotaUser", "key", "access_token"}
PARTS = {
    "channels": {"id", "snippet", "contentDetails", "statistics", "status"},
    "playlistItems": {"id", "snippet", "contentDetails", "status"},
    "videos": {"id", "snippet", "contentDetails", "statistics", "status"},
    "commentThreads": {"id", "snippet", "replies"},
    "comments": {"id", "snippet"},
}


@dataclass(frozen=True)
class Call:
    """One authorised request: the state, the request, and whose token it carries."""

    state: PlatformState
    request: ApiRequest
    channel: YTChannelSpec  # the token's owner

    def arg(self, name: str) -> str:
        """A query parameter's value ("" when absent)."""
        return self.request.query.get(name, "")


@dataclass(frozen=True)
class Listing:
    """A method's answer: the JSON body, ids an omit fault left out, the quirks applied."""

    body: dict[str, Any]
    dropped: frozenset[str] = frozenset()
    applied: tuple[Fault, ...] = ()


def _checked(call: Call, method: str) -> set[str]:
    """The asked parts, after refusing unknown parameters and parts."""
    for name in call.request.query:
        if name not in PARAMS[method] and name not in COMMON_PARAMS:
            raise bad_request(f"The simulator does not serve the parameter '{name}' on {method}.list.")
    if not call.arg("part"):
        raise bad_request("No filter selected. Expected one of: part", "required", "global")
    parts = {p.strip() for p in call.arg("part").split(",") if p.strip()}
    for part in parts:
        if part not in PARTS[method]:
            raise unknown_part(part)
    return parts


def _size(call: Call, default: int, low: int, high: int) -> int:
    """maxResults within [low, high]; a value outside is YouTube's 400."""
    given = call.arg("maxResults")
    if not given:
        return default
    if not given.isdigit() or not low <= int(given) <= high:
        raise bad_request(
            f"Invalid value '{given}'. Values must be within the range: [{low}, {high}]",
            "invalidValue", "global",
        )
    return int(given)


def _one_filter(call: Call, names: tuple[str, ...]) -> str:
    """The single filter parameter given; 400 when none or several are."""
    given = [n for n in names if call.arg(n)]
    if len(given) != 1:
        raise bad_request(
            f"Exactly one of these filters must be given: {', '.join(names)}.",
            "incompatibleParameters",
        )
    return given[0]


def _text_format(call: Call) -> str:
    """textFormat: "html" (YouTube's default) or "plainText"."""
    given = call.arg("textFormat") or "html"
    if given not in ("html", "plainText"):
        raise bad_request(f"Invalid value '{given}' for textFormat.", "invalidValue", "global")
    return given


def _list_body(kind: str, items: list[Any], size: int, next_token: str | None,
               total: int) -> dict[str, Any]:
    """A list response: kind, etag, nextPageToken (if any), pageInfo and items."""
    body: dict[str, Any] = {"kind": kind, "etag": resources.etag(kind, next_token, len(items))}
    if next_token is not None:
        body["nextPageToken"] = next_token
    body["pageInfo"] = {"totalResults": total, "resultsPerPage": size}
    body["items"] = items
    return body


def channels(call: Call) -> Listing:
    """channels.list by id, mine=true or forHandle."""
    parts = _checked(call, "channels")
    found = _one_filter(call, ("id", "mine", "forHandle"))
    known = call.state.youtube.channels
    if found == "mine":
        if call.arg("mine") != "true":
            raise bad_request("mine must be true.", "invalidValue", "global")
        specs = [call.channel]
    elif found == "id":
        ids = [i.strip() for i in call.arg("id").split(",") if i.strip()]
        specs = [known[i] for i in dict.fromkeys(ids) if i in known]
    else:
        handle = call.arg("forHandle").lstrip("@").lower()
        specs = [c for c in known.values() if c.handle.lstrip("@").lower() == handle]
    items = [resources.channel(spec, parts, len(call.state.youtube.uploads(spec.channel_id)))
             for spec in specs]
    return Listing(_list_body("youtube#channelListResponse", items, 5, None, len(items)))


def playlist_items(call: Call) -> Listing:
    """playlistItems.list?playlistId= of a channel's uploads playlist, newest first."""
    parts = _checked(call, "playlistItems")
    size = _size(call, 5, 0, 50)
    playlist_id = call.arg("playlistId")
    if not playlist_id:
        raise bad_request("No filter selected. Expected one of: playlistId, id", "required", "global")
    spec = next((c for c in call.state.youtube.channels.values()
                 if c.uploads_playlist_id == playlist_id), None)
    if spec is None:
        raise not_found(
            "The playlist identified with the request's <code>playlistId</code> parameter cannot "
            "be found.", "playlistNotFound", "youtube.playlistItem",
        )
    videos = call.state.youtube.uploads(spec.channel_id)
    chunk = page(call.request, list(enumerate(videos)), size)
    items = [resources.playlist_item(spec, v, position, parts) for position, v in chunk.items]
    body = _list_body("youtube#playlistItemListResponse", items, size, chunk.next_token, len(videos))
    return Listing(body, applied=chunk.applied)


def videos(call: Call) -> Listing:
    """videos.list?id=a,b: the videos found (unknown ids are left out, as on YouTube)."""
    parts = _checked(call, "videos")
    ids = list(dict.fromkeys(i.strip() for i in call.arg("id").split(",") if i.strip()))
    if not ids:
        raise bad_request("No filter selected. Expected one of: id, chart, myRating", "required", "global")
    if len(ids) > 50:
        raise bad_request("The request specifies too many video ids (at most 50).", "invalidValue", "global")
    yt = call.state.youtube
    items = [resources.video(yt, yt.videos[i], parts) for i in ids if i in yt.videos]
    return Listing(_list_body("youtube#videoListResponse", items, len(ids), None, len(items)))


def comment_threads(call: Call) -> Listing:
    """commentThreads.list by videoId, allThreadsRelatedToChannelId or id, per moderationStatus."""
    parts = _checked(call, "commentThreads")
    size = _size(call, 20, 1, 100)
    text_format = _text_format(call)
    found = _one_filter(call, ("videoId", "allThreadsRelatedToChannelId", "id"))
    yt = call.state.youtube
    status = call.arg("moderationStatus") or "published"
    if status not in LIVE_STATUSES:
        raise bad_request(f"Invalid value '{status}' for moderationStatus.", "invalidValue", "global")
    if found == "id":
        if call.arg("moderationStatus") or call.arg("pageToken"):
            raise bad_request("The id filter takes neither moderationStatus nor pageToken.",
                              "incompatibleParameters")
        ids = [i.strip() for i in call.arg("id").split(",") if i.strip()]
        tops = [c for c in (yt.live_comment(i) for i in ids) if c is not None and c.parent_id is None]
        items = [resources.thread(yt, t, yt.replies(t.comment_id), parts, text_format,
                                  with_status=False) for t in tops]
        return Listing(_list_body("youtube#commentThreadListResponse", items, size, None, len(items)))
    owner = _thread_scope(call, found)
    if status != "published":
        if owner != call.channel.channel_id:
            raise forbidden("The comment threads could not be retrieved: moderationStatus needs "
                            "the channel owner's authorisation.")
        if not _moderates(call):
            raise insufficient_scopes()
    video_ids = ({call.arg("videoId")} if found == "videoId" else
                 {v.video_id for v in yt.uploads(owner) if v.comments_enabled})
    omit = call.request.omit_ids
    listed = yt.threads(video_ids, status)
    kept = [t for t in listed if t.comment_id not in omit]
    dropped = {t.comment_id for t in listed} & omit
    chunk = page(call.request, kept, size)
    with_status = owner == call.channel.channel_id
    items = []
    for top in chunk.items:
        replies = [r for r in yt.replies(top.comment_id, status)]
        dropped |= {r.comment_id for r in replies[:5]} & omit
        replies = [r for r in replies if r.comment_id not in omit]
        items.append(resources.thread(yt, top, replies, parts, text_format, with_status=with_status))
    body = _list_body("youtube#commentThreadListResponse", items, size, chunk.next_token, len(kept))
    return Listing(body, frozenset(dropped), chunk.applied)


def _thread_scope(call: Call, found: str) -> str:
    """The channel owning the asked video or channel; raises 404 or commentsDisabled."""
    yt = call.state.youtube
    if found == "videoId":
        video = yt.videos.get(call.arg("videoId"))
        if video is None:
            raise not_found("The video identified by the <code>videoId</code> parameter could not "
                            "be found.", "videoNotFound", "youtube.commentThread")
        if not video.comments_enabled:
            raise comments_disabled(video.video_id)
        return video.channel_id
    channel_id = call.arg("allThreadsRelatedToChannelId")
    if channel_id not in yt.channels:
        raise not_found("The channel identified by the <code>allThreadsRelatedToChannelId</code> "
                        "parameter could not be found.", "channelNotFound", "youtube.commentThread")
    return channel_id


def _moderates(call: Call) -> bool:
    """Whether the token carries a scope that reads held and spam comments."""
    return may_moderate(call.channel)


def comments(call: Call) -> Listing:
    """comments.list by id (gone comments are simply absent) or parentId (published replies)."""
    _checked(call, "comments")
    text_format = _text_format(call)
    found = _one_filter(call, ("id", "parentId"))
    yt = call.state.youtube
    if found == "id":
        if call.arg("maxResults") or call.arg("pageToken"):
            raise bad_request("The id filter takes neither maxResults nor pageToken.",
                              "incompatibleParameters")
        ids = list(dict.fromkeys(i.strip() for i in call.arg("id").split(",") if i.strip()))
        live = [c for c in (yt.live_comment(i) for i in ids) if c is not None]
        items = [resources.comment(yt, c, text_format, with_status=False) for c in live]
        return Listing(_list_body("youtube#commentListResponse", items, 20, None, len(items)))
    size = _size(call, 20, 1, 100)
    replies: list[YTCommentState] = yt.replies(call.arg("parentId"))
    omit = call.request.omit_ids
    kept = [r for r in replies if r.comment_id not in omit]
    dropped = frozenset({r.comment_id for r in replies} & omit)
    chunk = page(call.request, kept, size)
    with_status = bool(replies) and replies[0].channel_id == call.channel.channel_id
    items = [resources.comment(yt, c, text_format, with_status=with_status) for c in chunk.items]
    body = _list_body("youtube#commentListResponse", items, size, chunk.next_token, len(kept))
    return Listing(body, dropped, chunk.applied)


HANDLERS: dict[str, Callable[[Call], Listing]] = {
    "channels": channels,
    "playlistItems": playlist_items,
    "videos": videos,
    "commentThreads": comment_threads,
    "comments": comments,
}
