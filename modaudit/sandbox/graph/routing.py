"""What every Graph object type's handler shares: route parts, the checked route, the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from modaudit.sandbox.api import ApiRequest, ApiResponse
from modaudit.sandbox.graph.errors import (
    GraphError,
    error_response,
    graph_headers,
    new_trace_id,
    oauth_error,
    unknown_path,
    unsupported_method,
)
from modaudit.sandbox.graph.quirks import Quirks
from modaudit.sandbox.world.scenario import PlatformState

Dispatch = Callable[[PlatformState, ApiRequest, Quirks], tuple[Any, frozenset[str]]]


def route_parts(route: str) -> list[str]:
    """The non-empty segments of a route ("/1_2/comments" -> ["1_2", "comments"])."""
    return [part for part in route.split("/") if part]


def handle_graph(state: PlatformState, request: ApiRequest, dispatch: Dispatch) -> ApiResponse:
    """Answer one Graph request with `dispatch` (Pages' or Instagram's); every error becomes a
    Graph-shaped error response, and the quirk faults the answer applied are reported."""
    trace_id = new_trace_id()
    quirks = Quirks(request.shape)
    try:
        body, dropped = dispatch(state, request, quirks)
    except GraphError as error:
        return error_response(request, error, trace_id)
    return ApiResponse(200, body, graph_headers(request, trace_id), dropped, quirks.applied)


def checked_route(request: ApiRequest, known_token: bool) -> list[str]:
    """The route's parts, once the token is known, the method GET and the path one or two deep."""
    if not known_token:
        raise oauth_error()
    if request.method != "GET":
        raise unsupported_method(request.method)
    parts = route_parts(request.route)
    if not parts or len(parts) > 2:
        raise unknown_path(request.route)
    return parts
