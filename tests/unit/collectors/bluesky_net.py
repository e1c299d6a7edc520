"""A PLC directory, a PDS and an AppView answering hand-written fixtures, as an httpx transport.

No server: `collectors.bluesky.build_collector(transport=…)` hands the transport to the atproto
SDK's own httpx client, so the collector and the SDK run unchanged. Fixtures are in
tests/fixtures/bluesky/ (sources in tests/fixtures/SOURCES.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from collectors.bluesky import build_collector
from collectors.bluesky.collector import BlueskyCollector
from tests.fixtures import load

DID = "did:plc:ysvbel4kq7mz2xw3n5p6rt2a"
HANDLE = "belediye.example.tr"
PLC = "https://plc.example.tr"
PDS = "https://pds.example.tr"
APPVIEW = "https://appview.example.tr"
REPLIER_DID = "did:plc:mehmetcelik4ka5lb6mc7nd2"
REPLIER_PDS = "https://kuzey.pds.example.tr"
QUOTER_DID = "did:plc:elifyilmaz5pe6qf7rg2sh3t"  # quotes P2; the postgate detaches her quote
P1 = f"at://{DID}/app.bsky.feed.post/3lcmq2fyzw22a"
P2 = f"at://{DID}/app.bsky.feed.post/3lcjx5b7pk42c"
COLLECTIONS = {"app.bsky.graph.block": "list_records_block_p1",
               "app.bsky.graph.listblock": "list_records_listblock",
               "app.bsky.feed.threadgate": "list_records_threadgate",
               "app.bsky.feed.postgate": "list_records_postgate"}
THREADS = {P1: "get_post_thread", P2: "get_post_thread_no_replies"}
Route = Callable[[httpx.Request], httpx.Response | None]


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """A JSON answer as the services send it."""
    return httpx.Response(status, content=json.dumps(body).encode(),
                          headers={"content-type": "application/json; charset=utf-8", **(headers or {})})


def fixture(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """The fixture `bluesky/{name}.json` as an answer."""
    return answer(load(f"bluesky/{name}.json"), status, headers)


class Network:
    """Routes each request to its fixture; `override[nsid]` answers first when it returns one."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.override: dict[str, Route] = {}

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The transport's handler."""
        self.requests.append(request)
        url = request.url
        nsid = url.path.removeprefix("/xrpc/")
        if nsid in self.override:
            special = self.override[nsid](request)
            if special is not None:
                return special
        if url.host == "plc.example.tr":
            return self._plc(url.path.lstrip("/"))
        params = url.params
        if nsid == "com.atproto.identity.resolveHandle":
            return fixture("resolve_handle") if params["handle"] == HANDLE else \
                answer({"error": "InvalidRequest", "message": "Unable to resolve handle"}, 400)
        if nsid == "com.atproto.repo.listRecords" and url.host == "pds.example.tr":
            if params.get("cursor"):
                return fixture("list_records_empty")
            return fixture(COLLECTIONS[params["collection"]])
        if nsid == "com.atproto.repo.getRecord" and url.host == "kuzey.pds.example.tr":
            return fixture("get_record_post")
        if nsid == "com.atproto.repo.getRecord" and url.host == "guney.pds.example.tr":
            return fixture("get_record_quote")
        if nsid == "app.bsky.feed.getAuthorFeed":
            return fixture("get_author_feed") if not params.get("cursor") else answer({"feed": []})
        if nsid == "app.bsky.feed.getPostThread":
            return fixture(THREADS[params["uri"]])
        if nsid == "app.bsky.actor.getProfiles":
            return fixture("get_profiles")
        if nsid == "app.bsky.graph.getList":
            return fixture("get_list")
        return answer({"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501)

    def _plc(self, did: str) -> httpx.Response:
        documents = {DID: "did_document_plc", REPLIER_DID: "did_document_replier",
                     QUOTER_DID: "did_document_quoter"}
        if did in documents:
            return fixture(documents[did])
        return httpx.Response(404, json={"message": f"DID not registered: {did}"})

    def asked(self, nsid: str) -> list[httpx.Request]:
        """The requests sent for one XRPC method."""
        return [r for r in self.requests if r.url.path == f"/xrpc/{nsid}"]


def collector(network: Network, *, handle: str | None = HANDLE, sleeps: list[float] | None = None,
              max_retries: int = 2) -> BlueskyCollector:
    """A collector of the fictional municipality talking to `network` (sleeps recorded, not slept)."""
    waits = sleeps if sleeps is not None else []
    return build_collector(did=DID, handle=handle, appview_url=APPVIEW, plc_url=PLC, timeout=5.0,
                           max_retries=max_retries, transport=httpx.MockTransport(network.handle),
                           sleep=waits.append)
