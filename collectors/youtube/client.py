"""The YouTube Data API v3 through Google's own clients: the only module importing
`googleapiclient` and `google.*` (google-auth).

Requests are built by google-api-python-client from the discovery document it ships
(`static_discovery=True`); timeouts and retries are the libraries' own (httplib2's timeout,
`num_retries` on execute). Every call is counted in quota units and its errors translated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from collectors.http import redact
from collectors.reads import ReadMeter
from collectors.records import CollectorError, PlatformError
from collectors.youtube.defaults import YOUTUBE_SCOPE
from collectors.youtube.errors import translate_http, translate_refresh
from collectors.youtube.quota import UnitCap, units_of

log = logging.getLogger(__name__)


class YouTubeClient:
    """A built `youtube` v3 service with its credentials, a quota-unit meter and a unit cap."""

    def __init__(self, service: Any, credentials: Credentials, http: Any, *, max_retries: int,
                 secrets: tuple[str, ...], base_url: str,
                 clock: Callable[[], datetime]) -> None:
        self.service = service
        self.credentials = credentials
        self.http = http
        self.max_retries = max_retries
        self.secrets = secrets
        self.base_url = base_url
        self.clock = clock
        self.meter = ReadMeter("youtube")
        self.cap = UnitCap()
        self.sleep: Callable[[float], None] | None = None  # None: the library's own backoff sleep

    @property
    def units_spent(self) -> int:
        """Quota units spent by this client so far."""
        return self.meter.resources("units")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Execute `method` ("commentThreads.list") with `params`; the answer, or a CollectorError."""
        self.cap.check(self.units_spent, method)
        resource, verb = method.split(".")
        request = getattr(getattr(self.service, resource)(), verb)(**params)
        if self.sleep is not None:
            request._sleep = self.sleep  # googleapiclient's own seam for its retry backoff
        # Google charges a call whether it succeeds or not: count it before it is sent.
        self.meter.spend(f"youtube.{method}", units_of(method))
        try:
            answer = request.execute(num_retries=self.max_retries)
        except HttpError as exc:
            raise translate_http(exc.status_code, exc.content, method, self.clock(),
                                 self.secrets) from None
        except RefreshError as exc:
            raise translate_refresh(exc.args, self.secrets) from None
        except (TransportError, httplib2.HttpLib2Error, OSError) as exc:
            raise self._unreachable(exc) from None
        except ValueError as exc:  # a 200 whose body is not JSON
            raise PlatformError(f"YouTube {method} answered with a body that is not JSON "
                                f"({type(exc).__name__}): a proxy or filter in between?") from None
        if not isinstance(answer, dict):
            raise PlatformError(f"malformed YouTube answer for {method}: not a JSON object")
        return answer

    def refresh(self) -> None:
        """Trade the refresh token for an access token now (AuthFailed naming the fix if refused)."""
        try:
            self.credentials.refresh(google_auth_httplib2.Request(self.http.http))
        except RefreshError as exc:
            raise translate_refresh(exc.args, self.secrets) from None
        except (TransportError, httplib2.HttpLib2Error, OSError) as exc:
            raise self._unreachable(exc) from None

    def granted_scopes(self) -> frozenset[str]:
        """The scopes the last refresh answer said the token carries (empty before a refresh)."""
        return frozenset(self.credentials.granted_scopes or ())

    def _unreachable(self, exc: Exception) -> CollectorError:
        said = redact(f"{type(exc).__name__}: {exc}", self.secrets)[:200]
        return PlatformError(f"cannot reach {self.base_url} for YouTube: {said}",
                             {"reason": "unreachable", "base_url": self.base_url})


def make_client(*, client_id: str, client_secret: str, refresh_token: str, api_base_url: str,
                token_uri: str, timeout: float, max_retries: int, http: Any = None,
                clock: Callable[[], datetime] | None = None) -> YouTubeClient:
    """A client for the owner's refresh token; `http` replaces httplib2's (tests give
    googleapiclient's HttpMockSequence: the token refresh and every API call go through it)."""
    # Asking for the scope on refresh makes google-auth keep the answer's `scope` as
    # granted_scopes (it does not with scopes=None), and Google refuses (invalid_scope) a
    # refresh token that was never granted it.
    credentials = Credentials(token=None, refresh_token=refresh_token, client_id=client_id,
                              client_secret=client_secret, token_uri=token_uri,
                              scopes=[YOUTUBE_SCOPE])
    # build() takes credentials or an http, not both: an AuthorizedHttp over our own httplib2.Http
    # carries the timeout (build's default has none), and lets tests put HttpMockSequence under it.
    base = http if http is not None else httplib2.Http(timeout=timeout)
    authorized = google_auth_httplib2.AuthorizedHttp(credentials, http=base)
    # The shipped document's method paths carry `youtube/v3/` (its servicePath is empty): the
    # endpoint is the host alone.
    endpoint = api_base_url.rstrip("/") + "/"
    service = build("youtube", "v3", http=authorized, static_discovery=True, cache_discovery=False,
                    client_options={"api_endpoint": endpoint})
    return YouTubeClient(service, credentials, authorized, max_retries=max_retries,
                         secrets=_maskable(client_secret, refresh_token),
                         base_url=api_base_url.rstrip("/"), clock=clock or _utcnow)


def _maskable(*secrets: str) -> tuple[str, ...]:
    # A real client secret or refresh token is dozens of characters; masking a stray short value
    # would only garble every message (it is never a credential Google issues).
    return tuple(secret for secret in secrets if secret and len(secret) >= 8)


def _utcnow() -> datetime:
    return datetime.now(UTC)
