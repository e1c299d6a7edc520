"""Graph API error answers: the wire shapes of OAuth, lookup, path and throttling errors."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from modaudit.sandbox.api import ApiRequest, ApiResponse
from modaudit.sandbox.world.scenario import PlatformState

_USAGE = {"call_count": 100, "total_cputime": 25, "total_time": 25}
_THROTTLES = {
    # fault kind: (Graph code, message, usage headers to send)
    "throttle_app": (4, "(#4) Application request limit reached", ("x-app-usage",)),
    "throttle_user": (17, "(#17) User request limit reached", ("x-business-use-case-usage",)),
    "throttle_page": (
        32,
        "(#32) Page request limit reached",
        ("x-business-use-case-usage", "x-page-usage"),
    ),
}


class GraphError(Exception):
    """A Graph error answer, raised inside the handlers and turned into a response."""

    def __init__(
        self, status: int, error: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(error.get("message", ""))
        self.status = status
        self.error = error
        self.headers = dict(headers or {})


def new_trace_id() -> str:
    """A random id like Graph's x-fb-trace-id."""
    return secrets.token_urlsafe(8)


def graph_headers(request: ApiRequest, trace_id: str) -> dict[str, str]:
    """Headers every Graph answer carries."""
    return {
        "facebook-api-version": request.version,
        "content-type": "application/json; charset=UTF-8",
        "x-fb-trace-id": trace_id,
    }


def error_response(request: ApiRequest, error: GraphError, trace_id: str) -> ApiResponse:
    """The response for a GraphError, with fbtrace_id matching the trace header."""
    headers = {**graph_headers(request, trace_id), **error.headers}
    if error.error.get("code") == 190:
        headers["www-authenticate"] = (
            'OAuth "Facebook Platform" "invalid_token" "Cannot parse access token"'
        )
    return ApiResponse(error.status, {"error": {**error.error, "fbtrace_id": trace_id}}, headers)


def fault_response(kind: str, state: PlatformState, request: ApiRequest) -> ApiResponse | None:
    """The Graph answer to an injected error fault (with usage headers), or None if unknown."""
    trace_id = new_trace_id()
    if kind == "http500":
        error = GraphError(
            500,
            {
                "message": "An unknown error has occurred.",
                "type": "OAuthException",
                "code": 1,
                "is_transient": True,
            },
        )
        return error_response(request, error, trace_id)
    if kind not in _THROTTLES:
        return None
    code, message, header_names = _THROTTLES[kind]
    business_usage = {
        _page_in_question(state, request): [
            {
                "type": "pages",
                **_USAGE,
                "estimated_time_to_regain_access": 15,  # minutes
            }
        ]
    }
    values = {
        "x-app-usage": json.dumps(_USAGE),
        "x-page-usage": json.dumps(_USAGE),
        "x-business-use-case-usage": json.dumps(business_usage),
    }
    error = GraphError(
        400,
        {"message": message, "type": "OAuthException", "code": code, "is_transient": True},
        {name: values[name] for name in header_names},
    )
    return error_response(request, error, trace_id)


def oauth_error() -> GraphError:
    """Code 190: the token is missing, unknown, or not the owning page's."""
    return GraphError(
        400,
        {
            "message": "Invalid OAuth access token - Cannot parse access token",
            "type": "OAuthException",
            "code": 190,
        },
    )


def no_such_object(object_id: str) -> GraphError:
    """Code 100 / subcode 33: deleted, unknown or unreadable object."""
    message = (
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read "
        "the Graph API documentation at https://developers.facebook.com/docs/graph-api"
    )
    return GraphError(
        400,
        {"message": message, "type": "GraphMethodException", "code": 100, "error_subcode": 33},
    )


def unknown_path(components: str) -> GraphError:
    """Code 100: a path or edge the simulator does not serve."""
    return GraphError(
        400,
        {
            "message": f"Unknown path components: {components}",
            "type": "OAuthException",
            "code": 100,
        },
    )


def unsupported_method(method: str) -> GraphError:
    """Code 100: anything but GET."""
    return GraphError(
        400,
        {
            "message": f"Unsupported {method.lower()} request.",
            "type": "GraphMethodException",
            "code": 100,
        },
    )


def param_error(message: str) -> GraphError:
    """Code 100: a bad parameter (fields, limit, cursor, filter, since)."""
    return GraphError(400, {"message": message, "type": "OAuthException", "code": 100})


def _page_in_question(state: PlatformState, request: ApiRequest) -> str:
    """The page a request concerns (for usage headers); the first page if it cannot tell."""
    parts = [part for part in request.route.split("/") if part]
    owner = state.owner_page_id(parts[0]) if parts else None
    return owner or next(iter(state.pages), "0")
