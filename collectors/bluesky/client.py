"""Bluesky's public XRPC queries through the AT Protocol SDK (`atproto`), with no credentials.

The only module that imports `atproto*`: it sends each query with the SDK's own request
machinery (httpx underneath), checks every answer against the SDK's lexicon-generated models,
counts it in a ReadMeter, and turns the SDK's errors into the project's CollectorError family.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from atproto_client import models
from atproto_client.client.base import ClientBase
from atproto_client.exceptions import (
    BadRequestError,
    InvokeTimeoutError,
    ModelError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.models.common import XrpcError
from atproto_client.models.utils import get_or_create, get_response_model
from atproto_client.request import Request, Response
from atproto_core.did_doc import DidDocument
from atproto_core.exceptions import AtProtocolError
from pydantic import ValidationError

from collectors.bluesky.payloads import DidDoc
from collectors.reads import ReadMeter
from collectors.records import (
    AuthFailed,
    CollectorError,
    NotFound,
    PlatformError,
    RateLimited,
)

log = logging.getLogger(__name__)

# Each query modaudit sends: its parameters' model and its answer's model, both the SDK's own.
QUERIES: dict[str, tuple[type[Any], type[Any]]] = {
    "com.atproto.repo.listRecords": (models.ComAtprotoRepoListRecords.Params,
                                     models.ComAtprotoRepoListRecords.Response),
    "com.atproto.repo.getRecord": (models.ComAtprotoRepoGetRecord.Params,
                                   models.ComAtprotoRepoGetRecord.Response),
    "com.atproto.identity.resolveHandle": (models.ComAtprotoIdentityResolveHandle.Params,
                                           models.ComAtprotoIdentityResolveHandle.Response),
    "app.bsky.actor.getProfiles": (models.AppBskyActorGetProfiles.Params,
                                   models.AppBskyActorGetProfiles.Response),
    "app.bsky.graph.getList": (models.AppBskyGraphGetList.Params, models.AppBskyGraphGetList.Response),
    "app.bsky.feed.getAuthorFeed": (models.AppBskyFeedGetAuthorFeed.Params,
                                    models.AppBskyFeedGetAuthorFeed.Response),
    "app.bsky.feed.getPostThread": (models.AppBskyFeedGetPostThread.Params,
                                    models.AppBskyFeedGetPostThread.Response),
}
RATE_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy")


class MalformedAnswer(PlatformError):
    """An answer that does not match its lexicon: the listing that asked is incomplete."""


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _error_name(response: Response | None) -> str | None:
    content = response.content if response is not None else None
    if isinstance(content, XrpcError):
        return content.error
    return None


def _details(exc: RequestErrorBase) -> dict[str, Any]:
    """The HTTP status, XRPC error and rate-limit headers of a failed answer, kept as evidence."""
    response = exc.response
    if response is None:
        return {}
    details: dict[str, Any] = {"http_status": response.status_code}
    content = response.content
    if isinstance(content, XrpcError):
        details["error"] = content.error
        if content.message:
            details["message"] = content.message
    details.update({name: response.headers[name] for name in RATE_HEADERS if name in response.headers})
    return details


def translate(exc: AtProtocolError, what: str, url: str) -> CollectorError:
    """One table from the SDK's errors to the project's own (no credential is ever in play)."""
    host = _host(url)
    if isinstance(exc, RateLimitExceededError):
        return RateLimited(f"Bluesky rate limit on {what} at {host} (ratelimit-remaining "
                           f"{exc.remaining if exc.remaining is not None else '?'})",
                           exc.reset_at, _details(exc))
    if isinstance(exc, InvokeTimeoutError):
        return PlatformError(f"{what}: {host} did not answer in time")
    if isinstance(exc, NetworkError) and exc.response is None:
        return PlatformError(f"{what}: {host} could not be reached ({exc.__cause__ or 'network error'})")
    if isinstance(exc, RequestErrorBase):
        details = _details(exc)
        said = f"HTTP {details.get('http_status')}" + (f" {details['error']}" if "error" in details else "")
        if isinstance(exc, UnauthorizedError):
            return AuthFailed(f"{what}: {host} refused a public read ({said}); modaudit sends no "
                              "credential to Bluesky", details)
        if isinstance(exc, BadRequestError) and details.get("error") in ("RecordNotFound", "NotFound"):
            return NotFound(f"{what}: {said}", details)
        return PlatformError(f"{what}: {host} answered {said}", details)
    if isinstance(exc, ModelError):
        return MalformedAnswer(f"{what}: malformed answer from {host} ({str(exc).splitlines()[0]})")
    return PlatformError(f"{what}: {type(exc).__name__} from {host}")


def _retryable(exc: AtProtocolError) -> bool:
    """Timeouts, unreachable hosts and 5xx answers are worth another try; nothing else is."""
    if isinstance(exc, RateLimitExceededError | UnauthorizedError | BadRequestError):
        return False
    if isinstance(exc, NetworkError):
        return True
    response = getattr(exc, "response", None)
    return response is not None and response.status_code >= 500


class XrpcReader:
    """Sends Bluesky's public queries to the PDS, AppView or PLC directory, counted and validated."""

    def __init__(self, *, timeout: float, max_retries: int = 3, backoff_seconds: float = 1.0,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        options: dict[str, Any] = {"timeout": timeout}
        if transport is not None:
            options["transport"] = transport
        self.request = Request(**options)
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        self.meter = ReadMeter("bluesky")
        self.calls = 0

    def _send(self, send: Callable[[], Response], what: str, url: str, meter_key: str) -> Response:
        """One request under the bounded retry policy (5xx and timeouts only)."""
        for attempt in range(self.max_retries + 1):
            self.calls += 1
            try:
                response = send()
            except AtProtocolError as exc:
                self.meter.record(meter_key, None)
                if attempt < self.max_retries and _retryable(exc):
                    log.info("%s: retrying after %s", what, type(exc).__name__)
                    self.sleep(self.backoff_seconds * 2 ** attempt)
                    continue
                raise translate(exc, what, url) from None
            except httpx.TransportError as exc:
                # A connection dropped mid-answer reaches us as httpx's own error, unwrapped by
                # the SDK (docs/architecture.md §8): retried, then a PlatformError like a 5xx.
                self.meter.record(meter_key, None)
                if attempt < self.max_retries:
                    log.info("%s: retrying after %s", what, type(exc).__name__)
                    self.sleep(self.backoff_seconds * 2 ** attempt)
                    continue
                raise PlatformError(f"{what}: {_host(url)} dropped the connection "
                                    f"({type(exc).__name__})") from None
            self.meter.record(meter_key, response.content if isinstance(response.content, dict) else None)
            return response
        raise PlatformError(f"{what}: no answer after {self.max_retries + 1} tries")  # pragma: no cover

    def query(self, service_url: str, nsid: str, params: dict[str, Any]) -> dict[str, Any]:
        """The JSON answer of `nsid` on `service_url`, once it parses into the SDK's model."""
        params_model, response_model = QUERIES[nsid]
        client = ClientBase(service_url, self.request)
        query = get_or_create({k: v for k, v in params.items() if v is not None}, params_model)
        what = f"{nsid} ({_subject(params)})"
        response = self._send(lambda: client.invoke_query(nsid, params=query,
                                                          output_encoding="application/json"),
                              what, service_url, f"/xrpc/{nsid}")
        try:
            get_response_model(response, response_model)
        except (ModelError, ValidationError) as exc:
            raise translate(exc if isinstance(exc, ModelError) else ModelError(str(exc)),
                            what, service_url) from None
        assert isinstance(response.content, dict)  # get_response_model refused anything else
        return response.content

    def did_document(self, did: str, plc_url: str) -> DidDoc:
        """The DID document of `did` (PLC directory, or did:web's well-known file), read."""
        url = did_document_url(did, plc_url)
        what = f"DID document of {did}"
        try:
            response = self._send(lambda: self.request.get(url), what, url, "/did-document")
        except PlatformError as exc:
            if exc.details.get("http_status") == 404:
                raise NotFound(f"{what}: the directory at {_host(url)} does not know this DID",
                               exc.details) from None
            raise
        content = _json_document(response)
        if not isinstance(content, dict):
            raise MalformedAnswer(f"{what}: {_host(url)} did not answer JSON")
        try:
            document = DidDocument.from_dict(content)
        except (ValidationError, ValueError):
            raise MalformedAnswer(f"{what}: not a DID document") from None
        if document.get_did() != did:
            raise MalformedAnswer(f"{what}: the document names {document.get_did()!r} instead")
        return DidDoc(did=did, handle=document.get_handle(), pds_url=document.get_pds_endpoint(),
                      raw=content)


def _json_document(response: Response) -> Any:
    """A DID document's JSON: the SDK parses only `application/json`, while the PLC directory
    answers `application/did+ld+json` (left as bytes)."""
    if isinstance(response.content, bytes):
        content_type = str(response.headers.get("content-type") or response.headers.get("Content-Type") or "")
        if "json" not in content_type.lower():
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            return None
    return response.content


def did_document_url(did: str, plc_url: str) -> str:
    """Where a DID's document is: `{plc_url}/{did}`, or did:web's `https://{host}/.well-known/did.json`."""
    if did.startswith("did:plc:"):
        return f"{plc_url.rstrip('/')}/{did}"
    if did.startswith("did:web:") and ":" not in did[len("did:web:"):]:
        return f"https://{unquote(did[len('did:web:'):])}/.well-known/did.json"
    raise NotFound(f"{did!r} is neither a did:plc nor a host-level did:web", {"did": did})


def _subject(params: dict[str, Any]) -> str:
    for key in ("collection", "uri", "actor", "list", "handle", "actors"):
        if key in params:
            return f"{key}={params[key]}"
    return ""
