"""X API v2 wire details: problem-shaped error bodies, rate-limit headers, fault answers."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from typing import Any

from modaudit.sandbox.api import ApiResponse
from modaudit.sandbox.faults import Fault

CONTENT_TYPE = "application/json; charset=utf-8"
# X serves its RFC 7807 problems (every 4xx/5xx but the v1.1-style 404) under this media type,
# and the OpenAPI description ties the Problem schema to it.
PROBLEM_CONTENT_TYPE = "application/problem+json"
RATE_WINDOW = 900  # seconds: X counts requests per 15-minute window
# Hosts X has used in problem `type` URIs: older answers and docs say api.twitter.com, current
# ones api.x.com. Bodies are built with the first and rewritten by `with_problems_host`.
PROBLEMS_HOSTS = ("api.twitter.com", "api.x.com")
PROBLEMS = f"https://{PROBLEMS_HOSTS[0]}/2/problems"
_AUTH_TYPES = "[OAuth 1.0a User Context, OAuth 2.0 User Context]"


class XError(Exception):
    """An X error answer, raised inside the handlers and turned into a response."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("detail") or body.get("title") or str(body))
        self.status = status
        self.body = body


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> XError:
    """An RFC 7807-style problem, the shape of most X v2 errors."""
    return XError(status, {"title": title, "detail": detail, "type": kind, "status": status})


def unauthorized() -> XError:
    """401: credentials missing, unknown, or a bad OAuth 1.0a signature."""
    return XError(
        401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    )


def unsupported_auth() -> XError:
    """403: an app-only bearer token on an endpoint that needs user context."""
    return problem(
        403,
        "Unsupported Authentication",
        "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
        f"Supported authentication types are {_AUTH_TYPES}.",
        f"{PROBLEMS}/unsupported-authentication",
    )


def forbidden() -> XError:
    """403: user context, but for another user's private list."""
    return XError(
        403, {"title": "Forbidden", "type": "about:blank", "status": 403, "detail": "Forbidden"}
    )


def page_not_found() -> XError:
    """404 for a path (or method) X does not serve; the old v1.1-style body X still sends."""
    return XError(404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]})


def invalid_request(parameter: str, values: list[str], message: str) -> XError:
    """400: one bad query parameter."""
    return XError(
        400,
        {
            "errors": [{"parameters": {parameter: values}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": f"{PROBLEMS}/invalid-request",
        },
    )


def not_found_entry(resource_type: str, parameter: str, value: str) -> dict[str, Any]:
    """One item of the `errors` array X returns (with HTTP 200) for a missing tweet or user."""
    return {
        "value": value,
        "detail": f"Could not find {resource_type} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": value,
        "type": f"{PROBLEMS}/resource-not-found",
    }


def tweet_not_found_404(tweet_id: str) -> XError:
    """The HTTP 404 form of "this tweet does not exist (any more)".

    A resource-not-found problem must name the resource (the OpenAPI's ResourceNotFoundProblem
    requires parameter, value, resource_id and resource_type), here as in the 200 form.
    """
    error = problem(
        404,
        "Not Found Error",
        f"Could not find tweet with id: [{tweet_id}].",
        f"{PROBLEMS}/resource-not-found",
    )
    error.body.update(resource_type="tweet", parameter="id", value=tweet_id, resource_id=tweet_id)
    return error


def errors_only_body(fault: Fault, resource: tuple[str, str, str] | None) -> dict[str, Any]:
    """An `errors_only` answer: HTTP 200, an `errors` array, no `data` and no `meta`.

    `resource` is (resource_type, parameter, value) of what the request names; without one, or
    with `fault.value == "about:blank"`, the error is a generic problem instead of a not-found.
    """
    if resource is None or fault.value == "about:blank":
        entry = {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank"}
    else:
        resource_type, parameter, value = resource
        entry = not_found_entry(resource_type, parameter, fault.item_id or value)
    return {"errors": [entry]}


def with_problems_host(body: Any, host: str) -> Any:
    """The body with every problem `type` URI (top level and in `errors`) on `host`."""
    if host == PROBLEMS_HOSTS[0] or not isinstance(body, dict):
        return body
    new = f"https://{host}/2/problems"

    def moved(entry: Any) -> Any:
        kind = entry.get("type") if isinstance(entry, dict) else None
        if isinstance(kind, str) and kind.startswith(PROBLEMS):
            return {**entry, "type": new + kind[len(PROBLEMS) :]}
        return entry

    body = moved(body)
    if isinstance(body.get("errors"), list):
        body = {**body, "errors": [moved(entry) for entry in body["errors"]]}
    return body


def content_type_of(status: int, body: Any) -> str:
    """The media type X answers a body with: problem+json for RFC 7807 error bodies."""
    is_problem = isinstance(body, dict) and "type" in body and "title" in body
    return PROBLEM_CONTENT_TYPE if status >= 400 and is_problem else CONTENT_TYPE


class RateBook:
    """Per-endpoint, per-credential request counts over 15-minute wall-clock windows.

    The simulator never refuses a request on its own count (only `x_rate_limit` faults answer
    429), so `x-rate-limit-remaining` stops at 1: a collector that paces itself on the header
    never sleeps out a real 15-minute window in a test.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}  # key -> (reset epoch, used)

    def hit(self, endpoint: str, identity: str, limit: int) -> dict[str, str]:
        """Count one request; the x-rate-limit-* headers its answer carries."""
        now = time.time()
        with self._lock:
            reset, used = self._windows.get((endpoint, identity), (0, 0))
            if now >= reset:
                reset, used = math.ceil(now) + RATE_WINDOW, 0
            used += 1
            self._windows[(endpoint, identity)] = (reset, used)
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(limit - used, 1)),
            "x-rate-limit-reset": str(reset),
        }


def x_headers(
    rate: Mapping[str, str], started: float, content_type: str = CONTENT_TYPE
) -> dict[str, str]:
    """Headers every X answer carries: content type, rate-limit state, response time (ms)."""
    elapsed_ms = max(1, round((time.monotonic() - started) * 1000))
    return {"content-type": content_type, **rate, "x-response-time": str(elapsed_ms)}


def fault_answer(fault: Fault, limit: int, started: float) -> ApiResponse | None:
    """X's answer to an injected error fault, or None for kinds X does not have (Graph's)."""
    if fault.kind in ("x_rate_limit", "x_rate_limit_no_reset"):
        rate = {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": "0"}
        if fault.kind == "x_rate_limit":
            rate["x-rate-limit-reset"] = str(math.ceil(time.time() + fault.reset_after))
        error = problem(429, "Too Many Requests", "Too Many Requests")
        return ApiResponse(429, error.body, x_headers(rate, started, PROBLEM_CONTENT_TYPE))
    if fault.kind == "http500":
        error = problem(500, "Internal Server Error", "Internal Server Error")
        rate = {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(limit - 1)}
        return ApiResponse(500, error.body, x_headers(rate, started, PROBLEM_CONTENT_TYPE))
    return None
