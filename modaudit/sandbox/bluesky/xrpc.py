"""XRPC plumbing shared by the simulated PDS and AppView: errors, headers, parameters, quirks."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from modaudit.sandbox.api import ApiRequest, ApiResponse
from modaudit.sandbox.faults import Fault

JSON = "application/json; charset=utf-8"
RATE_LIMIT, RATE_WINDOW = 3000, 300  # a PDS's per-IP limit: 3000 requests per 5 minutes
# A listing asked with a cursor counts as past any cut fault (`listing_offset` cannot see the state
# that would turn an rkey cursor into a position).
LATER_PAGE = 1_000_000_000


@dataclass(frozen=True)
class XrpcError(Exception):
    """An XRPC error answer: status and `{"error": name, "message": text}`."""

    status: int
    error: str
    message: str

    def response(self) -> ApiResponse:
        """This error as the server's JSON answer."""
        return ApiResponse(self.status, {"error": self.error, "message": self.message}, headers())


def invalid(message: str) -> XrpcError:
    """400 InvalidRequest, what XRPC answers for bad or missing parameters and unknown subjects."""
    return XrpcError(400, "InvalidRequest", message)


def headers(remaining: int = RATE_LIMIT - 1, reset_in: float = RATE_WINDOW) -> dict[str, str]:
    """The JSON content type and the `ratelimit-*` headers every XRPC answer carries."""
    return {
        "content-type": JSON,
        "ratelimit-limit": str(RATE_LIMIT),
        "ratelimit-remaining": str(remaining),
        "ratelimit-reset": str(math.ceil(time.time() + reset_in)),  # epoch seconds
        "ratelimit-policy": f"{RATE_LIMIT};w={RATE_WINDOW}",
    }


def fault_answer(fault: Fault) -> ApiResponse | None:
    """The XRPC answer to an injected error fault, or None for kinds of other platforms."""
    if fault.kind == "xrpc_rate_limit":
        body = {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
        return ApiResponse(429, body, headers(remaining=0, reset_in=fault.reset_after))
    if fault.kind == "http500":
        body = {"error": "InternalServerError", "message": "Internal Server Error"}
        return ApiResponse(500, body, headers())
    return None


def require(request: ApiRequest, name: str) -> str:
    """A required parameter, or 400 naming it as the lexicon validator does."""
    value = request.query.get(name, "")
    if not value:
        raise invalid(f'Error: Params must have the property "{name}"')
    return value


def int_param(request: ApiRequest, name: str, default: int, low: int, high: int) -> int:
    """An integer parameter within the lexicon's bounds."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"Error: {name} must be an integer") from None
    if value < low:
        raise invalid(f"Error: {name} can not be less than {low}")
    if value > high:
        raise invalid(f"Error: {name} can not be greater than {high}")
    return value


def bool_param(request: ApiRequest, name: str) -> bool:
    """A boolean parameter ("true"/"false")."""
    raw = request.query.get(name, "false")
    if raw not in ("true", "false"):
        raise invalid(f"Error: {name} must be a boolean")
    return raw == "true"


def all_values(request: ApiRequest, name: str) -> list[str]:
    """Every value of a repeated parameter (`actors=a&actors=b`), from the raw request target."""
    query = urlsplit(request.target).query if request.target else ""
    values = [value for key, value in parse_qsl(query, keep_blank_values=True) if key == name]
    return values or ([request.query[name]] if name in request.query else [])


def repeat_cursor(
    request: ApiRequest, start: int, cursor: str | None
) -> tuple[str | None, tuple[Fault, ...]]:
    """Under a "repeat_cursor" quirk from `after_items` on, the cursor the page was asked with."""
    asked = request.query.get("cursor")
    for fault in request.shape:
        if fault.kind == "repeat_cursor" and asked and start >= fault.after_items:
            return asked, (fault,)
    return cursor, ()


def not_found_uris(request: ApiRequest) -> dict[str, Fault]:
    """The posts a "not_found_post" quirk shows as notFoundPost, by at-uri."""
    return {f.item_id: f for f in request.shape if f.kind == "not_found_post" and f.item_id}


def body_mentions(body: Any, text: str) -> bool:
    """Whether an answer's JSON mentions `text` anywhere (which quirks it actually applied)."""
    return text in repr(body)
