"""YouTube Data API v3 subset (channels, playlistItems, videos, commentThreads, comments) and /token.

Every list call costs one quota unit of the token's project per Pacific day; beyond the channel's
`daily_quota` the answer is 403 quotaExceeded. Errors are in Google's envelope.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from modaudit.sandbox.api import ApiRequest, ApiResponse
from modaudit.sandbox.faults import Fault
from modaudit.sandbox.world.scenario import PlatformState
from modaudit.sandbox.youtube.auth import bearer_channel, token_grant
from modaudit.sandbox.youtube.errors import (
    CONTENT_TYPE,
    YTError,
    backend_error,
    google_error,
    quota_exceeded,
)
from modaudit.sandbox.youtube.handlers import HANDLERS, Call, Listing
from modaudit.sandbox.youtube.paging import decode_token
from modaudit.sandbox.youtube.quirks import reshape_items
from modaudit.sandbox.youtube.quota import QuotaBook, pacific_day

PREFIX = "/youtube/v3/"
TOKEN_PATH = "/token"
LISTINGS = frozenset({"playlistItems", "commentThreads", "comments"})  # paged by pageToken


class YouTubeApi:
    """The module the simulator's router dispatches `/youtube/v3/...` and `/token` to."""

    name = "youtube"

    def __init__(self) -> None:
        self.quota = QuotaBook()

    def parse(
        self, method: str, path: str, query: Mapping[str, str], base_url: str
    ) -> ApiRequest | None:
        """Claim Google's token endpoint and every path under /youtube/v3/."""
        if path != TOKEN_PATH and not path.startswith(PREFIX):
            return None
        return ApiRequest(method, path, path.rstrip("/"), "v3", dict(query), base_url)

    def handle(self, state: PlatformState, request: ApiRequest) -> ApiResponse:
        """Answer a request from the state; every error becomes Google's error answer."""
        try:
            if request.route == TOKEN_PATH:
                if request.method != "POST":
                    raise YTError(405, {"error": "invalid_request", "error_description": "POST only"})
                return _json(200, token_grant(state.youtube, request.query))
            channel = bearer_channel(state.youtube, request.headers)
            if not self.quota.spend(channel.client_id, state.now, channel.daily_quota):
                raise quota_exceeded()
            handler = HANDLERS.get(request.route[len(PREFIX):])
            if handler is None or request.method != "GET":
                raise google_error(404, "Not Found", "notFound")
            listing: Listing = handler(Call(state, request, channel))
        except YTError as error:
            return _json(error.status, error.body)
        applied = listing.applied + reshape_items(listing.body, request.shape)
        return ApiResponse(200, listing.body, {"content-type": CONTENT_TYPE}, listing.dropped, applied)

    def fault_response(
        self, fault: Fault, state: PlatformState, request: ApiRequest
    ) -> ApiResponse | None:
        """backendError for "http500", quotaExceeded for "quota_exceeded"; the token endpoint has none."""
        if request.route == TOKEN_PATH:
            return None
        if fault.kind == "http500":
            error = backend_error()
        elif fault.kind == "quota_exceeded":
            error = quota_exceeded()
        else:
            return None
        return _json(error.status, error.body)

    def listing_offset(self, request: ApiRequest) -> int | None:
        """Starting offset of a paged listing request, else None."""
        if request.route[len(PREFIX):] not in LISTINGS or not request.route.startswith(PREFIX):
            return None
        token = request.query.get("pageToken", "")
        try:
            return decode_token(token) if token else 0
        except YTError:
            return 0

    def quota_used(self, project: str, day: date) -> int:
        """Units a project (an OAuth client id) has spent on a Pacific day."""
        return self.quota.used(project, day)

    def quota_used_at(self, project: str, state: PlatformState) -> int:
        """Units a project has spent on the Pacific day of the state's simulated time."""
        return self.quota.used(project, pacific_day(state.now))


def _json(status: int, body: Any) -> ApiResponse:
    """A JSON answer with Google's content type."""
    return ApiResponse(status, body, {"content-type": CONTENT_TYPE})
