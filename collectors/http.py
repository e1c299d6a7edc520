"""The HTTP session every SDK client is given: base-URL rewriting, bounded retries, call counting."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from collectors.reads import ReadMeter
from collectors.records import PlatformError

log = logging.getLogger(__name__)


# Loggers of the HTTP stack that print request URLs, query string (and so tokens) included.
URL_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "requests_oauthlib.oauth1_session",
               "requests_oauthlib.oauth1_auth", "oauthlib.oauth1.rfc5849", "tweepy.client")


class RedactingFilter(logging.Filter):
    """Masks tokens in a log record before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


def install_log_redaction() -> None:
    """Attach the redacting filter to the HTTP stack's loggers (idempotent)."""
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


class AuditSession(requests.Session):
    """A requests session that sends an SDK's hard-coded host to a configured base URL.

    It also counts requests (platforms bill and throttle per call) and remembers the last
    response headers, and retries only transient failures (connection errors, 5xx) with backoff.
    """

    def __init__(self, sdk_prefix: str, base_url: str, *, max_retries: int = 3,
                 backoff_seconds: float = 1.0, timeout: float | None = None) -> None:
        super().__init__()
        install_log_redaction()
        self.sdk_prefix = sdk_prefix.rstrip("/") + "/"
        self.base_url = base_url.rstrip("/") + "/"
        # Read proxy and CA settings from the environment once, for the one host this session
        # talks to. requests would rescan the whole environment on every request: with a token
        # variable per account, thousands of them, that costs more CPU than the scan itself.
        self.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        self.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self.trust_env = False
        self.calls = 0
        self.timeout = timeout  # for SDKs (tweepy) that never pass one
        self.last_headers: dict[str, str] = {}
        self.last_status: int | None = None
        self.meter: ReadMeter | None = None  # set per run: what was read, per endpoint
        retry = Retry(
            total=max_retries,
            connect=max_retries,
            read=max_retries,
            status=max_retries,
            other=0,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=(500, 502, 503, 504),
            backoff_factor=backoff_seconds,
            backoff_max=60,
            respect_retry_after_header=False,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any,
                **kwargs: Any) -> requests.Response:
        """Send a request, rewriting the SDK's host prefix to the configured base URL."""
        url = url.decode() if isinstance(url, bytes) else url
        if url.startswith(self.sdk_prefix):
            url = self.base_url + url[len(self.sdk_prefix):]
        self.calls += 1
        if kwargs.get("timeout") is None and self.timeout is not None:
            kwargs["timeout"] = self.timeout
        response = super().request(method, url, *args, **kwargs)
        self.last_headers = dict(response.headers)
        self.last_status = response.status_code
        if self.meter is not None:
            self.meter.record(url, _json_or_none(response))
        return response

    def non_json(self) -> PlatformError:
        """The error for an answer that is not the platform's JSON: status and type, never the body."""
        content_type = next((v for k, v in self.last_headers.items() if k.lower() == "content-type"),
                            "no content type")
        return PlatformError(
            f"{self.base_url.rstrip('/')} answered HTTP {self.last_status} with {content_type}, "
            "not the platform's JSON: a proxy or filter in between?",
            {"http_status": self.last_status, "content_type": content_type, "reason": "not_json"})

    def unreachable(self, exc: requests.RequestException) -> PlatformError:
        """The one-line error for a request that failed (DNS, refused, TLS, timeout, cut off)."""
        base, reason = self.base_url.rstrip("/"), network_reason(exc)
        if reason in (CUT_OFF, TIMED_OUT):
            # It was reached: a transient failure, not a wrong address.
            return PlatformError(f"the answer from {base} failed: {reason}", {"reason": "transient"})
        return PlatformError(f"cannot reach {base}: {reason}", {"reason": "unreachable",
                                                                 "base_url": base})


CUT_OFF = "the connection was cut off before the answer ended"
TIMED_OUT = "no answer in time (read timeout)"


def network_reason(exc: requests.RequestException) -> str:
    """Why a request failed, in a few words, instead of urllib3's whole chain."""
    text = str(exc)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or any(
            word in text for word in ("Connection aborted", "RemoteDisconnected", "Connection broken",
                                      "IncompleteRead")):
        return CUT_OFF
    if isinstance(exc, requests.exceptions.SSLError):
        return "the TLS handshake failed (certificate?)"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TIMED_OUT
    if isinstance(exc, requests.Timeout):
        return "no connection in time (timeout)"
    if any(word in text for word in ("Name or service not known", "NameResolutionError",
                                     "Failed to resolve", "nodename nor servname",
                                     "Temporary failure in name resolution")):
        return "the host name does not resolve (DNS)"
    if "refused" in text.lower():
        return "connection refused"
    if isinstance(exc, requests.ConnectionError):
        return "the connection failed"
    return type(exc).__name__


def _json_or_none(response: requests.Response) -> object:
    """The answer's JSON body for counting, or None; the SDK parses it again on its own."""
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


_TOKEN_PATTERNS = (
    re.compile(r"((?:access_token|oauth_token|token)=)[^&\s'\"]+", re.IGNORECASE),
    re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/%=-]+"),
    re.compile(r"(oauth_(?:token|signature|consumer_key|nonce)=\\?\")[^\"\\]*", re.IGNORECASE),
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with any token-looking query parameter and every known secret masked."""
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(r"\1***", text)
    for value in secrets:
        if value:
            text = text.replace(value, "***")
    return text
