"""The Bluesky collector's identity: the handle and the DID document both ways, PDS addresses, and
the answers a DID document may come as (through the atproto SDK unchanged).

Fixtures: tests/fixtures/bluesky/*.json (sources in tests/fixtures/SOURCES.md), served by an httpx
MockTransport handed to the SDK's own httpx client (tests/unit/collectors/bluesky_net.py).
"""

from __future__ import annotations

import json

import httpx
import pytest

from collectors.bluesky import build_collector
from collectors.bluesky.client import XrpcReader, did_document_url
from collectors.records import NotFound, PlatformError
from tests.fixtures import load
from tests.unit.collectors.bluesky_net import (
    APPVIEW,
    DID,
    PDS,
    Network,
    answer,
    collector,
    fixture,
)


def test_identity_resolves_the_handle_and_the_did_document_both_ways() -> None:
    """resolveHandle on the AppView, the DID document on the PLC directory: DID, handle, PDS."""
    network = Network()
    account = collector(network)
    assert account.identity() == (DID, "belediye.example.tr", PDS)
    account.check_token()
    assert [r.url.path for r in network.requests] == [
        "/xrpc/com.atproto.identity.resolveHandle", f"/{DID}", "/xrpc/com.atproto.identity.resolveHandle"]


def test_check_names_both_sides_when_the_handle_points_elsewhere() -> None:
    """A handle that resolves to another DID: NotFound naming both, nothing collected."""
    network = Network()
    network.override["com.atproto.identity.resolveHandle"] = lambda r: fixture("resolve_handle_other")
    with pytest.raises(NotFound) as caught:
        collector(network).check_token()
    assert "resolves to did:plc:sahtehesap2ab3cd4ef5gh6i, not to the configured DID" in str(caught.value)
    assert caught.value.details["handle_from_did_doc"] == "belediye.example.tr"
    assert caught.value.details["did_from_handle"] == "did:plc:sahtehesap2ab3cd4ef5gh6i"


def test_check_names_a_did_document_claiming_another_handle() -> None:
    """The DID document's alsoKnownAs disagrees with the configured handle: said, with both."""
    network = Network()
    account = collector(network, handle="eski.example.tr")
    network.override["com.atproto.identity.resolveHandle"] = lambda r: fixture("resolve_handle")
    with pytest.raises(NotFound, match=r"claims the handle belediye\.example\.tr, not eski\.example\.tr"):
        account.check_token()


def test_did_document_addresses() -> None:
    """did:plc at `{plc_url}/{did}`; did:web at the host's well-known file."""
    assert did_document_url(DID, "https://plc.example.tr/") == f"https://plc.example.tr/{DID}"
    assert did_document_url("did:web:belediye.example.tr", "x") == \
        "https://belediye.example.tr/.well-known/did.json"
    with pytest.raises(NotFound):
        did_document_url("did:key:z6Mk", "x")


def test_a_did_web_document_is_read_from_the_host() -> None:
    """did:web: the document at `https://{host}/.well-known/did.json`, its id checked."""
    document = load("bluesky/did_document_plc.json")
    document["id"] = "did:web:valilik.example.tr"
    seen: list[str] = []

    def host(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return answer(document)
    reader = XrpcReader(timeout=5.0, transport=httpx.MockTransport(host))
    read = reader.did_document("did:web:valilik.example.tr", "https://plc.example.tr")
    assert seen == ["https://valilik.example.tr/.well-known/did.json"]
    assert (read.handle, read.pds_url) == ("belediye.example.tr", PDS)


def test_a_dropped_connection_is_retried_then_a_platform_error() -> None:
    """httpx's RemoteProtocolError (a server hanging up mid-answer) is retried, then said plainly."""
    sleeps: list[float] = []

    def hang_up(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    reader = XrpcReader(timeout=5.0, max_retries=2, backoff_seconds=0.5,
                        transport=httpx.MockTransport(hang_up), sleep=sleeps.append)
    with pytest.raises(PlatformError, match="dropped the connection"):
        reader.query(PDS, "com.atproto.repo.listRecords",
                     {"repo": DID, "collection": "app.bsky.graph.block", "limit": 100})
    assert (reader.calls, sleeps) == (3, [0.5, 1.0])


def test_a_did_document_served_as_did_ld_json_is_read() -> None:
    """The PLC directory's content type is application/did+ld+json, which the SDK leaves as bytes."""
    document = json.dumps(load("bluesky/did_document_plc.json")).encode()

    def plc(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=document,
                              headers={"content-type": "application/did+ld+json; charset=utf-8"})
    reader = XrpcReader(timeout=5.0, transport=httpx.MockTransport(plc))
    read = reader.did_document(DID, "https://plc.example.tr")
    assert (read.handle, read.pds_url) == ("belediye.example.tr", PDS)


def test_a_did_document_that_is_not_json_is_malformed() -> None:
    """An HTML page where the document should be: a MalformedAnswer, never a traceback."""
    def plc(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<html></html>", headers={"content-type": "text/html"})
    reader = XrpcReader(timeout=5.0, transport=httpx.MockTransport(plc))
    with pytest.raises(PlatformError, match="did not answer JSON"):
        reader.did_document(DID, "https://plc.example.tr")


def test_an_unknown_did_is_not_found() -> None:
    """The PLC directory answers 404: NotFound naming the DID, not retried."""
    network = Network()
    account = build_collector(did="did:plc:yokboyle2ab3cd4ef5gh6ij7", handle=None, appview_url=APPVIEW,
                              plc_url="https://plc.example.tr", timeout=5.0,
                              transport=httpx.MockTransport(network.handle), sleep=pytest.fail)
    with pytest.raises(NotFound, match="does not know this DID"):
        account.identity()


