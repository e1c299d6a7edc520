"""Google's OAuth 2.0 token endpoint (refresh grant) and Bearer checks on YouTube requests."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from modaudit.sandbox.world.youtube import (
    FORCE_SSL_SCOPE,
    READONLY_SCOPE,
    YOUTUBE_SCOPE,
    YTChannelSpec,
    YTState,
)
from modaudit.sandbox.youtube.errors import (
    YTError,
    insufficient_scopes,
    invalid_credentials,
    login_required,
    oauth_error,
)

ACCESS_TOKEN_LIFETIME = 3599  # seconds, what Google's token endpoint says
READ_SCOPES = frozenset({FORCE_SSL_SCOPE, YOUTUBE_SCOPE, READONLY_SCOPE})
MODERATION_SCOPES = frozenset({FORCE_SSL_SCOPE, YOUTUBE_SCOPE})


def token_grant(state: YTState, form: Mapping[str, str]) -> dict[str, Any]:
    """The token endpoint's answer to a refresh grant; raises the OAuth error otherwise."""
    if form.get("grant_type") != "refresh_token":
        raise oauth_error("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
    client = [c for c in state.channels.values() if _same(form.get("client_id", ""), c.client_id)]
    if not client or not any(_same(form.get("client_secret", ""), c.client_secret) for c in client):
        error = oauth_error("invalid_client", "The OAuth client was not found.")
        raise YTError(401, error.body)
    channel = next(
        (c for c in client if not c.revoked and _same(form.get("refresh_token", ""), c.refresh_token)),
        None,
    )
    if channel is None:
        raise oauth_error("invalid_grant", "Token has been expired or revoked.")
    return {
        "access_token": channel.access_token,
        "expires_in": ACCESS_TOKEN_LIFETIME,
        "scope": " ".join(channel.scopes),
        "token_type": "Bearer",
    }


def bearer_channel(state: YTState, headers: Mapping[str, str]) -> YTChannelSpec:
    """The channel whose owner's access token authorises a request; raises the 401 otherwise."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise login_required()
    for channel in state.channels.values():
        if not channel.revoked and _same(token.strip(), channel.access_token):
            if not READ_SCOPES & set(channel.scopes):
                raise insufficient_scopes()
            return channel
    raise invalid_credentials()


def may_moderate(channel: YTChannelSpec) -> bool:
    """Whether the token's scopes allow owner-only moderation reads (force-ssl or youtube)."""
    return bool(MODERATION_SCOPES & set(channel.scopes))


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode(), expected.encode())
