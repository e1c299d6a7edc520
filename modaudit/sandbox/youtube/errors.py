"""YouTube Data API v3 errors in Google's envelope, and the OAuth token endpoint's errors."""

from __future__ import annotations

from typing import Any

CONTENT_TYPE = "application/json; charset=UTF-8"
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class YTError(Exception):
    """An error answer, raised inside the handlers and turned into a response."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body


def google_error(status: int, message: str, reason: str, domain: str = "global") -> YTError:
    """`{"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}`."""
    return YTError(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": domain, "reason": reason}],
                "status": _STATUS_NAMES.get(status, "UNKNOWN"),
            }
        },
    )


def login_required() -> YTError:
    """401: no Bearer token at all."""
    return google_error(
        401,
        "Request is missing required authentication credential. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential.",
        "required",
    )


def invalid_credentials() -> YTError:
    """401: a Bearer token the platform does not know (wrong, expired or revoked)."""
    return google_error(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential.",
        "authError",
    )


def insufficient_scopes() -> YTError:
    """403: the token lacks the scope the request needs."""
    return google_error(403, "Request had insufficient authentication scopes.", "insufficientPermissions")


def forbidden(message: str, domain: str = "youtube.commentThread") -> YTError:
    """403: owner-only data asked by someone else's token."""
    return google_error(403, message, "forbidden", domain)


def bad_request(message: str, reason: str = "invalidParameter", domain: str = "youtube.parameter") -> YTError:
    """400: a parameter is missing, unknown, out of range or combined wrongly."""
    return google_error(400, message, reason, domain)


def unknown_part(part: str) -> YTError:
    """400: a `part` value the resource does not have."""
    return google_error(400, f"'{part}'", "unknownPart", "youtube.part")


def not_found(message: str, reason: str, domain: str) -> YTError:
    """404: e.g. playlistNotFound, videoNotFound, channelNotFound."""
    return google_error(404, message, reason, domain)


def comments_disabled(video_id: str) -> YTError:
    """403: commentThreads.list?videoId= on a video whose comments are turned off."""
    return google_error(
        403,
        f"The video identified by the <code><a href=\"/youtube/v3/docs/commentThreads/list#videoId\">"
        f"videoId</a></code> parameter ({video_id}) has disabled comments.",
        "commentsDisabled",
        "youtube.commentThread",
    )


def quota_exceeded() -> YTError:
    """403: the project's units for the (Pacific) day are spent."""
    return google_error(
        403,
        "The request cannot be completed because you have exceeded your "
        "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
        "quotaExceeded",
        "youtube.quota",
    )


def backend_error() -> YTError:
    """500: Google's transient backendError."""
    return google_error(500, "Backend Error", "backendError")


def oauth_error(error: str, description: str) -> YTError:
    """An OAuth 2.0 token endpoint error (RFC 6749 §5.2): 400 {"error", "error_description"}."""
    return YTError(400, {"error": error, "error_description": description})
