"""X API credentials: OAuth 1.0a user context (HMAC-SHA1 verified), OAuth 2.0 user and app tokens."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

from oauthlib.oauth1.rfc5849 import signature, utils

from modaudit.sandbox.api import ApiRequest
from modaudit.sandbox.world.x import XAccountSpec
from modaudit.sandbox.x.errors import unauthorized, unsupported_auth

OAUTH1 = "oauth1"
OAUTH2_USER = "oauth2_user"
APP_ONLY = "app"


@dataclass(frozen=True)
class XAuth:
    """Who a request authenticates as: an account's user context, or only an app."""

    kind: str  # OAUTH1 | OAUTH2_USER | APP_ONLY
    account: XAccountSpec  # the account whose credentials these are (for app-only: its app)
    identity: str  # a key for rate-limit bookkeeping

    @property
    def user_id(self) -> str | None:
        """The authenticated user, or None for app-only."""
        return None if self.kind == APP_ONLY else self.account.user_id

    def require_user(self) -> str:
        """The authenticated user's id; raises the 403 X gives app-only tokens."""
        if self.user_id is None:
            raise unsupported_auth()
        return self.user_id


def authenticate(request: ApiRequest, accounts: Iterable[XAccountSpec]) -> XAuth:
    """The credentials of a request; raises the 401 answer if they are missing or wrong."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    accounts = list(accounts)
    if scheme.lower() == "bearer" and credentials.strip():
        token = credentials.strip()
        for account in accounts:
            if _same(token, account.oauth2_user_token):
                return XAuth(OAUTH2_USER, account, f"user:{account.user_id}")
            if account.app_bearer_token and _same(token, account.app_bearer_token):
                return XAuth(APP_ONLY, account, f"app:{account.consumer_key}")
        raise unauthorized()
    if scheme.lower() == "oauth":
        account = _verify_oauth1(request, header, accounts)
        if account is not None:
            return XAuth(OAUTH1, account, f"user:{account.user_id}")
    raise unauthorized()


def _verify_oauth1(
    request: ApiRequest, header: str, accounts: list[XAccountSpec]
) -> XAccountSpec | None:
    """The account whose keys signed this request (RFC 5849 HMAC-SHA1), or None."""
    try:
        oauth = dict(utils.parse_authorization_header(header))
        split = urlsplit(request.target)
        params = signature.collect_parameters(uri_query=split.query, headers={"Authorization": header})
    except ValueError:
        return None
    consumer_key = utils.unescape(oauth.get("oauth_consumer_key", ""))
    token = utils.unescape(oauth.get("oauth_token", ""))
    sent = utils.unescape(oauth.get("oauth_signature", ""))
    if oauth.get("oauth_signature_method") != "HMAC-SHA1" or not sent:
        return None
    account = next(
        (a for a in accounts if a.consumer_key == consumer_key and a.access_token == token), None
    )
    if account is None:
        return None
    host = request.headers.get("host") or urlsplit(request.base_url).netloc
    signed = SimpleNamespace(  # what oauthlib's server-side check reads from a request
        uri=f"http://{host}{split.path}", http_method=request.method, params=params, signature=sent
    )
    valid = signature.verify_hmac_sha1(signed, account.consumer_secret, account.access_token_secret)
    return account if valid else None


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets (any characters)."""
    return hmac.compare_digest(given.encode(), expected.encode())
