"""X API v2 wire details: problem-shaped error bodies, rate-limit headers, fault answers."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from typing import Any

from sandbox.api import ApiResponse
from sandbox.faults import Fault

CONTENT_TYPE = "application/json; charset=utf-8"
RATE_WINDOW = 900  # seconds: X counts requests per 15-minute window
PROBLEMS = "https://api.twitter.com/2/problems"
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
    """The HTTP 404 form of "this tweet does not exist (any more)"."""
    return problem(
        404,
        "Not Found Error",
        f"Could not find tweet with id: [{tweet_id}].",
        f"{PROBLEMS}/resource-not-found",
    )


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


def x_headers(rate: Mapping[str, str], started: float) -> dict[str, str]:
    """Headers every X answer carries: content type, rate-limit state, response time (ms)."""
    elapsed_ms = max(1, round((time.monotonic() - started) * 1000))
    return {"content-type": CONTENT_TYPE, **rate, "x-response-time": str(elapsed_ms)}


def fault_answer(fault: Fault, limit: int, started: float) -> ApiResponse | None:
    """X's answer to an injected error fault, or None for kinds X does not have (Graph's)."""
    if fault.kind in ("x_rate_limit", "x_rate_limit_no_reset"):
        rate = {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": "0"}
        if fault.kind == "x_rate_limit":
            rate["x-rate-limit-reset"] = str(math.ceil(time.time() + fault.reset_after))
        error = problem(429, "Too Many Requests", "Too Many Requests")
        return ApiResponse(429, error.body, x_headers(rate, started))
    if fault.kind == "http500":
        error = problem(500, "Internal Server Error", "Internal Server Error")
        rate = {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(limit - 1)}
        return ApiResponse(500, error.body, x_headers(rate, started))
    return None
