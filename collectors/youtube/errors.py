"""Google's error answers for the YouTube Data API, translated into the project's errors.

Pure: an HTTP status and body (Google's envelope `{"error": {"code", "message", "errors":
[{"message", "domain", "reason"}], "status"}}`) in, a CollectorError out. Messages name the fix,
never a token, client secret or refresh token.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from collectors.http import redact
from collectors.records import AuthFailed, CollectorError, NotFound, PlatformError, RateLimited
from collectors.validation import parse_item
from collectors.youtube.payloads import ErrorEnvelope
from collectors.youtube.quota import next_reset

QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
THROTTLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
AUTH_REASONS = frozenset({"forbidden", "insufficientPermissions", "authError", "unauthorized",
                          "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "channelNotFound"})
SCOPE_FIX = ("the refresh token lacks the https://www.googleapis.com/auth/youtube.force-ssl scope: "
             "add that scope on the OAuth consent screen, run the consent flow again as the "
             "channel's owner and store the new refresh token")
GRANT_FIX = ("Google refused the refresh token ({said}): it was revoked or has expired (a consent "
             "screen left in 'Testing' expires tokens after 7 days). Run the OAuth consent flow "
             "again as the channel's owner and store the new refresh token")
CLIENT_FIX = ("Google refused the OAuth client ({said}): check the client id and client secret "
              "of the Google Cloud project's OAuth client")

# `details["problem"]` of an AuthFailed, for `modaudit check` to pick its advice by.
REVOKED, BAD_CLIENT, MISSING_SCOPE, WRONG_CHANNEL = ("revoked_token", "bad_client",
                                                     "missing_scope", "wrong_channel")


class CommentsDisabled(CollectorError):
    """The video's comments are turned off (403 `commentsDisabled`): a state, not a failure."""


def error_reason(body: Any) -> tuple[str | None, str | None, str | None]:
    """(reason, domain, message) of the first error in Google's envelope, Nones if malformed."""
    envelope, _ = parse_item(ErrorEnvelope, body, ("error",))
    if envelope is None or envelope.error is None:
        return None, None, None
    first = envelope.error.errors[0] if envelope.error.errors else None
    reason = first.reason if first else envelope.error.status
    domain = first.domain if first else None
    return reason, domain, envelope.error.message or (first.message if first else None)


def decode(content: bytes | str | None) -> Any:
    """An error answer's body as JSON, or None when it is not JSON."""
    try:
        return json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        return None


def translate_http(status: int, content: bytes | str | None, method: str, now: datetime,
                   secrets: tuple[str, ...] = ()) -> CollectorError:
    """One table from a failed YouTube answer to the project's errors."""
    body = decode(content)
    reason, domain, said = error_reason(body)
    details: dict[str, Any] = {"http_status": status, "reason": reason, "domain": domain}
    text = redact(f"YouTube {method} answered HTTP {status} {reason or ''}: {said or 'no message'}"
                  .replace("  ", " "), secrets)
    if status == 403 and (reason in QUOTA_REASONS or domain == "youtube.quota"):
        reset = next_reset(now)
        return RateLimited(f"YouTube quota exhausted ({reason}); it resets at midnight Pacific "
                           f"time ({reset:%Y-%m-%d %H:%M} UTC)", reset, details)
    if status == 403 and reason == "commentsDisabled":
        return CommentsDisabled(text, details)
    if status == 429 or reason in THROTTLE_REASONS:
        return RateLimited(text, None, details)
    if status == 401:
        return AuthFailed(f"{text}; the access token was refused: check the OAuth client and run "
                          "the consent flow again if the refresh token was revoked", details)
    if status == 403 and reason == "insufficientPermissions":
        return AuthFailed(f"{text}; {SCOPE_FIX}", {**details, "problem": MISSING_SCOPE})
    if status == 403 and reason in AUTH_REASONS:
        return AuthFailed(f"{text}; the token's Google account may not own or manage this channel",
                          details)
    if status == 404:
        return NotFound(text, details)
    if body is None:
        return PlatformError(f"YouTube {method} answered HTTP {status} without Google's JSON "
                             "error: a proxy or filter in between?", details)
    return PlatformError(text, details)


def translate_refresh(args: tuple[Any, ...], secrets: tuple[str, ...] = ()) -> AuthFailed:
    """google-auth's RefreshError (its args: a message and the token endpoint's JSON) as AuthFailed."""
    answer = next((a for a in args if isinstance(a, dict)), {})
    error = str(answer.get("error") or "")
    description = str(answer.get("error_description") or "")
    said = redact(f"{error}: {description}" if error and description else
                  error or description or str(args[0] if args else ""), secrets)[:200]
    details: dict[str, Any] = {"reason": error or None}
    if error == "invalid_grant":
        return AuthFailed(GRANT_FIX.format(said=said or error), {**details, "problem": REVOKED})
    if error in ("invalid_client", "unauthorized_client"):
        return AuthFailed(CLIENT_FIX.format(said=said or error), {**details, "problem": BAD_CLIENT})
    if error == "invalid_scope":
        return AuthFailed(f"Google refused the scope asked on refresh ({said}); {SCOPE_FIX}",
                          {**details, "problem": MISSING_SCOPE})
    return AuthFailed(f"Google refused to refresh the access token ({said or 'no reason given'}): "
                      "run the OAuth consent flow again and store the new refresh token", details)
